//! The resolved expression: every name already decided (a local's slot, a
//! folded global value, a constant, a collection, a built-in), no spans. The
//! checker's diagnostics come out of building it; the evaluator walks it.

use crate::model::Value;
use crate::syntax::ast::{AggKind, BinOp};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A literal, an enumeration member, a root category, an enumeration
    /// (the list of its members): a value known without evaluation.
    Lit(Value),
    /// A local by its slot in the current frame: a rule's subject is slot 0,
    /// its `let`s follow, each aggregate's variable takes the next slot.
    Local(u32),
    /// The date whose law applies (`as_of`).
    AsOf,
    /// The evaluation date (`today`, from `--today`): what "overdue" is
    /// measured against; `none` when the evaluation has none.
    Today,
    /// A constant, by name (evaluated once per evaluation).
    Const(Arc<str>),
    /// Every entity of a kind (`flows`).
    Collection(Arc<str>),
    /// A name that is no local and no definition: the entity of that name,
    /// looked up when evaluated (the IR does not depend on the entities).
    Entity(Arc<str>),
    /// `base.field`; `subject` when the base is the local named after its own
    /// kind (`flow.x` in a rule about flows): `explain` lists those reads.
    Field {
        base: Box<Expr>,
        field: Arc<str>,
        subject: bool,
    },
    List(Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A built-in function (`None`: an unknown one, already reported).
    Call(Option<Builtin>, Vec<Expr>),
    Aggregate(Box<Aggregate>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Aggregate {
    pub kind: AggKind,
    /// The slot its variable takes.
    pub slot: u32,
    pub source: Expr,
    pub filter: Option<Expr>,
    pub value: Option<Expr>,
    /// Over a whole collection filtered by `x.field == <expr without x>`: the
    /// field and the key, so the group index answers instead of a scan.
    pub group: Option<(Arc<str>, Expr)>,
    /// The prefix-sum plan of a cumulative sum, chosen once.
    pub plan: Option<Arc<crate::eval::plan::Plan>>,
}

/// The built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Year,
    StartOfYear,
    EndOfYear,
    Date,
    AddWorkingDays,
    IsWorkingDay,
    DaysBetween,
    DateOf,
    HoursBetween,
    Len,
    Exists,
    Default,
    StartsWith,
    Min,
    Max,
}

impl Builtin {
    /// The built-in of that name (names, arities and signatures are listed
    /// in `eval::calendar::BUILTINS`).
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "year" => Builtin::Year,
            "start_of_year" => Builtin::StartOfYear,
            "end_of_year" => Builtin::EndOfYear,
            "date" => Builtin::Date,
            "add_working_days" => Builtin::AddWorkingDays,
            "is_working_day" => Builtin::IsWorkingDay,
            "days_between" => Builtin::DaysBetween,
            "date_of" => Builtin::DateOf,
            "hours_between" => Builtin::HoursBetween,
            "len" => Builtin::Len,
            "exists" => Builtin::Exists,
            "default" => Builtin::Default,
            "starts_with" => Builtin::StartsWith,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            _ => return None,
        })
    }
}

/// Visits every node of a resolved expression, iteratively (the written
/// tree has its own, `syntax::ast::walk`, for what needs spans).
pub fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        f(x);
        match x {
            Expr::Field { base: a, .. } | Expr::Not(a) | Expr::Neg(a) => stack.push(a),
            Expr::Binary(_, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Expr::If(a, b, c) => {
                stack.push(c);
                stack.push(b);
                stack.push(a);
            }
            Expr::List(items) | Expr::Call(_, items) => stack.extend(items.iter().rev()),
            Expr::Aggregate(agg) => {
                if let Some(v) = &agg.value {
                    stack.push(v);
                }
                if let Some(v) = &agg.filter {
                    stack.push(v);
                }
                stack.push(&agg.source);
            }
            _ => {}
        }
    }
}
