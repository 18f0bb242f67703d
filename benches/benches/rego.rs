//! hegui vs Rego (regorus) on the same data: `cargo bench -p hegui-bench --bench rego`.
//!
//! - `hegui/full_check/N`: a fresh `Analysis`, the generated files, `diagnostics()`
//!   (parsing, lowering, checks and every stdlib rule).
//! - `regorus/eval/N`: `set_input` + evaluating `findings` of rego/crossborder.rego
//!   on hegui's lowered model of the same workspace. Engine setup (new engine,
//!   parsing the policy) and building the input are outside the timing
//!   (`regorus/setup` times the setup alone).
//! - `regorus_by_year/eval/N`: the same with rego/crossborder_by_year.rego, whose
//!   cumulative sums scan only the flow's exporter-year instead of the exporter.
//!
//! Sample sizes are the minimum (10) so the run takes a few minutes: regorus
//! needs ~20 s per evaluation at 10,000 flows. `examples/rego_ratio.rs` prints
//! the ratio table.
#[path = "../rego/harness.rs"]
mod harness;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("rego");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("regorus/setup", |b| b.iter(harness::engine));
    for n in [1_000usize, 10_000] {
        let g = hegui_bench::generate(n, 10, 42);
        let a = hegui_bench::analysis_of(&g);
        let expected = hegui_bench::hegui_verdicts(&a);
        let input = harness::input(&hegui_bench::model_json(&a));
        drop(a);
        // The two engines must agree before their times mean anything.
        let got = harness::verdicts(&mut harness::engine(), input.clone());
        assert_eq!(got, expected, "hegui and Rego verdicts differ at {n} flows");

        group.bench_with_input(BenchmarkId::new("hegui/full_check", n), &g, |b, g| {
            b.iter(|| {
                let a = hegui_bench::analysis_of(g);
                a.diagnostics().len()
            })
        });
        group.bench_with_input(BenchmarkId::new("regorus/eval", n), &input, |b, input| {
            b.iter_batched(
                || (harness::engine(), input.clone()),
                |(mut e, input)| harness::verdicts(&mut e, input).len(),
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(
            BenchmarkId::new("regorus_by_year/eval", n),
            &input,
            |b, input| {
                b.iter_batched(
                    || (harness::engine_with(harness::BY_YEAR_REGO), input.clone()),
                    |(mut e, input)| harness::verdicts(&mut e, input).len(),
                    BatchSize::PerIteration,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
