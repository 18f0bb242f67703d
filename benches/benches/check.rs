//! Criterion benchmarks of the engine: parse throughput, full check of
//! generated workspaces against the whole stdlib, and the incremental
//! re-check after editing one flow. `cargo bench -p hegui-bench --bench check`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hegui_bench::generate;
use hegui_lang::Analysis;

fn load(files: &[(String, String)]) -> Analysis {
    let mut a = Analysis::new();
    for (p, t) in files {
        a.set_file(p, t);
    }
    a
}

fn parse(c: &mut Criterion) {
    let g = generate(1_000, 10, 42);
    let text: String = g.files.iter().map(|(_, t)| t.as_str()).collect();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("1k-flows-text", |b| {
        b.iter(|| hegui_lang::syntax::parse("x.hegui", &text))
    });
    group.finish();
}

fn full_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("full-check");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let g = generate(n, 10, 42);
        group.bench_function(format!("{n}-flows"), |b| {
            b.iter_batched(
                || g.files.clone(),
                |files| load(&files).diagnostics().len(),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn incremental(c: &mut Criterion) {
    let g = generate(10_000, 10, 42);
    let mut a = load(&g.files);
    a.diagnostics();
    let (path, text) = g
        .files
        .iter()
        .find(|(p, _)| p.starts_with("flows/"))
        .cloned()
        .expect("a flow file");
    let i = text.find("start = ").expect("a start field") + 16;
    let edited = format!(
        "{}{}{}",
        &text[..i],
        if &text[i..i + 2] == "01" { "02" } else { "01" },
        &text[i + 2..]
    );
    let mut group = c.benchmark_group("incremental");
    group.sample_size(20);
    let mut flip = false;
    // What the language server does on a keystroke: re-check the edited file.
    group.bench_function("edit-one-flow-10k/file-diagnostics", |b| {
        b.iter(|| {
            flip = !flip;
            a.set_file(&path, if flip { &edited } else { &text });
            a.file_diagnostics(&path).len()
        })
    });
    // What CI would do after the same edit: every diagnostic of the workspace.
    group.bench_function("edit-one-flow-10k/workspace-diagnostics", |b| {
        b.iter(|| {
            flip = !flip;
            a.set_file(&path, if flip { &edited } else { &text });
            a.diagnostics().len()
        })
    });
    // Every diagnostic that changed anywhere (`bin/edit_latency` spreads such
    // edits over all exporters and checks them against fresh databases).
    a.changed_diagnostics();
    group.bench_function("edit-one-flow-10k/changed-diagnostics", |b| {
        b.iter(|| {
            flip = !flip;
            a.apply_edit(&path, if flip { &edited } else { &text })
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, parse, full_check, incremental);
criterion_main!(benches);
