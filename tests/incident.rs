//! Incident reporting (国家网络安全事件报告管理办法, in force 2025-11-01) end to
//! end: the example workspace `examples/incident-ransomware` through the real
//! binary (rule ids, severities, subjects, lines, due dates, undetermined
//! facts), the hour deadline's exact time in JSON, SARIF and the report, the
//! evaluation date that makes a missing report overdue, and bad date-times in `.hegui` and
//! JSON declarations (exit code 2, no verdict).

mod common;
use common::*;

const EXAMPLE: &str = "examples/incident-ransomware";

#[test]
fn the_example_gives_the_late_and_the_missing_reports() {
    let (code, fs) = findings(&[EXAMPLE, "--today", "2025-11-21"]);
    assert_eq!(code, 1);
    assert_eq!(
        triples(&fs),
        vec![
            t("INCID-4-CII", "error", "his_outage"),
            t("INCID-4-OTHER.late", "error", "pacs_ransomware"),
        ]
    );
    assert_eq!(
        open_by_fact(&fs),
        vec![uf("phishing.level", &["INCID-4-OTHER"])]
    );
    let late = fs.iter().find(|f| f.rule == "INCID-4-OTHER.late").unwrap();
    assert_eq!(late.line, 29, "points at the late report");
    let cii = fs.iter().find(|f| f.rule == "INCID-4-CII").unwrap();
    assert_eq!(cii.due.as_deref(), Some("2025-11-20"));
    assert_eq!(cii.line, 37, "points at the level");
}

/// The obligation of an hour deadline carries its exact time (Beijing time)
/// beside its day, in JSON, in SARIF's properties, in the terminal's obligation
/// note and in the report's deadline list; "overdue" is judged by the day.
#[test]
fn an_hour_deadline_is_due_to_the_minute() {
    let json = |format: &str, today: &str| -> serde_json::Value {
        let (_, out, _) = hegui(&["check", EXAMPLE, "--format", format, "--today", today]);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    let v = json("json", "2025-11-20");
    let cii = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "INCID-4-CII")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(cii["obligation"]["due"], "2025-11-20");
    assert_eq!(cii["obligation"]["due_at"], "2025-11-20T11:15");
    let v = json("sarif", "2025-11-20");
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "INCID-4-CII")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(r["properties"]["obligation"]["due"], "2025-11-20");
    assert_eq!(r["properties"]["obligation"]["due_at"], "2025-11-20T11:15");
    // The terminal's obligation note gives the time too.
    let (_, out, _) = hegui(&["check", EXAMPLE, "--lang", "en", "--today", "2025-11-20"]);
    assert!(out.contains("(due 2025-11-20T11:15)"), "{out}");
    // A day deadline has no time.
    let (_, out, _) = hegui(&["check", "examples/s1-diabetes-trial", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let dated: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["obligation"]["due"].is_string())
        .collect();
    assert!(!dated.is_empty(), "{out}");
    assert!(
        dated
            .iter()
            .all(|f| f["obligation"].get("due_at").is_none()),
        "{out}"
    );
    // The report's deadline list: the time, open on its day, overdue after.
    let row = |today: &str| -> String {
        let (_, out, _) = hegui(&["report", EXAMPLE, "--lang", "en", "--today", today]);
        out.lines()
            .find(|l| l.contains("2025-11-20T11:15") && l.contains("INCID-4-CII"))
            .unwrap_or_else(|| panic!("no deadline row: {out}"))
            .to_string()
    };
    assert!(row("2025-11-20").contains("open"), "{}", row("2025-11-20"));
    assert!(
        row("2025-11-21").contains("overdue"),
        "{}",
        row("2025-11-21")
    );
}

#[test]
fn the_incident_before_the_measures_is_not_judged_by_them() {
    let (_, fs) = findings(&[EXAMPLE, "--as-of", "2025-10-31"]);
    assert!(fs.iter().all(|f| !f.rule.starts_with("INCID")), "{fs:?}");
}

#[test]
fn bad_date_times_are_input_errors_with_a_location() {
    let dir = std::env::temp_dir().join(format!("hegui-incident-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hegui_file = dir.join("a.hegui");
    std::fs::write(
        &hegui_file,
        "party h { jurisdiction = \"CN-SH\" kind = hospital persons_processed = 10 }\n\
         incident i { operator = h discovered_at = 2025-11-20T25:40 level = major cii_involved = false }\n",
    )
    .unwrap();
    let (code, out, _) = hegui(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"].as_array().unwrap()[0];
    assert_eq!(f["rule"], "invalid-datetime");
    assert_eq!(f["span"]["start"]["line"], 2);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "INCID-4-OTHER"),
        "no verdict from a broken fact: {out}"
    );
    std::fs::remove_file(&hegui_file).unwrap();
    std::fs::write(
        dir.join("a.hegui.json"),
        r#"{"parties": [{"name": "h", "jurisdiction": "CN-SH", "kind": "hospital", "persons_processed": 10}],
 "incidents": [{"name": "i", "operator": "h", "discovered_at": "2025-11-20T2:40", "level": "major", "cii_involved": false}]}"#,
    )
    .unwrap();
    let (code, out, _) = hegui(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("invalid-datetime"), "{out}");
    // The same declaration well formed gives the 4-hour obligation.
    std::fs::write(
        dir.join("a.hegui.json"),
        r#"{"parties": [{"name": "h", "jurisdiction": "CN-SH", "kind": "hospital", "persons_processed": 10}],
 "incidents": [{"name": "i", "operator": "h", "discovered_at": "2025-11-20T02:40", "level": "major", "cii_involved": false}]}"#,
    )
    .unwrap();
    let (code, fs) = findings(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(triples(&fs), vec![t("INCID-4-OTHER", "error", "i")]);
    assert_eq!(fs[0].due.as_deref(), Some("2025-11-20"));
    let (_, out, _) = hegui(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"][0]["obligation"]["due_at"], "2025-11-20T06:40");
    std::fs::remove_dir_all(&dir).unwrap();
}
