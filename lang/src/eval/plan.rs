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
//!
//! Grouped `count`, `any` and `all` without a range are tabled the same way:
//! each member's row says whether it decides the aggregate (certainly, or
//! perhaps: an unknown row), so that a member's edit to a field the aggregate
//! does not read leaves its file's part equal (see `db::table_part`).

pub mod layout;

use super::{compare, Evaluator};
use crate::hir::expr::walk;
use crate::hir::{reads_local, Aggregate, Expr};
use crate::model::defs::Defs;
use crate::model::unknown::{FactSet, Interval, Truth};
use crate::model::Value;
use crate::syntax::ast::{AggKind, BinOp};
use std::sync::Arc;

/// What identifies a table: everything but the group key's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlanKey {
    /// `Sum` (also for a distinct plan), or a grouped `Count`, `Any`, `All`
    /// without a range: rows then count one per member that decides.
    pub agg: AggKind,
    /// Its position in `Defs::plans` (equal plans share one), and the
    /// position of its set in `Defs::plan_sets`: the plans over the same
    /// kind grouped by the same field, whose tables are built together.
    pub id: u32,
    pub set: u32,
    pub kind: Arc<str>,
    /// The element's slot (the slots below it are never read: see `element_only`).
    pub var: u32,
    pub eq_field: Arc<str>,
    /// How many conjuncts of `filter` precede the group key's in the source:
    /// a member whose key is unknown is compared there, as the scan does
    /// (which facts taint depends on what the scan reads before a `false`).
    pub eq_at: u32,
    pub range_field: Option<Arc<str>>,
    /// Conjuncts that read only the element.
    pub filter: Vec<Expr>,
    pub value: Option<Expr>,
    /// A sum or count over the distinct elements of a `union` (the value
    /// above then gives each element's list of members).
    pub distinct: Option<DistinctPart>,
}

/// The outer aggregate of `sum(d in union(f in … : f.data) where … : …)`:
/// its filter and value read only its own element.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DistinctPart {
    pub kind: AggKind,
    pub slot: u32,
    pub filter: Option<Expr>,
    pub value: Option<Expr>,
}

/// A plan for one aggregate, with the expressions evaluated per subject.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    pub key: PlanKey,
    pub eq_value: Expr,
    /// (bound, inclusive)
    pub lower: Vec<(Expr, bool)>,
    pub upper: Vec<(Expr, bool)>,
}

/// Rows sorted by the range field, with running sums of the value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RangeTable {
    /// (range key, value, cumulative sum up to and including this row, entity)
    pub rows: Vec<(Value, i64, i64, Arc<str>)>,
    /// Elements that may or may not count, or count an unknown amount (few:
    /// each query looks at every one).
    pub unknown: Vec<UnknownRow>,
    /// Facts with an input error read while building it (a scan would read them too).
    pub tainted: FactSet,
    /// For a distinct plan: which elements each row holds (a row's value is
    /// then how many).
    pub distinct: Option<Arc<DistinctIndex>>,
    /// The rows that count (value not zero) in name order, and how many of
    /// them precede each row: a finding names the first few contributors of
    /// its range and counts the rest without copying the range's names.
    pub names: Arc<NameIndex>,
    /// Its row order, shared with the tables of its plan set and group that
    /// hold the same entities on the same rows ([`share_layouts`]), and its
    /// place among them (a bit of [`layout::Layout`]'s table sets).
    pub layout: Arc<layout::Layout>,
    pub slot: u32,
}

/// Tables of one set and group (by position) with the same entity on every
/// row share one layout, so a finding that reads several of them counts and
/// names their entities by row position.
pub fn share_layouts(tables: &mut [Option<RangeTable>]) {
    let mut seen: Vec<usize> = Vec::new();
    for i in 0..tables.len().min(64) {
        let Some(t) = &tables[i] else { continue };
        let same = seen.iter().copied().find(|&j| {
            tables[j].as_ref().is_some_and(|u| {
                u.rows.len() == t.rows.len() && u.rows.iter().zip(&t.rows).all(|(a, b)| a.3 == b.3)
            })
        });
        let layout = match same {
            Some(j) => tables[j].as_ref().map(|u| u.layout.clone()),
            None => {
                seen.push(i);
                None
            }
        };
        if let Some(t) = tables[i].as_mut() {
            t.slot = i as u32;
            if let Some(l) = layout {
                t.layout = l;
            }
        }
    }
}

/// The counting rows of a table by name (see [`RangeTable::names`]); derived
/// from the rows, so two tables with equal rows have equal indices.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NameIndex {
    /// Indices of the rows whose value is not zero, sorted by entity name.
    pub by_name: Vec<u32>,
    /// `counting[i]`: how many rows before row `i` have a value not zero.
    pub counting: Vec<u32>,
}

impl NameIndex {
    fn new(rows: &[(Value, i64, i64, Arc<str>)]) -> NameIndex {
        let mut by_name: Vec<u32> = (0..rows.len() as u32)
            .filter(|&i| rows[i as usize].1 != 0)
            .collect();
        by_name.sort_by(|&a, &b| rows[a as usize].3.cmp(&rows[b as usize].3));
        let mut counting = Vec::with_capacity(rows.len() + 1);
        let mut n = 0u32;
        counting.push(0);
        for r in rows {
            n += u32::from(r.1 != 0);
            counting.push(n);
        }
        NameIndex { by_name, counting }
    }
}

/// The distinct elements of a table's rows, each with what it adds once.
/// A query `[lo, hi)` adds each element whose first row in the range lies in
/// it; per lower bound (few: one per counting window) the running totals are
/// computed once and kept.
#[derive(Debug, Default)]
pub struct DistinctIndex {
    /// Per row, its elements (indices into `values`).
    pub rows: Vec<Vec<u32>>,
    pub values: Vec<i64>,
    totals: std::sync::Mutex<std::collections::HashMap<usize, Arc<Vec<i64>>>>,
}

/// Lower bounds whose running totals are kept; past it a query scans its range.
const KEPT_BOUNDS: usize = 64;

impl PartialEq for DistinctIndex {
    /// The kept totals are a cache: two indices with the same rows are equal.
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows && self.values == other.values
    }
}
impl Eq for DistinctIndex {}

impl DistinctIndex {
    pub fn new(rows: Vec<Vec<u32>>, values: Vec<i64>) -> DistinctIndex {
        DistinctIndex {
            rows,
            values,
            totals: Default::default(),
        }
    }

    /// Running totals of the distinct elements of rows `lo..`, `lo..=lo`, ….
    fn totals_from(&self, lo: usize, until: usize) -> Vec<i64> {
        let mut seen = vec![false; self.values.len()];
        let mut acc: i64 = 0;
        let mut out = Vec::with_capacity(until.saturating_sub(lo) + 1);
        out.push(0);
        for row in &self.rows[lo..until] {
            for &u in row {
                if !std::mem::replace(&mut seen[u as usize], true) {
                    acc = acc.saturating_add(self.values[u as usize]);
                }
            }
            out.push(acc);
        }
        out
    }

    /// What the distinct elements of rows `[lo, hi)` add up to.
    pub fn sum(&self, lo: usize, hi: usize) -> i64 {
        if hi <= lo {
            return 0;
        }
        let Ok(mut kept) = self.totals.lock() else {
            return *self.totals_from(lo, hi).last().unwrap_or(&0);
        };
        if let Some(t) = kept.get(&lo) {
            return t[hi - lo];
        }
        if kept.len() >= KEPT_BOUNDS {
            drop(kept);
            return *self.totals_from(lo, hi).last().unwrap_or(&0);
        }
        let t = Arc::new(self.totals_from(lo, self.rows.len()));
        kept.insert(lo, t.clone());
        t[hi - lo]
    }
}

/// An element whose filter, value or range key is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRow {
    /// The range key (itself possibly unknown).
    pub key: Value,
    /// What it adds to the sum if its key is in range (zero included when its
    /// filter is unknown).
    pub contribution: Interval,
    pub facts: FactSet,
    pub entity: Arc<str>,
}

impl RangeTable {
    pub fn from_rows(rows: Vec<(Value, i64, Arc<str>)>) -> RangeTable {
        RangeTable::with_unknown(rows, Vec::new())
    }

    pub fn with_unknown(
        mut rows: Vec<(Value, i64, Arc<str>)>,
        unknown: Vec<UnknownRow>,
    ) -> RangeTable {
        rows.sort_by(|a, b| {
            compare(&a.0, &b.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.2.cmp(&b.2))
        });
        let mut acc: i64 = 0;
        let rows: Vec<_> = rows
            .into_iter()
            .map(|(k, v, n)| {
                acc = acc.saturating_add(v);
                (k, v, acc, n)
            })
            .collect();
        RangeTable {
            names: Arc::new(NameIndex::new(&rows)),
            rows,
            unknown,
            tainted: FactSet::EMPTY,
            distinct: None,
            layout: Arc::default(),
            slot: 0,
        }
    }

    /// What the unknown rows may add to a range's sum, and the facts they
    /// came from. A row whose key is unknown may fall inside or outside.
    pub fn unknown_in(
        &self,
        lower: &[(Value, bool)],
        upper: &[(Value, bool)],
    ) -> (Interval, FactSet) {
        use std::cmp::Ordering::*;
        let mut total = Interval::ZERO;
        let mut facts = FactSet::EMPTY;
        for r in &self.unknown {
            let c = if r.key.is_unknown() {
                r.contribution.or_zero()
            } else {
                let above = lower.iter().all(|(b, inc)| match compare(&r.key, b) {
                    Some(Greater) => true,
                    Some(Equal) => *inc,
                    _ => false,
                });
                let below = upper.iter().all(|(b, inc)| match compare(&r.key, b) {
                    Some(Less) => true,
                    Some(Equal) => *inc,
                    _ => false,
                });
                if !(above && below) {
                    continue;
                }
                r.contribution
            };
            total = total.plus(c);
            facts = facts.union(r.facts);
        }
        (total, facts)
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
    /// The names of the rows that count, in row order.
    pub fn names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.table.rows[self.lo..self.hi]
            .iter()
            .filter(|r| r.1 != 0)
            .map(|r| &r.3)
    }

    /// How many rows count: O(1).
    pub fn count(&self) -> usize {
        let c = &self.table.names.counting;
        (c[self.hi] - c[self.lo]) as usize
    }

    /// The names of the rows that count, in name order, lazily: the first few
    /// cost a few steps when the range holds a fair part of the table.
    pub fn names_sorted(&self) -> impl Iterator<Item = &Arc<str>> {
        let (lo, hi) = (self.lo as u32, self.hi as u32);
        self.table
            .names
            .by_name
            .iter()
            .filter(move |&&i| (lo..hi).contains(&i))
            .map(|&i| &self.table.rows[i as usize].3)
    }
}

/// Plans a `sum` or `count` over the distinct elements of a `union` over a
/// collection, if both shapes allow: the union's filter splits as a planned
/// sum's does, and the outer filter and value read only their element.
pub fn plan_distinct(agg: &Aggregate, defs: &Defs) -> Option<Plan> {
    if !matches!(agg.kind, AggKind::Sum | AggKind::Count) {
        return None;
    }
    let Expr::Aggregate(inner) = &agg.source else {
        return None;
    };
    let Expr::Collection(kind) = &inner.source else {
        return None;
    };
    if inner.kind != AggKind::Union || inner.value.is_none() {
        return None;
    }
    for x in [&agg.filter, &agg.value].into_iter().flatten() {
        if !element_only(x, agg.slot, defs) {
            return None;
        }
    }
    let mut as_sum = (**inner).clone();
    as_sum.kind = AggKind::Sum;
    let mut p = plan(&as_sum, kind, defs)?;
    p.key.distinct = Some(DistinctPart {
        kind: agg.kind,
        slot: agg.slot,
        filter: agg.filter.clone(),
        value: agg.value.clone(),
    });
    Some(p)
}

/// Plans a `sum` over a collection of `kind`, or a `count`, `any` or `all`
/// without a range, if its shape allows (chosen once, when the definitions
/// are resolved).
pub fn plan(agg: &Aggregate, kind: &str, defs: &Defs) -> Option<Plan> {
    if !matches!(
        agg.kind,
        AggKind::Sum | AggKind::Count | AggKind::Any | AggKind::All
    ) {
        return None;
    }
    let var = agg.slot;
    let mut conjuncts = Vec::new();
    let mut stack = vec![agg.filter.as_ref()?];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Binary(BinOp::And, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            _ => conjuncts.push(e),
        }
    }
    let field_of_var = |x: &Expr| match x {
        Expr::Field { base, field, .. } if **base == Expr::Local(var) => Some(field.clone()),
        _ => None,
    };
    let mut eq: Option<(Arc<str>, &Expr)> = None;
    let mut range_field: Option<Arc<str>> = None;
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    let mut filter = Vec::new();
    let mut eq_at = 0;
    for c in conjuncts {
        if let Expr::Binary(op, a, b) = c {
            // Normalise to `var.field OP other`.
            let (field, other, op) = match (field_of_var(a), field_of_var(b)) {
                (Some(f), None) if !reads_local(b, var) => (Some(f), &**b, *op),
                (None, Some(f)) if !reads_local(a, var) => (Some(f), &**a, flip(*op)),
                _ => (None, &**b, *op),
            };
            if let Some(field) = field {
                match op {
                    BinOp::Eq if eq.is_none() => {
                        eq = Some((field, other));
                        eq_at = filter.len() as u32;
                        continue;
                    }
                    // Only a sum keeps a range; elsewhere a bound is a filter.
                    BinOp::Ge | BinOp::Gt | BinOp::Le | BinOp::Lt
                        if agg.kind == AggKind::Sum
                            && range_field.as_ref().is_none_or(|r| *r == field) =>
                    {
                        range_field = Some(field);
                        let bound = (other.clone(), matches!(op, BinOp::Ge | BinOp::Le));
                        match op {
                            BinOp::Ge | BinOp::Gt => lower.push(bound),
                            _ => upper.push(bound),
                        }
                        continue;
                    }
                    _ => {}
                }
            }
        }
        if !element_only(c, var, defs) {
            return None;
        }
        filter.push(c.clone());
    }
    let (eq_field, eq_value) = eq?;
    if let Some(v) = &agg.value {
        if !element_only(v, var, defs) {
            return None;
        }
    }
    Some(Plan {
        key: PlanKey {
            agg: agg.kind,
            id: 0,
            set: 0,
            kind: Arc::from(kind),
            var,
            eq_field,
            eq_at,
            range_field,
            filter,
            value: agg.value.clone(),
            distinct: None,
        },
        eq_value: eq_value.clone(),
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

/// The expression reads only the element (and locals bound inside it),
/// definitions and date-free facts: its value is the same whichever subject asks.
fn element_only(e: &Expr, var: u32, defs: &Defs) -> bool {
    let is_dated =
        |f: &str| defs.derives.keys().any(|(_, n)| n == f) && !defs.date_free.contains(f);
    let mut ok = true;
    walk(e, &mut |x| match x {
        Expr::Local(s) if *s < var => ok = false,
        Expr::AsOf | Expr::Today | Expr::Collection(_) | Expr::Entity(_) => ok = false,
        Expr::Field { field, .. } if is_dated(field) => ok = false,
        _ => {}
    });
    ok
}

/// The plans over one kind grouped by one field (`f.from == …`): per group,
/// their tables are built in one evaluation pass, which computes each
/// member's date-free facts once for all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanSet {
    pub kind: Arc<str>,
    pub eq_field: Arc<str>,
    /// Ids of its plans (`PlanKey::id`).
    pub plans: Vec<u32>,
}

/// The plans of a definition set, numbered as resolution meets them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plans {
    pub plans: Vec<PlanKey>,
    pub sets: Vec<PlanSet>,
}

impl Plans {
    /// Numbers a plan: an equal one already seen keeps its id.
    pub fn register(&mut self, mut key: PlanKey) -> PlanKey {
        key.id = 0;
        key.set = 0;
        if let Some(p) = self.plans.iter().find(|p| {
            PlanKey {
                id: 0,
                set: 0,
                ..(*p).clone()
            } == key
        }) {
            return p.clone();
        }
        let set = match self
            .sets
            .iter()
            .position(|s| s.kind == key.kind && s.eq_field == key.eq_field)
        {
            Some(i) => i,
            None => {
                self.sets.push(PlanSet {
                    kind: key.kind.clone(),
                    eq_field: key.eq_field.clone(),
                    plans: Vec::new(),
                });
                self.sets.len() - 1
            }
        };
        key.id = self.plans.len() as u32;
        key.set = set as u32;
        self.sets[set].plans.push(key.id);
        self.plans.push(key.clone());
        key
    }

    /// The set and the position in it of a plan of these definitions (`None`
    /// for a plan resolved elsewhere, e.g. an expression lowered alone).
    pub fn locate(&self, key: &PlanKey) -> Option<(u32, usize)> {
        if self.plans.get(key.id as usize) != Some(key) {
            return None;
        }
        let set = self.sets.get(key.set as usize)?;
        Some((key.set, set.plans.iter().position(|&p| p == key.id)?))
    }
}

/// Binds `item` (a member of the group `group`, or one whose key is
/// unknown) in the plan's element slot (the slots below it are never read)
/// and evaluates the plan's filter on it, the group key's conjunct in its
/// place, stopping at a `false` as the scan's `and` does; the caller unbinds.
fn bind_and_filter(ev: &mut Evaluator, plan: &PlanKey, group: &Value, item: &Value) -> Truth {
    ev.refuel();
    for _ in 0..plan.var {
        ev.push_local(Value::None);
    }
    ev.push_local(item.clone());
    let mut pass = Truth::True;
    for (i, c) in plan.filter.iter().enumerate() {
        if i == plan.eq_at as usize {
            pass = pass.and(key_matches(ev, plan, group, item));
            if pass == Truth::False {
                return pass;
            }
        }
        pass = pass.and(ev.eval(c).truth());
        if pass == Truth::False {
            return pass;
        }
    }
    if plan.eq_at as usize >= plan.filter.len() {
        pass = pass.and(key_matches(ev, plan, group, item));
    }
    pass
}

/// The group key's conjunct for a member: true for one of the group; for one
/// whose key is unknown, the comparison the scan makes (reading the key
/// taints as it does).
fn key_matches(ev: &mut Evaluator, plan: &PlanKey, group: &Value, item: &Value) -> Truth {
    let key = ev.field(item, &plan.eq_field);
    match &key {
        Value::Unknown(u) => {
            if u.facts.has_invalid() {
                ev.tainted = ev.tainted.union(u.facts);
            }
            super::binary_values(BinOp::Eq, &key, group, &ev.defs().calendar).truth()
        }
        _ => Truth::True,
    }
}

/// One file's share of a plan's table: the rows of the group's members it
/// declares, with everything the table reads of them (range key, value,
/// distinct elements) and nothing else. Equal after an edit to a field no
/// filter or value reads, so the table is not merged again (see `db::table_part`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TablePart {
    Sum {
        /// (range key, value, entity), in member order.
        rows: Vec<(Value, i64, Arc<str>)>,
        unknown: Vec<UnknownRow>,
        tainted: FactSet,
    },
    Distinct {
        /// (range key, the row's distinct elements, entity), in member order.
        rows: Vec<(Value, Vec<Value>, Arc<str>)>,
        /// What each element of the rows adds (elements are date-free, so
        /// two parts agree on a shared one).
        values: Vec<(Value, i64)>,
        tainted: FactSet,
    },
}

/// The table of a plan over the members of one group (`None` when an
/// evaluation ran out of fuel or met a cycle: the caller then scans).
pub fn build_table(
    ev: &mut Evaluator,
    plan: &PlanKey,
    group: &Value,
    members: &[Arc<str>],
) -> Option<RangeTable> {
    let part = table_part(ev, plan, group, members)?;
    merge_parts(plan, &[&part])
}

/// The rows of `members` of `group` (sorted by name) for one plan (`None`
/// as for `build_table`, or for a distinct plan meeting an unknown).
pub fn table_part(
    ev: &mut Evaluator,
    plan: &PlanKey,
    group: &Value,
    members: &[Arc<str>],
) -> Option<TablePart> {
    if let Some(d) = &plan.distinct {
        return distinct_part(ev, plan, d, group, members);
    }
    if plan.agg != AggKind::Sum {
        return decision_part(ev, plan, group, members);
    }
    let mut rows = Vec::with_capacity(members.len());
    let mut unknown = Vec::new();
    ev.tainted = FactSet::EMPTY;
    for name in members.iter() {
        let item = Value::Entity(name.clone());
        // The group holds the elements whose key is unknown too: they may belong.
        let pass = bind_and_filter(ev, plan, group, &item);
        // As the scan, nothing more is read of an element that does not pass.
        // (An element out of a subject's range is read: its range key and
        // value may taint a subject whose scan would not read them.)
        let (value, sort) = match pass {
            Truth::False => (Value::None, Value::None),
            _ => (
                match &plan.value {
                    Some(v) => ev.eval(v),
                    None => item.clone(),
                },
                match &plan.range_field {
                    Some(f) => ev.field(&item, f),
                    None => Value::Int(0),
                },
            ),
        };
        if sort.unknown_facts().has_invalid() {
            ev.tainted = ev.tainted.union(sort.unknown_facts());
        }
        ev.unbind(plan.var as usize + 1);
        if ev.abort.is_some() {
            return None;
        }
        if pass == Truth::False || sort.is_none() {
            continue;
        }
        let c = match &value {
            Value::Int(n) => Interval::exact(*n),
            Value::Unknown(u) => Interval { lo: u.lo, hi: u.hi },
            _ => Interval::ZERO,
        };
        match pass {
            Truth::True if !value.is_unknown() && !sort.is_unknown() => {
                rows.push((sort, c.lo, name.clone()));
            }
            _ => unknown.push(UnknownRow {
                facts: pass_facts(pass)
                    .union(value.unknown_facts())
                    .union(sort.unknown_facts()),
                contribution: if pass == Truth::True { c } else { c.or_zero() },
                key: sort,
                entity: name.clone(),
            }),
        }
    }
    Some(TablePart::Sum {
        rows,
        unknown,
        tainted: ev.tainted,
    })
}

/// A plan's table from the parts of the files declaring its group's members
/// (`None` if a part is of the other shape): the same table as one built over
/// all members at once. Sorting the rows is the only super-linear step.
pub fn merge_parts(plan: &PlanKey, parts: &[&TablePart]) -> Option<RangeTable> {
    if plan.distinct.is_some() {
        return merge_distinct(parts);
    }
    let n = parts
        .iter()
        .map(|p| match p {
            TablePart::Sum { rows, .. } => rows.len(),
            TablePart::Distinct { .. } => 0,
        })
        .sum();
    let mut rows = Vec::with_capacity(n);
    let mut unknown = Vec::new();
    let mut tainted = FactSet::EMPTY;
    for p in parts {
        let TablePart::Sum {
            rows: r,
            unknown: u,
            tainted: t,
        } = p
        else {
            return None;
        };
        rows.extend(r.iter().cloned());
        unknown.extend(u.iter().cloned());
        tainted = tainted.union(*t);
    }
    // In member (name) order, as one pass over the whole group leaves them.
    unknown.sort_by(|a, b| a.entity.cmp(&b.entity));
    let mut table = RangeTable::with_unknown(rows, unknown);
    table.tainted = tainted;
    Some(table)
}

/// The rows of a grouped `count`, `any` or `all`: one per member that
/// decides it as the scan (`Evaluator::aggregate`) does, value 1, in a
/// `Sum` part. For `count` and `any` a member decides when it passes the
/// filter and its value holds; for `all`, when it passes and its value does
/// not hold. A member that perhaps decides is an unknown row (contribution
/// 0 or 1, with its facts); for `count`, a member that does not count but
/// was read unknown is an unknown row adding 0, since the scan's count
/// carries those facts too.
fn decision_part(
    ev: &mut Evaluator,
    plan: &PlanKey,
    group: &Value,
    members: &[Arc<str>],
) -> Option<TablePart> {
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    ev.tainted = FactSet::EMPTY;
    for name in members.iter() {
        let item = Value::Entity(name.clone());
        let pass = bind_and_filter(ev, plan, group, &item);
        // As the scan: the value is read only for an element that may pass.
        let value = match (&plan.value, pass) {
            (_, Truth::False) => Value::None,
            (Some(v), _) => ev.eval(v),
            (None, _) => Value::Bool(true),
        };
        ev.unbind(plan.var as usize + 1);
        if ev.abort.is_some() {
            return None;
        }
        if pass == Truth::False {
            continue;
        }
        let holds = match &plan.value {
            Some(_) => value.truth(),
            None => Truth::True,
        };
        let decides = match plan.agg {
            AggKind::All => pass.and(holds.negate()),
            _ => pass.and(holds),
        };
        let read = pass_facts(pass).union(value.unknown_facts());
        let row = |contribution, facts| UnknownRow {
            key: Value::Int(0),
            contribution,
            facts,
            entity: name.clone(),
        };
        match decides {
            Truth::True => rows.push((Value::Int(0), 1, name.clone())),
            Truth::Unknown(f) => unknown.push(row(
                Interval { lo: 0, hi: 1 },
                if plan.agg == AggKind::Count { read } else { f },
            )),
            Truth::False if plan.agg == AggKind::Count && !read.is_empty() => {
                unknown.push(row(Interval::ZERO, read))
            }
            Truth::False => {}
        }
    }
    Some(TablePart::Sum {
        rows,
        unknown,
        tainted: ev.tainted,
    })
}

/// A grouped `any` or `all` from its table (see `decision_part`): decided by
/// a row that certainly decides, unknown if some row perhaps does (with
/// their facts), else the empty group's answer.
pub fn decided(agg: AggKind, table: &RangeTable) -> Value {
    let empty = agg == AggKind::All;
    if !table.rows.is_empty() {
        return Value::Bool(!empty);
    }
    if table.unknown.is_empty() {
        return Value::Bool(empty);
    }
    let facts = table
        .unknown
        .iter()
        .fold(FactSet::EMPTY, |f, r| f.union(r.facts));
    Value::Unknown(crate::model::unknown::Unknown::of(facts))
}

fn pass_facts(t: Truth) -> FactSet {
    match t {
        Truth::Unknown(f) => f,
        _ => FactSet::EMPTY,
    }
}

/// The rows of a distinct plan: each with the elements its value lists, each
/// element's own value computed once. Anything unknown makes the group
/// untabled (`None`: the caller scans, which carries the unknowns).
fn distinct_part(
    ev: &mut Evaluator,
    plan: &PlanKey,
    outer: &DistinctPart,
    group: &Value,
    members: &[Arc<str>],
) -> Option<TablePart> {
    let mut rows: Vec<(Value, Vec<Value>, Arc<str>)> = Vec::with_capacity(members.len());
    let mut seen: std::collections::HashSet<Value> = std::collections::HashSet::new();
    let mut values: Vec<(Value, i64)> = Vec::new();
    ev.tainted = FactSet::EMPTY;
    for name in members.iter() {
        let item = Value::Entity(name.clone());
        let pass = bind_and_filter(ev, plan, group, &item);
        let value = match (&plan.value, pass) {
            (Some(v), Truth::True) => ev.eval(v),
            _ => Value::None,
        };
        let sort = match &plan.range_field {
            Some(f) => ev.field(&item, f),
            None => Value::Int(0),
        };
        ev.unbind(plan.var as usize + 1);
        if ev.abort.is_some() || matches!(pass, Truth::Unknown(_)) {
            return None;
        }
        if pass == Truth::False || sort.is_none() {
            continue;
        }
        if sort.is_unknown() || value.is_unknown() {
            return None;
        }
        let elements = match value {
            Value::List(xs) => xs.iter().cloned().collect(),
            Value::None => Vec::new(),
            x => vec![x],
        };
        let mut row: Vec<Value> = Vec::with_capacity(elements.len());
        for x in elements {
            if x.is_unknown() {
                return None;
            }
            if !seen.contains(&x) {
                let v = element_value(ev, outer, &x)?;
                values.push((x.clone(), v));
                seen.insert(x.clone());
            }
            if !row.contains(&x) {
                row.push(x);
            }
        }
        rows.push((sort, row, name.clone()));
    }
    Some(TablePart::Distinct {
        rows,
        values,
        tainted: ev.tainted,
    })
}

/// A distinct table from its parts: elements numbered in member order as one
/// pass over the group numbers them, then rows sorted by the range field.
fn merge_distinct(parts: &[&TablePart]) -> Option<RangeTable> {
    let mut all: Vec<&(Value, Vec<Value>, Arc<str>)> = Vec::new();
    let mut value_of: std::collections::HashMap<&Value, i64> = std::collections::HashMap::new();
    let mut tainted = FactSet::EMPTY;
    for p in parts {
        let TablePart::Distinct {
            rows,
            values,
            tainted: t,
        } = p
        else {
            return None;
        };
        all.extend(rows.iter());
        value_of.extend(values.iter().map(|(x, v)| (x, *v)));
        tainted = tainted.union(*t);
    }
    all.sort_by(|a, b| a.2.cmp(&b.2));
    let mut ids: std::collections::HashMap<&Value, u32> = std::collections::HashMap::new();
    let mut values: Vec<i64> = Vec::new();
    let mut rows: Vec<(&Value, Vec<u32>, &Arc<str>)> = Vec::with_capacity(all.len());
    for (k, elements, n) in all {
        let mut row = Vec::with_capacity(elements.len());
        for x in elements {
            let id = match ids.get(x) {
                Some(id) => *id,
                None => {
                    let id = values.len() as u32;
                    values.push(*value_of.get(x)?);
                    ids.insert(x, id);
                    id
                }
            };
            row.push(id);
        }
        rows.push((k, row, n));
    }
    rows.sort_by(|a, b| {
        compare(a.0, b.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.2.cmp(b.2))
    });
    let mut acc: i64 = 0;
    let mut table_rows = Vec::with_capacity(rows.len());
    let mut elements = Vec::with_capacity(rows.len());
    for (k, row, n) in rows {
        let len = row.len() as i64;
        acc = acc.saturating_add(len);
        table_rows.push((k.clone(), len, acc, n.clone()));
        elements.push(row);
    }
    Some(RangeTable {
        names: Arc::new(NameIndex::new(&table_rows)),
        rows: table_rows,
        unknown: Vec::new(),
        tainted,
        distinct: Some(Arc::new(DistinctIndex::new(elements, values))),
        layout: Arc::default(),
        slot: 0,
    })
}

/// What one distinct element adds: its value (a count adds one) if it passes
/// the outer filter; `None` if anything is unknown.
fn element_value(ev: &mut Evaluator, outer: &DistinctPart, x: &Value) -> Option<i64> {
    ev.refuel();
    for _ in 0..outer.slot {
        ev.push_local(Value::None);
    }
    ev.push_local(x.clone());
    let pass = match &outer.filter {
        Some(f) => ev.eval(f).truth(),
        None => Truth::True,
    };
    let value = match (&outer.value, pass) {
        (Some(v), Truth::True) => ev.eval(v),
        _ => Value::None,
    };
    ev.unbind(outer.slot as usize + 1);
    if ev.abort.is_some() {
        return None;
    }
    match (outer.kind, pass) {
        (_, Truth::False) => Some(0),
        (_, Truth::Unknown(_)) => None,
        (AggKind::Count, Truth::True) => match (&outer.value, value.truth()) {
            (None, _) | (Some(_), Truth::True) => Some(1),
            (Some(_), Truth::False) => Some(0),
            (Some(_), Truth::Unknown(_)) => None,
        },
        (_, Truth::True) => match value {
            Value::Int(n) => Some(n),
            Value::Unknown(_) => None,
            _ => Some(0),
        },
    }
}
