//! The incremental engine: reuse is asserted on salsa's execution log, and
//! incremental results must always equal a fresh database's.

use hegui_lang::db::{EntityKey, FileKey};
use hegui_lang::diag::Diagnostic;
use hegui_lang::Analysis;
use salsa::plumbing::AsId;
use std::sync::Arc;

const PARTIES: &str = r#"
party h1 "医院一" { jurisdiction = "CN-SH" kind = hospital persons_processed = 10_000 }
party h2 "医院二" { jurisdiction = "CN-BJ" kind = hospital persons_processed = 10_000 }
party us "美国方" { jurisdiction = "US" kind = pharma }
dataset d1 { categories = [health_status] subjects = 3_000 grade = 4 }
dataset d2 { categories = [health_status] subjects = 4_000 grade = 4 }
"#;

fn flow(name: &str, from: &str, data: &str, start: &str) -> String {
    format!(
        "flow {name} {{\n  from = {from} to = us data = [{data}] start = {start}\n  mechanism = standard_contract {{ signed = 2025-01-02 filed = 2025-01-03 }}\n  consent = separate notice = true pia = 2025-01-01\n}}\n"
    )
}

fn workspace() -> Analysis {
    let mut a = Analysis::with_query_log();
    a.set_file("parties.hegui", PARTIES);
    a.set_file("a.hegui", &flow("fa", "h1", "d1", "2025-02-01"));
    a.set_file("b.hegui", &flow("fb", "h2", "d2", "2025-03-01"));
    a.set_file("c.hegui", &flow("fc", "h2", "d1", "2025-04-01"));
    a
}

/// The executions of `query` for the entity `name` in the log.
fn executed(a: &Analysis, log: &[String], query: &str, name: &str) -> bool {
    let key = EntityKey::new(&a.db, a.ws, name.to_string());
    let needle = format!("{query}({:?})", key.as_id());
    log.contains(&needle)
}

/// The executions of `query` for the file `path` in the log.
fn executed_file(a: &Analysis, log: &[String], query: &str, path: &str) -> bool {
    let file =
        a.ws.files(&a.db)
            .iter()
            .copied()
            .find(|f| f.path(&a.db) == path)
            .expect("a file of the workspace");
    let key = FileKey::new(&a.db, a.ws, file);
    let needle = format!("{query}({:?})", key.as_id());
    log.contains(&needle)
}

fn count(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|l| l.starts_with(&format!("{query}(")))
        .count()
}

#[test]
fn editing_one_flow_reevaluates_only_its_file_and_its_exporters_aggregates() {
    let mut a = workspace();
    let before = a.diagnostics();
    a.db.start_log();
    // fb changes its start date: same exporter as fc, different from fa.
    a.set_file("b.hegui", &flow("fb", "h2", "d2", "2025-03-05"));
    let after = a.diagnostics();
    let log = a.db.take_log();
    assert_eq!(
        count(&log, "parse_file"),
        1,
        "only b.hegui is re-parsed: {log:#?}"
    );
    assert!(
        executed_file(&a, &log, "file_findings", "b.hegui"),
        "{log:#?}"
    );
    assert!(
        executed_file(&a, &log, "file_findings", "c.hegui"),
        "fc sums fb's persons: {log:#?}"
    );
    assert!(
        !executed_file(&a, &log, "file_findings", "a.hegui"),
        "fa is another exporter's: {log:#?}"
    );
    assert!(!executed(&a, &log, "entity_data", "fa"), "{log:#?}");
    assert_eq!(before.len(), after.len());
}

#[test]
fn editing_a_comment_reevaluates_nothing() {
    let mut a = workspace();
    a.diagnostics();
    a.db.start_log();
    a.set_file(
        "a.hegui",
        &format!("{}// a comment\n", flow("fa", "h1", "d1", "2025-02-01")),
    );
    a.diagnostics();
    let log = a.db.take_log();
    assert_eq!(count(&log, "file_findings"), 0, "{log:#?}");
}

#[test]
fn adding_a_file_is_seen_by_cumulative_sums() {
    let mut a = workspace();
    let fresh_count = |a: &Analysis| {
        a.diagnostics()
            .iter()
            .filter(|d| d.code == "CAC-2024-7")
            .count()
    };
    assert_eq!(fresh_count(&a), 0);
    // 9,000 more sensitive-PI persons from h2 in the same year: 16,000 ≥ 10,000.
    a.set_file(
        "extra.hegui",
        "dataset big { categories = [health_status] subjects = 9_000 grade = 4 }\n",
    );
    a.set_file("d.hegui", &flow("fd", "h2", "big", "2025-05-01"));
    assert_eq!(fresh_count(&a), 1, "{:#?}", a.diagnostics());
    a.remove_file("d.hegui");
    assert_eq!(fresh_count(&a), 0);
}

/// A deterministic sequence of edits; after each, incremental == from scratch.
#[test]
fn incremental_equals_fresh_after_every_edit() {
    let mut inc = workspace();
    let mut files: std::collections::BTreeMap<String, String> = [
        ("parties.hegui".to_string(), PARTIES.to_string()),
        ("a.hegui".to_string(), flow("fa", "h1", "d1", "2025-02-01")),
        ("b.hegui".to_string(), flow("fb", "h2", "d2", "2025-03-01")),
        ("c.hegui".to_string(), flow("fc", "h2", "d1", "2025-04-01")),
    ]
    .into_iter()
    .collect();
    inc.diagnostics();
    let edits: Vec<(&str, String)> = vec![
        ("a.hegui", flow("fa", "h2", "d1", "2025-02-01")),
        ("b.hegui", flow("fb", "h2", "d2", "2024-03-01")),
        (
            "c.hegui",
            "flow fc { from = h2 to = us data = [d1 start = 2025-04-01 }\n".to_string(),
        ),
        (
            "parties.hegui",
            PARTIES.replace("subjects = 3_000", "subjects = 30_000"),
        ),
        ("c.hegui", flow("fc", "h2", "d1", "2025-04-01")),
        ("a.hegui", String::new()),
        ("b.hegui", flow("fb", "h1", "d2", "2023-12-31")),
        ("parties.hegui", PARTIES.replace("CN-BJ", "HK")),
    ];
    for (path, text) in edits {
        inc.set_file(path, &text);
        files.insert(path.to_string(), text);
        let mut fresh = Analysis::new();
        for (p, t) in &files {
            fresh.set_file(p, t);
        }
        assert_eq!(
            *inc.diagnostics(),
            *fresh.diagnostics(),
            "after editing {path}"
        );
    }
}

/// Facts of different entities that read each other (a flow's fact reads its
/// datasets', whose fact reads every flow's) must not trip the shared caches.
#[test]
fn facts_reading_each_other_across_entities_are_evaluated_not_looped() {
    let policy = r#"
derive dataset.used_abroad = any(f in flows: dataset in f.data and f.cross_border)
derive flow.ships_used_data = any(d in flow.data: d.used_abroad)
rule X-CROSS "甲" "A" {
  cite "c" "c"
  when flow.ships_used_data
}
"#;
    let mut a = workspace();
    a.set_file("policy.hegui", policy);
    let fired: Vec<String> = a
        .diagnostics()
        .iter()
        .filter(|d| d.code == "X-CROSS")
        .filter_map(|d| d.subject.clone())
        .collect();
    assert_eq!(fired, vec!["fa", "fb", "fc"]);
    // And the same after an edit, incrementally.
    a.set_file("a.hegui", &flow("fa", "h1", "d1", "2025-02-02"));
    let again: Vec<String> = a
        .diagnostics()
        .iter()
        .filter(|d| d.code == "X-CROSS")
        .filter_map(|d| d.subject.clone())
        .collect();
    assert_eq!(again, fired);
}

/// A user policy file: a derived fact and a rule over flows.
const POLICY: &str = "derive flow.local_big = flow.from.persons_processed >= 5_000\nrule LOCAL-1 \"本地\" \"Local\" {\n  cite \"c\" \"c\"\n  when flow.local_big\n  require flow.notice == false\n}\n";

/// Positions are a side table: a blank line atop a policy file (the stdlib's
/// or the user's) moves every definition in it, yet no entity is lowered or
/// evaluated again, and the results equal a fresh database's.
#[test]
fn a_blank_line_atop_a_policy_file_reevaluates_nothing() {
    use salsa::Setter;
    let mut a = workspace();
    a.set_file("policy.hegui", POLICY);
    let mut stdlib: Vec<(String, String)> = hegui_lang::stdlib::FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let rules_file = stdlib
        .iter()
        .position(|(_, t)| t.contains("\nrule "))
        .expect("a stdlib file with rules");
    let before = a.diagnostics();
    let local =
        |d: &[hegui_lang::diag::Diagnostic]| d.iter().filter(|x| x.code == "LOCAL-1").count();
    assert_eq!(local(&before), 3, "the user's rule fires on every flow");

    // The stdlib file, edited in place.
    let (path, text) = stdlib[rules_file].clone();
    let moved = format!("\n{text}");
    a.db.start_log();
    let file = a.source(&path).expect("stdlib file");
    file.set_text(&mut a.db)
        .to(std::sync::Arc::from(moved.as_str()));
    let after = a.diagnostics();
    let log = a.db.take_log();
    assert!(
        count(&log, "def_positions") > 0,
        "the edit is seen: {log:#?}"
    );
    assert_eq!(count(&log, "file_findings"), 0, "{log:#?}");
    assert_eq!(count(&log, "entity_data"), 0, "{log:#?}");
    stdlib[rules_file].1 = moved;
    let refs: Vec<(&str, &str)> = stdlib
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut fresh = Analysis::with_stdlib(&refs);
    for p in a.user_paths() {
        let t = a.text(&p).expect("user file").to_string();
        fresh.set_file(&p, &t);
    }
    assert_eq!(*after, *fresh.diagnostics(), "after moving {path}");

    // The user's policy file.
    a.db.start_log();
    a.set_file("policy.hegui", &format!("\n{POLICY}"));
    let after = a.diagnostics();
    let log = a.db.take_log();
    assert_eq!(count(&log, "file_findings"), 0, "{log:#?}");
    fresh.set_file("policy.hegui", &format!("\n{POLICY}"));
    assert_eq!(*after, *fresh.diagnostics(), "after moving policy.hegui");
    assert_eq!(local(&after), 3);
}

/// Gives fb (h2's flow of d2, starting 2025-03-01) a PIA date, a field no
/// aggregate reads; returns the new text, the diagnostics after it and the
/// queries it executed (fb's entity among them, or the log is not fb's).
fn edit_fbs_pia(a: &mut Analysis) -> (String, Arc<Vec<Diagnostic>>, Vec<String>) {
    a.db.start_log();
    let edited = flow_pia("fb", "h2", "d2", "2025-03-01", "2025-01-02");
    a.set_file("b.hegui", &edited);
    let after = a.diagnostics();
    let log = a.db.take_log();
    assert!(executed(a, &log, "entity_data", "fb"), "{log:#?}");
    (edited, after, log)
}

/// A flow whose PIA date is `pia` (no cumulative sum reads it).
fn flow_pia(name: &str, from: &str, data: &str, start: &str, pia: &str) -> String {
    flow(name, from, data, start).replace("pia = 2025-01-01", &format!("pia = {pia}"))
}

/// The tables are merged from per-file parts holding only what the plans
/// read: a PIA edit re-evaluates the edited flow's part, which stays equal, so
/// no group table is rebuilt and no other flow's file is re-evaluated; a start edit
/// changes the part, the table and the findings of the exporter's other flows.
#[test]
fn a_field_no_sum_reads_leaves_the_group_tables_alone() {
    // Records declared, so that every sum is tabled (an unknown one is scanned,
    // and a scan reads every flow of the group).
    let parties = PARTIES.replace("grade = 4 }", "grade = 4 records = 100 }");
    let mut a = workspace();
    a.set_file("parties.hegui", &parties);
    a.diagnostics();
    let (edited, after, log) = edit_fbs_pia(&mut a);
    assert_eq!(count(&log, "group_tables"), 0, "{log:#?}");
    assert!(
        count(&log, "table_part") > 0,
        "fb's part is re-evaluated: {log:#?}"
    );
    // fc's finding labels fb as counted in its sums: it reads fb's head only.
    assert!(
        !executed_file(&a, &log, "file_findings", "c.hegui"),
        "fc's sums and labels did not change: {log:#?}"
    );
    let mut fresh = Analysis::new();
    fresh.set_file("parties.hegui", &parties);
    fresh.set_file("a.hegui", &flow("fa", "h1", "d1", "2025-02-01"));
    fresh.set_file("b.hegui", &edited);
    fresh.set_file("c.hegui", &flow("fc", "h2", "d1", "2025-04-01"));
    assert_eq!(*after, *fresh.diagnostics());

    a.db.start_log();
    a.set_file(
        "b.hegui",
        &flow_pia("fb", "h2", "d2", "2025-03-05", "2025-01-02"),
    );
    a.diagnostics();
    let log = a.db.take_log();
    assert!(count(&log, "group_tables") > 0, "{log:#?}");
    assert!(
        executed_file(&a, &log, "file_findings", "c.hegui"),
        "fc sums fb's persons by start: {log:#?}"
    );
}

/// `party.important_data_processor` is an `any` over the party's flows, tabled
/// per file like the cumulative sums: a PIA edit re-evaluates the edited
/// flow's part, which holds only what the `any` reads (its truth per flow), so
/// the parties' findings (every party's rules) are not evaluated again; a
/// data edit that changes whether the flow carries important data does.
#[test]
fn a_flow_field_no_grouped_any_reads_leaves_the_parties_findings_alone() {
    let parties = PARTIES
        .replace("grade = 4 }", "grade = 4 records = 100 }")
        .replace("d2 { ", "d2 { important_data = true ");
    let mut a = workspace();
    a.set_file("parties.hegui", &parties);
    let before = a.diagnostics();
    assert!(
        before
            .iter()
            .any(|d| d.code == "DSL-27" && d.subject.as_deref() == Some("h2")),
        "h2 processes important data (fb carries d2)"
    );
    let (edited, after, log) = edit_fbs_pia(&mut a);
    assert!(count(&log, "table_part") > 0, "{log:#?}");
    assert!(
        !executed_file(&a, &log, "file_findings", "parties.hegui"),
        "h2's important-data fact did not change: {log:#?}"
    );
    let fresh_with = |b: &str| {
        let mut fresh = Analysis::new();
        fresh.set_file("parties.hegui", &parties);
        fresh.set_file("a.hegui", &flow("fa", "h1", "d1", "2025-02-01"));
        fresh.set_file("b.hegui", b);
        fresh.set_file("c.hegui", &flow("fc", "h2", "d1", "2025-04-01"));
        fresh.diagnostics()
    };
    assert_eq!(*after, *fresh_with(&edited));

    // fb carried h2's only important data: h2 is no longer a processor of it.
    a.db.start_log();
    let edited = flow_pia("fb", "h2", "d1", "2025-03-01", "2025-01-02");
    a.set_file("b.hegui", &edited);
    let after = a.diagnostics();
    let log = a.db.take_log();
    assert!(
        executed_file(&a, &log, "file_findings", "parties.hegui"),
        "h2's important-data fact changed: {log:#?}"
    );
    assert!(!after.iter().any(|d| d.code == "DSL-27"));
    assert_eq!(*after, *fresh_with(&edited));
}
