//! Undetermined findings in the terminal, grouped by the fact they wait for:
//! one undeclared `persons_processed` that leaves five rules open is one
//! thing to fix, shown once at the entity that should declare it, with the
//! rules it decides and the value that decides each where it is computable.

use super::Sources;
use crate::render;
use hegui_lang::diag::{Diagnostic, Lang, Location, Severity, Status, Text};
use std::collections::BTreeMap;

/// Renders `open` (undetermined findings) into `w`: one note per missing fact.
pub fn write(
    w: &mut dyn std::io::Write,
    open: &[&Diagnostic],
    sources: &Sources,
    lang: Lang,
    color: bool,
) -> std::io::Result<()> {
    let groups = group(open);
    // Each group's note is built, shown and dropped in turn: together they
    // hold a label and a note per open finding (150 MiB at 100,000 flows).
    let mut r = render::Renderer::new(sources, lang, color);
    for ((entity, field), (location, members)) in &groups {
        let n = members.len();
        let message = Text::new(
            format!("未声明 `{entity}.{field}`：{n} 项结论无法判定"),
            if n == 1 {
                format!("`{entity}.{field}` not declared: 1 finding cannot be decided")
            } else {
                format!("`{entity}.{field}` not declared: {n} findings cannot be decided")
            },
        );
        let mut d = Diagnostic::new(
            "undetermined",
            Severity::Info,
            &location.file,
            location.span,
            message,
        )
        .with_status(Status::Undetermined);
        for m in members {
            let subject = m.subject.as_deref().unwrap_or("");
            let title = m.notes().next().map(|t| t.get(lang)).unwrap_or("");
            let decides = m
                .missing
                .iter()
                .find(|f| &f.entity == entity && &f.field == field)
                .and_then(|f| f.decides.as_ref());
            d = d.with_note(match decides {
                Some(x) => Text::new(
                    format!("{}（{subject}）：{title}；{}", m.code, x.zh),
                    format!("{} ({subject}): {title}; {}", m.code, x.en),
                ),
                None => Text::new(
                    format!("{}（{subject}）：{title}", m.code),
                    format!("{} ({subject}): {title}", m.code),
                ),
            });
            d = d.with_label(
                &m.location.file,
                m.location.span,
                Text::new(
                    format!("{} 无法判定", m.code),
                    format!("{} undetermined", m.code),
                ),
            );
        }
        r.write(w, &d)?;
    }
    // An undetermined finding that names no fact (none should) is shown as is.
    for d in open.iter().filter(|d| d.missing.is_empty()) {
        r.write(w, d)?;
    }
    Ok(())
}

type Groups<'a> = BTreeMap<(String, String), (Location, Vec<&'a Diagnostic>)>;

/// The findings under each missing fact (a finding waiting for two facts is
/// under both).
fn group<'a>(open: &[&'a Diagnostic]) -> Groups<'a> {
    let mut groups: Groups = BTreeMap::new();
    for &d in open {
        for m in &d.missing {
            groups
                .entry((m.entity.clone(), m.field.clone()))
                .or_insert_with(|| (m.location.clone(), Vec::new()))
                .1
                .push(d);
        }
    }
    groups
}
