//! Differential testing of the incremental engine: a generated workspace of
//! parties, datasets and cross-border flows over 3–5 files goes through a
//! random sequence of edits (character insertions and deletions that break
//! the syntax, whole items deleted or inserted, flows moved between files,
//! a flow's `start` or `from` or a dataset's `subjects` changed, files removed
//! and restored); after every edit the incremental database's diagnostics must
//! equal those of a fresh `Analysis` over the same texts, and what
//! `changed_diagnostics` reports must be the difference between two fresh
//! analyses, before and after, over every file.
//!
//! A fresh analysis re-parses and re-checks its stdlib (seconds in a debug
//! build), so both sides use the part of the stdlib the export volumes live in
//! (core + CAC + the category tree). Budget: `HEGUI_DIFF_CASES` cases (default 48) of up to 12 edits.

use hegui_lang::diag::Diagnostic;
use hegui_lang::{Analysis, FileChange};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

fn stdlib() -> Vec<(&'static str, &'static str)> {
    hegui_lang::stdlib::FILES
        .iter()
        .copied()
        .filter(|(p, _)| {
            // The category tree too: without it every `categories` value is a
            // type error and no dataset holds personal information.
            (p.contains("/core/")
                || p.contains("/cac/")
                || p.contains("pipl/export")
                || p.ends_with("gbt39725/categories.hegui"))
                && !p.ends_with("tests.hegui")
        })
        .collect()
}

const EXPORTERS: &[&str] = &["h1", "h2", "h3"];
const PARTIES: &[(&str, &str, &str)] = &[
    ("h1", "CN-SH", "hospital"),
    ("h2", "CN-BJ", "hospital"),
    ("h3", "CN-GD", "health_app"),
    ("us", "US", "pharma"),
    ("sg", "SG", "analytics"),
    ("hk", "HK", "analytics"),
];
const CATEGORIES: &[&str] = &[
    "[health_status]",
    "[personal.contact]",
    "[personal.identity, health_status]",
    "[personal.demographic, personal.contact]",
];
const SUBJECTS: &[u32] = &[
    500, 9_000, 12_000, 60_000, 99_999, 400_000, 900_000, 1_200_000,
];

fn date(i: usize) -> String {
    // Around the 2024 regime change and year boundaries, 2023–2025.
    const DATES: &[&str] = &[
        "2023-01-01",
        "2023-06-15",
        "2023-12-31",
        "2024-01-01",
        "2024-03-21",
        "2024-03-22",
        "2024-07-01",
        "2024-12-31",
        "2025-01-01",
        "2025-02-15",
        "2025-09-10",
        "2025-12-31",
    ];
    DATES[i % DATES.len()].to_string()
}

fn party(i: usize, persons: u32) -> String {
    let (n, j, k) = PARTIES[i];
    format!(
        "party {n} \"方{i}\" {{\n  jurisdiction = \"{j}\"\n  kind = {k}\n  persons_processed = {persons}\n}}\n"
    )
}

fn dataset(i: usize, cat: usize, subjects: u32) -> String {
    format!(
        "dataset d{i} {{\n  categories = {}\n  subjects = {subjects}\n  grade = 4\n}}\n",
        CATEGORIES[cat % CATEGORIES.len()]
    )
}

#[derive(Clone, Debug)]
struct FlowSpec {
    from: usize,
    to: usize,
    data: Vec<usize>,
    start: usize,
    mechanism: usize,
}

fn flow(i: usize, f: &FlowSpec, n_datasets: usize) -> String {
    let data: Vec<String> = f
        .data
        .iter()
        .map(|d| format!("d{}", d % n_datasets))
        .collect();
    let start = date(f.start);
    let mech = match f.mechanism % 4 {
        0 => "\n  mechanism = standard_contract { signed = 2023-01-02  filed = 2023-01-05 }"
            .to_string(),
        1 => "\n  mechanism = security_assessment { approved = 2022-12-01 }".to_string(),
        2 => String::new(),
        _ => format!("\n  mechanism = standard_contract {{ signed = {start} }}"),
    };
    format!(
        "flow f{i} {{\n  from = {}  to = {}  data = [{}]\n  purpose = research  start = {start}{mech}\n  consent = separate  notice = true  pia = 2023-01-01\n}}\n",
        EXPORTERS[f.from % EXPORTERS.len()],
        PARTIES[3 + f.to % 3].0,
        data.join(", ")
    )
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(Index, Index, &'static str),
    Delete(Index, Index, usize),
    DeleteItem(Index, Index),
    InsertItem(Index, Index, FlowSpec),
    MoveFlow(Index, Index, Index),
    SetStart(Index, usize),
    SetFrom(Index, usize),
    SetSubjects(Index, usize),
    RemoveFile(Index),
}

const SNIPPETS: &[&str] = &[
    "x",
    "}",
    "{",
    "\n",
    "\nflow",
    " = ",
    "\"",
    "//",
    "0",
    "-",
    "合规",
    "😀",
    "[",
    "2024-02-30",
    "\nparty h1 { jurisdiction = \"CN\" }\n",
];

fn flow_spec() -> impl Strategy<Value = FlowSpec> {
    (
        0usize..3,
        0usize..3,
        prop::collection::vec(0usize..8, 1..3),
        0usize..12,
        0usize..4,
    )
        .prop_map(|(from, to, data, start, mechanism)| FlowSpec {
            from,
            to,
            data,
            start,
            mechanism,
        })
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), prop::sample::select(SNIPPETS))
            .prop_map(|(f, o, s)| Edit::Insert(f, o, s)),
        3 => (any::<Index>(), any::<Index>(), 1usize..12).prop_map(|(f, o, n)| Edit::Delete(f, o, n)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(f, i)| Edit::DeleteItem(f, i)),
        1 => (any::<Index>(), any::<Index>(), flow_spec()).prop_map(|(f, i, s)| Edit::InsertItem(f, i, s)),
        2 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(a, b, c)| Edit::MoveFlow(a, b, c)),
        2 => (any::<Index>(), 0usize..12).prop_map(|(i, d)| Edit::SetStart(i, d)),
        2 => (any::<Index>(), 0usize..3).prop_map(|(i, p)| Edit::SetFrom(i, p)),
        2 => (any::<Index>(), 0usize..8).prop_map(|(i, s)| Edit::SetSubjects(i, s)),
        1 => any::<Index>().prop_map(Edit::RemoveFile),
    ]
}

#[derive(Clone, Debug)]
struct Scenario {
    files: Vec<String>,
    edits: Vec<Edit>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        3usize..6,
        prop::collection::vec(0usize..8, 3..6),
        prop::collection::vec((flow_spec(), any::<Index>()), 4..12),
        prop::collection::vec(any::<Index>(), 9),
        prop::collection::vec(edit(), 1..13),
        0usize..8,
    )
        .prop_map(|(n_files, subjects, flows, placement, edits, persons)| {
            let mut files = vec![String::new(); n_files];
            let persons = SUBJECTS[persons] * 2;
            let mut items = Vec::new();
            for i in 0..PARTIES.len() {
                items.push(party(i, persons));
            }
            for (i, s) in subjects.iter().enumerate() {
                items.push(dataset(i, i + s, SUBJECTS[*s]));
            }
            for (k, item) in items.into_iter().enumerate() {
                let f = placement[k % placement.len()].index(n_files);
                files[f].push_str(&item);
                files[f].push('\n');
            }
            for (i, (spec, at)) in flows.iter().enumerate() {
                let f = at.index(n_files);
                files[f].push_str(&flow(i, spec, subjects.len()));
                files[f].push('\n');
            }
            Scenario { files, edits }
        })
}

/// The workspace under test: `None` is a removed file.
struct Ws {
    files: Vec<Option<String>>,
}

fn path(i: usize) -> String {
    format!("ws/file{i}.hegui")
}

fn floor(t: &str, mut i: usize) -> usize {
    i = i.min(t.len());
    while !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Items of a text: runs of lines, each starting at column 0 with a letter.
fn items(t: &str) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = Vec::new();
    let b = t.as_bytes();
    for i in 0..b.len() {
        if (i == 0 || b[i - 1] == b'\n') && b[i].is_ascii_alphabetic() {
            starts.push(i);
        }
    }
    let mut out = Vec::new();
    for (k, s) in starts.iter().enumerate() {
        out.push((*s, starts.get(k + 1).copied().unwrap_or(t.len())));
    }
    out
}

/// All flows `(file, start, end)` of the workspace.
fn flows(ws: &Ws) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (f, t) in ws.files.iter().enumerate() {
        if let Some(t) = t {
            for (s, e) in items(t) {
                if t[s..].starts_with("flow ") {
                    out.push((f, s, e));
                }
            }
        }
    }
    out
}

fn replace_field(t: &str, s: usize, e: usize, field: &str, value: &str) -> Option<String> {
    let item = &t[s..e];
    let at = item.find(&format!("{field} = "))? + field.len() + 3;
    let end = item[at..]
        .find(|c: char| c.is_whitespace() || c == '}')
        .map(|n| at + n)
        .unwrap_or(item.len());
    Some(format!("{}{}{}", &t[..s + at], value, &t[s + end..]))
}

/// Applies an edit; returns the files it changed.
fn apply(ws: &mut Ws, e: &Edit, next_flow: &mut usize) -> Vec<usize> {
    let n = ws.files.len();
    match e {
        Edit::Insert(f, o, s) => {
            let f = f.index(n);
            let Some(t) = &mut ws.files[f] else {
                return vec![];
            };
            let at = floor(t, o.index(t.len() + 1));
            t.insert_str(at, s);
            vec![f]
        }
        Edit::Delete(f, o, len) => {
            let f = f.index(n);
            let Some(t) = &mut ws.files[f] else {
                return vec![];
            };
            let at = floor(t, o.index(t.len() + 1));
            let end = floor(t, at + len).max(at);
            t.replace_range(at..end, "");
            vec![f]
        }
        Edit::DeleteItem(f, i) => {
            let f = f.index(n);
            let Some(t) = &mut ws.files[f] else {
                return vec![];
            };
            let its = items(t);
            if its.is_empty() {
                return vec![];
            }
            let (s, e) = its[i.index(its.len())];
            t.replace_range(s..e, "");
            vec![f]
        }
        Edit::InsertItem(f, i, spec) => {
            let f = f.index(n);
            let item = flow(100 + *next_flow, spec, 5);
            *next_flow += 1;
            let t = ws.files[f].get_or_insert_with(String::new);
            let its = items(t);
            let at = if its.is_empty() {
                t.len()
            } else {
                its[i.index(its.len())].0
            };
            t.insert_str(at, &format!("{item}\n"));
            vec![f]
        }
        Edit::MoveFlow(which, to, at) => {
            let fl = flows(ws);
            if fl.is_empty() {
                return vec![];
            }
            let (f, s, e) = fl[which.index(fl.len())];
            let t = ws.files[f].as_mut().expect("file of a flow");
            let item = t[s..e].to_string();
            t.replace_range(s..e, "");
            let g = to.index(n);
            let u = ws.files[g].get_or_insert_with(String::new);
            let its = items(u);
            let pos = if its.is_empty() {
                u.len()
            } else {
                its[at.index(its.len())].0
            };
            let item = if item.ends_with('\n') {
                item
            } else {
                format!("{item}\n")
            };
            u.insert_str(pos, &item);
            vec![f, g]
        }
        Edit::SetStart(which, d) | Edit::SetFrom(which, d) => {
            let fl = flows(ws);
            if fl.is_empty() {
                return vec![];
            }
            let (f, s, end) = fl[which.index(fl.len())];
            let (field, value) = match e {
                Edit::SetStart(..) => ("start", date(*d)),
                _ => ("from", EXPORTERS[*d % EXPORTERS.len()].to_string()),
            };
            let t = ws.files[f].as_mut().expect("file of a flow");
            if let Some(new) = replace_field(t, s, end, field, &value) {
                *t = new;
            }
            vec![f]
        }
        Edit::SetSubjects(which, s) => {
            let mut sets = Vec::new();
            for (f, t) in ws.files.iter().enumerate() {
                if let Some(t) = t {
                    for (a, b) in items(t) {
                        if t[a..].starts_with("dataset ") {
                            sets.push((f, a, b));
                        }
                    }
                }
            }
            if sets.is_empty() {
                return vec![];
            }
            let (f, a, b) = sets[which.index(sets.len())];
            let t = ws.files[f].as_mut().expect("file");
            if let Some(new) = replace_field(t, a, b, "subjects", &SUBJECTS[*s].to_string()) {
                *t = new;
            }
            vec![f]
        }
        Edit::RemoveFile(f) => {
            let f = f.index(n);
            match ws.files[f].take() {
                Some(_) => vec![f],
                None => vec![],
            }
        }
    }
}

fn fresh(ws: &Ws, std: &[(&str, &str)]) -> Analysis {
    let mut a = Analysis::with_stdlib(std);
    for (i, t) in ws.files.iter().enumerate() {
        if let Some(t) = t {
            a.set_file(&path(i), t);
        }
    }
    a
}

/// How the incremental side takes its diagnostics after each edit.
#[derive(Clone, Copy, PartialEq)]
enum Take {
    /// `Analysis::diagnostics`.
    Whole,
    /// As `hegui check` takes them: the memos shed after each file, so the
    /// edits after it run on a database with values evicted.
    Shedding,
    /// `Analysis::changed_diagnostics`: what an edit changed, anywhere.
    Changed,
}

/// Each file's diagnostics in a fresh analysis (files without any absent).
fn per_file(a: &Analysis) -> BTreeMap<String, Vec<Diagnostic>> {
    a.all_paths()
        .into_iter()
        .map(|p| (p.clone(), a.file_diagnostics(&p)))
        .filter(|(_, d)| !d.is_empty())
        .collect()
}

/// `a` minus `b` as multisets, in `a`'s order.
fn minus(a: &[Diagnostic], b: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut left: Vec<Option<&Diagnostic>> = b.iter().map(Some).collect();
    a.iter()
        .filter(
            |d| match left.iter_mut().find(|x| x.is_some_and(|x| x == *d)) {
                Some(slot) => {
                    *slot = None;
                    false
                }
                None => true,
            },
        )
        .cloned()
        .collect()
}

/// The changes `changed_diagnostics` must report between two fresh states:
/// every file whose diagnostics differ, with what was added and removed.
fn fresh_changes(
    before: &BTreeMap<String, Vec<Diagnostic>>,
    after: &BTreeMap<String, Vec<Diagnostic>>,
) -> Vec<FileChange> {
    let empty = Vec::new();
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter_map(|p| {
            let (b, a) = (
                before.get(p).unwrap_or(&empty),
                after.get(p).unwrap_or(&empty),
            );
            (a != b).then(|| FileChange {
                path: p.clone(),
                diagnostics: Arc::new(a.clone()),
                added: minus(a, b),
                removed: minus(b, a),
            })
        })
        .collect()
}

fn run(sc: &Scenario, std: &[(&str, &str)], how: Take) -> Result<(), TestCaseError> {
    let mut ws = Ws {
        files: sc.files.iter().cloned().map(Some).collect(),
    };
    let mut inc = fresh(&ws, std);
    let take = |a: &mut Analysis| match how {
        Take::Shedding => Arc::new(a.diagnostics_shedding(1)),
        Take::Whole | Take::Changed => a.diagnostics(),
    };
    let mut before = per_file(&fresh(&ws, std));
    if how == Take::Changed {
        let got = inc.changed_diagnostics();
        prop_assert_eq!(got, fresh_changes(&BTreeMap::new(), &before));
    } else {
        let first = take(&mut inc);
        prop_assert!(*first == *fresh(&ws, std).diagnostics());
    }
    let mut next_flow = 0;
    for (k, e) in sc.edits.iter().enumerate() {
        let edited = apply(&mut ws, e, &mut next_flow);
        // An editor opens some files before typing in them (their texts
        // then have low durability): results must not depend on it.
        for &f in &edited {
            if (k + f) % 3 == 0 {
                inc.set_editing(&path(f));
            }
        }
        if how == Take::Changed && k % 2 == 0 {
            let opened = inc.changed_diagnostics();
            prop_assert!(opened.is_empty(), "opening files changed {opened:#?}");
        }
        for f in edited {
            match &ws.files[f] {
                Some(t) => inc.set_file(&path(f), t),
                None => inc.remove_file(&path(f)),
            }
        }
        if how == Take::Changed {
            // Compared with a fresh analysis of every file, not only the
            // edited ones: a narrowed set of files asked must not miss any.
            let after = per_file(&fresh(&ws, std));
            let got = inc.changed_diagnostics();
            let want = fresh_changes(&before, &after);
            prop_assert!(
                got == want,
                "after edit {k} ({e:?}) the changed diagnostics differ from two fresh analyses'\n\
                 files: {:#?}\nreported: {got:#?}\nfresh: {want:#?}",
                ws.files,
            );
            before = after;
            continue;
        }
        let got = take(&mut inc);
        let want = fresh(&ws, std).diagnostics();
        prop_assert!(
            *got == *want,
            "after edit {k} ({e:?}) the incremental diagnostics differ from a fresh analysis\n\
             files: {:#?}\nincremental only: {:#?}\nfresh only: {:#?}",
            ws.files,
            got.iter().filter(|d| !want.contains(d)).collect::<Vec<_>>(),
            want.iter().filter(|d| !got.contains(d)).collect::<Vec<_>>()
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("HEGUI_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_equals_fresh_after_every_edit(sc in scenario()) {
        let std = stdlib();
        run(&sc, &std, Take::Whole)?;
    }

    #[test]
    fn a_shedding_check_equals_fresh_and_edits_after_it_too(sc in scenario()) {
        let std = stdlib();
        run(&sc, &std, Take::Shedding)?;
    }

    #[test]
    fn changed_diagnostics_equal_the_difference_of_fresh_analyses(sc in scenario()) {
        let std = stdlib();
        run(&sc, &std, Take::Changed)?;
    }
}

/// The generated workspace is meaningful: it has cross-border flows whose
/// cumulative volumes are computed, and findings of the export rules.
#[test]
fn generated_workspaces_exercise_the_export_rules() {
    let std = stdlib();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let sc = scenario().new_tree(&mut runner).expect("tree").current();
    let ws = Ws {
        files: sc.files.iter().cloned().map(Some).collect(),
    };
    let a = fresh(&ws, &std);
    let d = a.diagnostics();
    let user: Vec<_> = d
        .iter()
        .filter(|d| d.location.file.starts_with("ws/"))
        .collect();
    // A rule finding is a diagnostic whose code is a rule of the definitions;
    // every other error (syntax, unknown names, types) is the generator's fault.
    let rules = &a.defs().rules;
    let language_errors: Vec<_> = user
        .iter()
        .filter(|d| d.severity == hegui_lang::diag::Severity::Error)
        .filter(|d| !rules.contains_key(&d.code))
        .collect();
    assert!(
        language_errors.is_empty(),
        "the generated workspace has language errors: {language_errors:#?}"
    );
    assert!(
        user.iter()
            .any(|d| d.code.starts_with("CAC") || d.code.starts_with("PIPL")),
        "no export rule fired: {user:#?}"
    );
}
