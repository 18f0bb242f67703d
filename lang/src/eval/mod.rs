//! The evaluator: total (every loop is bounded by the data, every step costs
//! fuel), pure (no I/O, no clock: dates come from declarations or `--as-of`)
//! and deterministic (collections iterate in name order).

pub mod calendar;
pub mod plan;
pub mod rules;
pub mod tests;

use crate::model::defs::{Defs, Global};
use crate::model::{EntityData, Value};
use crate::syntax::ast::{AggKind, BinOp, Expr, ExprKind, Unit};
use jiff::civil::Date;
use plan::{LazyRange, PlanKey, RangeTable};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Evaluation steps one rule (or one derived fact, or constant) may take for
/// one subject. Generous for real policies; a bound on pathological ones.
pub const FUEL_PER_RULE: u64 = 5_000_000;

/// What the evaluator reads: definitions and entities. The workspace database
/// implements it with incremental queries; policy tests with a plain map.
pub trait World {
    fn defs(&self) -> &Defs;
    fn entity(&self, name: &str) -> Option<Arc<EntityData>>;
    /// All entities of a kind, sorted by name.
    fn all_of_kind(&self, kind: &str) -> Arc<Vec<Arc<str>>>;
    /// Entities of `kind` whose `field` equals `key`, sorted by name — an index
    /// that lets cumulative sums avoid scanning every entity. The default scans.
    fn group_by(&self, kind: &str, field: &str, key: &Value) -> Arc<Vec<Arc<str>>> {
        let all = self.all_of_kind(kind);
        let v: Vec<Arc<str>> = all
            .iter()
            .filter(|n| {
                self.entity(n)
                    .and_then(|e| e.fields.get(field).map(|f| f.value.same(key)))
                    .unwrap_or(false)
            })
            .cloned()
            .collect();
        Arc::new(v)
    }
    /// A date-free derived fact, computed once for the whole workspace. `None`:
    /// the caller computes it itself.
    fn cached_derived(&self, _entity: &Arc<str>, _kind: &str, _fact: &str) -> Option<Arc<Derived>> {
        None
    }
    /// The prefix-sum table of a planned cumulative sum for one group. `None`:
    /// the caller scans instead.
    fn range_table(&self, _plan: &PlanKey, _key: &Value) -> Option<Arc<RangeTable>> {
        None
    }
}

/// A derived fact's value and the entities its aggregates counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    pub value: Value,
    pub contributors: BTreeSet<Arc<str>>,
    pub ranges: Vec<LazyRange>,
}

/// Why an evaluation stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abort {
    OutOfFuel,
    Cycle(String),
}

pub struct Evaluator<'w> {
    world: &'w dyn World,
    fuel: u64,
    locals: Vec<(String, Value)>,
    /// Index of the first local visible in the current frame.
    frame: usize,
    /// Derived facts computed so far, with the entities their aggregates summed.
    derived: std::collections::HashMap<Arc<str>, std::collections::HashMap<String, Arc<Derived>>>,
    in_progress: BTreeSet<(Arc<str>, String)>,
    consts: BTreeMap<String, Value>,
    entities: std::collections::HashMap<Arc<str>, Option<Arc<EntityData>>>,
    /// Entities of the subject's kind that made up an aggregate (for secondary labels).
    pub contributors: BTreeSet<Arc<str>>,
    /// Ranges of prefix-sum tables that made up an aggregate (resolved lazily).
    pub ranges: Vec<LazyRange>,
    pub subject: Option<(Arc<str>, String)>,
    /// `subject.field` values read, for `hegui explain` (when `record_facts`).
    pub facts: BTreeMap<String, Value>,
    pub record_facts: bool,
    pub abort: Option<Abort>,
    pub as_of: Option<Date>,
}

impl<'w> Evaluator<'w> {
    pub fn new(world: &'w dyn World) -> Self {
        Evaluator {
            world,
            fuel: FUEL_PER_RULE,
            locals: Vec::new(),
            frame: 0,
            derived: std::collections::HashMap::new(),
            in_progress: BTreeSet::new(),
            consts: BTreeMap::new(),
            entities: std::collections::HashMap::new(),
            contributors: BTreeSet::new(),
            ranges: Vec::new(),
            subject: None,
            facts: BTreeMap::new(),
            record_facts: false,
            abort: None,
            as_of: None,
        }
    }

    pub fn defs(&self) -> &'w Defs {
        self.world.defs()
    }

    pub fn refuel(&mut self) {
        self.fuel = FUEL_PER_RULE;
        self.abort = None;
    }

    pub fn bind(&mut self, name: &str, v: Value) {
        self.locals.push((name.to_string(), v));
    }

    pub fn unbind(&mut self, n: usize) {
        let keep = self.locals.len().saturating_sub(n);
        self.locals.truncate(keep);
    }

    fn lookup_local(&self, name: &str) -> Option<&Value> {
        self.locals[self.frame..]
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Evaluates in a fresh scope (derived facts and constants see no rule locals).
    fn in_frame<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved_frame = self.frame;
        let saved_len = self.locals.len();
        self.frame = saved_len;
        let r = f(self);
        self.locals.truncate(saved_len);
        self.frame = saved_frame;
        r
    }

    pub fn eval(&mut self, e: &Expr) -> Value {
        if self.abort.is_some() {
            return Value::None;
        }
        if self.fuel == 0 {
            self.abort = Some(Abort::OutOfFuel);
            return Value::None;
        }
        self.fuel -= 1;
        match &e.kind {
            ExprKind::Int(n) => Value::Int(*n),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Str(s) => Value::Str(Arc::from(s.as_str())),
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Duration(n, u) => Value::Duration(*n, *u),
            ExprKind::None | ExprKind::Error => Value::None,
            ExprKind::Name(n) => self.name(&n.text),
            ExprKind::Field(base, field) => {
                // `purpose.research`: a member named through its enum.
                if let ExprKind::Name(n) = &base.kind {
                    if self.lookup_local(&n.text).is_none()
                        && self.defs().enums.contains_key(&n.text)
                    {
                        if let Some(Global::Value(Value::List(members))) =
                            self.defs().globals.get(&n.text)
                        {
                            let found = members.iter().find(|m| matches!(m, Value::Member { name, .. } if **name == *field.text));
                            return found.cloned().unwrap_or(Value::None);
                        }
                    }
                }
                if let Some(name) = self.package_qualified(e) {
                    return self.name(name);
                }
                let b = self.eval(base);
                let v = self.field(&b, &field.text);
                if self.record_facts {
                    if let (Some((subj, kind)), ExprKind::Name(n)) = (&self.subject, &base.kind) {
                        if n.text == *kind && matches!(&b, Value::Entity(x) if x == subj) {
                            self.facts
                                .insert(format!("{}.{}", kind, field.text), v.clone());
                        }
                    }
                }
                v
            }
            ExprKind::List(items) => Value::list(items.iter().map(|x| self.eval(x)).collect()),
            ExprKind::Not(x) => match self.eval(x) {
                Value::Bool(b) => Value::Bool(!b),
                Value::None => Value::Bool(true),
                _ => Value::None,
            },
            ExprKind::Neg(x) => match self.eval(x) {
                Value::Int(n) => Value::Int(n.saturating_neg()),
                _ => Value::None,
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
            ExprKind::If(c, t, f) => {
                if self.eval(c).truthy() {
                    self.eval(t)
                } else {
                    self.eval(f)
                }
            }
            ExprKind::Call(name, args) => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                self.call(&name.text, &vals)
            }
            ExprKind::Aggregate(agg) => self.aggregate(agg),
        }
    }

    fn name(&mut self, n: &str) -> Value {
        if let Some(v) = self.lookup_local(n) {
            return v.clone();
        }
        // The evaluation date is visible everywhere, derived facts included.
        if n == "as_of" {
            return self.as_of.map(Value::Date).unwrap_or(Value::None);
        }
        let defs = self.defs();
        match defs.globals.get(n) {
            Some(Global::Value(v)) => return v.clone(),
            Some(Global::Collection(kind)) => {
                let all = self.world.all_of_kind(kind);
                return Value::list(all.iter().map(|x| Value::Entity(x.clone())).collect());
            }
            Some(Global::Const) => return self.constant(n),
            None => {}
        }
        match self.entity(n) {
            Some(e) => Value::Entity(Arc::from(e.name.as_str())),
            None => Value::None,
        }
    }

    /// `std.cac.million`: a global name qualified by its package. Only when the
    /// path's first segment means nothing else (no local, global or entity).
    fn package_qualified<'e>(&mut self, e: &'e Expr) -> Option<&'e str> {
        // The root first, without allocating: nearly every path starts at a local.
        let mut x = e;
        while let ExprKind::Field(base, _) = &x.kind {
            x = base;
        }
        let ExprKind::Name(n) = &x.kind else {
            return None;
        };
        let root = n.text.as_str();
        if self.lookup_local(root).is_some()
            || self.defs().globals.contains_key(root)
            || root == "as_of"
        {
            return None;
        }
        let segments = dotted(e)?;
        if !self
            .defs()
            .packages
            .keys()
            .any(|p| p.split('.').next() == Some(root))
            || self.entity(root).is_some()
        {
            return None;
        }
        self.defs().qualified(&segments)
    }

    fn constant(&mut self, n: &str) -> Value {
        if let Some(v) = self.consts.get(n) {
            return v.clone();
        }
        let Some(c) = self.defs().consts.get(n) else {
            return Value::None;
        };
        let key: (Arc<str>, String) = (Arc::from("const"), n.to_string());
        if !self.in_progress.insert(key.clone()) {
            self.abort = Some(Abort::Cycle(n.to_string()));
            return Value::None;
        }
        let v = self.in_frame(|s| s.eval(&c.expr));
        self.in_progress.remove(&key);
        self.consts.insert(n.to_string(), v.clone());
        v
    }

    /// An entity by name, remembered for the rest of this evaluation.
    fn entity(&mut self, name: &str) -> Option<Arc<EntityData>> {
        if let Some(e) = self.entities.get(name) {
            return e.clone();
        }
        let e = self.world.entity(name);
        self.entities.insert(Arc::from(name), e.clone());
        e
    }

    /// `x.f` for every kind of value.
    pub fn field(&mut self, base: &Value, f: &str) -> Value {
        match base {
            Value::Entity(name) => {
                let Some(e) = self.world.entity(name) else {
                    return Value::None;
                };
                if let Some(fd) = e.fields.get(f) {
                    return fd.value.clone();
                }
                self.derived_fact(name, &e.kind, f)
            }
            Value::Member {
                fields: Some(fs), ..
            } => fs.get(f).cloned().unwrap_or(Value::None),
            Value::Record(r) => r.get(f).cloned().unwrap_or(Value::None),
            Value::Node { tree, path } => {
                let mut p: Vec<String> = path.to_vec();
                p.push(f.to_string());
                match self.defs().trees.get(&**tree).and_then(|t| t.node(&p)) {
                    Some(_) => Value::Node {
                        tree: tree.clone(),
                        path: Arc::from(p),
                    },
                    None => Value::None,
                }
            }
            // A field of a list is the list of the fields (flattened one level):
            // `flow.data.categories` is every category of every dataset.
            Value::List(items) => {
                let mut out = Vec::new();
                for it in items.iter() {
                    match self.field(it, f) {
                        Value::List(inner) => out.extend(inner.iter().cloned()),
                        Value::None => {}
                        v => out.push(v),
                    }
                }
                Value::list(out)
            }
            _ => Value::None,
        }
    }

    fn derived_fact(&mut self, entity: &Arc<str>, kind: &str, f: &str) -> Value {
        let local = self.derived.get(entity).and_then(|m| m.get(f)).cloned();
        let cached = match local {
            Some(d) => Some(d),
            None if self.defs().date_free.contains(f) => {
                let d = self.world.cached_derived(entity, kind, f);
                if let Some(d) = &d {
                    self.derived
                        .entry(entity.clone())
                        .or_default()
                        .insert(f.to_string(), d.clone());
                }
                d
            }
            None => None,
        };
        let d = match cached {
            Some(d) => d,
            None => {
                let Some(d) = self.compute_derived(entity, kind, f) else {
                    return Value::None;
                };
                let d = Arc::new(d);
                if self.abort.is_none() {
                    self.derived
                        .entry(entity.clone())
                        .or_default()
                        .insert(f.to_string(), d.clone());
                }
                d
            }
        };
        if !d.contributors.is_empty() {
            self.contributors.extend(d.contributors.iter().cloned());
        }
        if !d.ranges.is_empty() {
            self.ranges.extend(d.ranges.iter().cloned());
        }
        d.value.clone()
    }

    /// Evaluates a derived fact of an entity (without asking the world's
    /// cache for this fact itself), with what its aggregates counted.
    pub fn compute_derived(&mut self, entity: &Arc<str>, kind: &str, f: &str) -> Option<Derived> {
        let d = self
            .defs()
            .derives
            .get(&(kind.to_string(), f.to_string()))?;
        let key = (entity.clone(), f.to_string());
        if !self.in_progress.insert(key.clone()) {
            self.abort = Some(Abort::Cycle(format!("{kind}.{f}")));
            return Some(Derived {
                value: Value::None,
                contributors: BTreeSet::new(),
                ranges: Vec::new(),
            });
        }
        let outer = std::mem::take(&mut self.contributors);
        let outer_ranges = std::mem::take(&mut self.ranges);
        let value = self.in_frame(|s| {
            s.bind(kind, Value::Entity(entity.clone()));
            s.eval(&d.expr)
        });
        self.in_progress.remove(&key);
        let contributors = std::mem::replace(&mut self.contributors, outer);
        let ranges = std::mem::replace(&mut self.ranges, outer_ranges);
        Some(Derived {
            value,
            contributors,
            ranges,
        })
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> Value {
        // Short-circuit the logical operators; `none` counts as false.
        match op {
            BinOp::And => {
                return Value::Bool(self.eval(a).truthy() && self.eval(b).truthy());
            }
            BinOp::Or => {
                return Value::Bool(self.eval(a).truthy() || self.eval(b).truthy());
            }
            _ => {}
        }
        let x = self.eval(a);
        let y = self.eval(b);
        binary_values(op, &x, &y, &self.defs().calendar)
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Value {
        calendar::builtin(name, args, &self.defs().calendar)
    }

    fn aggregate(&mut self, agg: &crate::syntax::ast::Aggregate) -> Value {
        if let Some(v) = self.planned_sum(agg) {
            return v;
        }
        let source = self.aggregate_source(agg);
        let items: Vec<Value> = match source {
            Value::List(items) => items.iter().cloned().collect(),
            Value::None => Vec::new(),
            other => vec![other],
        };
        let subject_kind = self.subject.as_ref().map(|(_, k)| k.clone());
        let subject_name = self.subject.as_ref().map(|(n, _)| n.clone());
        let mut sum: i64 = 0;
        let mut count: i64 = 0;
        let mut any = false;
        let mut all = true;
        let mut best: Option<Value> = None;
        let mut out: Vec<Value> = Vec::new();
        let base = self.locals.len();
        for item in items {
            if self.abort.is_some() {
                break;
            }
            self.locals.truncate(base);
            self.bind(&agg.var.text, item.clone());
            if let Some(f) = &agg.filter {
                if !self.eval(f).truthy() {
                    continue;
                }
            }
            let v = match &agg.value {
                Some(e) => self.eval(e),
                None => item.clone(),
            };
            let contributes = match agg.kind {
                AggKind::Sum => {
                    let n = match v {
                        Value::Int(n) => n,
                        _ => 0,
                    };
                    sum = sum.saturating_add(n);
                    n != 0
                }
                AggKind::Count => {
                    let c = agg.value.is_none() || v.truthy();
                    if c {
                        count += 1;
                    }
                    c
                }
                AggKind::Any => {
                    let c = agg.value.is_none() || v.truthy();
                    any |= c;
                    c
                }
                AggKind::All => {
                    all &= agg.value.is_none() || v.truthy();
                    false
                }
                AggKind::Min | AggKind::Max => {
                    let better = match (&best, &v) {
                        (_, Value::None) => false,
                        (None, _) => true,
                        (Some(b), v) => {
                            let ord = compare(v, b);
                            matches!(
                                (agg.kind, ord),
                                (AggKind::Min, Some(std::cmp::Ordering::Less))
                                    | (AggKind::Max, Some(std::cmp::Ordering::Greater))
                            )
                        }
                    };
                    if better {
                        best = Some(v.clone());
                    }
                    false
                }
                AggKind::Filter => {
                    out.push(item.clone());
                    true
                }
                AggKind::Map => {
                    out.push(v);
                    false
                }
            };
            if contributes {
                if let (Value::Entity(n), Some(kind), Some(subj)) =
                    (&item, &subject_kind, &subject_name)
                {
                    if n != subj && self.world.entity(n).is_some_and(|e| e.kind == *kind) {
                        self.contributors.insert(n.clone());
                    }
                }
            }
        }
        self.locals.truncate(base);
        match agg.kind {
            AggKind::Sum => Value::Int(sum),
            AggKind::Count => Value::Int(count),
            AggKind::Any => Value::Bool(any),
            AggKind::All => Value::Bool(all),
            AggKind::Min | AggKind::Max => best.unwrap_or(Value::None),
            AggKind::Filter | AggKind::Map => Value::list(out),
        }
    }

    /// A cumulative sum answered from the world's prefix-sum table, if the
    /// aggregate has the planned shape and the world keeps such tables.
    fn planned_sum(&mut self, agg: &crate::syntax::ast::Aggregate) -> Option<Value> {
        let ExprKind::Name(coll) = &agg.source.kind else {
            return None;
        };
        if self.lookup_local(&coll.text).is_some() {
            return None;
        }
        let defs = self.defs();
        let kind = defs.plurals.get(&coll.text)?;
        let is_dated =
            |f: &str| defs.derives.keys().any(|(_, n)| n == f) && !defs.date_free.contains(f);
        let is_global = |n: &str| {
            defs.consts.contains_key(n)
                || defs.enums.contains_key(n)
                || defs.member_owners.contains_key(n)
                || defs
                    .trees
                    .values()
                    .any(|t| t.nodes.iter().any(|x| x.path.len() == 1 && x.path[0] == n))
        };
        let p = plan::plan(agg, kind, &is_dated, &is_global)?;
        let key = self.eval(p.eq_value);
        let table = self.world.range_table(&p.key, &key)?;
        let lower: Vec<(Value, bool)> = p
            .lower
            .iter()
            .map(|(e, inc)| (self.eval(e), *inc))
            .collect();
        let upper: Vec<(Value, bool)> = p
            .upper
            .iter()
            .map(|(e, inc)| (self.eval(e), *inc))
            .collect();
        // A comparison with `none` is false: no element can pass such a bound.
        if lower.iter().chain(upper.iter()).any(|(v, _)| v.is_none()) {
            return Some(Value::Int(0));
        }
        let (lo, hi) = table.range(&lower, &upper);
        let sum = table.sum(lo, hi);
        if self.subject.as_ref().is_some_and(|(_, k)| k == kind) {
            self.ranges.push(LazyRange {
                table: table.clone(),
                lo,
                hi,
            });
        }
        Some(Value::Int(sum))
    }

    /// The list an aggregate runs over. Over a whole collection filtered by
    /// `x.field == <expression without x>` first, it asks the world's index
    /// instead of scanning every entity: this keeps cumulative sums linear.
    fn aggregate_source(&mut self, agg: &crate::syntax::ast::Aggregate) -> Value {
        if let (ExprKind::Name(coll), Some(filter)) = (&agg.source.kind, &agg.filter) {
            if self.lookup_local(&coll.text).is_none() {
                if let Some(kind) = self.defs().plurals.get(&coll.text).cloned() {
                    if let Some((field, key_expr)) = equality_conjunct(filter, &agg.var.text) {
                        let key = self.eval(key_expr);
                        let names = self.world.group_by(&kind, field, &key);
                        return Value::list(
                            names.iter().map(|n| Value::Entity(n.clone())).collect(),
                        );
                    }
                }
            }
        }
        self.eval(&agg.source)
    }
}

/// The segments of a dotted path `a.b.c`, or `None` for any other expression.
pub(crate) fn dotted(e: &Expr) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut x = e;
    loop {
        match &x.kind {
            ExprKind::Field(base, f) => {
                out.push(f.text.as_str());
                x = base;
            }
            ExprKind::Name(n) => {
                out.push(n.text.as_str());
                out.reverse();
                return Some(out);
            }
            _ => return None,
        }
    }
}

/// In `x.f == e and …` (or `e == x.f`), with `e` not mentioning `x`: `(f, e)`.
fn equality_conjunct<'e>(filter: &'e Expr, var: &str) -> Option<(&'e str, &'e Expr)> {
    let mut stack = vec![filter];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Binary(BinOp::And, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            ExprKind::Binary(BinOp::Eq, a, b) => {
                for (l, r) in [(a, b), (b, a)] {
                    if let ExprKind::Field(base, f) = &l.kind {
                        if matches!(&base.kind, ExprKind::Name(n) if n.text == var)
                            && !mentions(r, var)
                        {
                            return Some((f.text.as_str(), r));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the expression reads the variable `var`.
pub(crate) fn mentions(e: &Expr, var: &str) -> bool {
    let mut found = false;
    crate::model::walk(e, &mut |x| {
        if matches!(&x.kind, ExprKind::Name(n) if n.text == var) {
            found = true;
        }
    });
    found
}

pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Duration(x, u), Value::Duration(y, v)) if u == v => Some(x.cmp(y)),
        _ => None,
    }
}

fn under(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Node { tree: t1, path: p1 }, Value::Node { tree: t2, path: p2 }) => {
            t1 == t2 && p1.starts_with(p2)
        }
        // A list is under a node when any of its members is.
        (Value::List(items), _) => items.iter().any(|i| under(i, y)),
        // Under any of several nodes.
        (_, Value::List(items)) => items.iter().any(|i| under(x, i)),
        _ => false,
    }
}

fn member_of(x: &Value, list: &Value) -> bool {
    match list {
        Value::List(items) => items.iter().any(|i| i.same(x)),
        Value::Str(s) => matches!(x, Value::Str(t) if s.contains(&**t)),
        _ => false,
    }
}

pub fn binary_values(op: BinOp, x: &Value, y: &Value, cal: &crate::model::defs::Calendar) -> Value {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => Value::Bool(x.same(y)),
        BinOp::Ne => Value::Bool(!x.same(y)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match compare(x, y) {
            None => Value::Bool(false),
            Some(o) => Value::Bool(match op {
                BinOp::Lt => o == Less,
                BinOp::Le => o != Greater,
                BinOp::Gt => o == Greater,
                _ => o != Less,
            }),
        },
        BinOp::In => Value::Bool(member_of(x, y)),
        BinOp::NotIn => Value::Bool(!member_of(x, y)),
        BinOp::Under => Value::Bool(under(x, y)),
        BinOp::Add => match (x, y) {
            (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_add(*b)),
            (Value::Date(d), Value::Duration(n, u)) | (Value::Duration(n, u), Value::Date(d)) => {
                calendar::add(*d, *n, *u, cal)
            }
            (Value::List(a), Value::List(b)) => {
                Value::list(a.iter().chain(b.iter()).cloned().collect())
            }
            (Value::Str(a), Value::Str(b)) => Value::Str(Arc::from(format!("{a}{b}").as_str())),
            _ => Value::None,
        },
        BinOp::Sub => match (x, y) {
            (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_sub(*b)),
            (Value::Date(d), Value::Duration(n, u)) => {
                calendar::add(*d, n.saturating_neg(), *u, cal)
            }
            (Value::Date(a), Value::Date(b)) => match b.until(*a) {
                Ok(span) => Value::Duration(span.get_days() as i64, Unit::Days),
                Err(_) => Value::None,
            },
            _ => Value::None,
        },
        BinOp::Mul => match (x, y) {
            (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_mul(*b)),
            _ => Value::None,
        },
        BinOp::Div => match (x, y) {
            (Value::Int(a), Value::Int(b)) if *b != 0 => Value::Int(a / b),
            _ => Value::None,
        },
        BinOp::And | BinOp::Or => Value::Bool(
            x.truthy() && (op == BinOp::Or || y.truthy()) || (op == BinOp::Or && y.truthy()),
        ),
    }
}
