//! `hegui check --format junit`: JUnit XML for CI dashboards. One test case per
//! flow; findings at or above the failing severity are `<failure>`s, others
//! go to `<system-out>`; waived and undetermined findings are skipped cases
//! of their own. Findings about other entities (datasets, parties) get
//! a case of their own, and diagnostics about no entity one case per file.

use super::{position, RunInfo, Sources};
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status};
use hegui_lang::Analysis;
use std::collections::BTreeMap;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

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
    // (order key, name) → case: flows first, then other entities, then files.
    let mut cases: BTreeMap<(u8, String), Case> = BTreeMap::new();
    if let Some(flows) = index.by_kind.get("flow") {
        for f in flows {
            let file = index
                .by_name
                .get(&**f)
                .map(|l| l.file.clone())
                .unwrap_or_default();
            cases.insert(
                (0, f.to_string()),
                Case {
                    classname: "flow".into(),
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
            (Status::Waived, Some(w)) => Some(w.describe(lang)),
            (Status::Undetermined, _) if d.severity < fail_at => {
                Some(d.message.get(lang).to_string())
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
    let failures = |c: &Case| {
        c.diags
            .iter()
            .filter(|&&i| diags[i].severity >= fail_at && c.skipped.is_none())
            .count()
    };
    let total = cases.len();
    let failed = cases.values().filter(|c| failures(c) > 0).count();
    let skipped = cases.values().filter(|c| c.skipped.is_some()).count();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"hegui\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"hegui check\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">\n"
    ));
    out.push_str("    <properties>\n");
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
    for (k, v) in props {
        out.push_str(&format!(
            "      <property name=\"{k}\" value=\"{}\"/>\n",
            escape(&v)
        ));
    }
    out.push_str("    </properties>\n");
    for c in cases.values() {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
            escape(&c.classname),
            escape(&c.name),
            escape(&c.file)
        ));
        if c.diags.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if let Some(reason) = &c.skipped {
            let d = &diags[c.diags[0]];
            out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n    </testcase>\n",
                escape(reason),
                escape(&format!("[{}] {}: {}", d.severity.as_str(), d.code, d.message.get(lang)))
            ));
            continue;
        }
        let mut system_out = String::new();
        for &i in &c.diags {
            let d = &diags[i];
            let ((line, col), _) = position(sources, &d.location.file, d.location.span);
            let mut body = format!(
                "{}:{}:{}: {}",
                d.location.file,
                line,
                col,
                d.message.get(lang)
            );
            for cite in &d.citations {
                body.push_str(&format!("\n{}", cite.get(lang)));
            }
            if let Some(o) = &d.obligation {
                let due = o.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
                body.push_str(&format!("\n{} ({due})", o.text.get(lang)));
            }
            if d.severity >= fail_at {
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    escape(&d.code),
                    escape(&format!("{}: {}", d.code, d.message.get(lang))),
                    escape(&body)
                ));
            } else {
                system_out.push_str(&format!("[{}] {}: {}\n", d.severity.as_str(), d.code, body));
            }
        }
        if !system_out.is_empty() {
            out.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                escape(&system_out)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
