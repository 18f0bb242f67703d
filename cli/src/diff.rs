//! `hegui diff`: what changes when the law does. The workspace is judged
//! twice — at two dates (`--from`/`--to`, as `--as-of`) or by two stdlibs
//! (`--from-stdlib`/`--to-stdlib`) — and the rule findings are compared per
//! subject: those that appear, disappear, or change (severity, message,
//! due date), each with its rule and citation.

use hegui_lang::diag::{Diagnostic, Lang, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One side of the comparison: the findings of a run, and what it was.
pub struct Side {
    pub label: String,
    pub findings: Vec<Diagnostic>,
}

/// How one finding (a subject and a rule) differs between the sides.
enum Change<'a> {
    Appeared(&'a Diagnostic),
    Disappeared(&'a Diagnostic),
    Changed(&'a Diagnostic, &'a Diagnostic),
}

fn key(d: &Diagnostic) -> (String, String) {
    (d.subject.clone().unwrap_or_default(), d.code.clone())
}

fn differs(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.severity != b.severity
        || a.message_text() != b.message_text()
        || a.obligation.as_ref().map(|o| o.due_text())
            != b.obligation.as_ref().map(|o| o.due_text())
}

fn changes<'a>(from: &'a Side, to: &'a Side) -> BTreeMap<String, Vec<Change<'a>>> {
    let index = |s: &'a Side| -> BTreeMap<(String, String), &'a Diagnostic> {
        s.findings.iter().map(|d| (key(d), d)).collect()
    };
    let (a, b) = (index(from), index(to));
    let mut out: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for (k, d) in &a {
        match b.get(k) {
            None => out
                .entry(k.0.clone())
                .or_default()
                .push(Change::Disappeared(d)),
            Some(e) if differs(d, e) => out
                .entry(k.0.clone())
                .or_default()
                .push(Change::Changed(d, e)),
            Some(_) => {}
        }
    }
    for (k, d) in &b {
        if !a.contains_key(k) {
            out.entry(k.0.clone())
                .or_default()
                .push(Change::Appeared(d));
        }
    }
    out
}

fn due(d: &Diagnostic) -> Option<String> {
    d.obligation.as_ref().and_then(|o| o.due_text())
}

fn finding_json(d: &Diagnostic) -> Value {
    json!({
        "rule": d.code,
        "severity": d.severity.as_str(),
        "message": {"zh": d.message(Lang::Zh), "en": d.message(Lang::En)},
        "citations": d.citations().iter().map(|c| json!({"zh": c.zh, "en": c.en})).collect::<Vec<_>>(),
        "due": due(d),
    })
}

/// Prints the differences; returns whether there are any.
pub fn print(from: &Side, to: &Side, lang: Lang, as_json: bool) -> bool {
    let all = changes(from, to);
    if as_json {
        let subjects: Vec<Value> = all
            .iter()
            .map(|(subject, cs)| {
                let pick = |f: &dyn Fn(&Change) -> Option<Value>| -> Vec<Value> { cs.iter().filter_map(f).collect() };
                json!({
                    "subject": if subject.is_empty() { Value::Null } else { Value::from(subject.clone()) },
                    "appeared": pick(&|c| match c { Change::Appeared(d) => Some(finding_json(d)), _ => None }),
                    "disappeared": pick(&|c| match c { Change::Disappeared(d) => Some(finding_json(d)), _ => None }),
                    "changed": pick(&|c| match c {
                        Change::Changed(a, b) => Some(json!({"rule": b.code, "from": finding_json(a), "to": finding_json(b)})),
                        _ => None,
                    }),
                })
            })
            .collect();
        let out = json!({"from": from.label, "to": to.label, "changed": !all.is_empty(), "subjects": subjects});
        crate::output::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        ));
        return !all.is_empty();
    }
    let mut s = String::new();
    let sev = |x: Severity| -> &'static str {
        match (lang, x) {
            (Lang::En, x) => x.as_str(),
            (Lang::Zh, Severity::Error) => "错误",
            (Lang::Zh, Severity::Warning) => "警告",
            (Lang::Zh, Severity::Info) => "提示",
            (Lang::Zh, Severity::Hint) => "建议",
        }
    };
    let cite = |d: &Diagnostic| -> String {
        let c: Vec<&str> = d.citations().iter().map(|c| c.get(lang)).collect();
        if c.is_empty() {
            String::new()
        } else {
            format!(" [{}]", c.join("; "))
        }
    };
    for (subject, cs) in &all {
        let name = if subject.is_empty() { "-" } else { subject };
        s.push_str(&format!("== {name} ==\n"));
        for c in cs {
            match c {
                Change::Appeared(d) => s.push_str(&format!(
                    "+ {} {}: {}{}\n",
                    d.code,
                    sev(d.severity),
                    d.message(lang),
                    cite(d)
                )),
                Change::Disappeared(d) => s.push_str(&format!(
                    "- {} {}: {}{}\n",
                    d.code,
                    sev(d.severity),
                    d.message(lang),
                    cite(d)
                )),
                Change::Changed(a, b) => {
                    s.push_str(&format!(
                        "~ {} {} → {}: {}{}\n",
                        b.code,
                        sev(a.severity),
                        sev(b.severity),
                        b.message(lang),
                        cite(b)
                    ));
                    if due(a) != due(b) {
                        let none = match lang {
                            Lang::Zh => "无",
                            Lang::En => "none",
                        };
                        let label = match lang {
                            Lang::Zh => "截止日期",
                            Lang::En => "due",
                        };
                        s.push_str(&format!(
                            "    {label}: {} → {}\n",
                            due(a).unwrap_or(none.into()),
                            due(b).unwrap_or(none.into())
                        ));
                    }
                }
            }
        }
    }
    let (n, f, t) = (
        all.values().map(|v| v.len()).sum::<usize>(),
        &from.label,
        &to.label,
    );
    s.push_str(&match lang {
        Lang::Zh => format!("{f} → {t}：{} 个对象的 {n} 项结论发生变化\n", all.len()),
        Lang::En => format!(
            "{f} → {t}: {} changed for {}\n",
            hegui_lang::english::count(n, "finding", "findings"),
            hegui_lang::english::count(all.len(), "subject", "subjects")
        ),
    });
    crate::output::emit(&s);
    !all.is_empty()
}
