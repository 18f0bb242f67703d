//! The run information (versions, stdlib hash, the two dates) in every output,
//! fixes in the machine formats, and `--each`'s grand total — against the
//! real binary.

mod common;
use common::*;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let (_, out, err) = hegui(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"))
}

const S7: &str = "examples/s7-domestic-processor";

#[test]
fn every_format_names_the_versions_the_hash_and_both_dates() {
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = vec![
            "check",
            S7,
            "--as-of",
            "2025-06-01",
            "--today",
            "2026-12-01",
        ];
        v.extend_from_slice(extra);
        v
    };
    let args = |v: &Vec<&'static str>| v.clone();

    let j = json(&args(&with(&["--format", "json"])));
    let run = &j["run"];
    assert_eq!(run["as_of"], "2025-06-01");
    assert_eq!(run["today"], "2026-12-01");
    assert_eq!(run["hegui_version"], env!("CARGO_PKG_VERSION"));
    let hash = run["stdlib_hash"].as_str().expect("hash");
    assert!(
        hash.starts_with("sha256:") && hash.len() == 7 + 64,
        "{hash}"
    );

    let s = json(&args(&with(&["--format", "sarif"])));
    let driver = &s["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["properties"]["stdlibHash"], hash);
    assert_eq!(s["runs"][0]["properties"]["today"], "2026-12-01");
    assert_eq!(s["runs"][0]["properties"]["asOf"], "2025-06-01");

    let (_, xml, _) = hegui(&args(&with(&["--format", "junit"])));
    let doc = roxmltree::Document::parse(&xml).expect("junit xml");
    let prop = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .map(str::to_string)
    };
    assert_eq!(prop("stdlib.hash").as_deref(), Some(hash));
    assert_eq!(prop("today").as_deref(), Some("2026-12-01"));
    assert_eq!(prop("as_of").as_deref(), Some("2025-06-01"));

    let (_, human, _) = hegui(&args(&with(&["--lang", "en"])));
    let last = human.lines().last().unwrap_or("");
    assert!(
        last.contains("2026-12-01") && last.contains("2025-06-01") && last.contains(&hash[..19]),
        "{last}"
    );

    let (_, report, _) = hegui(&["report", S7, "--today", "2026-12-01", "--lang", "en"]);
    assert!(
        report.contains("2026-12-01") && report.contains(&hash[..19]),
        "{report}"
    );
}

#[test]
fn the_hash_is_the_same_every_run_and_today_defaults_to_the_clock() {
    let a = json(&["check", S7, "--format", "json"]);
    let b = json(&["check", S7, "--format", "json"]);
    assert_eq!(a["run"]["stdlib_hash"], b["run"]["stdlib_hash"]);
    let today = a["run"]["today"].as_str().expect("today");
    assert!(today.parse::<jiff_date::Date>().is_ok(), "{today}");
    let (code, _, err) = hegui(&["check", S7, "--today", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("--today"), "{err}");
}

/// A date as the tests read it (no dependency on the clock's crate).
mod jiff_date {
    pub struct Date;
    impl std::str::FromStr for Date {
        type Err = ();
        fn from_str(s: &str) -> Result<Date, ()> {
            let p: Vec<&str> = s.split('-').collect();
            let ok = p.len() == 3
                && [4, 2, 2]
                    .iter()
                    .zip(&p)
                    .all(|(n, x)| x.len() == *n && x.bytes().all(|b| b.is_ascii_digit()));
            ok.then_some(Date).ok_or(())
        }
    }
}

#[test]
fn fixes_are_in_json_and_sarif() {
    let j = json(&["check", S7, "--format", "json"]);
    let with_fix: Vec<&Value> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["fixes"].is_array())
        .collect();
    assert!(!with_fix.is_empty(), "s7 offers the grade fix");
    let edit = &with_fix[0]["fixes"][0]["edits"][0];
    assert!(edit["new_text"].is_string() && edit["span"]["start"]["line"].as_u64() > Some(0));
    assert!(with_fix[0]["fixes"][0]["title"]["zh"].is_string());

    let s = json(&["check", S7, "--format", "sarif"]);
    let results = s["runs"][0]["results"].as_array().expect("results");
    let fixed: Vec<&Value> = results.iter().filter(|r| r["fixes"].is_array()).collect();
    assert_eq!(fixed.len(), with_fix.len());
    let rep = &fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(rep["insertedContent"]["text"], edit["new_text"]);
    assert_eq!(
        rep["deletedRegion"]["startLine"],
        edit["span"]["start"]["line"]
    );
}

#[test]
fn each_ends_with_a_grand_total() {
    let (code, out, _) = hegui(&["check", "--each", "examples/", "--lang", "en"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "== total ==")
        .expect("a total header");
    let workspaces = lines[..at].iter().filter(|l| l.starts_with("== ")).count();
    // The total is the sum of the per-workspace summary lines.
    let nums = |l: &str| -> Vec<usize> {
        l.split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap_or(0))
            .collect()
    };
    let mut sum = [0usize; 7];
    for l in lines[..at].iter().filter(|l| l.starts_with("checked ")) {
        for (s, n) in sum.iter_mut().zip(nums(l)) {
            *s += n;
        }
    }
    // "checked N workspaces (files, flows): …": the workspaces, then the sums.
    let total = lines[at + 1];
    assert!(
        total.starts_with("checked ") && total.contains(" workspaces ("),
        "{total}"
    );
    assert_eq!(nums(total)[0], workspaces, "{total}");
    assert_eq!(nums(total)[1..], sum[..], "{total}");
    assert!(sum[2] > 0, "the examples have errors");
}

#[test]
fn explain_puts_fired_rules_first_and_fired_shows_only_them() {
    let ex = "examples/s1-diabetes-trial";
    let (_, all, _) = hegui(&["explain", "trial_export", ex, "--lang", "en"]);
    let heads: Vec<&str> = all
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|w| w == "FIRED" || w == "satisfied" || w == "does")
        })
        .collect();
    let first_other = heads
        .iter()
        .position(|l| !l.contains("FIRED"))
        .expect("others");
    assert!(first_other >= 2, "{all}");
    assert!(
        heads[first_other..].iter().all(|l| !l.contains("FIRED")),
        "{all}"
    );
    assert!(all.contains("rules not in force:"), "{all}");

    let (_, fired, _) = hegui(&["explain", "trial_export", ex, "--fired", "--lang", "en"]);
    assert!(!fired.contains(" satisfied "), "{fired}");
    assert!(
        fired.contains("CAC-SC-7") && fired.contains("GBT39725-7.p"),
        "{fired}"
    );
    assert!(fired.contains("drop --fired to see them"), "{fired}");

    let (code, _, err) = hegui(&["explain", "trial_exprt", ex, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you") && err.contains("mean `trial_export`"),
        "{err}"
    );
}

#[test]
fn every_argument_has_help_text() {
    for cmd in [
        "check", "explain", "report", "test", "fmt", "init", "lsp", "doc",
    ] {
        let (_, help, _) = hegui(&[cmd, "--help"]);
        let args: Vec<&str> = help
            .lines()
            .filter(|l| {
                l.starts_with("  ")
                    && !l.trim_start().starts_with("-h")
                    && !l.trim_start().starts_with("[possible")
            })
            .filter(|l| l.trim_start().starts_with('-') || l.trim_start().starts_with('['))
            .collect();
        for a in args {
            let words: Vec<&str> = a.split("  ").filter(|w| !w.trim().is_empty()).collect();
            assert!(words.len() >= 2, "`hegui {cmd}`: no help for {a:?}\n{help}");
        }
    }
}

#[test]
fn json_names_each_subject_by_its_kind() {
    let j = json(&[
        "check",
        "examples/s2-als-genetic-important",
        "--format",
        "json",
    ]);
    let fs = j["findings"].as_array().expect("findings");
    let party = fs.iter().find(|f| f["rule"] == "NDSR-33").expect("NDSR-33");
    assert_eq!(party["subject"]["kind"], "party");
    assert_eq!(party["subject"]["name"], "huashan");
    assert!(party.get("flow").is_none(), "no key names a kind: {party}");
    let flow = fs.iter().find(|f| f["rule"] == "HGR-22").expect("HGR-22");
    assert_eq!(flow["subject"]["kind"], "flow");
}

/// Runs of CJK letters and punctuation in a text.
fn cjk_runs(s: &str) -> Vec<String> {
    let cjk = |c: char| matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF);
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if cjk(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

fn texts_under(dir: &std::path::Path, out: &mut String) {
    for e in std::fs::read_dir(dir).expect("read example dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            texts_under(&p, out);
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            out.push_str(&t);
        }
    }
}

/// An English message or note holds Chinese only where the workspace itself
/// wrote it (a name declared only in Chinese): every rule's template, and every
/// value it prints (members, tree nodes, authorities), comes in English.
#[test]
fn english_messages_carry_no_chinese_the_workspace_did_not_write() {
    let mut checked = 0;
    for e in std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
    {
        let dir = e.path();
        if !dir.is_dir() {
            continue;
        }
        // Only folders holding a workspace (examples/ci holds a CI template).
        let holds_policy = std::fs::read_dir(&dir)
            .expect("read example dir")
            .flatten()
            .any(|f| f.file_name().to_string_lossy().contains(".hegui"));
        if !holds_policy {
            continue;
        }
        let mut source = String::new();
        texts_under(&dir, &mut source);
        let rel = format!("examples/{}", e.file_name().to_string_lossy());
        let v = json(&["check", &rel, "--format", "json", "--today", "2026-12-01"]);
        for f in v["findings"].as_array().expect("findings") {
            let mut en = vec![f["message"]["en"].as_str().unwrap_or("").to_string()];
            for n in f["notes"].as_array().into_iter().flatten() {
                en.push(n["en"].as_str().unwrap_or("").to_string());
            }
            for text in en {
                for run in cjk_runs(&text) {
                    assert!(
                        source.contains(&run),
                        "{rel}: `{run}` in the English text of {}: {text}",
                        f["rule"]
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} English texts checked");
}
