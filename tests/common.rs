//! Helpers for end-to-end tests: run the real binary, read its JSON output.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh, empty folder for one test, named after the test binary too.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "hegui-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Copies a folder tree (a stdlib or workspace to modify).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

pub fn hegui(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run hegui");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One finding of `hegui check --format json`, reduced to what tests assert.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct F {
    pub rule: String,
    pub severity: String,
    pub flow: Option<String>,
    pub line: u64,
    pub due: Option<String>,
    pub related: usize,
    /// `active`, `undetermined` or `waived`.
    pub status: String,
    /// An undetermined finding's facts not declared, as `entity.field`.
    pub missing: Vec<String>,
}

pub fn findings(args: &[&str]) -> (i32, Vec<F>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = hegui(&all);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad json ({e}): {out}\n{err}"));
    let list = v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| F {
            rule: f["rule"].as_str().unwrap_or("").to_string(),
            severity: f["severity"].as_str().unwrap_or("").to_string(),
            flow: f["subject"]["name"].as_str().map(|s| s.to_string()),
            line: f["span"]["start"]["line"].as_u64().unwrap_or(0),
            due: f["obligation"]["due"].as_str().map(|s| s.to_string()),
            related: f["related"].as_array().map(|a| a.len()).unwrap_or(0),
            status: f["status"].as_str().unwrap_or("").to_string(),
            missing: missing_facts(f),
        });
    (code, list.collect())
}

/// The (rule, severity, subject) triples of the conclusions (undetermined
/// findings left out: see `open`), sorted.
pub fn triples(fs: &[F]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = fs
        .iter()
        .filter(|f| f.status != "undetermined")
        .map(|f| {
            (
                f.rule.clone(),
                f.severity.clone(),
                f.flow.clone().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

pub fn t(rule: &str, sev: &str, subject: &str) -> (String, String, String) {
    (rule.to_string(), sev.to_string(), subject.to_string())
}

/// The undetermined findings as (rule, subject, missing facts joined by ","), sorted.
pub fn open(fs: &[F]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = fs
        .iter()
        .filter(|f| f.status == "undetermined")
        .map(|f| {
            (
                f.rule.clone(),
                f.flow.clone().unwrap_or_default(),
                f.missing.join(","),
            )
        })
        .collect();
    v.sort();
    v
}

pub fn u(rule: &str, subject: &str, missing: &str) -> (String, String, String) {
    (rule.to_string(), subject.to_string(), missing.to_string())
}

/// The undetermined findings grouped by missing fact (`entity.field`), each
/// with the rules it leaves open, sorted: what a user has to declare.
pub fn open_by_fact(fs: &[F]) -> Vec<(String, Vec<String>)> {
    let mut m: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for f in fs.iter().filter(|f| f.status == "undetermined") {
        for fact in &f.missing {
            m.entry(fact.clone()).or_default().insert(f.rule.clone());
        }
    }
    m.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

pub fn uf(fact: &str, rules: &[&str]) -> (String, Vec<String>) {
    (
        fact.to_string(),
        rules.iter().map(|r| r.to_string()).collect(),
    )
}

/// A JSON finding's facts not declared, as `entity.field` (none if it has none).
pub fn missing_facts(f: &serde_json::Value) -> Vec<String> {
    f["missing"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    format!(
                        "{}.{}",
                        m["entity"].as_str().unwrap_or(""),
                        m["field"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
