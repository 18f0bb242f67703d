//! End to end (spawning the binary), each case of issue 11's "Why": broken
//! input concludes nothing (no pass, no exemption, no invented date) and exits
//! 2; a deciding fact left out gives an undetermined finding that names it,
//! in every output, and fails CI only with `--deny undetermined`.

mod common;
use common::{hegui, root, temp_dir};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A workspace of one file.
fn workspace(name: &str, text: &str) -> PathBuf {
    let d = temp_dir(name);
    std::fs::write(d.join("w.hegui"), text).expect("write");
    d
}

/// S1 with one edit.
fn s1_with(name: &str, from: &str, to: &str) -> PathBuf {
    let text =
        std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui")).expect("s1");
    assert!(text.contains(from), "{from}");
    workspace(name, &text.replacen(from, to, 1))
}

fn path(d: &Path) -> &str {
    d.to_str().expect("utf-8 path")
}

fn json(d: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", path(d), "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = hegui(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings")
}

/// (rule, status) of every finding.
fn rules(v: &Value) -> Vec<(String, String)> {
    findings(v)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The undetermined finding of `rule`, if any.
fn open<'a>(v: &'a Value, rule: &str) -> Option<&'a Value> {
    findings(v)
        .iter()
        .find(|f| f["rule"] == rule && f["status"] == "undetermined")
}

fn missing(f: &Value) -> Vec<String> {
    assert!(f["missing"].is_array(), "missing facts: {f}");
    common::missing_facts(f)
}

/// Every output a user or CI reads: human (both languages), JSON, SARIF,
/// JUnit, the report, explain.
fn every_output(d: &Path, flow: &str) -> String {
    let mut all = String::new();
    for args in [
        vec!["check", path(d), "--lang", "en"],
        vec!["check", path(d), "--lang", "zh"],
        vec!["check", path(d), "--format", "json"],
        vec!["check", path(d), "--format", "sarif"],
        vec!["check", path(d), "--format", "junit"],
        vec!["report", path(d), "--lang", "en"],
        vec!["report", path(d), "--lang", "zh"],
        vec!["explain", flow, path(d), "--lang", "en"],
    ] {
        let (_, out, err) = hegui(&args);
        all.push_str(&out);
        all.push_str(&err);
    }
    all
}

/// A small-volume export of contact data: under the 2024 provisions exempt
/// (CAC-2024-5, fewer than 100,000 non-sensitive persons this year).
const SMALL: &str = r#"
party exporter { jurisdiction = "CN-BJ" kind = health_app persons_processed = 200_000 }
party sg { jurisdiction = "SG" kind = analytics persons_processed = 200_000 }
dataset contacts { categories = [personal.contact] subjects = 30_000 records = 30_000 minors_under_14 = false grade = 4 }
flow sync {
  from = exporter
  to = sg
  data = [contacts]
  recipient_role = controller
  consent = separate
  notice = true
  pia = 2025-01-10
  agreement = true
  start = 2025-03-01
}
"#;

#[test]
fn the_small_volume_base_case_is_exempt() {
    let d = workspace("small", SMALL);
    let (code, v) = json(&d, &[]);
    assert!(
        rules(&v).contains(&("CAC-2024-5".into(), "active".into())),
        "{:?}",
        rules(&v)
    );
    assert_ne!(code, 2, "{:?}", rules(&v));
}

#[test]
fn a_string_for_a_count_is_an_input_error_and_concludes_no_exemption() {
    let d = workspace(
        "string",
        &SMALL.replace("subjects = 30_000", "subjects = \"30000\""),
    );
    let (code, v) = json(&d, &[]);
    assert_eq!(code, 2);
    let r = rules(&v);
    assert!(r.iter().any(|(x, _)| x == "type-mismatch"), "{r:?}");
    assert!(
        r.iter().all(|(x, _)| !x.starts_with("CAC-2024-5")),
        "no exemption from a broken count: {r:?}"
    );
    let (code, report, _) = hegui(&["report", path(&d), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(!report.contains("Exempt"), "{report}");
    assert!(
        report.to_lowercase().contains("incomplete report"),
        "the report says so: {report}"
    );
}

#[test]
fn a_misspelt_field_is_an_input_error_without_follow_on_findings() {
    let d = s1_with(
        "typo",
        "mechanism = standard_contract",
        "mechansim = standard_contract",
    );
    let (code, v) = json(&d, &[]);
    assert_eq!(code, 2, "broken input, not non-compliance");
    let r = rules(&v);
    assert!(r.iter().any(|(x, _)| x == "unknown-field"), "{r:?}");
    assert!(
        r.iter().all(|(x, _)| x != "PIPL-38"),
        "no 'without a transfer mechanism' symptom: {r:?}"
    );
}

#[test]
fn an_invalid_date_in_a_record_is_never_a_date() {
    let d = s1_with("date", "signed = 2026-02-10", "signed = 2025-02-30");
    let (code, v) = json(&d, &[]);
    assert_eq!(code, 2);
    assert!(rules(&v).iter().any(|(x, _)| x == "invalid-date"));
    // The filing rule read the broken date: no finding, no deadline.
    assert!(
        rules(&v).iter().all(|(x, _)| x != "CAC-SC-7"),
        "{:?}",
        rules(&v)
    );
    let all = every_output(&d, "trial_export");
    assert!(!all.contains("1970"), "an invented date: {all}");
    assert!(
        !all.contains("2025-03-1"),
        "a deadline from the broken date: {all}"
    );
}

#[test]
fn a_missing_start_concludes_no_exemption() {
    let d = workspace("nostart", &SMALL.replace("  start = 2025-03-01\n", ""));
    let (code, v) = json(&d, &[]);
    assert_eq!(code, 2);
    let r = rules(&v);
    assert!(r.iter().any(|(x, _)| x == "missing-field"), "{r:?}");
    assert!(r.iter().all(|(x, _)| !x.starts_with("CAC-")), "{r:?}");
    let all = every_output(&d, "sync");
    assert!(!all.contains("1970"), "{all}");
    let (_, human, _) = hegui(&["check", path(&d), "--lang", "en"]);
    assert!(!human.contains("CAC-2024-5"), "{human}");
    // The report's summary shows the mechanism as not decided, never "Exempt".
    let (_, report, _) = hegui(&["report", path(&d), "--lang", "en"]);
    assert!(!report.contains("Exempt"), "{report}");
    assert!(report.contains("unknown (no date declared)"), "{report}");
    // With the start declared, the same report does say exempt: the check above
    // can fail.
    let dated = workspace("dated", SMALL);
    let (_, report, _) = hegui(&["report", path(&dated), "--lang", "en"]);
    assert!(report.contains("Exempt"), "{report}");
}

#[test]
fn without_persons_processed_the_2022_assessment_trigger_stays_open() {
    // 数据出境安全评估办法 第四条(二): a processor of ≥ 1,000,000 persons needs
    // an assessment; S1's hospital processes 2,400,000, here left unsaid.
    let d = s1_with("persons", "  persons_processed = 2_400_000\n", "");
    let (code, v) = json(&d, &["--as-of", "2023-09-01"]);
    assert_eq!(code, 1, "the other findings still fail");
    let sa = open(&v, "CAC-SA-4").expect("CAC-SA-4 undetermined");
    assert_eq!(missing(sa), ["ruijin.persons_processed"]);
    let decides = &sa["missing"][0]["decides"];
    assert!(
        decides["en"]
            .as_str()
            .unwrap_or("")
            .contains("1,000,000 or more"),
        "{decides}"
    );
    assert!(
        decides["zh"].as_str().unwrap_or("").contains("1,000,000"),
        "{decides}"
    );
    // Never "a standard contract suffices": no active finding or pass of the
    // assessment rule.
    assert!(
        !rules(&v).contains(&("CAC-SA-4".into(), "active".into())),
        "{:?}",
        rules(&v)
    );
    let (_, out, _) = hegui(&[
        "explain",
        "trial_export",
        path(&d),
        "--as-of",
        "2023-09-01",
        "--lang",
        "en",
    ]);
    assert!(out.contains("UNDETERMINED"), "{out}");
    assert!(
        out.contains("flow.needs_assessment = unknown (not declared: ruijin.persons_processed)"),
        "explain shows the unknown as unknown: {out}"
    );
}

#[test]
fn without_recipient_role_the_provision_rules_stay_open() {
    // PIPL Art. 23 (another processor: separate consent) and NDSR Art. 12
    // (an agreement) turn on the recipient's role.
    let text = r#"
party h { jurisdiction = "CN-BJ" kind = hospital persons_processed = 500_000 }
party r { jurisdiction = "CN-BJ" kind = research persons_processed = 500_000 }
dataset d { categories = [health_status] subjects = 100 records = 100 grade = 4 }
flow share { from = h to = r data = [d] purpose = purpose.research start = 2025-05-01 }
"#;
    let d = workspace("role", text);
    let (_, v) = json(&d, &[]);
    for rule in ["PIPL-23", "NDSR-12"] {
        let f = open(&v, rule).unwrap_or_else(|| panic!("{rule} undetermined: {:?}", rules(&v)));
        assert_eq!(missing(f), ["share.recipient_role"], "{rule}");
        assert!(
            !rules(&v).contains(&(rule.into(), "active".into())),
            "{rule} is not also concluded"
        );
    }
    // Declared, the same rules are decided.
    let d = workspace(
        "role-declared",
        &text.replace(
            "start = 2025-05-01",
            "start = 2025-05-01 recipient_role = controller",
        ),
    );
    let (_, v) = json(&d, &[]);
    assert!(open(&v, "PIPL-23").is_none() && open(&v, "NDSR-12").is_none());
    assert!(rules(&v).contains(&("PIPL-23".into(), "active".into())));
}

#[test]
fn without_records_the_250_record_rule_stays_open() {
    // GB/T 39725 §7 p: more than 250 personal health records abroad in total.
    let d = s1_with("records", "  records = 48_000\n", "");
    let (_, v) = json(&d, &[]);
    let p = open(&v, "GBT39725-7.p").expect("7.p undetermined");
    assert_eq!(missing(p), ["glucose_trial.records"]);
    assert!(
        !rules(&v).contains(&("GBT39725-7.p".into(), "active".into())),
        "{:?}",
        rules(&v)
    );
}

#[test]
fn undetermined_findings_in_human_sarif_and_deny() {
    let d = s1_with("outputs", "  persons_processed = 2_400_000\n", "");
    let dir = path(&d);
    // Human: grouped under the missing fact, once.
    let (_, out, _) = hegui(&["check", dir, "--as-of", "2023-09-01", "--lang", "en"]);
    let head = "`ruijin.persons_processed` not declared:";
    assert_eq!(out.matches(head).count(), 1, "{out}");
    assert!(out.contains("CAC-SA-4 (trial_export)"), "{out}");
    let (_, out, _) = hegui(&["check", dir, "--as-of", "2023-09-01", "--lang", "zh"]);
    assert!(out.contains("未声明 `ruijin.persons_processed`"), "{out}");
    // SARIF: an open result ("could not determine pass or fail").
    let (_, out, _) = hegui(&["check", dir, "--as-of", "2023-09-01", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).expect("sarif");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let sa = results
        .iter()
        .find(|r| r["ruleId"] == "CAC-SA-4")
        .expect("CAC-SA-4 result");
    assert_eq!(sa["kind"], "open");
    assert_eq!(sa["level"], "none");
    assert_eq!(sa["properties"]["missing"][0]["field"], "persons_processed");
    assert_eq!(sa["properties"]["missing"][0]["entity"], "ruijin");
    // --deny undetermined fails a run that would otherwise pass.
    let clean = workspace(
        "deny",
        &SMALL.replace(" persons_processed = 200_000 }\nparty sg", " }\nparty sg"),
    );
    let (code, v) = json(&clean, &[]);
    assert!(open(&v, "PIPL-52").is_some(), "{:?}", rules(&v));
    assert_eq!(
        code,
        0,
        "undetermined findings alone do not fail: {:?}",
        rules(&v)
    );
    let (code, _) = json(&clean, &["--deny", "undetermined"]);
    assert_eq!(code, 1);
    let (code, _) = json(&clean, &["--deny", "warnings,undetermined"]);
    assert_eq!(code, 1);
    let (code, _) = json(&d, &["--deny", "undetermined"]);
    assert_eq!(code, 1);
}

/// `subjects = "30000"` in every output: no exemption (human, SARIF), the
/// flow is no passing JUnit case (it was not judged), and the report counts
/// no missing item for it as if it had been judged.
#[test]
fn a_string_for_a_count_concludes_nothing_in_any_output() {
    let d = workspace(
        "string-outputs",
        &SMALL.replace("subjects = 30_000", "subjects = \"30000\""),
    );
    let dir = path(&d);
    for lang in ["en", "zh"] {
        let (code, out, _) = hegui(&["check", dir, "--lang", lang]);
        assert_eq!(code, 2);
        assert!(out.contains("type-mismatch"), "{out}");
        assert!(!out.contains("CAC-2024-5"), "{out}");
    }
    let (code, out, _) = hegui(&["check", dir, "--format", "sarif"]);
    assert_eq!(code, 2);
    let log: Value = serde_json::from_str(&out).expect("sarif");
    let ids: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["type-mismatch"], "no rule result from a broken count");
    for lang in ["en", "zh"] {
        let (code, xml, _) = hegui(&["check", dir, "--format", "junit", "--lang", lang]);
        assert_eq!(code, 2);
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("sync"))
            .unwrap_or_else(|| panic!("a case for sync: {xml}"));
        let skipped = case
            .children()
            .find(|n| n.has_tag_name("skipped"))
            .unwrap_or_else(|| panic!("sync is not a passing case: {xml}"));
        assert!(
            skipped
                .attribute("message")
                .unwrap_or("")
                .contains("CAC-2024-5"),
            "names the rules not judged: {xml}"
        );
    }
    // Declared as a number, the same flow is a passing case, its exemption
    // noted.
    let ok = workspace("string-outputs-ok", SMALL);
    let (_, xml, _) = hegui(&["check", path(&ok), "--format", "junit"]);
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("sync"))
        .expect("sync");
    assert!(
        case.children()
            .all(|n| !n.has_tag_name("skipped") && !n.has_tag_name("failure")),
        "{xml}"
    );
    assert!(
        case.children()
            .any(|n| n.has_tag_name("system-out") && n.text().unwrap_or("").contains("CAC-2024-5")),
        "{xml}"
    );
    // The report's summary row: the mechanism and the count of missing
    // items unknown, never 0.
    for (lang, format) in [("en", "md"), ("zh", "md"), ("en", "html")] {
        let (code, report, _) = hegui(&["report", dir, "--lang", lang, "--format", format]);
        assert_eq!(code, 2);
        if format == "md" {
            let row = report
                .lines()
                .find(|l| l.starts_with("| `sync` |"))
                .unwrap_or_else(|| panic!("{report}"));
            assert!(row.ends_with("| ? |"), "{row}");
        }
        assert!(
            report.contains("CAC-2024-5"),
            "the rules not judged: {report}"
        );
    }
    let (_, report, _) = hegui(&["report", path(&ok), "--lang", "en"]);
    let row = report
        .lines()
        .find(|l| l.starts_with("| `sync` |"))
        .expect("row");
    assert!(row.ends_with("| 0 |"), "{row}");
}

/// Taint follows what a conclusion read, not which entity it is about: the
/// HR-management exemption (CAC 2024 provisions Art. 5(2)) reads the flow's
/// purpose only and is drawn beside a broken `subjects`; the small-volume
/// one would read the broken count and is not.
#[test]
fn taint_follows_what_the_conclusion_read() {
    let text = SMALL.replace("subjects = 30_000", "subjects = \"30000\"")
        + r#"
flow hr {
  from = exporter
  to = sg
  data = [contacts]
  purpose = purpose.hr_management
  recipient_role = controller
  consent = separate
  notice = true
  pia = 2025-01-10
  agreement = true
  start = 2025-03-01
}
"#;
    let d = workspace("taint", &text);
    let (code, v) = json(&d, &[]);
    assert_eq!(code, 2);
    let about = |flow: &str| -> Vec<(String, String)> {
        findings(&v)
            .iter()
            .filter(|f| f["subject"]["name"] == flow)
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert!(
        about("hr").contains(&("CAC-2024-5".into(), "active".into())),
        "{:?}",
        rules(&v)
    );
    assert!(
        about("sync").iter().all(|(r, _)| !r.starts_with("CAC-")),
        "{:?}",
        rules(&v)
    );
}
