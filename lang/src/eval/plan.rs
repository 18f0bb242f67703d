//! Fast paths for cumulative sums. A sum over a whole collection such as
//!
//! ```text
//! sum(f in flows where f.from == flow.from and f.cross_border
//!     and f.start >= flow.window_start and f.start <= flow.start : f.persons)
//! ```
//!
//! splits into a group key (`f.from == …`), a range on one field
//! (`f.start` between two bounds) and the rest, which reads only `f`. The rest
//! and the value are the same for every subject, so per group the world can
//! build a table of prefix sums sorted by the range field once; each subject
//! then costs two binary searches instead of a scan of the group.

use super::{compare, mentions};
use crate::model::Value;
use crate::syntax::ast::{AggKind, Aggregate, BinOp, Expr, ExprKind};
use std::sync::Arc;

/// What identifies a table: everything but the group key's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlanKey {
    pub kind: String,
    pub var: String,
    pub eq_field: String,
    pub range_field: Option<String>,
    /// Conjuncts that read only the element.
    pub filter: Vec<Expr>,
    pub value: Option<Expr>,
}

/// A plan for one aggregate, with the expressions evaluated per subject.
pub struct Plan<'e> {
    pub key: PlanKey,
    pub eq_value: &'e Expr,
    /// (bound, inclusive)
    pub lower: Vec<(&'e Expr, bool)>,
    pub upper: Vec<(&'e Expr, bool)>,
}

/// Rows sorted by the range field, with running sums of the value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RangeTable {
    /// (range key, value, cumulative sum up to and including this row, entity)
    pub rows: Vec<(Value, i64, i64, Arc<str>)>,
}

impl RangeTable {
    pub fn from_rows(mut rows: Vec<(Value, i64, Arc<str>)>) -> RangeTable {
        rows.sort_by(|a, b| {
            compare(&a.0, &b.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.2.cmp(&b.2))
        });
        let mut acc: i64 = 0;
        let rows = rows
            .into_iter()
            .map(|(k, v, n)| {
                acc = acc.saturating_add(v);
                (k, v, acc, n)
            })
            .collect();
        RangeTable { rows }
    }

    /// Row indices `[lo, hi)` whose key lies within every bound.
    pub fn range(&self, lower: &[(Value, bool)], upper: &[(Value, bool)]) -> (usize, usize) {
        let mut lo = 0;
        let mut hi = self.rows.len();
        for (b, inclusive) in lower {
            let i = self.rows.partition_point(|r| match compare(&r.0, b) {
                Some(std::cmp::Ordering::Less) => true,
                Some(std::cmp::Ordering::Equal) => !inclusive,
                Some(std::cmp::Ordering::Greater) => false,
                None => true,
            });
            lo = lo.max(i);
        }
        for (b, inclusive) in upper {
            let i = self.rows.partition_point(|r| match compare(&r.0, b) {
                Some(std::cmp::Ordering::Less) => true,
                Some(std::cmp::Ordering::Equal) => *inclusive,
                _ => false,
            });
            hi = hi.min(i);
        }
        (lo, hi.max(lo))
    }

    pub fn sum(&self, lo: usize, hi: usize) -> i64 {
        if hi <= lo {
            return 0;
        }
        let before = if lo == 0 { 0 } else { self.rows[lo - 1].2 };
        self.rows[hi - 1].2.saturating_sub(before)
    }
}

/// A range of a table whose entities made up a sum (resolved to labels only if
/// a finding needs them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LazyRange {
    pub table: Arc<RangeTable>,
    pub lo: usize,
    pub hi: usize,
}

impl LazyRange {
    pub fn names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.table.rows[self.lo..self.hi]
            .iter()
            .filter(|r| r.1 != 0)
            .map(|r| &r.3)
    }
}

/// Plans a `sum` over a collection of `kind`, if its shape allows. `is_global`
/// says whether a name means the same for every subject (constants, enums…).
/// `is_dated` says whether a field name is a derived fact that reads the date.
pub fn plan<'e>(
    agg: &'e Aggregate,
    kind: &str,
    is_dated: &dyn Fn(&str) -> bool,
    is_global: &dyn Fn(&str) -> bool,
) -> Option<Plan<'e>> {
    if agg.kind != AggKind::Sum {
        return None;
    }
    let var = agg.var.text.as_str();
    let mut conjuncts = Vec::new();
    let mut stack = vec![agg.filter.as_ref()?];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Binary(BinOp::And, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            _ => conjuncts.push(e),
        }
    }
    let mut eq: Option<(String, &Expr)> = None;
    let mut range_field: Option<String> = None;
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    let mut filter = Vec::new();
    for c in conjuncts {
        if let ExprKind::Binary(op, a, b) = &c.kind {
            let field_of_var = |x: &Expr| match &x.kind {
                ExprKind::Field(base, f) if matches!(&base.kind, ExprKind::Name(n) if n.text == var) => {
                    Some(f.text.clone())
                }
                _ => None,
            };
            // Normalise to `var.field OP other`.
            let (field, other, op) = match (field_of_var(a), field_of_var(b)) {
                (Some(f), None) if !mentions(b, var) => (Some(f), &**b, *op),
                (None, Some(f)) if !mentions(a, var) => (Some(f), &**a, flip(*op)),
                _ => (None, &**b, *op),
            };
            if let Some(field) = field {
                match op {
                    BinOp::Eq if eq.is_none() => {
                        eq = Some((field, other));
                        continue;
                    }
                    BinOp::Ge | BinOp::Gt | BinOp::Le | BinOp::Lt
                        if range_field.as_ref().is_none_or(|r| *r == field) =>
                    {
                        range_field = Some(field);
                        match op {
                            BinOp::Ge => lower.push((other, true)),
                            BinOp::Gt => lower.push((other, false)),
                            BinOp::Le => upper.push((other, true)),
                            _ => upper.push((other, false)),
                        }
                        continue;
                    }
                    _ => {}
                }
            }
        }
        if !element_only(c, var, is_dated, is_global) {
            return None;
        }
        filter.push(c.clone());
    }
    let (eq_field, eq_value) = eq?;
    if let Some(v) = &agg.value {
        if !element_only(v, var, is_dated, is_global) {
            return None;
        }
    }
    Some(Plan {
        key: PlanKey {
            kind: kind.to_string(),
            var: var.to_string(),
            eq_field,
            range_field,
            filter,
            value: agg.value.clone(),
        },
        eq_value,
        lower,
        upper,
    })
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// The expression reads only the element `var`, global names and date-free
/// facts: its value is the same whichever subject asks.
fn element_only(
    e: &Expr,
    var: &str,
    is_dated: &dyn Fn(&str) -> bool,
    is_global: &dyn Fn(&str) -> bool,
) -> bool {
    let mut ok = true;
    let mut bound: Vec<String> = vec![var.to_string()];
    crate::model::walk(e, &mut |x| match &x.kind {
        ExprKind::Name(n)
            if n.text == "as_of" || (!bound.contains(&n.text) && !is_global(&n.text)) =>
        {
            ok = false
        }
        ExprKind::Aggregate(a) => bound.push(a.var.text.clone()),
        ExprKind::Field(_, f) if is_dated(&f.text) => ok = false,
        _ => {}
    });
    ok
}
