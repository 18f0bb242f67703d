//! Code actions: the fixes diagnostics carry. A rule's `fix` clause in the
//! stdlib (raise the grade to the minimum, set the mechanism the law requires,
//! add the missing clauses, record consent or the PIA date) becomes one here;
//! this code knows no field of any schema.

use crate::diag::{Diagnostic, Edit, Text};
use crate::syntax::ast::Span;
use crate::Analysis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: Text,
    pub edits: Vec<Edit>,
    /// The diagnostic the action fixes, if any.
    pub diagnostic: Option<Diagnostic>,
    pub preferred: bool,
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Actions for the range `span` of `path`.
pub fn code_actions(a: &Analysis, path: &str, span: Span) -> Vec<Action> {
    let mut out = Vec::new();
    for d in a.file_diagnostics(path) {
        if !overlaps(d.location.span, span) {
            continue;
        }
        for f in &d.fixes {
            out.push(Action {
                title: f.title.clone(),
                edits: f.edits.clone(),
                diagnostic: Some(d.clone()),
                preferred: d.fixes.len() == 1,
            });
        }
        out.extend(super::waive::waive_action(a, &d));
    }
    out
}
