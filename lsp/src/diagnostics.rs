//! Our `Diagnostic` → LSP's: code, severity, message with the citations,
//! obligation and notes, secondary labels as related information.

use crate::files::Paths;
use crate::position::{Encoding, Lines};
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status};
use hegui_lang::Analysis;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// The message with everything a terminal shows as notes.
pub fn message(d: &Diagnostic, lang: Lang) -> String {
    let mut m = d.message(lang).to_string();
    for n in d.notes() {
        m.push('\n');
        m.push_str(n.get(lang));
    }
    for c in d.citations().iter() {
        m.push_str(match lang {
            Lang::Zh => "\n依据：",
            Lang::En => "\ncite: ",
        });
        m.push_str(c.get(lang));
    }
    if let Some(o) = &d.obligation {
        let due = o.due_text().unwrap_or_else(|| "—".into());
        m.push_str(&match lang {
            Lang::Zh => format!("\n义务：{}（截止 {due}）", o.text.zh),
            Lang::En => format!("\nobligation: {} (due {due})", o.text.en),
        });
    }
    m
}

/// Converts the diagnostics of one file; `lines` is its line table. The
/// files their labels point into get one line table and URI each (a
/// cumulative sum's labels name every flow it adds, across many files).
pub fn to_lsp(
    a: &Analysis,
    paths: &Paths,
    diags: &[Diagnostic],
    lines: &Lines,
    enc: Encoding,
    lang: Lang,
) -> Vec<lsp::Diagnostic> {
    let texts: BTreeMap<&str, Arc<str>> = diags
        .iter()
        .flat_map(|d| &d.labels)
        .filter_map(|l| Some((l.location.file.as_str(), a.text(&l.location.file)?)))
        .collect();
    let related: BTreeMap<&str, (Lines, Option<lsp::Uri>)> = texts
        .iter()
        .map(|(f, t)| (*f, (Lines::new(t, enc), paths.uri_of(a, f))))
        .collect();
    diags
        .iter()
        .map(|d| one(d, lines, &related, lang))
        .collect()
}

fn one(
    d: &Diagnostic,
    lines: &Lines,
    files: &BTreeMap<&str, (Lines, Option<lsp::Uri>)>,
    lang: Lang,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let (lines, uri) = files.get(l.location.file.as_str())?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri.clone()?,
                    range: lines.range(l.location.span),
                },
                message: l.message.get(lang).to_string(),
            })
        })
        .collect();
    let waived = d.status == Status::Waived;
    lsp::Diagnostic {
        range: lines.range(d.location.span),
        // A waived finding is shown faded, as a hint.
        severity: Some(if waived {
            lsp::DiagnosticSeverity::HINT
        } else {
            severity(d.severity)
        }),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        code_description: None,
        source: Some("hegui".into()),
        message: message(d, lang),
        related_information: (!related.is_empty()).then_some(related),
        tags: waived.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}
