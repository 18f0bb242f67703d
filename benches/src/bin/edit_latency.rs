//! `cargo run -p hegui-bench --release --bin edit_latency -- [FLOWS] [EDITS] [LARGEST] [CHECK_EVERY]`
//! (defaults 10000, 500, 60, 100): the time from an edit of one flow to every
//! diagnostic that changed anywhere in the workspace.
//!
//! `Analysis` has no call that returns the changed diagnostics, so this times
//! the closest thing it offers: `set_file` with the edited text, then
//! `diagnostics()` (every diagnostic of the workspace), then the difference
//! from the diagnostics before the edit (a multiset difference, in the clock).
//! The incremental result is checked against a fresh database every
//! CHECK_EVERY edits and after the last (outside the clock).
//!
//! Three kinds of edit on the seeded workspace (`generate(FLOWS, 10, 42)`):
//! - `pia`: a flow's PIA date moves by a day (no aggregate reads it);
//! - `start`: a flow's start moves by a day (its exporter's cumulative sums read it);
//! - `from`: a flow moves to another exporter (two exporters' sums change).
//!
//! Per kind, EDITS edits go round-robin over the exporters (every exporter
//! gets its turn before any gets a second), then LARGEST more on flows of the
//! largest exporter, reported apart. Edits accumulate (none is undone).
/// The same allocator as the CLI.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use hegui_lang::diag::Diagnostic;
use hegui_lang::Analysis;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a flow is: file index, and its exporter's number.
struct FlowAt {
    file: usize,
    name: String,
    exporter: usize,
}

fn flows_of(files: &[(String, String)]) -> Vec<FlowAt> {
    let mut out = Vec::new();
    for (i, (path, text)) in files.iter().enumerate() {
        if !path.starts_with("flows/") {
            continue;
        }
        for block in text.split("flow ").skip(1) {
            let name = block.split_whitespace().next().unwrap_or("").to_string();
            let exporter = block
                .split("from = h")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            out.push(FlowAt {
                file: i,
                name,
                exporter,
            });
        }
    }
    out
}

/// The text of `file` with one field of flow `name` changed.
fn edit(text: &str, name: &str, kind: &str, exporters: usize, n: usize) -> String {
    let at = text
        .find(&format!("flow {name} "))
        .expect("the flow is in its file");
    let end = at + text[at..].find("\n}\n").expect("the flow's end");
    let block = &text[at..end];
    let key = match kind {
        "pia" => "pia = ",
        "start" => "start = ",
        _ => "from = h",
    };
    let i = block.find(key).expect("the field") + key.len();
    let j = i + block[i..]
        .find(|c: char| c.is_whitespace())
        .unwrap_or(block.len() - i);
    let old = &block[i..j];
    let new = match kind {
        // YYYY-MM-DD: the day alternates between two values.
        "pia" | "start" => {
            let day: u32 = old[8..10].parse().unwrap_or(1);
            let day = if day >= 28 { day - 1 } else { day + 1 };
            format!("{}{day:02}", &old[..8])
        }
        // Another exporter, never the same one.
        _ => {
            let e: usize = old.parse().unwrap_or(0);
            ((e + 1 + n % (exporters - 1)) % exporters).to_string()
        }
    };
    format!("{}{}{new}{}", &text[..at], &block[..i], &text[at + j..])
}

/// Diagnostics in `after` not in `before` and the reverse (as multisets).
fn changed(before: &[Diagnostic], after: &[Diagnostic]) -> usize {
    let mut count: HashMap<&Diagnostic, i64> = HashMap::with_capacity(before.len());
    for d in before {
        *count.entry(d).or_default() += 1;
    }
    for d in after {
        *count.entry(d).or_default() -= 1;
    }
    count.values().map(|c| c.unsigned_abs() as usize).sum()
}

/// One timed edit: (time to diagnostics, time with the difference, diagnostics changed).
#[inline(never)]
fn measure_edit(
    a: &mut Analysis,
    path: &str,
    text: &str,
    before: &Arc<Vec<Diagnostic>>,
) -> (Duration, Duration, usize, Arc<Vec<Diagnostic>>) {
    let t = Instant::now();
    a.set_file(path, text);
    let after = a.diagnostics();
    let to_diags = t.elapsed();
    let n = changed(before, &after);
    (to_diags, t.elapsed(), n, after)
}

fn fresh(files: &[(String, String)]) -> Arc<Vec<Diagnostic>> {
    let mut a = Analysis::new();
    a.set_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    a.diagnostics()
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1e3
}

fn main() {
    let arg = |i: usize, d: usize| {
        std::env::args()
            .nth(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let (n_flows, edits, largest_edits, check_every) =
        (arg(1, 10_000), arg(2, 500), arg(3, 60), arg(4, 100));
    let g = hegui_bench::generate(n_flows, 10, 42);
    let mut files = g.files.clone();
    let flows = flows_of(&files);
    let mut by_exporter: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in flows.iter().enumerate() {
        by_exporter.entry(f.exporter).or_default().push(i);
    }
    let exporters = files
        .iter()
        .find(|(p, _)| p == "parties.hegui")
        .map(|(_, t)| t.matches("party h").count())
        .unwrap_or(2);
    let (largest, largest_flows) = by_exporter
        .iter()
        .max_by_key(|(_, v)| v.len())
        .map(|(e, v)| (*e, v.len()))
        .expect("flows");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{n_flows} flows in {} files, {} exporters with flows (largest: h{largest}, {largest_flows} flows), {threads} thread(s)",
        files.len(),
        by_exporter.len()
    );

    let mut a = Analysis::new();
    a.set_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let t = Instant::now();
    let mut before = a.diagnostics();
    println!(
        "full check: {:.0} ms, {} diagnostics",
        t.elapsed().as_secs_f64() * 1e3,
        before.len()
    );

    println!();
    println!("| edit | flows edited | median (ms) | p90 (ms) | max (ms) | median without the difference (ms) | diagnostics changed: median / max | largest exporter: edits | largest exporter: median (ms) | largest exporter: max (ms) |");
    println!("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    let mut checks = 0;
    let mut done = 0usize;
    for kind in ["pia", "start", "from"] {
        // Round-robin over the exporters, then the largest exporter's flows.
        let mut order: Vec<(usize, bool)> = Vec::new();
        let groups: Vec<&Vec<usize>> = by_exporter.values().collect();
        let mut round = 0;
        while order.len() < edits {
            let before_len = order.len();
            for grp in &groups {
                if let Some(&f) = grp.get(round) {
                    if order.len() < edits {
                        order.push((f, false));
                    }
                }
            }
            if order.len() == before_len {
                break;
            }
            round += 1;
        }
        let big = &by_exporter[&largest];
        for k in 0..largest_edits {
            order.push((big[(k * 7 + 3) % big.len()], true));
        }
        let (mut all, mut bare, mut big_t) = (Vec::new(), Vec::new(), Vec::new());
        let mut counts = Vec::new();
        for (n, (fi, is_big)) in order.iter().enumerate() {
            let f = &flows[*fi];
            let (path, text) = &files[f.file];
            let new = edit(text, &f.name, kind, exporters, n);
            let path = path.clone();
            let (t_diags, t_all, changed_n, after) = measure_edit(&mut a, &path, &new, &before);
            files[f.file].1 = new;
            if *is_big {
                big_t.push(t_all);
            } else {
                all.push(t_all);
                bare.push(t_diags);
                counts.push(changed_n);
            }
            before = after;
            done += 1;
            if done.is_multiple_of(check_every) || (kind == "from" && n + 1 == order.len()) {
                let f = fresh(&files);
                assert!(
                    *f == *before,
                    "after edit {done} ({kind} of {}): incremental diagnostics differ from a fresh database's",
                    flows[*fi].name
                );
                checks += 1;
            }
        }
        counts.sort();
        println!(
            "| {kind} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} / {} | {} | {:.1} | {:.1} |",
            all.len(),
            pct(&mut all, 0.5),
            pct(&mut all, 0.9),
            pct(&mut all, 1.0),
            pct(&mut bare, 0.5),
            counts[counts.len() / 2],
            counts.last().copied().unwrap_or(0),
            big_t.len(),
            pct(&mut big_t, 0.5),
            pct(&mut big_t, 1.0),
        );
    }
    println!();
    println!("{done} edits; incremental = fresh at {checks} checks");
}
