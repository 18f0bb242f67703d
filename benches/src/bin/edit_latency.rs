//! `cargo run -p hegui-bench --release --bin edit_latency -- [FLOWS] [EDITS] [LARGEST] [CHECK_EVERY] [OPEN]`
//! (defaults 10000, 500, 60, 50, 0): the time from an edit of one flow to every
//! diagnostic that changed anywhere in the workspace, through
//! `Analysis::apply_edit` (set the file's new text, then every file whose
//! diagnostics changed, with what was added and removed). Only that call is
//! in the clock.
//!
//! Checked in the run itself against fresh databases, outside the clock:
//! every CHECK_EVERY-th edit and the last edit of each kind, the changed set
//! must be exactly the difference between a fresh analysis before the edit and
//! one after it (file by file, diagnostics added and removed), and the
//! diagnostics the calls have reported so far, put together, must be the fresh
//! analysis's. Every change reported must be a real one (something added or
//! removed). Any mismatch stops the run.
//!
//! Three kinds of edit on the seeded workspace (`generate(FLOWS, 10, 42)`):
//! - `pia`: a flow's PIA date moves by a day (no aggregate reads it);
//! - `start`: a flow's start moves by a day (its exporter's cumulative sums read it);
//! - `from`: a flow moves to another exporter (two exporters' sums change).
//!
//! Per kind, EDITS edits go round-robin over the exporters (every exporter
//! gets its turn before any gets a second), then LARGEST more on flows of the
//! largest exporter, reported apart. Edits accumulate (none is undone).
//!
//! With OPEN = 1, each edited file is first opened as an editor opens it
//! (`Analysis::set_editing`, then `changed_diagnostics`), outside the clock;
//! the opening's own time is reported in its column. With 0 no file is.
/// The same allocator as the CLI.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use hegui_lang::diag::Diagnostic;
use hegui_lang::{Analysis, FileChange};
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

type ByFile = BTreeMap<String, Vec<Diagnostic>>;

/// A fresh database's diagnostics, by file.
fn fresh(files: &[(String, String)]) -> ByFile {
    let mut a = Analysis::new();
    a.set_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let mut out = ByFile::new();
    for d in a.diagnostics().iter() {
        out.entry(d.location.file.clone())
            .or_default()
            .push(d.clone());
    }
    out
}

/// Multiset difference `a − b`, as counts.
fn minus<'a>(a: &'a [Diagnostic], b: &[Diagnostic]) -> HashMap<&'a Diagnostic, usize> {
    let mut count: HashMap<&Diagnostic, i64> = HashMap::new();
    for d in a {
        *count.entry(d).or_default() += 1;
    }
    for d in b {
        if let Some(n) = count.get_mut(d) {
            *n -= 1;
        }
    }
    count
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| (d, n as usize))
        .collect()
}

fn counts(v: &[Diagnostic]) -> HashMap<&Diagnostic, usize> {
    let mut c = HashMap::new();
    for d in v {
        *c.entry(d).or_default() += 1;
    }
    c
}

/// The changed set must be exactly the fresh analyses' difference, file by file.
fn check_changes(before: &ByFile, after: &ByFile, changes: &[FileChange]) -> Result<(), String> {
    let none = Vec::new();
    let mut want: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p).unwrap_or(&none) != after.get(*p).unwrap_or(&none))
        .collect();
    want.sort();
    want.dedup();
    let got: Vec<&String> = changes.iter().map(|c| &c.path).collect();
    if got != want {
        return Err(format!("files changed: reported {got:?}, fresh {want:?}"));
    }
    for c in changes {
        let (b, a) = (
            before.get(&c.path).unwrap_or(&none),
            after.get(&c.path).unwrap_or(&none),
        );
        if *c.diagnostics != *a {
            return Err(format!("{}: its diagnostics differ from fresh", c.path));
        }
        if counts(&c.added) != minus(a, b) || counts(&c.removed) != minus(b, a) {
            return Err(format!("{}: added/removed differ from fresh", c.path));
        }
    }
    Ok(())
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
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
        (arg(1, 10_000), arg(2, 500), arg(3, 60), arg(4, 50).max(1));
    let open_first = arg(5, 0) == 1;
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
    let first = a.changed_diagnostics();
    // What the calls reported, put together: checked against fresh analyses.
    let mut reported: BTreeMap<String, Arc<Vec<Diagnostic>>> =
        first.into_iter().map(|c| (c.path, c.diagnostics)).collect();
    println!(
        "first changed_diagnostics (the full check): {:.0} ms, {} diagnostics",
        t.elapsed().as_secs_f64() * 1e3,
        reported.values().map(|v| v.len()).sum::<usize>()
    );

    println!();
    println!(
        "edited files opened first (outside the clock): {}",
        if open_first { "yes" } else { "no" }
    );
    println!("| edit | edits | files edited | median (ms) | p90 (ms) | max (ms) | files changed: median / max | diagnostics changed: median / max | largest exporter: edits | largest exporter: median (ms) | largest exporter: max (ms) | opening: median (ms) |");
    println!("|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|");
    let (mut checks, mut done) = (0, 0usize);
    // `HEGUI_EDIT_KINDS=pia,start` runs only those (for profiling one kind).
    let kinds = std::env::var("HEGUI_EDIT_KINDS").unwrap_or_else(|_| "pia,start,from".into());
    for kind in kinds.split(',') {
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
        let (mut spread, mut big_t) = (Vec::new(), Vec::new());
        let (mut n_files, mut n_diags) = (Vec::new(), Vec::new());
        let mut opening = Vec::new();
        let mut edited_files = std::collections::BTreeSet::new();
        for (n, (fi, is_big)) in order.iter().enumerate() {
            let f = &flows[*fi];
            let new = edit(&files[f.file].1, &f.name, kind, exporters, n);
            let path = files[f.file].0.clone();
            edited_files.insert(f.file);
            done += 1;
            let check = done.is_multiple_of(check_every) || n + 1 == order.len();
            let fresh_before = check.then(|| fresh(&files));
            if open_first {
                let t = Instant::now();
                a.set_editing(&path);
                let none = a.changed_diagnostics();
                opening.push(t.elapsed());
                assert!(
                    none.is_empty(),
                    "edit {done}: opening {path} changed diagnostics"
                );
            }
            let t = Instant::now();
            let changes = std::hint::black_box(a.apply_edit(&path, &new));
            let took = t.elapsed();
            files[f.file].1 = new;
            if let Some(c) = changes
                .iter()
                .find(|c| c.added.is_empty() && c.removed.is_empty())
            {
                panic!(
                    "edit {done}: {} reported as changed, but nothing was",
                    c.path
                );
            }
            if *is_big {
                big_t.push(took);
            } else {
                spread.push(took);
                n_files.push(changes.len());
                n_diags.push(
                    changes
                        .iter()
                        .map(|c| c.added.len() + c.removed.len())
                        .sum::<usize>(),
                );
            }
            for c in &changes {
                if c.diagnostics.is_empty() {
                    reported.remove(&c.path);
                } else {
                    reported.insert(c.path.clone(), c.diagnostics.clone());
                }
            }
            if let Some(before) = fresh_before {
                let after = fresh(&files);
                if let Err(e) = check_changes(&before, &after, &changes) {
                    panic!("edit {done} ({kind} of {}): {e}", f.name);
                }
                let all_reported: Vec<&Diagnostic> =
                    reported.values().flat_map(|v| v.iter()).collect();
                let all_fresh: Vec<&Diagnostic> = after.values().flatten().collect();
                assert!(
                    all_reported == all_fresh,
                    "edit {done} ({kind} of {}): the diagnostics reported so far differ from a fresh analysis's",
                    f.name
                );
                checks += 1;
            }
        }
        n_files.sort();
        n_diags.sort();
        println!(
            "| {kind} | {} | {} | {:.1} | {:.1} | {:.1} | {} / {} | {} / {} | {} | {:.1} | {:.1} | {:.1} |",
            spread.len(),
            edited_files.len(),
            pct(&mut spread, 0.5),
            pct(&mut spread, 0.9),
            pct(&mut spread, 1.0),
            n_files[n_files.len() / 2],
            n_files.last().copied().unwrap_or(0),
            n_diags[n_diags.len() / 2],
            n_diags.last().copied().unwrap_or(0),
            big_t.len(),
            pct(&mut big_t, 0.5),
            pct(&mut big_t, 1.0),
            pct(&mut opening, 0.5),
        );
    }
    println!();
    println!(
        "{done} edits; {checks} checked against fresh analyses (changed set exact, everything reported = fresh): all passed"
    );
}
