//! `hegui report`: a compliance report for people. What it shows of each
//! subject is the stdlib's: the `view` items name the route, the summary
//! columns (for a flow: the mechanism the law requires and the one declared),
//! the fact rows and the checklist; this module names no field, fact or kind.
//! Per subject of a kind with a view: those, what is missing (the findings),
//! the obligations with their due dates; then a deadline calendar and the
//! findings about other subjects. Markdown or one self-contained HTML page, in
//! Chinese or English. The exit code is `check`'s.

use crate::files::Loaded;
use crate::output::{all_diagnostics, emit, RunInfo};
use hegui_lang::db::SalsaWorld;
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status};
use hegui_lang::eval::rules::judgement_date;
use hegui_lang::eval::Evaluator;
use hegui_lang::model::defs::{Role, View};
use hegui_lang::model::Value;
use hegui_lang::Analysis;
use std::sync::Arc;

/// The subjects of one entity kind the stdlib gives a view with a report
/// section (`view flow { … }`), in name order.
struct Section {
    /// The kind's label (the schema's).
    label: String,
    /// The labels of the view's `summary` entries: the summary table's columns.
    columns: Vec<String>,
    /// The label of the kind's date field, if it has one (`subject_date`).
    date_label: Option<String>,
    subjects: Vec<SubjectReport>,
}

struct SubjectReport {
    name: String,
    file: String,
    /// The values of the view's `route` entries (a flow's parties).
    route: Vec<String>,
    date: String,
    /// The values of the `summary` entries, in order.
    summary: Vec<String>,
    /// Label and value of each `summary` and `show` entry, in order.
    facts: Vec<(String, String)>,
    /// Each `checklist` entry's items, after the value of the fact it is for.
    checklists: Vec<(Option<String>, Vec<String>)>,
    findings: Vec<Diagnostic>,
    /// Rules about the subject that read an input error: not judged, so the
    /// report concludes nothing for them (no "none missing").
    blocked: Vec<String>,
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
            let member = defs.enums.get(&**ty).and_then(|e| e.member(name));
            let label = member
                .map(|m| m.label.get(lang).to_string())
                .unwrap_or_else(|| name.to_string());
            match fields {
                Some(f) if !f.is_empty() => {
                    // Each field by its label in the report's language.
                    let inner: Vec<String> = f
                        .iter()
                        .map(|(k, v)| {
                            let key = member
                                .and_then(|m| m.fields.get(&**k))
                                .map(|fd| fd.label.get(lang))
                                .filter(|l| !l.is_empty())
                                .map(str::to_string)
                                .unwrap_or_else(|| k.to_string());
                            format!("{key} {}", show(analysis, v, lang))
                        })
                        .collect();
                    format!("{label} ({})", inner.join(", "))
                }
                _ => label,
            }
        }
        other => other.to_string(),
    }
}

/// A reference to an entity by its display name (and code); other values as shown.
fn subject_name(analysis: &Analysis, v: &Value, lang: Lang) -> String {
    match v {
        Value::Entity(n) => display_name(analysis, n, lang),
        other => show(analysis, other, lang),
    }
}

/// One section per entity kind whose view gives it one, in kind order.
fn sections(analysis: &Analysis, diags: &[Diagnostic], lang: Lang) -> Vec<Section> {
    let defs = analysis.defs();
    let index = analysis.entity_index();
    defs.views
        .iter()
        .filter(|(_, v)| v.has_section())
        .map(|(kind, view)| {
            let schema = defs.schemas.get(kind);
            Section {
                label: schema
                    .map(|s| s.label.get(lang).to_string())
                    .unwrap_or_else(|| format!("`{kind}`")),
                columns: view
                    .with(Role::Summary)
                    .map(|e| e.label.get(lang).to_string())
                    .collect(),
                date_label: schema
                    .and_then(|s| s.subject_date.as_deref())
                    .and_then(|f| defs.field(kind, f))
                    .map(|f| f.label.get(lang).to_string()),
                subjects: index
                    .by_kind
                    .get(kind)
                    .into_iter()
                    .flatten()
                    .filter_map(|name| subject(analysis, diags, view, name, lang))
                    .collect(),
            }
        })
        .collect()
}

/// What the report shows of one subject: the entries of its kind's view.
fn subject(
    analysis: &Analysis,
    diags: &[Diagnostic],
    view: &View,
    name: &Arc<str>,
    lang: Lang,
) -> Option<SubjectReport> {
    let world = SalsaWorld::new(&analysis.db, analysis.ws, analysis.defs());
    let as_of = analysis.ws.as_of(&analysis.db);
    let broken = diags
        .iter()
        .any(|d| crate::exit::is_input_error(d, &world.defs));
    let e = analysis.entity(name)?;
    let mut ev = Evaluator::new(&world);
    let date = judgement_date(&world, &e, as_of);
    ev.as_of = date;
    let subject = Value::Entity(name.clone());
    // A declared field as declared; a derived fact evaluated on the subject's date.
    let declared = |f: &str| world.defs.field(&e.kind, f).is_some();
    let mut value = |f: &str| {
        if declared(f) {
            e.get(f).map(|x| x.value.clone()).unwrap_or(Value::None)
        } else {
            ev.refuel();
            ev.field(&subject, f)
        }
    };
    // Without the date whose law applies no derived fact is decided (which
    // regime, which window): say so rather than show what a missing date
    // evaluates to.
    let no_date = tr(lang, "未知（未声明日期）", "unknown (no date declared)");
    let shown = |f: &str, v: &Value| match date {
        None if !declared(f) => no_date.to_string(),
        _ => show(analysis, v, lang),
    };
    let mut r = SubjectReport {
        name: name.to_string(),
        file: e.file.clone(),
        route: Vec::new(),
        date: date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        summary: Vec::new(),
        facts: Vec::new(),
        checklists: Vec::new(),
        findings: diags
            .iter()
            .filter(|d| d.subject.as_deref() == Some(&**name) && d.status == Status::Active)
            .cloned()
            .collect(),
        blocked: match broken.then(|| analysis.explain(name)).flatten() {
            Some((_, outcomes)) => outcomes
                .into_iter()
                .filter(|o| o.status == hegui_lang::eval::rules::Status::Blocked)
                .map(|o| o.rule)
                .collect(),
            None => Vec::new(),
        },
    };
    for entry in &view.entries {
        match entry.role {
            Role::Route => r
                .route
                .push(subject_name(analysis, &value(&entry.name), lang)),
            Role::Summary | Role::Show => {
                let v = shown(&entry.name, &value(&entry.name));
                if entry.role == Role::Summary {
                    r.summary.push(v.clone());
                }
                r.facts.push((entry.label.get(lang).to_string(), v));
            }
            Role::Checklist => {
                let items = match (date, value(&entry.name)) {
                    (Some(_), Value::List(items)) => items
                        .iter()
                        .filter(|v| matches!(v, Value::Member { .. }))
                        .map(|v| show(analysis, v, lang))
                        .collect(),
                    _ => Vec::new(),
                };
                let of = entry.of.as_deref().map(|f| shown(f, &value(f)));
                r.checklists.push((of, items));
            }
            Role::Hint => {}
        }
    }
    Some(r)
}

/// What the report says, block by block; `templates/report.{md,html}` lay
/// the blocks out (layout stays out of Rust).
#[derive(Default)]
struct Doc {
    blocks: Vec<Block>,
}

#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Block {
    H1 {
        text: String,
    },
    H2 {
        text: String,
    },
    H3 {
        text: String,
    },
    Para {
        text: String,
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    List {
        items: Vec<String>,
        checkboxes: bool,
    },
    /// A warning set apart from the text (the "incomplete" banner).
    Banner {
        title: String,
        items: Vec<String>,
    },
}

impl Doc {
    fn h1(&mut self, s: &str) {
        self.blocks.push(Block::H1 { text: s.into() });
    }
    fn h2(&mut self, s: &str) {
        self.blocks.push(Block::H2 { text: s.into() });
    }
    fn h3(&mut self, s: &str) {
        self.blocks.push(Block::H3 { text: s.into() });
    }
    fn para(&mut self, s: &str) {
        self.blocks.push(Block::Para { text: s.into() });
    }
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        self.blocks.push(Block::Table {
            head: head.iter().map(|h| h.to_string()).collect(),
            rows: rows.to_vec(),
        });
    }
    fn list(&mut self, items: &[String], checkboxes: bool) {
        self.blocks.push(Block::List {
            items: items.to_vec(),
            checkboxes,
        });
    }
    fn banner(&mut self, title: &str, items: &[String]) {
        self.blocks.push(Block::Banner {
            title: title.into(),
            items: items.to_vec(),
        });
    }
}

/// Escaped text where each `` `code` `` span (identifiers, rule ids) becomes
/// literal code: the HTML template's `inline` filter.
fn inline_html(s: &str) -> minijinja::Value {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 {
        return minijinja::Value::from_safe_string(escape_html(s));
    }
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        let text = escape_html(p);
        if i % 2 == 1 && i + 1 < parts.len() {
            out.push_str(&format!("<code>{text}</code>"));
        } else {
            if i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&text);
        }
    }
    minijinja::Value::from_safe_string(out)
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 (and so XHTML) cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table cell: the template's `md_cell` filter.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report's templates, compiled into the binary.
fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters");
    env.set_syntax(syntax);
    env.add_filter("inline", inline_html);
    env.add_filter("md_cell", md_cell);
    for (name, text) in [
        ("report.md", include_str!("../templates/report.md")),
        ("report.html", include_str!("../templates/report.html")),
        ("report.css", include_str!("../templates/report.css")),
    ] {
        env.add_template(name, text)
            .expect("the report templates are valid (tests/report.rs renders both)");
    }
    env
}

/// What the report is about and what it could not read.
struct Header<'a> {
    organisation: Option<&'a str>,
    /// The input errors, each "file:line: message".
    input_errors: Vec<String>,
}

fn write(
    sink: &mut Doc,
    analysis: &Analysis,
    run: &RunInfo,
    sections: &[Section],
    diags: &[Diagnostic],
    lang: Lang,
    header: &Header,
) {
    sink.h1(tr(lang, "合规报告", "Compliance report"));
    if let Some(org) = header.organisation {
        sink.para(&format!("{}{org}", tr(lang, "机构：", "Organisation: ")));
    }
    sink.para(&run.line(lang));
    if !header.input_errors.is_empty() {
        sink.banner(
            &match lang {
                Lang::Zh => format!(
                    "报告不完整：工作区有 {} 处输入错误，以下结论未考虑这些输入。",
                    header.input_errors.len()
                ),
                Lang::En => format!(
                    "Incomplete report: the workspace has {}; the conclusions below leave those inputs out.",
                    hegui_lang::english::count(header.input_errors.len(), "input error", "input errors")
                ),
            },
            &header.input_errors,
        );
    }
    // Without `--as-of`, each subject is judged on its own date: name the
    // date field of each kind reported (its label).
    let own_dates: Vec<String> = sections
        .iter()
        .filter_map(|s| {
            let date = s.date_label.as_deref()?;
            Some(match lang {
                Lang::Zh => format!("各{}{date}", s.label),
                Lang::En => format!("each {}'s {}", s.label.to_lowercase(), date.to_lowercase()),
            })
        })
        .collect();
    let as_of = match analysis.ws.as_of(&analysis.db) {
        Some(d) => d.to_string(),
        None if own_dates.is_empty() => {
            tr(lang, "各对象自身的日期", "each subject's own date").to_string()
        }
        None => own_dates.join(tr(lang, "、", ", ")),
    };
    let errors: usize = sections
        .iter()
        .flat_map(|s| &s.subjects)
        .map(|r| {
            r.findings
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count()
        })
        .sum();
    let counts: Vec<String> = sections
        .iter()
        .map(|s| match lang {
            Lang::Zh => format!("{} 个{}", s.subjects.len(), s.label),
            Lang::En => format!("{}: {}", s.label, s.subjects.len()),
        })
        .collect();
    let counts = match lang {
        Lang::Zh => counts.iter().map(|c| format!("{c}，")).collect::<String>(),
        Lang::En => counts.iter().map(|c| format!("{c}; ")).collect::<String>(),
    };
    sink.para(&match lang {
        Lang::Zh => format!("{counts}{errors} 项缺失（错误）；适用法律日期：{as_of}。"),
        Lang::En => format!(
            "{counts}{} (errors); judged as of: {as_of}.",
            hegui_lang::english::count(errors, "missing item", "missing items")
        ),
    });
    // A summary table per kind: each subject's summary entries and missing items.
    for section in sections {
        let rows: Vec<Vec<String>> = section
            .subjects
            .iter()
            .map(|r| {
                let e = r
                    .findings
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let count = if e == 0 && !r.blocked.is_empty() {
                    "?".to_string()
                } else {
                    e.to_string()
                };
                let mut row = vec![display_name(analysis, &r.name, lang)];
                row.extend(r.summary.iter().cloned());
                row.push(count);
                row
            })
            .collect();
        let mut head: Vec<&str> = vec![&section.label];
        head.extend(section.columns.iter().map(String::as_str));
        head.push(tr(lang, "缺失项", "Missing items"));
        sink.table(&head, &rows);
    }
    // Deadline calendar: the obligations of every subject (flows, parties,
    // datasets), each marked overdue when due before the evaluation date.
    sink.h2(tr(lang, "截止日期", "Deadlines"));
    let mut deadlines: Vec<(String, String, String, String, String)> = Vec::new();
    for d in diags.iter().filter(|d| d.status == Status::Active) {
        let (Some(o), Some(subject)) = (&d.obligation, &d.subject) else {
            continue;
        };
        let state = match o.due {
            Some(due) if due < run.today => tr(lang, "已逾期", "overdue").to_string(),
            Some(_) => tr(lang, "未到期", "open").to_string(),
            None => tr(lang, "待确认", "to confirm").to_string(),
        };
        deadlines.push((
            o.due_text().unwrap_or_else(|| "—".into()),
            display_name(analysis, subject, lang),
            o.text.get(lang).to_string(),
            format!("`{}`", d.code),
            state,
        ));
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
            .map(|(a, b, c, d, e)| vec![a, e, b, c, d])
            .collect();
        sink.table(
            &[
                tr(lang, "截止", "Due"),
                tr(lang, "状态", "Status"),
                tr(lang, "对象", "Subject"),
                tr(lang, "义务", "Obligation"),
                tr(lang, "规则", "Rule"),
            ],
            &rows,
        );
    }
    other_subjects(sink, analysis, diags, lang);
    for r in sections.iter().flat_map(|s| &s.subjects) {
        subject_section(sink, analysis, r, lang);
    }
    undetermined_section(sink, analysis, diags, lang);
    waived_section(sink, analysis, diags, lang);
    sink.para(tr(
        lang,
        "免责声明：本报告由 hegui 根据工作区中的声明和所示版本的标准库自动生成，仅供合规评估参考，不构成法律意见；结论取决于声明的完整与准确，签署前应由专业人员复核。",
        "Disclaimer: this report was generated by hegui from the workspace's declarations and the standard library version shown. It supports a compliance assessment and is not legal advice; its conclusions depend on the declarations being complete and accurate, and a qualified person should review it before signing.",
    ));
}

/// One subject's section: its route, its facts, what is missing, its
/// exposure and its checklist.
fn subject_section(sink: &mut Doc, analysis: &Analysis, r: &SubjectReport, lang: Lang) {
    sink.h2(&display_name(analysis, &r.name, lang));
    let route = match r.route.is_empty() {
        true => String::new(),
        false => format!("{}{}", r.route.join(" → "), tr(lang, "；", "; ")),
    };
    sink.para(&match lang {
        Lang::Zh => format!("{route}适用法律日期 {}；声明于 {}", r.date, r.file),
        Lang::En => format!("{route}judged as of {}; declared in {}", r.date, r.file),
    });
    let rows: Vec<Vec<String>> = r
        .facts
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    if !rows.is_empty() {
        sink.table(&[tr(lang, "事实", "Fact"), tr(lang, "值", "Value")], &rows);
    }
    sink.h3(tr(lang, "缺失项", "Missing items"));
    let cite = |d: &Diagnostic| {
        let c: Vec<&str> = d.citations().iter().map(|c| c.get(lang)).collect();
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
            format!("{sev}`{}`: {}{}", d.code, d.message(lang), cite(d))
        })
        .collect();
    let not_judged = (!r.blocked.is_empty()).then(|| match lang {
        Lang::Zh => format!("未判定：{} 读取了有误的输入。", r.blocked.join("、")),
        Lang::En => format!("Not judged: {} read an input error.", r.blocked.join(", ")),
    });
    if !missing.is_empty() {
        sink.list(&missing, false);
    }
    match &not_judged {
        Some(text) => sink.para(text),
        None if missing.is_empty() => sink.para(tr(lang, "无。", "None.")),
        None => {}
    }
    exposure(sink, analysis, &r.findings, lang);
    sink.h3(tr(lang, "备案与提交清单", "Filing checklist"));
    let mut listed = false;
    for (of, items) in r.checklists.iter().filter(|(_, items)| !items.is_empty()) {
        if let Some(of) = of {
            sink.para(&format!("{of}{}", tr(lang, "：", ":")));
        }
        sink.list(items, true);
        listed = true;
    }
    let mut check: Vec<String> = r
        .findings
        .iter()
        .filter_map(|d| {
            let o = d.obligation.as_ref()?;
            let due = o.due_text().unwrap_or_else(|| "—".into());
            Some(match lang {
                Lang::Zh => format!("{}（截止 {}；`{}`）", o.text.zh, due, d.code),
                Lang::En => format!("{} (due {}; `{}`)", o.text.en, due, d.code),
            })
        })
        .collect();
    check.extend(
        r.findings
            .iter()
            .filter(|d| d.severity == Severity::Error && d.obligation.is_none())
            .map(|d| format!("`{}`: {}", d.code, d.message(lang))),
    );
    if !check.is_empty() {
        sink.list(&check, true);
    }
    match &not_judged {
        Some(text) => sink.para(text),
        None if check.is_empty() && !listed => {
            sink.para(tr(lang, "无待办事项。", "Nothing to file or fix."))
        }
        None => {}
    }
}

/// An entity as the report names it: its display name in the report's
/// language (or the other one, if it has only that), with its identifier as a code.
fn display_name(analysis: &Analysis, name: &str, lang: Lang) -> String {
    let Some(e) = analysis.entity(name) else {
        return format!("`{name}`");
    };
    let label = match lang {
        Lang::Zh if !e.label.zh.is_empty() => e.label.zh.clone(),
        Lang::En if !e.label.en.is_empty() => e.label.en.clone(),
        _ if !e.label.zh.is_empty() => e.label.zh.clone(),
        _ => e.label.en.clone(),
    };
    if label.is_empty() {
        format!("`{name}`")
    } else {
        format!("{label} (`{name}`)")
    }
}

/// The findings about subjects of the kinds without a report section of
/// their own (in the stdlib: parties, datasets, …), grouped by subject.
fn other_subjects(sink: &mut Doc, analysis: &Analysis, diags: &[Diagnostic], lang: Lang) {
    let index = analysis.entity_index();
    let mut by_subject: std::collections::BTreeMap<&str, Vec<&Diagnostic>> = Default::default();
    for d in diags.iter().filter(|d| d.status == Status::Active) {
        let Some(s) = d.subject.as_deref() else {
            continue;
        };
        let kind = index.by_name.get(s).map(|l| l.kind.as_str());
        let sectioned = |k: &str| {
            analysis
                .defs()
                .views
                .get(k)
                .is_some_and(|v| v.has_section())
        };
        if kind.is_some_and(|k| !sectioned(k)) {
            by_subject.entry(s).or_default().push(d);
        }
    }
    if by_subject.is_empty() {
        return;
    }
    // The kinds present, each by its schema's label (the stdlib's word).
    let defs = analysis.defs();
    let mut kinds: Vec<String> = Vec::new();
    for s in by_subject.keys() {
        let Some(kind) = index.by_name.get(*s).map(|l| l.kind.as_str()) else {
            continue;
        };
        let label = defs
            .schemas
            .get(kind)
            .map(|k| k.label.get(lang).to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| format!("`{kind}`"));
        if !kinds.contains(&label) {
            kinds.push(label);
        }
    }
    sink.h2(&match lang {
        Lang::Zh => format!("其他对象（{}）", kinds.join("、")),
        Lang::En => format!("Other subjects ({})", kinds.join(", ")),
    });
    for (s, ds) in by_subject {
        sink.h3(&display_name(analysis, s, lang));
        let items: Vec<String> = ds
            .iter()
            .map(|d| {
                let c: Vec<&str> = d.citations().iter().map(|c| c.get(lang)).collect();
                let mut line = format!("`{}`: {}", d.code, d.message(lang));
                if !c.is_empty() {
                    line.push_str(&format!(" [{}]", c.join("; ")));
                }
                if let Some(o) = &d.obligation {
                    let due = o.due_text().unwrap_or_else(|| "—".into());
                    line.push_str(&match lang {
                        Lang::Zh => format!("（义务：{}，截止 {due}）", o.text.zh),
                        Lang::En => format!(" (obligation: {}, due {due})", o.text.en),
                    });
                }
                line
            })
            .collect();
        sink.list(&items, false);
        let owned: Vec<Diagnostic> = ds.into_iter().cloned().collect();
        exposure(sink, analysis, &owned, lang);
    }
}

/// The legal exposure of a subject's findings: the penalty each breached
/// rule carries, as its article states it (stdlib `penalty` clauses). Nothing
/// is shown when no finding's rule carries one.
fn exposure(sink: &mut Doc, analysis: &Analysis, findings: &[Diagnostic], lang: Lang) {
    let defs = analysis.defs();
    let mut lines: Vec<String> = Vec::new();
    for d in findings.iter().filter(|d| d.severity >= Severity::Warning) {
        let Some(rule) = defs.rules.get(&d.code) else {
            continue;
        };
        for p in &rule.penalties {
            let mark = match (p.confirmed, lang) {
                (true, _) => "",
                (false, Lang::Zh) => "（未确认）",
                (false, Lang::En) => " (unconfirmed)",
            };
            let line = match lang {
                Lang::Zh => format!("`{}`：{}{mark}：{}", d.code, p.citation.zh, p.text.zh),
                Lang::En => format!("`{}`: {}{mark}: {}", d.code, p.citation.en, p.text.en),
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if lines.is_empty() {
        return;
    }
    sink.h3(tr(lang, "法律责任（罚则）", "Legal exposure (penalties)"));
    sink.list(&lines, false);
}

/// Findings a waiver covers: the rule, the subject and the waiver's reason,
/// approval and expiry.
fn waived_section(sink: &mut Doc, analysis: &Analysis, diags: &[Diagnostic], lang: Lang) {
    let rows: Vec<Vec<String>> = diags
        .iter()
        .filter(|d| d.status == Status::Waived)
        .filter_map(|d| {
            let w = d.waiver.as_ref()?;
            Some(vec![
                d.subject
                    .as_deref()
                    .map(|s| display_name(analysis, s, lang))
                    .unwrap_or_default(),
                format!("`{}`", d.code),
                d.message(lang).to_string(),
                w.describe(lang),
            ])
        })
        .collect();
    sink.h2(tr(lang, "已豁免", "Waived"));
    if rows.is_empty() {
        sink.para(tr(lang, "无。", "None."));
        return;
    }
    sink.table(
        &[
            tr(lang, "对象", "Subject"),
            tr(lang, "规则", "Rule"),
            tr(lang, "发现", "Finding"),
            tr(lang, "豁免理由与批准", "Reason and approval"),
        ],
        &rows,
    );
}

/// Findings the rules could not decide: a fact they depend on is not
/// declared. Each with the rule, its subject and what is missing.
fn undetermined_section(sink: &mut Doc, analysis: &Analysis, diags: &[Diagnostic], lang: Lang) {
    let rows: Vec<Vec<String>> = diags
        .iter()
        .filter(|d| d.status == Status::Undetermined)
        .map(|d| {
            vec![
                d.subject
                    .as_deref()
                    .map(|s| display_name(analysis, s, lang))
                    .unwrap_or_default(),
                format!("`{}`", d.code),
                d.message(lang).to_string(),
            ]
        })
        .collect();
    sink.h2(tr(lang, "无法判定", "Undetermined"));
    if rows.is_empty() {
        sink.para(tr(lang, "无。", "None."));
        return;
    }
    sink.para(tr(
        lang,
        "以下规则因缺少所依据的事实而无法判定；补全声明后重新运行。",
        "These rules could not be decided: a fact they depend on is not declared. Complete the declarations and run again.",
    ));
    sink.table(
        &[
            tr(lang, "对象", "Subject"),
            tr(lang, "规则", "Rule"),
            tr(lang, "说明", "Finding"),
        ],
        &rows,
    );
}

pub fn run(
    analysis: &Analysis,
    loaded: &Loaded,
    run: &RunInfo,
    lang: Lang,
    html: bool,
    gate: crate::exit::Gate,
) -> u8 {
    let diags = all_diagnostics(analysis, loaded);
    let defs = analysis.defs();
    let sources = crate::output::Sources::new(analysis, loaded);
    let header = Header {
        organisation: loaded.config.organisation.as_deref(),
        input_errors: diags
            .iter()
            .filter(|d| crate::exit::is_input_error(d, &defs))
            .map(|d| {
                let ((line, _), _) =
                    crate::output::position(&sources, &d.location.file, d.location.span);
                format!("{}:{line}: {}", d.location.file, d.message(lang))
            })
            .collect(),
    };
    let sections = sections(analysis, &diags, lang);
    let mut doc = Doc::default();
    write(&mut doc, analysis, run, &sections, &diags, lang, &header);
    let env = templates();
    let name = if html { "report.html" } else { "report.md" };
    let page = env.get_template(name).and_then(|t| {
        t.render(minijinja::context! {
            lang => if lang == Lang::Zh { "zh-CN" } else { "en" },
            title => tr(lang, "合规报告", "Compliance report"),
            blocks => minijinja::value::Serde(&doc.blocks),
        })
    });
    match page {
        Ok(page) => emit(&page),
        Err(e) => {
            eprintln!("{:?}", miette::miette!("report template: {e}"));
            return 2;
        }
    }
    crate::exit::gated(&diags, &defs, gate)
}
