//! What each command prints, and its exit code: 0 clean, 1 findings at or
//! above the failing severity, 2 unreadable or unparsable input.

use crate::files::Loaded;
use hegui_lang::diag::{render, Diagnostic, Lang, Severity, SourceLookup};
use hegui_lang::eval::rules::Status;
use hegui_lang::Analysis;
use serde_json::json;
use std::io::IsTerminal;

/// Codes that mean the input could not be read or parsed.
const INPUT_ERRORS: &[&str] = &[
    "syntax",
    "limit",
    "encoding",
    "io",
    "invalid-date",
    "invalid-number",
];

struct Sources<'a> {
    analysis: &'a Analysis,
    loaded: &'a Loaded,
}

impl SourceLookup for Sources<'_> {
    fn text_of(&self, path: &str) -> Option<&str> {
        self.analysis
            .text_of(path)
            .or_else(|| self.loaded.texts.get(path).map(|s| s.as_str()))
    }
}

fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

pub fn check(
    analysis: &Analysis,
    loaded: &Loaded,
    lang: Lang,
    json_out: bool,
    fail_at: Severity,
) -> u8 {
    let mut diags: Vec<Diagnostic> = loaded.errors.clone();
    diags.extend(analysis.diagnostics().iter().cloned());
    hegui_lang::diag::sort(&mut diags);
    let sources = Sources { analysis, loaded };
    let input_error = diags
        .iter()
        .any(|d| INPUT_ERRORS.contains(&d.code.as_str()) && d.severity == Severity::Error);
    let failing = diags.iter().any(|d| d.severity >= fail_at);
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let flows = analysis
        .entity_index()
        .by_kind
        .get("flow")
        .map(|v| v.len())
        .unwrap_or(0);
    if json_out {
        let findings: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                let text = sources.text_of(&d.location.file).unwrap_or("");
                let (sl, sc) = line_col(text, d.location.span.start);
                let (el, ec) = line_col(text, d.location.span.end);
                let mut v = json!({
                    "rule": d.code,
                    "severity": d.severity.as_str(),
                    "message": d.message,
                    "citations": d.citations,
                    "file": d.location.file,
                    "span": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
                    "flow": d.subject,
                    "notes": d.notes,
                });
                if let Some(o) = &d.obligation {
                    v["obligation"] = json!({"text": o.text, "due": o.due.map(|d| d.to_string())});
                }
                if !d.labels.is_empty() {
                    v["related"] = d
                        .labels
                        .iter()
                        .map(|l| {
                            let t = sources.text_of(&l.location.file).unwrap_or("");
                            let (line, column) = line_col(t, l.location.span.start);
                            json!({"file": l.location.file, "line": line, "column": column, "message": l.message})
                        })
                        .collect();
                }
                v
            })
            .collect();
        let out = json!({
            "findings": findings,
            "summary": {
                "files": analysis.user_paths().len(),
                "flows": flows,
                "errors": count(Severity::Error),
                "warnings": count(Severity::Warning),
                "infos": count(Severity::Info),
            }
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        let color = std::io::stdout().is_terminal();
        print!("{}", render::to_string(&diags, &sources, lang, color));
        let (e, w, i) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        match lang {
            Lang::Zh => println!(
                "检查了 {} 个文件、{} 个数据流：{} 个错误，{} 个警告，{} 个提示",
                analysis.user_paths().len(),
                flows,
                e,
                w,
                i
            ),
            Lang::En => println!(
                "checked {} files, {} flows: {} errors, {} warnings, {} infos",
                analysis.user_paths().len(),
                flows,
                e,
                w,
                i
            ),
        }
    }
    if input_error {
        2
    } else if failing {
        1
    } else {
        0
    }
}

pub fn test(analysis: &Analysis, loaded: &Loaded, stdlib: bool, lang: Lang) -> u8 {
    let sources = Sources { analysis, loaded };
    // Tests cannot run on a workspace that does not parse.
    let mut broken: Vec<Diagnostic> = loaded.errors.clone();
    broken.extend(
        analysis
            .diagnostics()
            .iter()
            .filter(|d| INPUT_ERRORS.contains(&d.code.as_str()))
            .cloned(),
    );
    if !broken.is_empty() {
        print!("{}", render::to_string(&broken, &sources, lang, false));
        return 2;
    }
    let results = analysis.run_tests(stdlib);
    let mut passed = 0;
    let mut failed = 0;
    let mut covered = std::collections::BTreeSet::new();
    for r in &results {
        if r.passed() {
            passed += 1;
            println!("ok      {}  ({})", r.name, r.file);
        } else {
            failed += 1;
            println!("FAILED  {}  ({})", r.name, r.file);
            print!("{}", render::to_string(&r.failures, &sources, lang, false));
        }
        covered.extend(r.covered.iter().cloned());
    }
    let defs = analysis.defs();
    let rules: Vec<&String> = defs
        .rules
        .iter()
        .filter(|(_, r)| r.stdlib == stdlib)
        .map(|(id, _)| id)
        .collect();
    let hit = rules.iter().filter(|id| covered.contains(**id)).count();
    println!("rules covered: {}/{}", hit, rules.len());
    let uncovered: Vec<&str> = rules
        .iter()
        .filter(|id| !covered.contains(**id))
        .map(|s| s.as_str())
        .collect();
    if !uncovered.is_empty() {
        println!("not covered: {}", uncovered.join(", "));
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        1
    } else {
        0
    }
}

pub fn explain(analysis: &Analysis, name: &str, lang: Lang) -> u8 {
    let Some((e, outcomes)) = analysis.explain(name) else {
        eprintln!(
            "{:?}",
            miette::miette!("no flow, dataset or party named `{name}` in this workspace")
        );
        return 2;
    };
    let defs = analysis.defs();
    println!("{} {} ({})", e.kind, e.name, e.file);
    if let Some(o) = outcomes.first() {
        println!(
            "{}: {}",
            if lang == Lang::Zh {
                "评估日期"
            } else {
                "judged as of"
            },
            o.date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
        );
    }
    for o in &outcomes {
        let Some(rule) = defs.rules.get(&o.rule) else {
            continue;
        };
        let status = match (&o.status, lang) {
            (Status::NotInForce, Lang::En) => "not in force",
            (Status::NotInForce, Lang::Zh) => "未生效",
            (Status::NotApplicable, Lang::En) => "does not apply",
            (Status::NotApplicable, Lang::Zh) => "不适用",
            (Status::Satisfied, Lang::En) => "satisfied",
            (Status::Satisfied, Lang::Zh) => "已满足",
            (Status::Fired, Lang::En) => "FIRED",
            (Status::Fired, Lang::Zh) => "触发",
        };
        println!("\n{:<14} {:<13} {}", o.rule, status, rule.title.get(lang));
        if o.status == Status::NotInForce {
            continue;
        }
        for (k, v) in &o.facts {
            println!("    {k} = {v}");
        }
        if let Some(f) = &o.finding {
            println!("    → {}", f.message.get(lang));
            for l in &f.labels {
                println!("    + {} ({})", l.message.get(lang), l.location.file);
            }
        }
    }
    0
}

pub fn doc(analysis: &Analysis, json_out: bool) -> u8 {
    let defs = analysis.defs();
    let rules: Vec<_> = defs.rules.values().filter(|r| r.stdlib).collect();
    if json_out {
        let list: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "title": r.title,
                    "citations": r.cites,
                    "effective_from": r.effective.map(|d| d.to_string()),
                    "effective_until": r.until.map(|d| d.to_string()),
                    "severity": r.severity.as_str(),
                    "subject": r.subject,
                    "file": r.origin.file,
                    "doc": r.doc,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "rules": list })).unwrap_or_default()
        );
    } else {
        println!("# hegui standard library: rule catalogue\n");
        println!("| id | title | citation | in force | severity |\n|---|---|---|---|---|");
        for r in rules {
            let cites: Vec<String> = r
                .cites
                .iter()
                .map(|c| format!("{} / {}", c.zh, c.en))
                .collect();
            let from = r
                .effective
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into());
            let until = r.until.map(|d| d.to_string()).unwrap_or_else(|| "".into());
            println!(
                "| {} | {} / {} | {} | {} – {} | {} |",
                r.id,
                r.title.zh,
                r.title.en,
                cites.join("; "),
                from,
                until,
                r.severity.as_str()
            );
        }
    }
    0
}
