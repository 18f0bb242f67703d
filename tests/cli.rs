//! The binary's contract: exit codes, determinism, bad input.

mod common;
use common::*;
use std::io::Write;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write");
    p.to_string_lossy().into_owned()
}

#[test]
fn output_is_deterministic() {
    let a = hegui(&["check", "examples", "--format", "json"]);
    let b = hegui(&["check", "examples", "--format", "json"]);
    assert_eq!(a, b);
}

#[test]
fn empty_file_is_clean() {
    let d = temp_dir("empty");
    let p = write(&d, "empty.hegui", b"");
    let (code, _, _) = hegui(&["check", &p]);
    assert_eq!(code, 0);
}

#[test]
fn three_syntax_errors_in_three_items_are_all_reported_and_valid_items_checked() {
    let d = temp_dir("three");
    let src = "party a { jurisdiction = \"CN\" kind = hospital }\n\
flow f1 {\n  from = = a\n}\n\
dataset d1 {\n  categories = [health_status\n  subjects = 10\n}\n\
party b { jurisdiction = \"US\" kind = pharma }\n\
flow f2 {\n  from a\n}\n\
party c { jurisdiction = \"CN\" kind = hospitl }\n";
    let p = write(&d, "three.hegui", src.as_bytes());
    let (code, fs) = findings(&[&p]);
    assert_eq!(code, 2);
    let syntax: Vec<u64> = fs
        .iter()
        .filter(|f| f.rule == "syntax")
        .map(|f| f.line)
        .collect();
    assert_eq!(syntax, vec![3, 6, 11]);
    // The valid party `c` is still checked: its kind is misspelt.
    assert!(
        fs.iter().any(|f| f.rule == "unknown-name" && f.line == 13),
        "{fs:?}"
    );
}

#[test]
fn invalid_utf8_is_a_located_diagnostic() {
    let d = temp_dir("utf8");
    let p = write(
        &d,
        "bad.hegui",
        b"party a {\n  jurisdiction = \"CN\xff\"\n}\n",
    );
    let (code, fs) = findings(&[&p]);
    assert_eq!(code, 2);
    assert_eq!(fs.len(), 1);
    assert_eq!((fs[0].rule.as_str(), fs[0].line), ("encoding", 2));
}

#[test]
fn random_bytes_do_not_crash() {
    let d = temp_dir("random");
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let bytes: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 96 + 32) as u8
        })
        .collect();
    let p = write(&d, "random.hegui", &bytes);
    let (code, _, err) = hegui(&["check", &p]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn deep_nesting_and_long_paths_are_limits_not_crashes() {
    let d = temp_dir("deep");
    let deep = format!(
        "const x = {}1{}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let p1 = write(&d, "deep.hegui", deep.as_bytes());
    let (code, fs) = findings(&[&p1]);
    assert_eq!(code, 2);
    assert!(fs.iter().any(|f| f.rule == "limit" && f.line == 1));

    let path = vec!["a"; 200_000].join(".");
    let long = format!("const y = {path}\n");
    let p2 = write(&d, "long.hegui", long.as_bytes());
    let (code, fs) = findings(&[&p2]);
    assert_eq!(code, 2);
    assert!(fs.iter().any(|f| f.rule == "limit"));

    let nots = format!("const z = {}true\n", "not ".repeat(100_000));
    let p3 = write(&d, "nots.hegui", nots.as_bytes());
    let (code, _) = findings(&[&p3]);
    assert_eq!(code, 2);
}

#[test]
fn missing_path_is_a_usage_error() {
    let (code, _, err) = hegui(&["check", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file"));
}

#[test]
fn bad_as_of_is_a_usage_error() {
    let (code, _, _) = hegui(&["check", "examples", "--as-of", "2024-13-45"]);
    assert_eq!(code, 2);
}

#[test]
fn stdlib_tests_pass_with_full_coverage() {
    let (code, out, _) = hegui(&["test", "--stdlib"]);
    assert_eq!(code, 0, "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" 0 failed"), "{last}");
    let cov = out
        .lines()
        .find(|l| l.starts_with("rules covered: "))
        .expect("coverage line");
    let (hit, total) = cov["rules covered: ".len()..].split_once('/').expect("x/y");
    assert_eq!(hit, total, "{out}");
}

#[test]
fn explain_shows_the_facts_the_flows_summed_and_what_would_pass() {
    let (code, out, _) = hegui(&[
        "explain",
        "sep_export",
        "examples/s10-cumulative-2022",
        "--lang",
        "en",
    ]);
    // A rule fired with an error about the flow: exit 1, as for `check`.
    assert_eq!(code, 1);
    let block: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("CAC-SA-4 "))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(block[0].contains("FIRED"), "{out}");
    assert!(
        block
            .iter()
            .any(|l| l.trim() == "flow.cumulative_persons = 130,000"),
        "{block:#?}"
    );
    assert!(
        block
            .iter()
            .any(|l| l.trim_start().starts_with("+ feb_export:")),
        "{block:#?}"
    );
    assert!(
        block
            .iter()
            .any(|l| l.trim() == "passes when: flow.mechanism == mechanism.security_assessment"),
        "{block:#?}"
    );
}

/// Each threshold a rule compared is shown beside the value compared with
/// it, both read from the evaluation: the stdlib's constant, and a limit
/// written in the user's own policy (no threshold lives in Rust).
#[test]
fn explain_shows_each_threshold_beside_the_value_compared() {
    let (_, out, _) = hegui(&[
        "explain",
        "sep_export",
        "examples/s10-cumulative-2022",
        "--lang",
        "en",
    ]);
    let block: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("CAC-SA-4 "))
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    assert!(
        block.contains(&"threshold: flow.cumulative_persons ≥ 100,000 (`hundred_thousand`, One hundred thousand); here 130,000, met"),
        "{block:#?}"
    );
    assert!(
        block.contains(&"threshold: flow.from.persons_processed ≥ 1,000,000 (`million`, One million); here 500,000, not met"),
        "{block:#?}"
    );
    let d = temp_dir("threshold");
    let policy = r#"const limit "上限" "Limit" = 7
rule MY-2 "人数过多" "Too many persons" {
  cite "内部制度" "House rule"
  effective 2020-01-01
  severity warning
  when flow.persons > limit and flow.persons < 1_000
  message "人数过多" "too many persons"
}
party h { jurisdiction = "CN-BJ" kind = hospital }
dataset d { categories = [personal.contact] subjects = 9 grade = 1 }
flow f { from = h to = h data = [d] purpose = treatment start = 2025-01-01 }
"#;
    std::fs::write(d.join("p.hegui"), policy).unwrap();
    let (_, out, _) = hegui(&["explain", "f", d.to_str().unwrap(), "--lang", "zh"]);
    let block: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("MY-2 "))
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    assert!(
        block.contains(&"门槛：flow.persons > 7（`limit`，上限）；此处 9，达到"),
        "{block:#?}"
    );
    assert!(
        block.contains(&"门槛：flow.persons < 1,000；此处 9，达到"),
        "{block:#?}"
    );
}

#[test]
fn each_checks_every_example_as_its_own_workspace() {
    let (code, out, _) = hegui(&["check", "--each", "examples", "--lang", "en"]);
    assert_eq!(code, 1, "the scenarios have error findings");
    let headers = out.lines().filter(|l| l.starts_with("== ")).count();
    let summaries = out.lines().filter(|l| l.starts_with("checked ")).count();
    assert!(headers >= 10 && headers == summaries, "{out}");
    // No clash between the scenarios' names: each is its own workspace.
    assert!(!out.contains("duplicate-definition"), "{out}");
}

/// A rule counts as covered only when one test saw it fire and another saw it
/// apply and pass: a test that only ever makes it fire leaves it uncovered.
#[test]
fn coverage_needs_a_firing_and_a_passing_test() {
    let d = temp_dir("coverage");
    let rule = r#"rule MY-1 "须有批准" "Approval needed" {
  cite "内部制度" "House rule"
  effective 2020-01-01
  severity error
  when flow.purpose == purpose.research
  require flow.committee_approval
  message "须经批准" "approval needed"
}
"#;
    let fires = r#"test "fires" {
  party h { jurisdiction = "CN-BJ" kind = hospital }
  dataset d { categories = [health_resources] subjects = 0 grade = 1 }
  flow f { from = h to = h data = [d] purpose = purpose.research start = 2025-01-01 }
  flow other { from = h to = h data = [d] purpose = treatment start = 2025-01-01 }
  expect MY-1 on f
  expect no MY-1 on other
}
"#;
    std::fs::write(d.join("rules.hegui"), rule).unwrap();
    std::fs::write(d.join("tests.hegui"), fires).unwrap();
    let (code, out, _) = hegui(&["test", d.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rules covered: 0/1"), "{out}");
    assert!(
        out.contains("not covered (never seen applying and passing): MY-1"),
        "{out}"
    );
    let passes = r#"test "passes" {
  party h { jurisdiction = "CN-BJ" kind = hospital }
  dataset d { categories = [health_resources] subjects = 0 grade = 1 }
  flow ok { from = h to = h data = [d] purpose = purpose.research committee_approval = true start = 2025-01-01 }
  expect no MY-1 on ok
}
"#;
    std::fs::write(d.join("more.hegui"), passes).unwrap();
    let (code, out, _) = hegui(&["test", d.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rules covered: 1/1"), "{out}");
}
