//! `hegui diff` end to end: what changes across 2024-03-22 (the CAC's 2024
//! provisions) on the examples, and between two stdlibs.

mod common;
use common::{copy_dir, hegui, root};
use serde_json::Value;

fn diff_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = hegui(&all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"));
    (code, v)
}

fn rules(v: &Value, subject: &str, side: &str) -> Vec<String> {
    v["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .filter(|s| s["subject"] == subject)
        .flat_map(|s| s[side].as_array().cloned().unwrap_or_default())
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn across_2024_03_22_the_hr_flow_becomes_exempt() {
    let args = [
        "examples/s4-pharma-hr",
        "--from",
        "2024-03-21",
        "--to",
        "2024-03-22",
    ];
    let (code, v) = diff_json(&args);
    assert_eq!(code, 0, "no --fail-on-change");
    assert_eq!(v["changed"], true);
    assert_eq!(v["from"], "2024-03-21");
    assert_eq!(v["to"], "2024-03-22");
    let gone = rules(&v, "hr_sync", "disappeared");
    assert!(gone.contains(&"PIPL-38".to_string()), "{gone:?}");
    assert!(gone.contains(&"CAC-SC-4".to_string()), "{gone:?}");
    let new = rules(&v, "hr_sync", "appeared");
    assert_eq!(new, ["CAC-2024-5"]);
    let exemption = &v["subjects"][0]["appeared"][0];
    assert_eq!(exemption["severity"], "info");
    assert!(exemption["citations"][0]["zh"]
        .as_str()
        .expect("cite")
        .contains("第五条"));
    let mut fail = args.to_vec();
    fail.push("--fail-on-change");
    assert_eq!(diff_json(&fail).0, 1);
    // The other way round, the same findings change sides.
    let (_, back) = diff_json(&[
        "examples/s4-pharma-hr",
        "--from",
        "2024-03-22",
        "--to",
        "2024-03-21",
    ]);
    assert_eq!(rules(&back, "hr_sync", "disappeared"), ["CAC-2024-5"]);
}

#[test]
fn across_2024_03_22_cumulative_volumes_no_longer_need_an_assessment() {
    let (_, v) = diff_json(&[
        "examples/s10-cumulative-2022",
        "--from",
        "2024-03-21",
        "--to",
        "2024-03-22",
    ]);
    assert_eq!(rules(&v, "sep_export", "disappeared"), ["CAC-SA-4"]);
    assert_eq!(rules(&v, "feb_export", "appeared"), ["CAC-2024-5"]);
    // Human output: per subject, with the rule and its citation.
    let (code, out, _) = hegui(&[
        "diff",
        "examples/s10-cumulative-2022",
        "--from",
        "2024-03-21",
        "--to",
        "2024-03-22",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("== sep_export ==\n- CAC-SA-4 error: "),
        "{out}"
    );
    assert!(
        out.contains("[Measures on Security Assessment of Outbound Data Transfers, Art. 4]"),
        "{out}"
    );
    assert!(
        out.ends_with("2024-03-21 → 2024-03-22: 2 findings changed for 2 subjects\n"),
        "{out}"
    );
}

#[test]
fn a_date_that_changes_nothing_and_the_same_stdlib_twice_change_nothing() {
    let (code, v) = diff_json(&[
        "examples/s1-diabetes-trial",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-02",
        "--fail-on-change",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["changed"], false);
    let (code, v) = diff_json(&[
        "examples/s1-diabetes-trial",
        "--from-stdlib",
        "stdlib",
        "--to-stdlib",
        "stdlib/",
        "--fail-on-change",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["subjects"].as_array().map(|a| a.len()), Some(0));
}

#[test]
fn a_stdlib_change_shows_per_subject_with_its_rule() {
    // A firm's release that drops the standard-contract filing rule (a rule
    // item runs to the next `rule` at column 0).
    let d = std::env::temp_dir().join(format!("hegui-diff-stdlib-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    copy_dir(&root().join("stdlib"), &d);
    let mut removed = false;
    for f in walk(&d) {
        let text = std::fs::read_to_string(&f).expect("read");
        if let Some(start) = text.find("rule CAC-SC-7 ") {
            let rest = &text[start..];
            let end = rest[1..]
                .find("\nrule ")
                .map(|i| start + 1 + i + 1)
                .unwrap_or(text.len());
            std::fs::write(&f, format!("{}{}", &text[..start], &text[end..])).expect("write");
            removed = true;
        }
    }
    assert!(removed, "CAC-SC-7 found in the stdlib");
    let (code, v) = diff_json(&[
        "examples/s1-diabetes-trial",
        "--from-stdlib",
        "stdlib",
        "--to-stdlib",
        d.to_str().expect("path"),
        "--fail-on-change",
    ]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(rules(&v, "trial_export", "disappeared"), ["CAC-SC-7"]);
    assert_ne!(
        v["from"], v["to"],
        "the two stdlibs are named apart by their hash"
    );
}

#[test]
fn diff_needs_two_dates_or_two_stdlibs() {
    for args in [
        vec!["diff", "examples/s1-diabetes-trial", "--lang", "en"],
        vec![
            "diff",
            "examples/s1-diabetes-trial",
            "--from",
            "2024-03-21",
            "--lang",
            "en",
        ],
        vec![
            "diff",
            "examples/s1-diabetes-trial",
            "--from",
            "2024-03-21",
            "--to-stdlib",
            "stdlib",
            "--lang",
            "en",
        ],
    ] {
        let (code, out, err) = hegui(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.contains("give --from and --to"), "{err}");
    }
    let (code, _, err) = hegui(&[
        "diff",
        "examples/s1-diabetes-trial",
        "--from",
        "20240321",
        "--to",
        "2024-03-22",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--from: `20240321` is not a date"), "{err}");
}

fn walk(d: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
