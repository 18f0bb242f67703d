//! The run information (versions, stdlib hash, the two dates) in every output,
//! fixes in the machine formats, and `--each`'s grand total — against the
//! real binary.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

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

/// A summary line, read back: "checked 3 files (Party 2, Data flow 1): 2
/// errors, …" or, as `--each`'s total, "checked 5 workspaces (9 files; Party
/// 2, …): …" — the leading count(s), the tally per kind, the five finding counts.
type Summary = (Vec<usize>, BTreeMap<String, usize>, Vec<usize>);

fn nums(l: &str) -> Vec<usize> {
    l.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or(0))
        .collect()
}

fn summary(l: &str) -> Summary {
    let (head, findings) = l.split_once(": ").expect("a summary line");
    let head = head.trim_end_matches(')');
    let (counts, tally) = match head.split_once(" (") {
        None => (head.to_string(), ""),
        Some((w, inner)) => match inner.split_once("; ") {
            Some((files, tally)) => (format!("{w} {files}"), tally),
            None if w.contains(" workspace") => (format!("{w} {inner}"), ""),
            None => (w.to_string(), inner),
        },
    };
    let kinds = tally
        .split(", ")
        .filter(|k| !k.is_empty())
        .map(|k| {
            let (label, n) = k.rsplit_once(' ').expect("label and count");
            (label.to_string(), n.parse().expect("a count"))
        })
        .collect();
    (nums(&counts), kinds, nums(findings))
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
    let (mut files, mut kinds, mut found) = (0, BTreeMap::<String, usize>::new(), [0usize; 5]);
    for l in lines[..at].iter().filter(|l| l.starts_with("checked ")) {
        let (n, k, f) = summary(l);
        files += n[0];
        for (label, n) in k {
            *kinds.entry(label).or_default() += n;
        }
        for (s, n) in found.iter_mut().zip(f) {
            *s += n;
        }
    }
    let total = lines[at + 1];
    assert!(
        total.starts_with("checked ") && total.contains(" workspaces ("),
        "{total}"
    );
    let (n, k, f) = summary(total);
    assert_eq!(n, [workspaces, files], "{total}");
    assert_eq!(k, kinds, "{total}");
    assert_eq!(f, found, "{total}");
    assert!(found[0] > 0, "the examples have errors");
    // Each kind by its schema's label.
    for kind in ["Party", "Dataset", "Data flow"] {
        assert!(kinds.get(kind).is_some_and(|n| *n > 0), "{kind}: {total}");
    }
}

/// The summary counts the entities of every kind the schemas declare, each
/// named by its schema's labels (a kind of the workspace's own too), in both
/// languages; JSON counts them by kind.
#[test]
fn the_summary_names_each_kind_by_its_labels() {
    let dir = temp_dir("summary-kinds");
    std::fs::write(
        dir.join("w.hegui"),
        "schema gadget \"器件\" \"Gadget\" as gadgets {\n  size: int \"尺寸\" \"Size\"\n}\n\n\
         gadget g1 {\n  size = 1\n}\n\ngadget g2 {\n  size = 2\n}\n\n\
         party p {\n  jurisdiction = \"CN\"\n  kind = hospital\n}\n",
    )
    .expect("write");
    let d = dir.to_str().expect("path");
    let (_, en, _) = hegui(&["check", d, "--lang", "en"]);
    let line = en
        .lines()
        .find(|l| l.starts_with("checked "))
        .expect("summary");
    let (n, kinds, _) = summary(line);
    assert_eq!(n, [1], "{line}");
    let kinds: Vec<(&str, usize)> = kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(kinds, [("Gadget", 2), ("Party", 1)], "{line}");
    // The stdlib's kinds first, then the workspace's.
    assert!(line.contains("(Party 1, Gadget 2)"), "{line}");
    let (_, zh, _) = hegui(&["check", d, "--lang", "zh"]);
    let line = zh
        .lines()
        .find(|l| l.starts_with("检查了"))
        .expect("summary");
    assert!(line.contains("（主体 1、器件 2）"), "{line}");
    assert!(!line.contains(|c: char| c.is_ascii_alphabetic()), "{line}");
    let j = json(&["check", d, "--format", "json"]);
    let s = &j["summary"]["subjects"];
    assert_eq!(
        (s["gadget"].as_u64(), s["party"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    assert_eq!(s["flow"].as_u64(), Some(0), "every kind, by name: {s}");
}

/// Without `--as-of`, the run line says which field fixes each kind's date
/// (`subject_date` in the schemas), by the labels, in the output's language.
#[test]
fn the_run_line_names_each_kinds_date_field_by_its_labels() {
    let dir = temp_dir("run-line-dates");
    std::fs::write(
        dir.join("w.hegui"),
        "schema visit \"访视\" \"Visit\" as visits {\n  held_on: date required subject_date \"访视日期\" \"Visit date\"\n}\n\n\
         visit v {\n  held_on = 2026-01-05\n}\n",
    )
    .expect("write");
    let d = dir.to_str().expect("path");
    let (_, en, _) = hegui(&["check", d, "--lang", "en", "--today", "2026-12-01"]);
    let run = en.lines().last().expect("run line");
    assert!(
        run.contains("Data flow: Start") && run.contains("Visit: Visit date"),
        "{run}"
    );
    let (_, zh, _) = hegui(&["check", d, "--lang", "zh", "--today", "2026-12-01"]);
    let run = zh.lines().last().expect("run line");
    assert!(
        run.contains("数据流：开始日期") && run.contains("访视：访视日期"),
        "{run}"
    );
    let dates = run.split_once("适用法律日期：").expect("as-of").1;
    assert!(!dates.contains(|c: char| c.is_ascii_alphabetic()), "{run}");
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
    // The message as one line, whatever the terminal's wrapping.
    let flat: Vec<&str> = err.split_whitespace().filter(|w| *w != "│").collect();
    assert!(
        flat.join(" ").contains("did you mean `trial_export`"),
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
