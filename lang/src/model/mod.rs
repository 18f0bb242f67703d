//! The semantic model: definitions (schemas, enums, trees, rules, …), entities
//! lowered against them, and the static checks of both.

pub mod defs;
pub mod entity;
pub mod types;
pub mod unknown;
pub mod value;

pub use defs::Defs;
pub use entity::{EntityData, EntityIndex};
pub use value::Value;

use crate::syntax::ast::{Expr, ExprKind};

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(wrong, c);
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Visits every node of an expression, iteratively (trees are depth-bounded
/// by the parser, but an explicit stack costs nothing).
pub fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        f(x);
        match &x.kind {
            ExprKind::Field(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) => stack.push(a),
            ExprKind::Binary(_, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            ExprKind::If(a, b, c) => {
                stack.push(c);
                stack.push(b);
                stack.push(a);
            }
            ExprKind::List(items) | ExprKind::Call(_, items) => stack.extend(items.iter().rev()),
            ExprKind::Aggregate(agg) => {
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
