//! The quick fix "waive this finding…": appends a `waive` item for the
//! finding's rule and subject to the end of its file, with the reason and the
//! approver to fill in and today's date as the approval date.

use super::actions::Action;
use crate::diag::{Diagnostic, Edit, Location, Status, Text};
use crate::syntax::ast::Span;
use crate::Analysis;

/// The action for one diagnostic: only rule findings about a subject that no
/// waiver covers yet, and only when the evaluation date is known.
pub fn waive_action(a: &Analysis, d: &Diagnostic) -> Option<Action> {
    let subject = d.subject.as_ref()?;
    if d.status == Status::Waived || !a.defs().rules.contains_key(&d.code) {
        return None;
    }
    let today = a.today()?;
    let text = a.text(&d.location.file)?;
    let end = text.len();
    let sep = if text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let until = today.checked_add(jiff::Span::new().years(1)).ok()?;
    let template = format!(
        "{sep}waive {} on {subject} {{\n  reason \"理由\" \"reason\"\n  approved \"approver\" on {today}\n  until {until}\n}}\n",
        d.code
    );
    Some(Action {
        title: Text::new(
            format!("豁免此项发现（{} / {subject}）…", d.code),
            format!("Waive this finding ({} on {subject})…", d.code),
        ),
        edits: vec![Edit {
            location: Location {
                file: d.location.file.clone(),
                span: Span::new(end, end),
            },
            new_text: template,
        }],
        diagnostics: vec![d.clone()],
        preferred: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::diag::Status;
    use crate::ide::code_actions;
    use crate::syntax::ast::Span;
    use crate::Analysis;

    const FILE: &str = "w.hegui";
    const TEXT: &str = "party h {\n  jurisdiction = \"CN-SH\"\n  kind = hospital\n}\n\nparty us {\n  jurisdiction = \"US\"\n  kind = pharma\n}\n\ndataset d {\n  categories = [health_status]\n  subjects = 100\n}\n\nflow f {\n  from = h\n  to = us\n  data = [d]\n  start = 2026-03-01\n}\n";

    #[test]
    fn the_template_waives_the_finding_once_applied() {
        let mut a = Analysis::new();
        a.set_file(FILE, TEXT);
        let today = jiff::civil::date(2026, 12, 1);
        a.set_today(Some(today));
        let d = a
            .file_diagnostics(FILE)
            .into_iter()
            .find(|d| d.code == "PIPL-38")
            .expect("PIPL-38 fires");
        let actions = code_actions(&a, FILE, d.location.span);
        let waive = actions
            .iter()
            .find(|x| x.title.en.starts_with("Waive this finding (PIPL-38 on f)"))
            .expect("the waive action");
        let edit = &waive.edits[0];
        let mut text = TEXT.to_string();
        text.replace_range(edit.location.span.range(), &edit.new_text);
        assert!(
            text.contains("approved \"approver\" on 2026-12-01"),
            "{text}"
        );
        assert_eq!(
            crate::fmt::format(FILE, &text).as_deref(),
            Ok(text.as_str())
        );
        a.set_file(FILE, &text);
        let after = a.file_diagnostics(FILE);
        let pipl = after
            .iter()
            .find(|d| d.code == "PIPL-38")
            .expect("still there");
        assert_eq!(pipl.status, Status::Waived);
        assert!(
            after.iter().all(|d| !d.code.starts_with("waiver")),
            "{after:?}"
        );
        // Once waived, no second template is offered.
        let again = code_actions(&a, FILE, Span::new(0, text.len()));
        assert!(again.iter().all(|x| !x.title.en.contains("PIPL-38 on f")));
    }

    #[test]
    fn without_an_evaluation_date_there_is_no_template() {
        let mut a = Analysis::new();
        a.set_file(FILE, TEXT);
        let all = code_actions(&a, FILE, Span::new(0, TEXT.len() as u32 as usize));
        assert!(all.iter().all(|x| !x.title.en.starts_with("Waive")));
    }
}
