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
    /// The diagnostics the action fixes: several when their fixes make the
    /// same edit (CAC-2024-8 and PIPL-38 both set the mechanism).
    pub diagnostics: Vec<Diagnostic>,
    /// The only fix of every diagnostic it fixes.
    pub preferred: bool,
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Actions for the range `span` of `path`, one per distinct edit.
pub fn code_actions(a: &Analysis, path: &str, span: Span) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for d in a.file_diagnostics(path) {
        if !overlaps(d.location.span, span) {
            continue;
        }
        let only = d.fixes.len() == 1;
        for f in &d.fixes {
            match out.iter_mut().find(|x| x.edits == f.edits) {
                Some(same) => {
                    same.preferred &= only;
                    same.diagnostics.push(d.clone());
                }
                None => out.push(Action {
                    title: f.title.clone(),
                    edits: f.edits.clone(),
                    diagnostics: vec![d.clone()],
                    preferred: only,
                }),
            }
        }
    }
    out
}
