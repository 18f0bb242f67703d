//! Exit codes end to end (spawning the binary): 2 for any input error, even
//! beside findings; else 1 for findings at or above the failing severity;
//! else 0 — for `check`, `report`, `explain` and `test` alike. And the small
//! input edges a new user meets first, in both languages.

mod common;
use common::{hegui, root};
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hegui-exit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn s1() -> String {
    std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui")).expect("s1")
}

/// A copy of S1 (which has findings) with one edit.
fn s1_with(name: &str, from: &str, to: &str) -> PathBuf {
    let text = s1();
    assert!(text.contains(from), "{from}");
    let d = temp_dir(name);
    std::fs::write(d.join("trial.hegui"), text.replacen(from, to, 1)).expect("write");
    d
}

fn run(args: &[&str]) -> (i32, String, String) {
    hegui(args)
}

fn codes(dir: &std::path::Path) -> [i32; 4] {
    let d = dir.to_str().expect("utf-8 path");
    [
        run(&["check", d]).0,
        run(&["report", d]).0,
        run(&["explain", "trial_export", d]).0,
        run(&["test", d]).0,
    ]
}

#[test]
fn findings_exit_1_and_a_clean_workspace_exits_0() {
    let s1 = root().join("examples/s1-diabetes-trial");
    let c = codes(&s1);
    assert_eq!(&c[..3], [1, 1, 1], "check, report, explain");
    assert_eq!(c[3], 0, "no test fails");
    let (code, _, _) = run(&["check", "examples/s10-cumulative-2024"]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&["report", "examples/s10-cumulative-2024"]);
    assert_eq!(code, 0);
}

#[test]
fn every_kind_of_input_error_exits_2_even_beside_findings() {
    let cases = [
        ("syntax", "kind = pharma", "kind = = pharma"),
        ("unknown-field", "consent = separate", "consnet = separate"),
        ("unknown-reference", "to = acme_rd", "to = acme_rnd"),
        (
            "unknown-name",
            "purpose = clinical_trial",
            "purpose = clinical_trail",
        ),
        ("type-mismatch", "subjects = 3_200", "subjects = \"3200\""),
        (
            "invalid-date",
            "standard_contract { signed = 2026-02-10 }",
            "standard_contract { signed = 2025-02-30 }",
        ),
        (
            "duplicate-definition",
            "party acme_rd ",
            "party ruijin \"x\" \"x\" { jurisdiction = \"CN-SH\" }\nparty acme_rd ",
        ),
        ("missing-field", "  subjects = 3_200\n", ""),
    ];
    for (code_name, from, to) in cases {
        let d = s1_with(code_name, from, to);
        let (_, out, err) = run(&["check", d.to_str().expect("path"), "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["rule"].as_str().unwrap_or(""))
            .collect();
        assert!(rules.contains(&code_name), "{code_name}: {rules:?}");
        assert_eq!(
            codes(&d),
            [2, 2, 2, 2],
            "{code_name}: check, report, explain, test"
        );
    }
}

#[test]
fn explain_lists_the_input_errors_it_may_have_read() {
    let d = s1_with("explain", "subjects = 3_200", "subjects = \"3200\"");
    let (code, out, err) = run(&[
        "explain",
        "trial_export",
        d.to_str().expect("path"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("CAC-"),
        "the explanation is still shown: {out}"
    );
    assert!(err.contains("type-mismatch"), "{err}");
    assert!(err.contains("1 input error:"), "{err}");
}

#[test]
fn dates_must_be_written_yyyy_mm_dd() {
    for bad in ["20250401", "2025-02-30", "2025-4-1", "tomorrow"] {
        for cmd in ["check", "report"] {
            let (code, out, err) = run(&[
                cmd,
                "examples/s1-diabetes-trial",
                "--as-of",
                bad,
                "--lang",
                "en",
            ]);
            assert_eq!(code, 2, "{cmd} --as-of {bad}");
            assert!(out.is_empty(), "no verdict on a bad date: {out}");
            assert!(
                err.contains(&format!("`{bad}` is not a date (write YYYY-MM-DD")),
                "{err}"
            );
        }
    }
    let (_, _, err) = run(&[
        "check",
        "examples/s1-diabetes-trial",
        "--as-of",
        "20250401",
        "--lang",
        "zh",
    ]);
    assert!(err.contains("不是日期"), "{err}");
    assert!(
        !err.contains("is not"),
        "no English in the Chinese message: {err}"
    );
    let (code, _, _) = run(&[
        "check",
        "examples/s1-diabetes-trial",
        "--as-of",
        "2025-04-01",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn a_folder_without_workspace_files_says_nothing_was_found() {
    let d = temp_dir("empty");
    std::fs::write(d.join("README.md"), "# not a workspace\n").expect("write");
    let p = d.to_str().expect("path");
    for cmd in [
        vec!["check", p],
        vec!["report", p],
        vec!["test", p],
        vec!["explain", "x", p],
    ] {
        let mut args = cmd.clone();
        args.extend(["--lang", "en"]);
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{cmd:?}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains("no .hegui, .hegui.json or .hegui.yaml files found"),
            "{err}"
        );
    }
    let (code, _, err) = run(&["check", p, "--lang", "zh"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有找到"), "{err}");
    assert!(!err.contains("found"), "{err}");
}

#[test]
fn check_each_on_a_folder_without_subfolders_checks_it_as_one_workspace() {
    let d = temp_dir("each");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    let p = d.to_str().expect("path");
    let (code, out, err) = run(&["check", "--each", p, "--lang", "en"]);
    assert_eq!(code, 1, "S1's findings");
    assert!(out.contains(&format!("== {p} ==")), "{out}");
    assert!(out.contains("checked 1 file ("), "{out}");
    assert!(err.contains("checked as one workspace"), "{err}");
    let (_, _, err) = run(&["check", "--each", p, "--lang", "zh"]);
    assert!(err.contains("按一个工作区检查"), "{err}");
    // `--each` still skips subfolders that hold no workspace file.
    let (code, out, _) = run(&["check", "--each", "examples", "--lang", "en"]);
    assert_eq!(code, 1);
    assert!(!out.contains("== examples/ci =="), "{out}");
    assert!(out.contains("== examples/s1-diabetes-trial =="), "{out}");
}

#[test]
fn a_gbk_file_is_reported_as_not_utf8_with_its_path() {
    let d = temp_dir("gbk");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    // "// 中文" in GBK.
    std::fs::write(d.join("gbk.hegui"), b"// \xd6\xd0\xce\xc4\n").expect("write");
    let p = d.to_str().expect("path");
    let (code, out, _) = run(&["check", p, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(out.contains("error[encoding]: not UTF-8"), "{out}");
    assert!(out.contains("re-save the file as UTF-8"), "{out}");
    assert!(out.contains("gbk.hegui:1:4"), "the path and place: {out}");
    let (_, out, _) = run(&["check", p, "--lang", "zh"]);
    assert!(out.contains("请另存为 UTF-8"), "{out}");
    assert!(!out.contains("re-save"), "{out}");
}

#[test]
fn yaml_strings_for_numbers_and_yes_no_get_a_did_you_mean() {
    let yaml = std::fs::read_to_string(root().join("tests/data/decl/yaml/s1.hegui.yaml"))
        .expect("yaml")
        .replacen("subjects: 3200", "subjects: \"900,000\"", 1)
        .replacen("notice: true", "notice: yes", 1);
    let d = temp_dir("yaml");
    std::fs::write(d.join("s1.hegui.yaml"), yaml).expect("write");
    let p = d.to_str().expect("path");
    let (code, out, _) = run(&["check", p, "--format", "json", "--lang", "en"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let notes = |line: u64| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "type-mismatch" && f["span"]["start"]["line"] == line)
            .flat_map(|f| f["notes"].as_array().cloned().unwrap_or_default())
            .map(|n| {
                format!(
                    "{} | {}",
                    n["en"].as_str().unwrap_or(""),
                    n["zh"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let subjects = notes(31);
    assert!(
        subjects
            .iter()
            .any(|n| n.starts_with("did you mean 900000?") && n.contains("是否想写 900000")),
        "{subjects:?}"
    );
    let notice = notes(14);
    assert!(
        notice
            .iter()
            .any(|n| n.starts_with("did you mean true?") && n.contains("是否想写 true")),
        "{notice:?}"
    );
}

/// The body of a duplicated item is still checked for its own errors: each
/// is reported where it is, beside the duplicate.
#[test]
fn the_body_of_a_duplicated_item_is_still_checked() {
    let d = temp_dir("dup-body");
    std::fs::write(
        d.join("w.hegui"),
        "party p { jurisdiction = \"CN-BJ\" kind = hospital persons_processed = 5_000 }\n\
         party p { jurisdiction = 86 kind = hospitl persons_processd = 5 }\n",
    )
    .expect("write");
    let (code, out, _) = run(&["check", d.to_str().expect("path"), "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mut got: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["span"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("duplicate-definition".to_string(), 2),
            ("type-mismatch".to_string(), 2),
            ("unknown-field".to_string(), 2),
            ("unknown-name".to_string(), 2),
        ]
    );
}

/// A policy `test` block whose entities are broken states an expectation of
/// its own: `check`, `report` and `explain` of the workspace see no input
/// error in it (no exit 2), and `hegui test` reports the test failed (exit 1),
/// the error located in the test.
#[test]
fn broken_input_inside_a_policy_test_is_its_failure_not_a_workspace_input_error() {
    let d = temp_dir("test-block");
    std::fs::write(d.join("trial.hegui"), s1()).expect("write");
    std::fs::write(
        d.join("tests.hegui"),
        "test \"a broken count in a test\" {\n\
         \x20 party p { jurisdiction = \"CN-BJ\" kind = hospital persons_processed = \"many\" }\n\
         \x20 expect no PIPL-52 on p\n\
         }\n",
    )
    .expect("write");
    let p = d.to_str().expect("path");
    assert_eq!(codes(&d)[..3], [1, 1, 1], "S1's findings, no input error");
    let (_, out, _) = run(&["check", p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["rule"] != "type-mismatch"),
        "{out}"
    );
    let (code, out, _) = run(&["test", p, "--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[type-mismatch]"), "{out}");
    assert!(out.contains("tests.hegui:2:"), "located in the test: {out}");
    // The same entity outside a test is an input error of the workspace.
    std::fs::write(
        d.join("tests.hegui"),
        "party p { jurisdiction = \"CN-BJ\" kind = hospital persons_processed = \"many\" }\n",
    )
    .expect("write");
    assert_eq!(codes(&d), [2, 2, 2, 2]);
}
