//! `cargo run -p hegui-bench --release --example rego_ratio -- [FLOWS…]`: times
//! hegui's full check and regorus's evaluation of the Rego mirror
//! (rego/crossborder.rego) on the same generated workspaces, checks that the
//! verdicts are identical, and prints the ratio table (medians of several runs).
#[path = "../rego/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if args.is_empty() {
            vec![1_000, 10_000]
        } else {
            args
        }
    };
    println!(
        "| flows | hegui full check (ms) | hegui same rules, parsed (ms) | model → JSON (ms) | regorus setup (ms) | regorus eval (ms) | regorus / hegui full | regorus / hegui same rules | regorus by-year variant (ms) | variant / hegui same rules | verdicts | identical |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for n in sizes {
        let g = hegui_bench::generate(n, 10, 42);
        let runs = if n <= 2_000 { 7 } else { 3 };

        // hegui: a fresh analysis, the files, every diagnostic (parse, lower, check, rules).
        let mut hegui_t = Vec::new();
        let mut hegui_v = Default::default();
        for _ in 0..runs {
            let t = Instant::now();
            let a = hegui_bench::analysis_of(&g);
            let d = a.diagnostics();
            hegui_t.push(t.elapsed());
            std::hint::black_box(d.len());
            hegui_v = hegui_bench::hegui_verdicts(&a);
        }

        // hegui with the same rules only, files parsed beforehand (as Rego's
        // input is built beforehand): lowering and evaluation alone.
        let mut same_t = Vec::new();
        let mut same_v = Default::default();
        for _ in 0..runs {
            let a = hegui_bench::analysis_same_rules(&g);
            let t = Instant::now();
            let d = a.diagnostics();
            same_t.push(t.elapsed());
            std::hint::black_box(d.len());
            same_v = hegui_bench::hegui_verdicts(&a);
        }
        let same = median(same_t);

        // The input document for Rego: hegui's lowered model (not timed as either engine).
        let a = hegui_bench::analysis_of(&g);
        let t = Instant::now();
        let json = hegui_bench::model_json(&a);
        let to_json = t.elapsed();
        let input = harness::input(&json);

        // regorus: setup (new engine, parse the policy) apart from evaluation
        // (set the input, evaluate `findings`).
        let mut setup_t = Vec::new();
        let mut eval_t = Vec::new();
        let mut rego_v = Default::default();
        for _ in 0..runs {
            let t = Instant::now();
            let mut e = harness::engine();
            setup_t.push(t.elapsed());
            let t = Instant::now();
            rego_v = harness::verdicts(&mut e, input.clone());
            eval_t.push(t.elapsed());
        }

        // The variant with per-exporter-year totals (rego/crossborder_by_year.rego).
        let mut year_t = Vec::new();
        let mut year_v = Default::default();
        for _ in 0..runs {
            let mut e = harness::engine_with(harness::BY_YEAR_REGO);
            let t = Instant::now();
            year_v = harness::verdicts(&mut e, input.clone());
            year_t.push(t.elapsed());
        }
        let y = median(year_t);

        let (h, r) = (median(hegui_t), median(eval_t));
        println!(
            "| {n} | {:.1} | {:.1} | {:.1} | {:.2} | {:.1} | {:.2}× | {:.2}× | {:.1} | {:.2}× | {} | {} |",
            ms(h),
            ms(same),
            ms(to_json),
            ms(median(setup_t)),
            ms(r),
            r.as_secs_f64() / h.as_secs_f64(),
            r.as_secs_f64() / same.as_secs_f64(),
            ms(y),
            y.as_secs_f64() / same.as_secs_f64(),
            hegui_v.len(),
            if hegui_v == rego_v && hegui_v == year_v && hegui_v == same_v {
                "yes"
            } else {
                "NO"
            },
        );
    }
}
