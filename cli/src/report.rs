//! `hegui report`: a compliance report for people. Per flow: the mechanism the
//! law requires and the one declared, what is missing (the findings), the
//! obligations with their due dates and a filing checklist; then a deadline
//! calendar across all flows. Markdown or one self-contained HTML page, in
//! Chinese or English. The exit code is `check`'s.

use crate::files::Loaded;
use crate::output::{all_diagnostics, emit, RunInfo};
use hegui_lang::db::SalsaWorld;
use hegui_lang::diag::{Diagnostic, Lang, Severity};
use hegui_lang::eval::rules::judgement_date;
use hegui_lang::eval::Evaluator;
use hegui_lang::model::Value;
use hegui_lang::Analysis;
use std::sync::Arc;

struct FlowReport {
    name: String,
    label: String,
    file: String,
    from: String,
    to: String,
    date: String,
    facts: Vec<(String, String)>,
    required: String,
    declared: String,
    findings: Vec<Diagnostic>,
}

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A value as a person reads it: enumeration members by their label.
fn show(analysis: &Analysis, v: &Value, lang: Lang) -> String {
    let defs = analysis.defs();
    match v {
        Value::None => tr(lang, "无", "none").to_string(),
        Value::Bool(true) => tr(lang, "是", "yes").to_string(),
        Value::Bool(false) => tr(lang, "否", "no").to_string(),
        Value::Member { ty, name, fields } => {
            let label = defs
                .enums
                .get(&**ty)
                .and_then(|e| e.member(name))
                .map(|m| m.label.get(lang).to_string())
                .unwrap_or_else(|| name.to_string());
            match fields {
                Some(f) if !f.is_empty() => {
                    let inner: Vec<String> = f.iter().map(|(k, v)| format!("{k} {v}")).collect();
                    format!("{label} ({})", inner.join(", "))
                }
                _ => label,
            }
        }
        other => other.to_string(),
    }
}

fn flows(analysis: &Analysis, diags: &[Diagnostic], lang: Lang) -> Vec<FlowReport> {
    let index = analysis.entity_index();
    let names: Vec<Arc<str>> = index.by_kind.get("flow").cloned().unwrap_or_default();
    let world = SalsaWorld {
        db: &analysis.db,
        ws: analysis.ws,
        defs: analysis.defs(),
    };
    let as_of = analysis.ws.as_of(&analysis.db);
    let mut out = Vec::new();
    for name in names {
        let Some(e) = analysis.entity(&name) else {
            continue;
        };
        let mut ev = Evaluator::new(&world);
        let date = judgement_date(&world, &e, as_of);
        ev.as_of = date;
        let subject = Value::Entity(name.clone());
        let mut derived = |field: &str| {
            ev.refuel();
            ev.field(&subject, field)
        };
        let required = derived("required_mechanism");
        let mut facts = Vec::new();
        for f in [
            "cross_border",
            "personal_info",
            "sensitive_info",
            "persons",
            "sensitive_persons",
            "cumulative_persons",
            "cumulative_sensitive",
            "exemption",
        ] {
            if world
                .defs
                .derives
                .contains_key(&("flow".to_string(), f.to_string()))
            {
                let label = world.defs.derives[&("flow".to_string(), f.to_string())]
                    .label
                    .get(lang)
                    .to_string();
                let v = derived(f);
                facts.push((label, show(analysis, &v, lang)));
            }
        }
        let field = |f: &str| {
            e.fields
                .get(f)
                .map(|x| x.value.clone())
                .unwrap_or(Value::None)
        };
        out.push(FlowReport {
            name: name.to_string(),
            label: e.label.get(lang).to_string(),
            file: e.file.clone(),
            from: show(analysis, &field("from"), lang),
            to: show(analysis, &field("to"), lang),
            date: date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            facts,
            required: show(analysis, &required, lang),
            declared: show(analysis, &field("mechanism"), lang),
            findings: diags
                .iter()
                .filter(|d| d.subject.as_deref() == Some(&*name))
                .cloned()
                .collect(),
        });
    }
    out
}

/// One report, rendered by a `Sink` as Markdown or HTML.
trait Sink {
    fn h1(&mut self, s: &str);
    fn h2(&mut self, s: &str);
    fn h3(&mut self, s: &str);
    fn para(&mut self, s: &str);
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]);
    fn list(&mut self, items: &[String], checkboxes: bool);
}

struct Md(String);
impl Sink for Md {
    fn h1(&mut self, s: &str) {
        self.0.push_str(&format!("# {s}\n\n"));
    }
    fn h2(&mut self, s: &str) {
        self.0.push_str(&format!("## {s}\n\n"));
    }
    fn h3(&mut self, s: &str) {
        self.0.push_str(&format!("### {s}\n\n"));
    }
    fn para(&mut self, s: &str) {
        self.0.push_str(&format!("{s}\n\n"));
    }
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        self.0.push_str(&format!("| {} |\n", head.join(" | ")));
        self.0
            .push_str(&format!("|{}\n", "---|".repeat(head.len())));
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
            self.0.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        self.0.push('\n');
    }
    fn list(&mut self, items: &[String], checkboxes: bool) {
        for i in items {
            self.0
                .push_str(&format!("- {}{i}\n", if checkboxes { "[ ] " } else { "" }));
        }
        self.0.push('\n');
    }
}

struct Html(String);
fn esc(s: &str) -> String {
    crate::output::escape_xml(s)
}
impl Sink for Html {
    fn h1(&mut self, s: &str) {
        self.0.push_str(&format!("<h1>{}</h1>\n", esc(s)));
    }
    fn h2(&mut self, s: &str) {
        self.0.push_str(&format!("<h2>{}</h2>\n", esc(s)));
    }
    fn h3(&mut self, s: &str) {
        self.0.push_str(&format!("<h3>{}</h3>\n", esc(s)));
    }
    fn para(&mut self, s: &str) {
        self.0.push_str(&format!("<p>{}</p>\n", esc(s)));
    }
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        self.0.push_str("<table>\n<tr>");
        for h in head {
            self.0.push_str(&format!("<th>{}</th>", esc(h)));
        }
        self.0.push_str("</tr>\n");
        for r in rows {
            self.0.push_str("<tr>");
            for c in r {
                self.0.push_str(&format!("<td>{}</td>", esc(c)));
            }
            self.0.push_str("</tr>\n");
        }
        self.0.push_str("</table>\n");
    }
    fn list(&mut self, items: &[String], checkboxes: bool) {
        self.0.push_str(if checkboxes {
            "<ul class=\"check\">\n"
        } else {
            "<ul>\n"
        });
        for i in items {
            if checkboxes {
                self.0.push_str(&format!(
                    "<li><input type=\"checkbox\" disabled> {}</li>\n",
                    esc(i)
                ));
            } else {
                self.0.push_str(&format!("<li>{}</li>\n", esc(i)));
            }
        }
        self.0.push_str("</ul>\n");
    }
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}\
h1{border-bottom:2px solid #d0d7de;padding-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}ul.check{list-style:none;padding-left:.5rem}\
p.meta{color:#57606a}.error{color:#cf222e}.ok{color:#1a7f37}";

fn write(
    sink: &mut dyn Sink,
    analysis: &Analysis,
    run: &RunInfo,
    reports: &[FlowReport],
    lang: Lang,
    input_errors: usize,
) {
    sink.h1(tr(lang, "合规报告", "Compliance report"));
    sink.para(&run.line(lang));
    let as_of = analysis
        .ws
        .as_of(&analysis.db)
        .map(|d| d.to_string())
        .unwrap_or_else(|| tr(lang, "各数据流开始日期", "each flow's start date").to_string());
    let errors: usize = reports
        .iter()
        .map(|r| {
            r.findings
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count()
        })
        .sum();
    sink.para(&match lang {
        Lang::Zh => format!(
            "{} 个数据流，{} 项缺失（错误）；评估日期：{}。",
            reports.len(),
            errors,
            as_of
        ),
        Lang::En => format!(
            "{} flows, {} missing items (errors); judged as of: {}.",
            reports.len(),
            errors,
            as_of
        ),
    });
    if input_errors > 0 {
        sink.para(&match lang {
            Lang::Zh => format!("注意：工作区有 {input_errors} 处无法解析的输入，报告不完整（见 hegui check）。"),
            Lang::En => format!("Note: the workspace has {input_errors} unparsable inputs; this report is incomplete (see hegui check)."),
        });
    }
    // Summary table.
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            let e = r
                .findings
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            vec![
                r.name.clone(),
                r.required.clone(),
                r.declared.clone(),
                e.to_string(),
            ]
        })
        .collect();
    sink.table(
        &[
            tr(lang, "数据流", "Flow"),
            tr(lang, "法定机制", "Required mechanism"),
            tr(lang, "已声明机制", "Declared mechanism"),
            tr(lang, "缺失项", "Missing items"),
        ],
        &rows,
    );
    // Deadline calendar.
    sink.h2(tr(lang, "截止日期", "Deadlines"));
    let mut deadlines: Vec<(String, String, String, String)> = Vec::new();
    for r in reports {
        for d in &r.findings {
            if let Some(o) = &d.obligation {
                deadlines.push((
                    o.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                    r.name.clone(),
                    o.text.get(lang).to_string(),
                    d.code.clone(),
                ));
            }
        }
    }
    deadlines.sort();
    if deadlines.is_empty() {
        sink.para(tr(
            lang,
            "没有带截止日期的义务。",
            "No obligations with due dates.",
        ));
    } else {
        let rows: Vec<Vec<String>> = deadlines
            .into_iter()
            .map(|(a, b, c, d)| vec![a, b, c, d])
            .collect();
        sink.table(
            &[
                tr(lang, "截止", "Due"),
                tr(lang, "数据流", "Flow"),
                tr(lang, "义务", "Obligation"),
                tr(lang, "规则", "Rule"),
            ],
            &rows,
        );
    }
    for r in reports {
        sink.h2(&if r.label.is_empty() {
            r.name.clone()
        } else {
            format!("{} — {}", r.name, r.label)
        });
        sink.para(&match lang {
            Lang::Zh => format!(
                "{} → {}；评估日期 {}；声明于 {}",
                r.from, r.to, r.date, r.file
            ),
            Lang::En => format!(
                "{} → {}; judged as of {}; declared in {}",
                r.from, r.to, r.date, r.file
            ),
        });
        let mut rows = vec![
            vec![
                tr(lang, "法定机制", "Required mechanism").to_string(),
                r.required.clone(),
            ],
            vec![
                tr(lang, "已声明机制", "Declared mechanism").to_string(),
                r.declared.clone(),
            ],
        ];
        rows.extend(r.facts.iter().map(|(k, v)| vec![k.clone(), v.clone()]));
        sink.table(&[tr(lang, "事实", "Fact"), tr(lang, "值", "Value")], &rows);
        sink.h3(tr(lang, "缺失项", "Missing items"));
        let cite = |d: &Diagnostic| {
            let c: Vec<&str> = d.citations.iter().map(|c| c.get(lang)).collect();
            if c.is_empty() {
                String::new()
            } else {
                format!(" [{}]", c.join("; "))
            }
        };
        let missing: Vec<String> = r
            .findings
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| {
                let sev = if d.severity == Severity::Error {
                    ""
                } else {
                    tr(lang, "（警告）", "(warning) ")
                };
                format!("{sev}{}: {}{}", d.code, d.message.get(lang), cite(d))
            })
            .collect();
        if missing.is_empty() {
            sink.para(tr(lang, "无。", "None."));
        } else {
            sink.list(&missing, false);
        }
        sink.h3(tr(lang, "备案与提交清单", "Filing checklist"));
        let mut check: Vec<String> = r
            .findings
            .iter()
            .filter_map(|d| {
                let o = d.obligation.as_ref()?;
                let due = o.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
                Some(match lang {
                    Lang::Zh => format!("{}（截止 {}；{}）", o.text.zh, due, d.code),
                    Lang::En => format!("{} (due {}; {})", o.text.en, due, d.code),
                })
            })
            .collect();
        check.extend(
            r.findings
                .iter()
                .filter(|d| d.severity == Severity::Error && d.obligation.is_none())
                .map(|d| format!("{}: {}", d.code, d.message.get(lang))),
        );
        if check.is_empty() {
            sink.para(tr(lang, "无待办事项。", "Nothing to file or fix."));
        } else {
            sink.list(&check, true);
        }
    }
}

pub fn run(analysis: &Analysis, loaded: &Loaded, run: &RunInfo, lang: Lang, html: bool) -> u8 {
    let diags = all_diagnostics(analysis, loaded);
    let defs = analysis.defs();
    let input_errors = diags
        .iter()
        .filter(|d| crate::exit::is_input_error(d, &defs))
        .count();
    let reports = flows(analysis, &diags, lang);
    if html {
        let mut h = Html(String::new());
        write(&mut h, analysis, run, &reports, lang, input_errors);
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            if lang == Lang::Zh { "zh-CN" } else { "en" },
            tr(lang, "合规报告", "Compliance report"),
            h.0
        );
        emit(&page);
    } else {
        let mut m = Md(String::new());
        write(&mut m, analysis, run, &reports, lang, input_errors);
        emit(&m.0);
    }
    crate::exit::code(&diags, &defs, Severity::Error)
}
