//! Every `fix` clause of the stdlib, end to end against the real binary: for
//! each rule with a fix, the stdlib's own policy tests that make it fire become
//! workspaces; `hegui check --format json` must offer the fix, and the
//! workspace with the fix's edits applied, checked again, must no longer have
//! that finding. A rule with two requirements gets one fix for one of them, so
//! a case may still fire after it: each rule needs one case (of at most three
//! tried) that the fix settles.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The stdlib's files, recursively, as (path, text).
fn stdlib_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("stdlib").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            stdlib_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "hegui") {
            let text = std::fs::read_to_string(&p).expect("read");
            out.push((p.display().to_string(), text));
        }
    }
}

/// The ids of the rules that have a `fix` clause.
fn rules_with_fix(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (_, text) in files {
        let mut rule: Option<&str> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("rule ") {
                rule = rest.split_whitespace().next();
            } else if line.starts_with('}') {
                rule = None;
            } else if line.trim_start().starts_with("fix ") {
                if let Some(r) = rule.take() {
                    out.push(r.to_string());
                }
            }
        }
    }
    out
}

/// One policy test, as a workspace: its entity declarations, its dates and its
/// positive expectations (rule, subject).
struct Case {
    name: String,
    entities: String,
    as_of: Option<String>,
    today: Option<String>,
    fires: Vec<(String, String)>,
}

/// The body of each `test "…" { … }` of a file (braces in strings skipped).
fn tests_of(text: &str) -> Vec<Case> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("\ntest \"") {
        let after = &rest[at + 7..];
        let name_end = after.find('"').expect("test name");
        let name = after[..name_end].to_string();
        let open = after.find('{').expect("test body");
        let (mut depth, mut in_str, mut end) = (0usize, false, None);
        for (i, c) in after[open..].char_indices() {
            match c {
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.expect("closed test body");
        let body = &after[open + 1..end];
        let mut case = Case {
            name,
            entities: String::new(),
            as_of: None,
            today: None,
            fires: Vec::new(),
        };
        for line in body.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["as_of", d] => case.as_of = Some(d.to_string()),
                ["today", d] => case.today = Some(d.to_string()),
                ["expect", "no" | "undetermined", ..] => {}
                ["expect", rule, "on", subject, ..] => {
                    case.fires.push((rule.to_string(), subject.to_string()))
                }
                ["expect", ..] => {}
                _ => {
                    case.entities.push_str(line);
                    case.entities.push('\n');
                }
            }
        }
        out.push(case);
        rest = &after[end..];
    }
    out
}

fn check(dir: &Path, case: &Case) -> (i32, Value) {
    let d = dir.display().to_string();
    let mut args = vec!["check", d.as_str(), "--format", "json"];
    if let Some(a) = &case.as_of {
        args.extend(["--as-of", a.as_str()]);
    }
    // `today` is fixed so that fixes that read it are reproducible.
    args.extend(["--today", case.today.as_deref().unwrap_or("2026-06-01")]);
    let (code, out, err) = hegui(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"));
    (code, v)
}

/// The active findings of `rule` on `subject`.
fn found<'a>(v: &'a Value, rule: &str, subject: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule && f["subject"]["name"] == subject && f["status"] == "active")
        .collect()
}

/// The byte offset of a 1-based line and column (columns count Unicode scalar values).
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().expect("line") as usize;
    let col = pos["column"].as_u64().expect("column") as usize;
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let line_text = &text[start..];
    start
        + line_text
            .char_indices()
            .nth(col - 1)
            .map(|(i, _)| i)
            .unwrap_or(line_text.len())
}

/// The text with a fix's edits applied (last edit first, so offsets hold).
fn apply(text: &str, fix: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = fix["edits"]
        .as_array()
        .expect("edits")
        .iter()
        .map(|e| {
            (
                offset(text, &e["span"]["start"]),
                offset(text, &e["span"]["end"]),
                e["new_text"].as_str().expect("new_text").to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn every_fix_is_offered_and_applying_it_settles_its_finding() {
    let mut files = Vec::new();
    stdlib_files(&root().join("stdlib"), &mut files);
    let fixed_rules = rules_with_fix(&files);
    assert!(fixed_rules.len() > 60, "{fixed_rules:?}");
    let cases: Vec<Case> = files
        .iter()
        .filter(|(p, _)| p.ends_with("tests.hegui"))
        .flat_map(|(_, t)| tests_of(t))
        .collect();

    let tmp = temp_dir("fixes");
    // rule -> how many cases settled the finding, and the cases tried.
    let mut settled: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    let mut n = 0;
    for rule in &fixed_rules {
        let entry = settled.entry(rule.as_str()).or_default();
        // Firing cases until one is settled, at most three: the test stays quick.
        for case in cases
            .iter()
            .filter(|c| c.fires.iter().any(|(r, _)| r == rule))
            .take(3)
        {
            n += 1;
            let dir = tmp.join(format!("c{n}"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            let file = dir.join("ws.hegui");
            std::fs::write(&file, &case.entities).expect("write");
            let (_, before) = check(&dir, case);
            for (_, subject) in case.fires.iter().filter(|(r, _)| r == rule) {
                if entry.0 > 0 {
                    break;
                }
                let hits = found(&before, rule, subject);
                let what = format!("{rule} on {subject} in {:?}", case.name);
                assert!(!hits.is_empty(), "{what}: does not fire as a workspace");
                // A conditional fix is not offered when its edit would assert
                // a date or fact that the declaration already states otherwise.
                let Some(fix) = hits.iter().find_map(|f| f["fixes"].get(0)) else {
                    entry.1.push(format!("{what}: no fix offered"));
                    continue;
                };
                assert!(
                    fix["title"]["zh"].is_string() && fix["title"]["en"].is_string(),
                    "{what}: {fix}"
                );
                let text = apply(&case.entities, fix);
                std::fs::write(&file, &text).expect("write");
                let (code, after) = check(&dir, case);
                assert_ne!(
                    code, 2,
                    "{what}: the fixed text is not valid:\n{text}\n{after}"
                );
                if found(&after, rule, subject).is_empty() {
                    entry.0 += 1;
                    entry.1.push(format!("{what}: settled"));
                } else {
                    // A rule with two requirements (an officer and a body): one
                    // fix sets one of them.
                    entry.1.push(format!("{what}: still fires after\n{text}"));
                }
            }
            if entry.0 > 0 {
                break;
            }
        }
    }
    let unsettled: Vec<_> = settled
        .iter()
        .filter(|(_, (k, _))| *k == 0)
        .map(|(r, (_, tried))| format!("{r}: {tried:?}"))
        .collect();
    assert!(
        unsettled.is_empty(),
        "fixes that no stdlib test shows settling their finding:\n{}",
        unsettled.join("\n")
    );
}
