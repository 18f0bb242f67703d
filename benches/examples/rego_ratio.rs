//! `cargo run -p hegui-bench --release --example rego_ratio -- [FLOWS…]`: hegui
//! and regorus on the same generated workspaces, both on one thread, both with
//! their policy parsed and compiled beforehand, against both Rego mirrors
//! (rego/crossborder.rego, the direct one, and rego/crossborder_by_year.rego,
//! the one a competent Rego author writes). Checks that every side gives the
//! same verdicts, then prints the table (medians of several runs).
//!
//! What each column times (everything else is done before the clock starts):
//! - hegui eval: rule evaluation over lowered entities — `workspace_diagnostics`
//!   on the calling thread, after parsing every file, merging and checking the
//!   definitions and lowering every entity (`hegui_bench::prepared`). With the
//!   stdlib files of the mirrored rules and of what they read (`MIRRORED_STDLIB`;
//!   their other rules run too), and with the whole stdlib (every rule on every
//!   entity: more work than Rego is asked for).
//! - hegui lower + eval: the same, the entities lowered inside the clock too.
//! - regorus eval: `set_input` + evaluating `findings`, on an engine whose
//!   policy was parsed and prepared (analysed, scheduled) on an empty input.
//!   Its input is hegui's lowered model as a regorus value, built beforehand.
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

/// Times `run` on a fresh `setup()` each time (setup outside the clock).
fn timed<S, R>(runs: usize, setup: impl Fn() -> S, run: impl Fn(&mut S) -> R) -> (Duration, R) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let mut s = setup();
        let t = Instant::now();
        let r = run(&mut s);
        times.push(t.elapsed());
        last = Some(r);
        drop(s);
    }
    (median(times), last.expect("at least one run"))
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
        "| flows | verdicts | hegui eval, mirrored rules (ms) | hegui eval, whole stdlib (ms) | hegui lower + eval, mirrored rules (ms) | regorus eval, naive (ms) | regorus eval, by-year (ms) | naive / hegui eval | by-year / hegui eval | identical |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for n in sizes {
        let g = hegui_bench::generate(n, 10, 42);
        let runs = if n <= 2_000 { 7 } else { 3 };

        let (mirrored, v_mirrored) = timed(
            runs,
            || hegui_bench::prepared(&g, false),
            |a| hegui_bench::verdicts_of(&hegui_bench::diagnostics_one_thread(a)),
        );
        let (whole, v_whole) = timed(
            runs,
            || hegui_bench::prepared(&g, true),
            |a| hegui_bench::verdicts_of(&hegui_bench::diagnostics_one_thread(a)),
        );
        let (lower, v_lower) = timed(
            runs,
            || {
                let a = hegui_bench::analysis_same_rules(&g);
                std::hint::black_box(hegui_lang::db::def_checks(&a.db, a.ws));
                a
            },
            |a| hegui_bench::verdicts_of(&hegui_bench::diagnostics_one_thread(a)),
        );

        // Rego's input: hegui's lowered model (built once, outside every clock).
        let input = harness::input(&hegui_bench::model_json(&hegui_bench::analysis_of(&g)));
        let (naive, v_naive) = timed(
            runs,
            || (harness::prepared_engine(harness::NAIVE_REGO), input.clone()),
            |(e, input)| harness::verdicts(e, input.clone()),
        );
        let (by_year, v_by_year) = timed(
            runs,
            || {
                (
                    harness::prepared_engine(harness::BY_YEAR_REGO),
                    input.clone(),
                )
            },
            |(e, input)| harness::verdicts(e, input.clone()),
        );

        let identical = [&v_whole, &v_lower, &v_naive, &v_by_year]
            .iter()
            .all(|v| **v == v_mirrored);
        println!(
            "| {n} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2}× | {:.2}× | {} |",
            v_mirrored.len(),
            ms(mirrored),
            ms(whole),
            ms(lower),
            ms(naive),
            ms(by_year),
            naive.as_secs_f64() / mirrored.as_secs_f64(),
            by_year.as_secs_f64() / mirrored.as_secs_f64(),
            if identical { "yes" } else { "NO" },
        );
        if !identical {
            for (name, v) in [
                ("whole stdlib", &v_whole),
                ("lower + eval", &v_lower),
                ("regorus naive", &v_naive),
                ("regorus by-year", &v_by_year),
            ] {
                let only_hegui: Vec<_> = v_mirrored.difference(v).take(5).collect();
                let only_other: Vec<_> = v.difference(&v_mirrored).take(5).collect();
                if !only_hegui.is_empty() || !only_other.is_empty() {
                    eprintln!(
                        "{n} flows, {name}: {} verdicts against hegui's {}; only hegui's (first 5): {only_hegui:?}; only {name}'s: {only_other:?}",
                        v.len(),
                        v_mirrored.len()
                    );
                }
            }
            std::process::exit(1);
        }
    }
}
