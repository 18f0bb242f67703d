//! `hegui check --format sarif`: a SARIF 2.1.0 log for code scanning. The rule
//! catalogue (every rule of the workspace, and the language's own diagnostic
//! codes that occur) is under `tool.driver.rules`; each result points at its
//! rule by id and index. Texts are in the chosen language, and both languages
//! are kept in `properties`.
//!
//! Written as JSON values rather than with `serde-sarif`: the log is a small
//! subset of SARIF whose interesting parts (bilingual texts, stdlib version and
//! hash, waivers) are property bags that its generated structs leave untyped
//! anyway, and tests/cli_formats.rs validates every log against the official
//! SARIF 2.1.0 schema, which checks more than the structs' types would.

use super::{position, RunInfo, Sources};
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status, Text};
use hegui_lang::Analysis;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A file path as a URI reference: relative paths stay relative (to the
/// checkout root, `%SRCROOT%`), absolute ones become `file://` URIs.
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn message(t: &Text, lang: Lang) -> Value {
    json!({"text": t.get(lang), "properties": {"zh": t.zh, "en": t.en}})
}

fn physical(sources: &Sources, file: &str, span: hegui_lang::syntax::ast::Span) -> Value {
    let ((sl, sc), (el, ec)) = position(sources, file, span);
    let mut loc = json!({
        "artifactLocation": {"uri": uri(file)},
        "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
    });
    if !file.starts_with('/') {
        loc["artifactLocation"]["uriBaseId"] = json!("%SRCROOT%");
    }
    loc
}

/// The SARIF descriptor of every rule (workspace rules first by id), then the
/// codes of the language's own diagnostics that occur in `diags`.
fn catalogue(analysis: &Analysis, diags: &[Diagnostic], lang: Lang) -> Vec<(String, Value)> {
    let defs = analysis.defs();
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for (id, r) in &defs.rules {
        let cites: Vec<&str> = r.cites.iter().map(|c| c.get(lang)).collect();
        let cites_other: Vec<&str> = r
            .cites
            .iter()
            .map(|c| c.get(if lang == Lang::Zh { Lang::En } else { Lang::Zh }))
            .collect();
        let full = match (&r.doc, lang) {
            (Some(doc), _) => doc.clone(),
            (None, _) => r.title.get(lang).to_string(),
        };
        let help = match lang {
            Lang::Zh => format!("{}\n依据：{}", r.title.zh, cites.join("；")),
            Lang::En => format!("{}\nCitation: {}", r.title.en, cites.join("; ")),
        };
        let help_md = match lang {
            Lang::Zh => format!("**{}**\n\n依据：{}", r.title.zh, cites.join("；")),
            Lang::En => format!("**{}**\n\nCitation: {}", r.title.en, cites.join("; ")),
        };
        out.insert(
            id.clone(),
            json!({
                "id": id,
                "name": id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
                "shortDescription": message(&r.title, lang),
                "fullDescription": {"text": full, "properties": {"zh": r.title.zh, "en": r.title.en, "doc": r.doc}},
                "help": {"text": help, "markdown": help_md, "properties": {"citations": &*r.cites, "citationsOther": cites_other}},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {
                    "citations": &*r.cites,
                    "effectiveFrom": r.effective.map(|d| d.to_string()),
                    "effectiveUntil": r.until.map(|d| d.to_string()),
                    "subject": r.subject,
                    "stdlib": r.stdlib,
                    "tags": ["compliance", if r.stdlib { "stdlib" } else { "workspace" }],
                },
            }),
        );
    }
    for d in diags {
        if out.contains_key(&d.code) {
            continue;
        }
        let title = Text::new(
            format!("hegui 语言诊断：{}", d.code),
            format!("hegui language diagnostic: {}", d.code),
        );
        out.insert(
            d.code.clone(),
            json!({
                "id": d.code,
                "name": d.code.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
                "shortDescription": message(&title, lang),
                "fullDescription": message(&title, lang),
                "help": {"text": title.get(lang)},
                "defaultConfiguration": {"level": level(d.severity)},
                "properties": {"tags": ["language"]},
            }),
        );
    }
    out.into_iter().collect()
}

/// The stdlib version and hash and the two dates, under SARIF's camelCase names.
fn run_properties(run: &RunInfo) -> Value {
    json!({
        "stdlibVersion": run.stdlib_version,
        "stdlibHash": run.stdlib_hash,
        "asOf": run.as_of.map(|d| d.to_string()),
        "today": run.today.to_string(),
    })
}

/// A quick fix as a SARIF `fix`: the edits as replacements of regions.
fn fix(sources: &Sources, f: &hegui_lang::diag::Fix, lang: Lang) -> Value {
    let mut by_file: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for e in &f.edits {
        let ((sl, sc), (el, ec)) = position(sources, &e.location.file, e.location.span);
        by_file.entry(&e.location.file).or_default().push(json!({
            "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
            "insertedContent": {"text": e.new_text},
        }));
    }
    let changes: Vec<Value> = by_file
        .into_iter()
        .map(|(file, replacements)| {
            let mut loc = json!({"uri": uri(file)});
            if !file.starts_with('/') {
                loc["uriBaseId"] = json!("%SRCROOT%");
            }
            json!({"artifactLocation": loc, "replacements": replacements})
        })
        .collect();
    json!({"description": message(&f.title, lang), "artifactChanges": changes})
}

pub fn log(
    analysis: &Analysis,
    diags: &[Diagnostic],
    sources: &Sources,
    run: &RunInfo,
    lang: Lang,
) -> Value {
    let rules = catalogue(analysis, diags, lang);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message(lang).to_string();
            if let Some(o) = &d.obligation {
                let due = o.due_text().unwrap_or_else(|| "—".into());
                text.push_str(&match lang {
                    Lang::Zh => format!("（义务：{}，截止 {}）", o.text.zh, due),
                    Lang::En => format!(" (obligation: {}, due {})", o.text.en, due),
                });
            }
            let mut r = json!({
                "ruleId": d.code,
                "ruleIndex": index.get(d.code.as_str()).copied().unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text, "properties": {"zh": d.message(Lang::Zh), "en": d.message(Lang::En)}},
                "locations": [{"physicalLocation": physical(sources, &d.location.file, d.location.span)}],
                "partialFingerprints": {
                    "hegui/v1": format!("{}:{}:{}", d.code, d.subject.as_deref().unwrap_or(""), d.location.file),
                },
                "properties": {
                    "citations": d.citations(),
                    "subject": d.subject,
                    "notes": d.notes().collect::<Vec<_>>(),
                },
            });
            // SARIF's "could not determine pass or fail": an open result,
            // with the facts that would decide it.
            if d.status == Status::Undetermined {
                r["kind"] = json!("open");
                r["level"] = json!("none");
                r["properties"]["missing"] = super::json::missing(&d.missing, sources);
            }
            if let Some(o) = &d.obligation {
                r["properties"]["obligation"] = super::json::obligation(o);
            }
            if let Some(w) = &d.waiver {
                if d.status == Status::Waived {
                    r["suppressions"] = json!([{
                        "kind": "inSource",
                        "status": "accepted",
                        "justification": w.reason.get(lang),
                        "location": {"physicalLocation": physical(sources, &w.location.file, w.location.span)},
                        "properties": super::json::waiver(w, sources, false),
                    }]);
                } else {
                    r["properties"]["expiredWaiver"] = super::json::waiver(w, sources, true);
                }
            }
            if !d.fixes.is_empty() {
                r["fixes"] = d.fixes.iter().map(|f| fix(sources, f, lang)).collect();
            }
            if !d.labels.is_empty() {
                r["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i,
                            "physicalLocation": physical(sources, &l.location.file, l.location.span),
                            "message": message(&l.message, lang),
                        })
                    })
                    .collect();
            }
            r
        })
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hegui",
                "fullName": "hegui (合规) policy-as-code engine",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/hegui/hegui",
                "rules": rules.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
                "properties": run_properties(run),
            }},
            "properties": run_properties(run),
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder hegui was run in"}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
