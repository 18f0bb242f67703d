//! hegui vs Rego (regorus) on the same data: `cargo bench -p hegui-bench --bench rego`.
//! The same measurement as `examples/rego_ratio.rs` (which prints the table),
//! with criterion's statistics. Both sides on one thread, policy parsed and
//! compiled before the clock starts:
//!
//! - `hegui/eval/N`: `workspace_diagnostics` on the calling thread over a
//!   prepared analysis (files parsed, definitions merged and checked, entities
//!   lowered) with the stdlib files of the mirrored rules.
//! - `regorus_naive/eval/N`, `regorus_by_year/eval/N`: `set_input` + evaluating
//!   `findings` of rego/crossborder.rego or rego/crossborder_by_year.rego on an
//!   engine whose policy is parsed and prepared; the input (hegui's lowered
//!   model) is built beforehand.
//!
//! Sample sizes are the minimum (10): regorus needs seconds per evaluation at
//! 10,000 flows.
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
    for n in [1_000usize, 10_000] {
        let g = hegui_bench::generate(n, 10, 42);
        let a = hegui_bench::analysis_of(&g);
        let expected = hegui_bench::hegui_verdicts(&a);
        let input = harness::input(&hegui_bench::model_json(&a));
        drop(a);
        // The engines must agree before their times mean anything.
        for policy in [harness::NAIVE_REGO, harness::BY_YEAR_REGO] {
            let got = harness::verdicts(&mut harness::prepared_engine(policy), input.clone());
            assert_eq!(got, expected, "hegui and Rego verdicts differ at {n} flows");
        }

        group.bench_with_input(BenchmarkId::new("hegui/eval", n), &g, |b, g| {
            b.iter_batched(
                || hegui_bench::prepared(g, false),
                |a| {
                    // Returned, so that dropping the database stays outside the clock.
                    let n = hegui_bench::diagnostics_one_thread(&a).len();
                    (a, n)
                },
                BatchSize::PerIteration,
            )
        });
        for (name, policy) in [
            ("regorus_naive/eval", harness::NAIVE_REGO),
            ("regorus_by_year/eval", harness::BY_YEAR_REGO),
        ] {
            group.bench_with_input(BenchmarkId::new(name, n), &input, |b, input| {
                b.iter_batched(
                    || (harness::prepared_engine(policy), input.clone()),
                    |(mut e, input)| {
                        let n = harness::verdicts(&mut e, input).len();
                        (e, n)
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
