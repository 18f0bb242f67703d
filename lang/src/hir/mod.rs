//! The resolved IR: definitions' expressions with every name decided once
//! (locals as slots, globals folded to values, constants, collections and
//! built-ins by id, aggregate plans chosen), built by one resolution pass
//! (`lower.rs`) whose diagnostics are the checker's. The evaluator reads only
//! this; it knows no spans and looks up no definition by name.

pub mod expr;
pub mod lower;
pub mod names;

pub use expr::{Aggregate, Builtin, Expr};

/// A rule's resolved clauses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleBody {
    /// `let` bindings in order (slot 1, 2, …; the subject is slot 0).
    pub lets: Vec<(String, Expr)>,
    pub when: Option<Expr>,
    pub require: Option<Expr>,
    /// The obligation's due date.
    pub due: Option<Expr>,
    /// The value a quick fix sets.
    pub fix_value: Option<Expr>,
    /// The zh and en message templates.
    pub message: Option<(Template, Template)>,
    /// The zh and en titles of the quick fix.
    pub fix_title: Option<(Template, Template)>,
}

/// A message template: text with resolved `{expr}` holes.
pub type Template = Vec<Part>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Expr(Expr),
}

/// Whether the expression reads the local in `slot`.
pub fn reads_local(e: &Expr, slot: u32) -> bool {
    let mut found = false;
    expr::walk(e, &mut |x| {
        if *x == Expr::Local(slot) {
            found = true;
        }
    });
    found
}
