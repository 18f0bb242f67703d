//! Waivers end to end: a waived finding in every format, its expiry judged
//! against --today, --no-waivers, and the waivers that are errors.

mod common;
use common::*;
use serde_json::Value;

const EX: &str = "examples/s3-singapore-backup-waived";
const RULE: &str = "GBT39725-7.q";

fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = hegui(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"));
    (code, v)
}

fn finding<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {v}"))
}

fn temp_ws(name: &str, extra: &str) -> String {
    let d = std::env::temp_dir().join(format!("hegui-waivers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    let base = std::fs::read_to_string(root().join(EX).join("backup.hegui")).expect("example");
    std::fs::write(d.join("backup.hegui"), format!("{base}\n{extra}")).expect("write");
    d.to_string_lossy().into_owned()
}

#[test]
fn a_waived_finding_is_suppressed_in_json_and_does_not_fail() {
    let (code, v) = json(&[
        "check",
        EX,
        "--format",
        "json",
        "--today",
        "2026-12-01",
        "--deny",
        "warnings",
    ]);
    assert_eq!(code, 0, "the only findings are waived");
    let f = finding(&v, RULE);
    assert_eq!(f["status"], "waived");
    assert_eq!(f["suppressed"], true);
    assert_eq!(f["severity"], "warning", "the severity is kept");
    assert_eq!(f["subject"]["name"], "sg_backup");
    assert_eq!(f["subject"]["kind"], "flow");
    let w = &f["waiver"];
    assert_eq!(w["rules"][0], RULE);
    assert_eq!(w["approved"], "2026-02-03");
    assert_eq!(w["until"], "2029-01-19");
    assert_eq!(w["expired"], false);
    assert!(w["reason"]["en"]
        .as_str()
        .unwrap_or("")
        .contains("security assessment"));
    assert_eq!(w["line"], 49);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["summary"]["waived"], 2, "7.q and PHI-10");
}

#[test]
fn an_expired_waiver_reactivates_the_finding_and_says_so() {
    // The last day it holds, then the day after.
    let deny = ["--deny", "warnings"];
    let (code, v) = json(
        &[
            &["check", EX, "--format", "json", "--today", "2029-01-19"][..],
            &deny,
        ]
        .concat(),
    );
    assert_eq!(code, 0);
    assert_eq!(finding(&v, RULE)["status"], "waived");
    let (code, v) = json(
        &[
            &["check", EX, "--format", "json", "--today", "2029-01-20"][..],
            &deny,
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    let f = finding(&v, RULE);
    assert_eq!(f["status"], "active");
    assert_eq!(f["suppressed"], false);
    assert_eq!(f["waiver"]["expired"], true);
    let notes = f["notes"].to_string();
    assert!(notes.contains("expired on 2029-01-19"), "{notes}");
    let exp = finding(&v, "waiver-expired");
    assert_eq!(exp["severity"], "warning");
    assert_eq!(exp["span"]["start"]["line"], 49);
    let (_, human, _) = hegui(&["check", EX, "--today", "2029-01-20", "--lang", "en"]);
    assert!(human.contains(&format!("warning[{RULE}]")), "{human}");
    assert!(human.contains("warning[waiver-expired]"), "{human}");
}

#[test]
fn no_waivers_shows_everything() {
    let (code, v) = json(&[
        "check",
        EX,
        "--format",
        "json",
        "--no-waivers",
        "--deny",
        "warnings",
    ]);
    assert_eq!(code, 1);
    let f = finding(&v, RULE);
    assert_eq!(f["status"], "active");
    assert!(f.get("waiver").is_none());
    assert_eq!(v["run"]["waivers"], false);
}

#[test]
fn human_output_marks_the_finding_waived_in_both_languages() {
    let (code, en, _) = hegui(&["check", EX, "--lang", "en", "--today", "2026-12-01"]);
    assert_eq!(code, 0);
    assert!(en.contains("help[PHI-10]: [waived]"), "{en}");
    assert!(en.contains(&format!("help[{RULE}]: [waived]")), "{en}");
    assert!(
        en.contains("waived: Covered by the CAC security assessment"),
        "{en}"
    );
    assert!(en.contains("0 warnings") && en.contains("2 waived"), "{en}");
    let (_, zh, _) = hegui(&["check", EX, "--lang", "zh", "--today", "2026-12-01"]);
    assert!(zh.contains("[已豁免]") && zh.contains("2 项已豁免"), "{zh}");
    assert!(!zh.contains("[waived]") && !zh.contains("waived:"), "{zh}");
}

#[test]
fn sarif_has_a_suppression_with_the_justification() {
    let (_, log) = json(&[
        "check",
        EX,
        "--format",
        "sarif",
        "--today",
        "2026-12-01",
        "--lang",
        "en",
    ]);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let r = results.iter().find(|r| r["ruleId"] == RULE).expect("7.q");
    let s = &r["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["status"], "accepted");
    assert!(s["justification"]
        .as_str()
        .unwrap_or("")
        .contains("security assessment"));
    assert_eq!(s["location"]["physicalLocation"]["region"]["startLine"], 49);
    // Still a valid SARIF 2.1.0 log.
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("schema")
        .replace(
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
        );
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Expired: no suppression.
    let (_, log) = json(&["check", EX, "--format", "sarif", "--today", "2030-01-01"]);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let r = results.iter().find(|r| r["ruleId"] == RULE).expect("7.q");
    assert!(r.get("suppressions").is_none());
    assert_eq!(r["properties"]["expiredWaiver"]["expired"], true);
}

#[test]
fn junit_has_a_skipped_case_with_the_reason() {
    let (code, xml, _) = hegui(&[
        "check",
        EX,
        "--format",
        "junit",
        "--today",
        "2026-12-01",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase") && n.attribute("name") == Some("sg_backup: GBT39725-7.q")
        })
        .unwrap_or_else(|| panic!("{xml}"));
    assert_eq!(case.attribute("classname"), Some("flow"));
    let skipped = case
        .children()
        .find(|n| n.has_tag_name("skipped"))
        .expect("skipped");
    assert!(skipped
        .attribute("message")
        .unwrap_or("")
        .contains("security assessment"));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("suite");
    // Two waived cases; the undetermined findings are skipped cases too.
    let skipped: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .filter_map(|n| n.attribute("message"))
        .collect();
    assert_eq!(
        skipped.iter().filter(|m| m.contains("approved by")).count(),
        2,
        "{xml}"
    );
    assert_eq!(
        suite.attribute("skipped"),
        Some(skipped.len().to_string().as_str())
    );
    assert_eq!(suite.attribute("failures"), Some("0"));
    let (code, xml, _) = hegui(&[
        "check",
        EX,
        "--format",
        "junit",
        "--today",
        "2030-01-01",
        "--deny",
        "warnings",
    ]);
    assert_eq!(code, 1);
    assert!(
        !xml.contains("approved by"),
        "no waived case once expired: {xml}"
    );
}

#[test]
fn report_has_a_waived_section() {
    let (_, md, _) = hegui(&["report", EX, "--today", "2026-12-01", "--lang", "en"]);
    let at = md.find("## Waived").unwrap_or_else(|| panic!("{md}"));
    assert!(
        md[at..].contains(RULE) && md[at..].contains("security assessment"),
        "{md}"
    );
}

#[test]
fn incomplete_unknown_and_unused_waivers_are_errors() {
    let d = temp_ws(
        "bad",
        "waive GBT39725-7.q on sg_backup {\n  approved \"x\" on 2026-01-01\n}\n\n\
         waive PIPL-38 on \"nobody_*\" {\n  reason \"r\"\n  approved \"x\" on 2026-01-01\n}\n\n\
         waive GBT39725-7q on sg_backup {\n  reason \"r\"\n  approved \"x\" on 2026-01-01\n}\n",
    );
    let (code, v) = json(&["check", &d, "--format", "json", "--lang", "en"]);
    assert_eq!(code, 2, "a broken waiver is an input error");
    let problems: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().unwrap_or("").starts_with("waiver"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["span"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            ("waiver".to_string(), 56),
            ("waiver-unused".to_string(), 60),
            ("waiver".to_string(), 65),
        ]
    );
    let typo = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["span"]["start"]["line"] == 65)
        .expect("typo");
    assert!(
        typo["notes"].to_string().contains("GBT39725-7.q"),
        "did you mean"
    );
    // The complete waiver still applies.
    assert_eq!(finding(&v, RULE)["status"], "waived");
}
