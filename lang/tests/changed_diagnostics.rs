//! `Analysis::apply_edit` / `changed_diagnostics`: after an edit, exactly the
//! files whose diagnostics changed — including files the edit did not touch,
//! whose cumulative sums read the edited flow — each with what was added and
//! removed, checked against two fresh analyses.

use hegui_lang::diag::Diagnostic;
use hegui_lang::{Analysis, FileChange};
use std::collections::BTreeMap;

const PARTIES: &str = r#"
party h1 "医院一" { jurisdiction = "CN-SH" kind = hospital persons_processed = 10_000 }
party h2 "医院二" { jurisdiction = "CN-BJ" kind = hospital persons_processed = 10_000 }
party us "美国方" { jurisdiction = "US" kind = pharma }
dataset d1 { categories = [health_status] subjects = 3_000 grade = 4 }
dataset d2 { categories = [health_status] subjects = 4_000 grade = 4 }
dataset big { categories = [health_status] subjects = 9_000 grade = 4 }
"#;

fn flow(name: &str, from: &str, data: &str, start: &str) -> String {
    format!(
        "flow {name} {{\n  from = {from} to = us data = [{data}] start = {start}\n  mechanism = standard_contract {{ signed = 2025-01-02 filed = 2025-01-03 }}\n  consent = separate notice = true pia = 2025-01-01\n}}\n"
    )
}

/// h2 sends 4,000 sensitive-PI persons (fb, b.hegui) and then 9,000 (fc,
/// c.hegui) in 2025: at fc the year's total is 13,000 ≥ 10,000, so CAC-2024-7
/// is fc's. h1's fa (a.hegui) is another exporter's.
fn files() -> BTreeMap<String, String> {
    [
        ("parties.hegui", PARTIES.to_string()),
        ("a.hegui", flow("fa", "h1", "d1", "2025-02-01")),
        ("b.hegui", flow("fb", "h2", "d2", "2025-03-01")),
        ("c.hegui", flow("fc", "h2", "big", "2025-05-01")),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t))
    .collect()
}

/// Per file: all its diagnostics now, those added, those removed.
type Changes = BTreeMap<String, (Vec<Diagnostic>, Vec<Diagnostic>, Vec<Diagnostic>)>;

fn fresh(files: &BTreeMap<String, String>) -> Analysis {
    let mut a = Analysis::new();
    a.set_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    a
}

/// A fresh analysis's diagnostics, by file.
fn by_file(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in fresh(files).diagnostics().iter() {
        out.entry(d.location.file.clone())
            .or_default()
            .push(d.clone());
    }
    out
}

/// What should be reported going from `before` to `after`: every file whose
/// diagnostics differ, with the multiset differences (sorted as diagnostics are).
fn expected(
    before: &BTreeMap<String, Vec<Diagnostic>>,
    after: &BTreeMap<String, Vec<Diagnostic>>,
) -> Changes {
    let none = Vec::new();
    let mut out = BTreeMap::new();
    for path in before.keys().chain(after.keys()) {
        let (b, a) = (
            before.get(path).unwrap_or(&none),
            after.get(path).unwrap_or(&none),
        );
        if a == b {
            continue;
        }
        let minus = |x: &Vec<Diagnostic>, y: &Vec<Diagnostic>| {
            let mut left = y.clone();
            let mut out = Vec::new();
            for d in x {
                match left.iter().position(|e| e == d) {
                    Some(i) => {
                        left.remove(i);
                    }
                    None => out.push(d.clone()),
                }
            }
            out
        };
        out.insert(path.clone(), (a.clone(), minus(a, b), minus(b, a)));
    }
    out
}

fn got(changes: &[FileChange]) -> Changes {
    changes
        .iter()
        .map(|c| {
            (
                c.path.clone(),
                (c.diagnostics.to_vec(), c.added.clone(), c.removed.clone()),
            )
        })
        .collect()
}

fn cac7_on(diags: &[Diagnostic], subject: &str) -> bool {
    diags
        .iter()
        .any(|d| d.code == "CAC-2024-7" && d.subject.as_deref() == Some(subject))
}

#[test]
fn first_call_reports_every_file_with_diagnostics() {
    let files = files();
    let mut a = fresh(&files);
    let changes = a.changed_diagnostics();
    let all: Vec<Diagnostic> = changes
        .iter()
        .flat_map(|c| c.diagnostics.iter().cloned())
        .collect();
    assert_eq!(all, *a.diagnostics(), "together they are every diagnostic");
    assert!(changes
        .iter()
        .all(|c| c.removed.is_empty() && c.added == *c.diagnostics));
    assert!(
        cac7_on(&all, "fc"),
        "the workspace is as described: {all:#?}"
    );
    assert!(
        a.changed_diagnostics().is_empty(),
        "nothing changed since the last call"
    );
}

#[test]
fn an_edit_reports_the_files_whose_sums_read_it() {
    let mut files = files();
    let mut a = fresh(&files);
    a.changed_diagnostics();
    let before = by_file(&files);
    // fb moves after fc: at fc the year holds 9,000 persons (no CAC-2024-7),
    // at fb 13,000 (CAC-2024-7 moves to fb, in another file than fc's).
    let text = flow("fb", "h2", "d2", "2025-06-01");
    files.insert("b.hegui".into(), text.clone());
    let changes = a.apply_edit("b.hegui", &text);
    let after = by_file(&files);
    assert_eq!(got(&changes), expected(&before, &after));
    let c = changes
        .iter()
        .find(|c| c.path == "c.hegui")
        .expect("c.hegui was not edited, but its flow's sum changed");
    assert!(cac7_on(&c.removed, "fc") && !cac7_on(&c.diagnostics, "fc"));
    let b = changes
        .iter()
        .find(|c| c.path == "b.hegui")
        .expect("b.hegui");
    assert!(cac7_on(&b.added, "fb"), "{b:#?}");
    assert!(
        !changes
            .iter()
            .any(|c| c.path == "a.hegui" || c.path == "parties.hegui"),
        "h1's flow and the parties did not change: {changes:#?}"
    );
    // Every change is a real one, and the files together are a fresh analysis's.
    assert!(changes
        .iter()
        .all(|c| !(c.added.is_empty() && c.removed.is_empty())));
    let all: Vec<Diagnostic> = after.values().flatten().cloned().collect();
    assert_eq!(*a.diagnostics(), all);
}

#[test]
fn an_edit_that_changes_no_diagnostic_reports_nothing() {
    let files = files();
    let mut a = fresh(&files);
    a.changed_diagnostics();
    let text = format!("{}// a comment\n", files["a.hegui"]);
    assert_eq!(a.apply_edit("a.hegui", &text), Vec::new());
}

#[test]
fn a_removed_file_and_the_sums_it_fed_are_reported() {
    let mut files = files();
    let mut a = fresh(&files);
    a.changed_diagnostics();
    let before = by_file(&files);
    files.remove("b.hegui");
    a.remove_file("b.hegui");
    let changes = a.changed_diagnostics();
    let after = by_file(&files);
    assert_eq!(got(&changes), expected(&before, &after));
    let b = changes
        .iter()
        .find(|c| c.path == "b.hegui")
        .expect("b.hegui");
    assert!(b.diagnostics.is_empty() && !b.removed.is_empty());
    assert!(
        changes.iter().any(|c| c.path == "c.hegui"),
        "fc's sum lost fb's persons: {changes:#?}"
    );
}

/// Several edits in a row, each checked against fresh analyses.
#[test]
fn a_sequence_of_edits_matches_fresh_analyses() {
    let mut files = files();
    let mut a = fresh(&files);
    a.changed_diagnostics();
    let edits: Vec<(&str, String)> = vec![
        ("a.hegui", flow("fa", "h2", "d1", "2025-02-01")),
        ("c.hegui", flow("fc", "h2", "big", "2025-01-15")),
        (
            "b.hegui",
            "flow fb { from = h2 to = us data = [d2 start = 2025-03-01 }\n".into(),
        ),
        (
            "parties.hegui",
            PARTIES.replace("subjects = 3_000", "subjects = 30_000"),
        ),
        ("b.hegui", flow("fb", "h1", "d2", "2025-03-01")),
    ];
    let mut before = by_file(&files);
    for (path, text) in edits {
        files.insert(path.into(), text.clone());
        let changes = a.apply_edit(path, &text);
        let after = by_file(&files);
        assert_eq!(
            got(&changes),
            expected(&before, &after),
            "after editing {path}"
        );
        before = after;
    }
}
