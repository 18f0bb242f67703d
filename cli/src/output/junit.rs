//! `hegui check --format junit`: JUnit XML for CI dashboards. One test case per
//! subject of a kind the stdlib reports on (its view has a report section: in
//! the stdlib, each flow), classname the kind; findings at or above the failing severity make it a `<failure>`, others
//! go to `<system-out>`; waived and undetermined findings are skipped cases
//! of their own. Findings about other entities (datasets, parties) get
//! a case of their own, and diagnostics about no entity one case per file.
//! A flow without findings whose rules read an input error was not judged:
//! a skipped case naming those rules, never a pass.

use super::{position, RunInfo, Sources};
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status as DiagStatus};
use hegui_lang::eval::rules::Status;
use hegui_lang::Analysis;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

struct Case {
    classname: String,
    name: String,
    file: String,
    diags: Vec<usize>,
    /// A waived or undetermined finding is a skipped case of its own: the
    /// waiver's reason, or what is not declared.
    skipped: Option<String>,
}

pub fn render(
    analysis: &Analysis,
    diags: &[Diagnostic],
    sources: &Sources,
    run: &RunInfo,
    lang: Lang,
    fail_at: Severity,
) -> String {
    let index = analysis.entity_index();
    // (order key, name) → case: the subjects of the kinds the stdlib's views
    // give a report section (flows) first, each a case even without
    // findings, then other entities, then files.
    let mut cases: BTreeMap<(u8, String), Case> = BTreeMap::new();
    let defs = analysis.defs();
    let reported = defs.views.iter().filter(|(_, v)| v.has_section());
    for (kind, _) in reported {
        for f in index.by_kind.get(kind).into_iter().flatten() {
            let file = index
                .by_name
                .get(&**f)
                .map(|l| l.file.clone())
                .unwrap_or_default();
            cases.insert(
                (0, f.to_string()),
                Case {
                    classname: kind.clone(),
                    name: f.to_string(),
                    file,
                    diags: Vec::new(),
                    skipped: None,
                },
            );
        }
    }
    for (i, d) in diags.iter().enumerate() {
        // A waived finding is skipped with the waiver's reason; an undetermined
        // one (a fact it depends on is not declared) with what is missing.
        let skip = match (d.status, &d.waiver) {
            (DiagStatus::Waived, Some(w)) => Some(w.describe(lang)),
            (DiagStatus::Undetermined, _) if d.severity < fail_at => {
                Some(d.message(lang).to_string())
            }
            _ => None,
        };
        if let (Some(reason), Some(s)) = (skip, &d.subject) {
            let classname = index
                .by_name
                .get(s)
                .map(|l| l.kind.clone())
                .unwrap_or_else(|| "entity".into());
            let name = format!("{s}: {}", d.code);
            let group = if cases.contains_key(&(0, s.clone())) {
                0
            } else {
                1
            };
            cases.insert(
                (group, name.clone()),
                Case {
                    classname,
                    name,
                    file: d.location.file.clone(),
                    diags: vec![i],
                    skipped: Some(reason),
                },
            );
            continue;
        }
        let key = match &d.subject {
            Some(s) if cases.contains_key(&(0, s.clone())) => (0, s.clone()),
            Some(s) => (1, s.clone()),
            None => (2, d.location.file.clone()),
        };
        let case = cases.entry(key.clone()).or_insert_with(|| {
            let (classname, file) = match key.0 {
                1 => (
                    index
                        .by_name
                        .get(&key.1)
                        .map(|l| l.kind.clone())
                        .unwrap_or_else(|| "entity".into()),
                    d.location.file.clone(),
                ),
                _ => ("file".into(), d.location.file.clone()),
            };
            Case {
                classname,
                name: key.1.clone(),
                file,
                diags: Vec::new(),
                skipped: None,
            }
        });
        case.diags.push(i);
    }
    // Without findings, a flow is a passing case — unless a rule about it read
    // an input error (its conclusion was not drawn): then it is skipped.
    let defs = analysis.defs();
    if diags.iter().any(|d| crate::exit::is_input_error(d, &defs)) {
        for ((group, name), c) in cases.iter_mut() {
            if *group != 0 || !c.diags.is_empty() || c.skipped.is_some() {
                continue;
            }
            let Some((_, outcomes)) = analysis.explain(name) else {
                continue;
            };
            let blocked: Vec<&str> = outcomes
                .iter()
                .filter(|o| o.status == Status::Blocked)
                .map(|o| o.rule.as_str())
                .collect();
            if !blocked.is_empty() {
                c.skipped = Some(match lang {
                    Lang::Zh => format!("未判定：{} 读取了有误的输入", blocked.join("、")),
                    Lang::En => format!("not judged: {} read an input error", blocked.join(", ")),
                });
            }
        }
    }
    let mut suite = TestSuite::new("hegui check");
    let props = [
        ("hegui.version", run.hegui_version.to_string()),
        (
            "stdlib.version",
            run.stdlib_version.clone().unwrap_or_default(),
        ),
        ("stdlib.hash", run.stdlib_hash.clone()),
        (
            "as_of",
            run.as_of.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("today", run.today.to_string()),
    ];
    suite.add_properties(props.map(|(k, v)| Property::new(k, v)));
    for c in cases.values() {
        suite.add_test_case(test_case(c, diags, sources, lang, fail_at));
    }
    let mut report = Report::new("hegui");
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

/// One case: skipped (waived, undetermined), failed (findings at or above
/// the failing severity, one `<failure>` naming them all, since a JUnit case
/// has one outcome), or passed; the other findings in its `<system-out>`.
fn test_case(
    c: &Case,
    diags: &[Diagnostic],
    sources: &Sources,
    lang: Lang,
    fail_at: Severity,
) -> TestCase {
    if let Some(reason) = &c.skipped {
        let mut status = TestCaseStatus::skipped();
        status.set_message(reason.as_str());
        let mut case = TestCase::new(c.name.as_str(), status);
        case.set_classname(c.classname.as_str());
        case.extra.insert("file".into(), c.file.as_str().into());
        // A flow not judged has no finding of its own to show.
        if let Some(d) = c.diags.first().map(|&i| &diags[i]) {
            case.set_system_out(format!(
                "[{}] {}: {}",
                d.severity.as_str(),
                d.code,
                d.message(lang)
            ));
        }
        return case;
    }
    let mut system_out = String::new();
    let mut failed: Vec<&Diagnostic> = Vec::new();
    let mut failure_text = String::new();
    for &i in &c.diags {
        let d = &diags[i];
        let ((line, col), _) = position(sources, &d.location.file, d.location.span);
        let mut body = format!("{}:{}:{}: {}", d.location.file, line, col, d.message(lang));
        for cite in d.citations().iter() {
            body.push_str(&format!("\n{}", cite.get(lang)));
        }
        if let Some(o) = &d.obligation {
            let due = o.due_text().unwrap_or_else(|| "—".into());
            body.push_str(&format!("\n{} ({due})", o.text.get(lang)));
        }
        if d.severity >= fail_at {
            if !failure_text.is_empty() {
                failure_text.push_str("\n\n");
            }
            failure_text.push_str(&format!("{}: {body}", d.code));
            failed.push(d);
        } else {
            system_out.push_str(&format!("[{}] {}: {}\n", d.severity.as_str(), d.code, body));
        }
    }
    let status = match failed.first() {
        None => TestCaseStatus::success(),
        Some(first) => {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let codes: Vec<&str> = failed.iter().map(|d| d.code.as_str()).collect();
            st.set_type(codes.join(" "));
            st.set_message(format!("{}: {}", first.code, first.message(lang)));
            st.set_description(failure_text);
            st
        }
    };
    let mut case = TestCase::new(c.name.as_str(), status);
    case.set_classname(c.classname.as_str());
    case.extra.insert("file".into(), c.file.as_str().into());
    if !system_out.is_empty() {
        case.set_system_out(system_out);
    }
    case
}
