//! The evaluator: total (every loop is bounded by the data, every step costs
//! fuel), pure (no I/O, no clock: dates come from declarations or `--as-of`)
//! and deterministic (collections iterate in name order).

pub(crate) mod calendar;
pub mod plan;
pub mod rules;
pub mod tests;
#[cfg(test)]
mod unknown_tests;

use crate::hir::{Aggregate, Builtin, Expr};
use crate::model::defs::{Defs, DeriveDef};
use crate::model::unknown::{FactSet, Interval, Truth, Unknown};
use crate::model::{EntityData, Value};
use crate::syntax::ast::{AggKind, BinOp, Unit};
use jiff::civil::Date;
use plan::{LazyRange, PlanKey, RangeTable};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Evaluation steps one rule (or one derived fact, or constant) may take for
/// one subject. Generous for real policies; a bound on pathological ones.
pub const FUEL_PER_RULE: u64 = 5_000_000;

/// What the evaluator reads: definitions and entities. The workspace database
/// implements it with incremental queries; policy tests with a plain map.
pub trait World {
    fn defs(&self) -> &Defs;
    fn entity(&self, name: &str) -> Option<Arc<EntityData>>;
    /// An entity's kind and where its name is: what a finding's label of it
    /// reads. Apart from `entity` so that a world can keep it equal across an
    /// edit of the entity's fields (the labelled findings are then not re-run).
    fn entity_head(&self, name: &str) -> Option<Arc<EntityHead>> {
        self.entity(name).map(|e| Arc::new(EntityHead::of(&e)))
    }
    /// Where a rule is defined, for a finding's label. The evaluator's table
    /// may have no positions (`db::definitions` drops them so that moving
    /// text re-runs nothing): a world that keeps them apart reads them here.
    fn rule_origin(&self, id: &str) -> Option<crate::model::defs::Origin> {
        self.defs().rules.get(id).map(|r| r.origin.clone())
    }
    /// All entities of a kind, sorted by name.
    fn all_of_kind(&self, kind: &str) -> Arc<Vec<Arc<str>>>;
    /// Entities of `kind` whose `field` equals `key` or is unknown (those may
    /// equal it), sorted by name — an index that lets cumulative sums avoid
    /// scanning every entity. The default scans.
    fn group_by(&self, kind: &str, field: &str, key: &Value) -> Arc<Vec<Arc<str>>> {
        let all = self.all_of_kind(kind);
        if key.is_unknown() {
            return all;
        }
        let v: Vec<Arc<str>> = all
            .iter()
            .filter(|n| {
                self.entity(n)
                    .and_then(|e| {
                        e.get(field)
                            .map(|f| f.value.is_unknown() || f.value.same(key))
                    })
                    .unwrap_or(false)
            })
            .cloned()
            .collect();
        Arc::new(v)
    }
    /// The evaluation date (`--today`), never the clock: policy reads it as
    /// `today`. `None`: the evaluation has none (`today` is `none`).
    fn today(&self) -> Option<Date> {
        None
    }
    /// The prefix-sum table of a planned cumulative sum for one group. `None`:
    /// the caller scans instead.
    fn range_table(&self, _plan: &PlanKey, _key: &Value) -> Option<Arc<RangeTable>> {
        None
    }
}

/// An entity's kind, file and name span (see [`World::entity_head`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityHead {
    pub kind: String,
    pub file: String,
    pub name_span: crate::syntax::ast::Span,
}

impl EntityHead {
    pub fn of(e: &EntityData) -> EntityHead {
        EntityHead {
            kind: e.kind.clone(),
            file: e.file.clone(),
            name_span: e.name_span,
        }
    }
}

/// The entities one evaluation pass (a file's subjects, or one group's
/// tables) has read, each by a small id given on its first read: its data
/// and its date-free derived facts, a slot per fact id (`Defs::fact_ids`).
/// Those facts are computed apart from any subject, so they are the same
/// whichever subject reads them; a plain table, dropped with the pass — the
/// pass's own query records what they read.
///
/// A name is found by its `Arc`'s address (the IR's names, the index lists'
/// and the tables' are read again and again as the same `Arc`), by its text
/// only when that `Arc` is first met: no string hashed per field read. Every
/// `Arc` keyed by address is held in `held`, so no other name can take its
/// address while the pass lives.
#[derive(Default)]
pub struct SharedFacts {
    by_ptr: FxHashMap<usize, u32>,
    by_name: FxHashMap<Arc<str>, u32>,
    held: Vec<Arc<str>>,
    data: Vec<Option<Arc<EntityData>>>,
    facts: Vec<Vec<Option<Arc<Derived>>>>,
}

impl SharedFacts {
    /// The id of the entity of that name, read from the world the first time.
    fn id(&mut self, world: &dyn World, name: &Arc<str>) -> u32 {
        let at = Arc::as_ptr(name) as *const u8 as usize;
        if let Some(&id) = self.by_ptr.get(&at) {
            return id;
        }
        let id = match self.by_name.get(&**name) {
            Some(&id) => id,
            None => {
                let id = self.data.len() as u32;
                self.data.push(world.entity(name));
                self.facts.push(Vec::new());
                self.by_name.insert(name.clone(), id);
                id
            }
        };
        self.by_ptr.insert(at, id);
        self.held.push(name.clone());
        id
    }
    fn data(&self, entity: u32) -> Option<&Arc<EntityData>> {
        self.data[entity as usize].as_ref()
    }
    fn get(&self, entity: u32, id: u32) -> Option<Arc<Derived>> {
        self.facts[entity as usize].get(id as usize)?.clone()
    }
    fn insert(&mut self, entity: u32, id: u32, d: Arc<Derived>) {
        let slots = &mut self.facts[entity as usize];
        if slots.len() <= id as usize {
            slots.resize(id as usize + 1, None);
        }
        slots[id as usize] = Some(d);
    }
}

/// A derived fact's value and the entities its aggregates counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    pub value: Value,
    pub contributors: BTreeSet<Arc<str>>,
    pub ranges: Vec<LazyRange>,
    /// Facts with an input error it read (even where its value did not depend on them).
    pub tainted: FactSet,
    /// The comparisons of unknown numbers it made.
    pub deciders: Vec<Decider>,
    /// The subject's quantities it compared with a threshold (`explain` only).
    pub thresholds: Vec<Threshold>,
}

/// A quantity of the explained subject compared with a named constant or a
/// number written in policy: `explain` shows the threshold beside the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The path compared, from the subject (`flow.cumulative_sensitive`).
    pub fact: String,
    /// `fact op limit`, the fact on the left.
    pub op: BinOp,
    pub limit: Value,
    /// The constant that holds the limit, when it is one.
    pub constant: Option<Arc<str>>,
    /// The value the fact had.
    pub value: Value,
}

/// A comparison of one unknown number with a known one: what value of the
/// unknown fact decides it (for the undetermined finding's message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decider {
    pub fact: FactSet,
    /// `unknown op threshold`, the unknown on the left.
    pub op: BinOp,
    pub threshold: i64,
    /// The compared quantity, when it is not the fact itself (a derived fact or
    /// a sum the fact feeds), with its known lower bound.
    pub through: Option<(Arc<str>, i64)>,
}

/// The most deciders a rule's evaluation keeps (the first met).
const MAX_DECIDERS: usize = 16;

/// Why an evaluation stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abort {
    OutOfFuel,
    Cycle(String),
}

/// (kind, fact) → the fact's name and definition, borrowed from the definitions.
type DeriveIndex<'w> = FxHashMap<(&'w str, &'w str), (&'w str, &'w DeriveDef)>;

pub struct Evaluator<'w> {
    pub(crate) world: &'w dyn World,
    fuel: u64,
    /// Values of the locals; a local's slot counts from `frame`.
    locals: Vec<Value>,
    /// Index of the first local visible in the current frame.
    frame: usize,
    /// Derived facts computed for the current subject (those that read the
    /// date included), with the entities their aggregates summed; by entity id.
    derived: FxHashMap<u32, FxHashMap<&'w str, Arc<Derived>>>,
    /// The entities read and their date-free facts, kept for every subject
    /// of the pass.
    shared: SharedFacts,
    /// (entity or `const`, fact or constant) under evaluation: a cycle guard.
    in_progress: FxHashSet<(Arc<str>, &'w str)>,
    consts: FxHashMap<Arc<str>, Value>,
    /// (kind, fact) → its definition, built on first use and shared with the
    /// evaluations of date-free facts (`Defs::derives` is keyed by owned Strings).
    derives: Arc<DeriveIndex<'w>>,
    /// Entities of the subject's kind that made up an aggregate (for secondary labels).
    pub contributors: BTreeSet<Arc<str>>,
    /// Ranges of prefix-sum tables that made up an aggregate (resolved lazily).
    pub ranges: Vec<LazyRange>,
    /// Facts with an input error read so far: a conclusion that read one is not drawn.
    pub tainted: FactSet,
    /// Comparisons of an unknown number with a known one met so far.
    pub deciders: Vec<Decider>,
    pub subject: Option<(Arc<str>, String)>,
    /// A date-free fact's own evaluation has no subject, yet its readers
    /// label what made up its sums: the kind of entity recorded as
    /// contributors and ranges there (its own entity's; each finding drops
    /// its subject from them).
    label_kind: Option<String>,
    /// `subject.field` values read, for `hegui explain` (when `record_facts`).
    pub facts: BTreeMap<String, Value>,
    /// The subject's quantities compared with thresholds (when `record_facts`).
    pub thresholds: Vec<Threshold>,
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
            derived: FxHashMap::default(),
            shared: SharedFacts::default(),
            in_progress: FxHashSet::default(),
            consts: FxHashMap::default(),
            derives: Arc::default(),
            contributors: BTreeSet::new(),
            ranges: Vec::new(),
            tainted: FactSet::EMPTY,
            deciders: Vec::new(),
            subject: None,
            label_kind: None,
            facts: BTreeMap::new(),
            thresholds: Vec::new(),
            record_facts: false,
            abort: None,
            as_of: None,
        }
    }

    pub fn defs(&self) -> &'w Defs {
        self.world.defs()
    }

    /// Forgets what depended on the previous subject (its date, its
    /// labels); keeps the entities read and the date-free facts.
    pub fn next_subject(&mut self) {
        self.derived.clear();
        self.consts.clear();
        self.as_of = None;
        self.subject = None;
    }

    pub fn refuel(&mut self) {
        self.fuel = FUEL_PER_RULE;
        self.abort = None;
    }

    /// Binds the next slot of the current frame.
    pub fn push_local(&mut self, v: Value) {
        self.locals.push(v);
    }

    pub fn unbind(&mut self, n: usize) {
        let keep = self.locals.len().saturating_sub(n);
        self.locals.truncate(keep);
    }

    /// Starts a frame at the current end of the locals (a rule's subject is
    /// then slot 0).
    pub fn start_frame(&mut self) -> usize {
        self.frame = self.locals.len();
        self.frame
    }

    /// Binds `slot` of the current frame, dropping anything above it.
    fn set_slot(&mut self, slot: u32, v: Value) {
        let at = self.frame + slot as usize;
        self.locals.truncate(at);
        while self.locals.len() < at {
            self.locals.push(Value::None);
        }
        self.locals.push(v);
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
        match e {
            Expr::Lit(v) => v.clone(),
            Expr::Local(i) => self
                .locals
                .get(self.frame + *i as usize)
                .cloned()
                .unwrap_or(Value::None),
            // The evaluation date is visible everywhere, derived facts included.
            Expr::AsOf => self.as_of.map(Value::Date).unwrap_or(Value::None),
            Expr::Today => self.world.today().map(Value::Date).unwrap_or(Value::None),
            Expr::Const(n) => self.constant(n),
            Expr::Collection(kind) => {
                let all = self.world.all_of_kind(kind);
                Value::list(all.iter().map(|x| Value::Entity(x.clone())).collect())
            }
            Expr::Entity(n) => match self.entity(n) {
                Some(_) => Value::Entity(n.clone()),
                None => Value::None,
            },
            Expr::Field {
                base,
                field,
                subject,
            } => {
                let b = self.eval(base);
                let v = self.field(&b, field);
                if let Value::Unknown(u) = &v {
                    if u.facts.has_invalid() {
                        self.tainted = self.tainted.union(u.facts);
                    }
                }
                if self.record_facts && *subject {
                    if let (Some((subj, kind)), Value::Entity(x)) = (&self.subject, &b) {
                        if x == subj {
                            self.facts.insert(format!("{kind}.{field}"), v.clone());
                        }
                    }
                }
                v
            }
            Expr::List(items) => Value::list(items.iter().map(|x| self.eval(x)).collect()),
            Expr::Not(x) => match self.eval(x) {
                Value::Bool(b) => Value::Bool(!b),
                Value::None => Value::Bool(true),
                Value::Unknown(u) => Value::Unknown(Unknown::of(u.facts)),
                _ => Value::None,
            },
            Expr::Neg(x) => match self.eval(x) {
                Value::Int(n) => Value::Int(n.saturating_neg()),
                Value::Unknown(u) => {
                    Value::int_between(u.facts, Interval { lo: u.lo, hi: u.hi }.negated())
                }
                _ => Value::None,
            },
            Expr::Binary(op, a, b) => self.binary(*op, a, b),
            Expr::If(c, t, f) => match self.eval(c).truth() {
                Truth::True => self.eval(t),
                Truth::False => self.eval(f),
                // Either branch may be taken: known only if both agree.
                Truth::Unknown(facts) => {
                    let a = self.eval(t);
                    let b = self.eval(f);
                    either(facts, a, b)
                }
            },
            Expr::Call(b, args) => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                match b {
                    Some(b) => self.call(*b, &vals),
                    None => Value::None,
                }
            }
            Expr::Aggregate(agg) => self.aggregate(agg),
        }
    }

    fn constant(&mut self, n: &Arc<str>) -> Value {
        if let Some(v) = self.consts.get(n) {
            return v.clone();
        }
        let Some((name, c)) = self.defs().consts.get_key_value(&**n) else {
            return Value::None;
        };
        let key: (Arc<str>, &'w str) = (Arc::from("const"), name.as_str());
        if !self.in_progress.insert(key.clone()) {
            self.abort = Some(Abort::Cycle(n.to_string()));
            return Value::None;
        }
        let v = self.in_frame(|s| s.eval(&c.body));
        self.in_progress.remove(&key);
        self.consts.insert(n.clone(), v.clone());
        v
    }

    /// An entity by name, remembered for the rest of this pass.
    fn entity(&mut self, name: &Arc<str>) -> Option<&Arc<EntityData>> {
        let id = self.shared.id(self.world, name);
        self.shared.data(id)
    }

    /// `x.f` for every kind of value.
    pub fn field(&mut self, base: &Value, f: &str) -> Value {
        match base {
            Value::Entity(name) => {
                let id = self.shared.id(self.world, name);
                let Some(e) = self.shared.data(id) else {
                    return Value::None;
                };
                if let Some(fd) = e.get(f) {
                    return fd.value.clone();
                }
                let e = e.clone();
                self.derived_fact(name, id, &e.kind, f)
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
            // A field of something unknown is unknown, for the same reasons.
            Value::Unknown(u) => Value::Unknown(Unknown::of(u.facts)),
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

    fn derived_fact(&mut self, entity: &Arc<str>, entity_id: u32, kind: &str, f: &str) -> Value {
        let local = self.derived.get(&entity_id).and_then(|m| m.get(f)).cloned();
        let cached = match local {
            Some(d) => Some(d),
            // `explain` computes its own, to see the thresholds compared.
            None if self.record_facts => None,
            None => match self.defs().fact_ids.get(f) {
                Some(&id) => self.shared_fact(entity, entity_id, kind, f, id),
                None => None,
            },
        };
        let d = match cached {
            Some(d) => d,
            None => {
                let Some((name, d)) = self.compute_derived_named(entity, kind, f) else {
                    return Value::None;
                };
                let d = Arc::new(d);
                if self.abort.is_none() {
                    self.derived
                        .entry(entity_id)
                        .or_default()
                        .insert(name, d.clone());
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
        self.tainted = self.tainted.union(d.tainted);
        for x in &d.deciders {
            self.add_decider(x.clone());
        }
        for t in &d.thresholds {
            self.add_threshold(t.clone());
        }
        d.value.clone()
    }

    /// A date-free fact from the pass's table, computed on first use by an
    /// evaluation of its own (no subject, no date, its own fuel) that shares
    /// the table. `None` (not kept) when that ran out of fuel or met a cycle:
    /// the caller evaluates it and reports why.
    fn shared_fact(
        &mut self,
        entity: &Arc<str>,
        entity_id: u32,
        kind: &str,
        f: &str,
        id: u32,
    ) -> Option<Arc<Derived>> {
        if let Some(d) = self.shared.get(entity_id, id) {
            return Some(d);
        }
        let mut sub = Evaluator::new(self.world);
        sub.derives = self.derive_index();
        sub.label_kind = Some(kind.to_string());
        sub.shared = std::mem::take(&mut self.shared);
        let d = sub.compute_derived(entity, kind, f);
        self.shared = std::mem::take(&mut sub.shared);
        let d = Arc::new(d?);
        if sub.abort.is_some() {
            return None;
        }
        self.shared.insert(entity_id, id, d.clone());
        Some(d)
    }

    /// Evaluates a derived fact of an entity (without asking the pass's
    /// table for this fact itself), with what its aggregates counted.
    pub fn compute_derived(&mut self, entity: &Arc<str>, kind: &str, f: &str) -> Option<Derived> {
        self.compute_derived_named(entity, kind, f).map(|(_, d)| d)
    }

    /// The derived facts by (kind, name), borrowed from the definitions.
    fn derive_index(&mut self) -> Arc<DeriveIndex<'w>> {
        if self.derives.is_empty() && !self.defs().derives.is_empty() {
            let defs: &'w Defs = self.world.defs();
            self.derives = Arc::new(
                defs.derives
                    .iter()
                    .map(|((k, n), d)| ((k.as_str(), n.as_str()), (n.as_str(), d)))
                    .collect(),
            );
        }
        self.derives.clone()
    }

    /// `compute_derived`, with the fact's name as the definitions hold it.
    fn compute_derived_named(
        &mut self,
        entity: &Arc<str>,
        kind: &str,
        f: &str,
    ) -> Option<(&'w str, Derived)> {
        let derives = self.derive_index();
        // (The map is covariant in its keys: looked up with shorter-lived ones.)
        let short: &FxHashMap<(&str, &str), (&'w str, &'w DeriveDef)> = &derives;
        let &(name, d) = short.get(&(kind, f))?;
        let key = (entity.clone(), name);
        if !self.in_progress.insert(key.clone()) {
            self.abort = Some(Abort::Cycle(format!("{kind}.{f}")));
            return Some((
                name,
                Derived {
                    value: Value::None,
                    contributors: BTreeSet::new(),
                    ranges: Vec::new(),
                    tainted: FactSet::EMPTY,
                    deciders: Vec::new(),
                    thresholds: Vec::new(),
                },
            ));
        }
        let outer = std::mem::take(&mut self.contributors);
        let outer_ranges = std::mem::take(&mut self.ranges);
        let outer_taint = std::mem::take(&mut self.tainted);
        let outer_deciders = std::mem::take(&mut self.deciders);
        let outer_thresholds = std::mem::take(&mut self.thresholds);
        let value = self.in_frame(|s| {
            s.push_local(Value::Entity(entity.clone()));
            s.eval(&d.body)
        });
        self.in_progress.remove(&key);
        let contributors = std::mem::replace(&mut self.contributors, outer);
        let ranges = std::mem::replace(&mut self.ranges, outer_ranges);
        let tainted = std::mem::replace(&mut self.tainted, outer_taint);
        let deciders = std::mem::replace(&mut self.deciders, outer_deciders);
        let thresholds = std::mem::replace(&mut self.thresholds, outer_thresholds);
        for x in &deciders {
            self.add_decider(x.clone());
        }
        for t in &thresholds {
            self.add_threshold(t.clone());
        }
        Some((
            name,
            Derived {
                value,
                contributors,
                ranges,
                tainted,
                deciders,
                thresholds,
            },
        ))
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> Value {
        // Short-circuit the logical operators (Kleene's: false and unknown is
        // false, true or unknown is true); `none` counts as false.
        match op {
            BinOp::And => {
                let x = self.eval(a).truth();
                if x == Truth::False {
                    return Value::Bool(false);
                }
                return Value::from_truth(x.and(self.eval(b).truth()));
            }
            BinOp::Or => {
                let x = self.eval(a).truth();
                if x == Truth::True {
                    return Value::Bool(true);
                }
                return Value::from_truth(x.or(self.eval(b).truth()));
            }
            _ => {}
        }
        let x = self.eval(a);
        let y = self.eval(b);
        let v = binary_values(op, &x, &y, &self.defs().calendar);
        if v.is_unknown() {
            self.note_decider(op, (a, &x), (b, &y));
        }
        if self.record_facts {
            self.note_threshold(op, (a, &x), (b, &y));
        }
        v
    }

    /// Remembers a comparison of a subject's quantity with a constant or a
    /// number written in policy (for `explain`).
    fn note_threshold(&mut self, op: BinOp, (a, x): (&Expr, &Value), (b, y): (&Expr, &Value)) {
        // Only orderings are thresholds; `==` names a value, not a limit.
        if !matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
            return;
        }
        let Some(flipped) = swapped(op) else {
            return;
        };
        let limit = |e: &Expr, v: &Value| match (e, v) {
            (Expr::Const(n), Value::Int(_)) => Some(Some(n.clone())),
            (Expr::Lit(Value::Int(_)), _) => Some(None),
            _ => None,
        };
        let (path, value, constant, lim, op) = match (limit(a, x), limit(b, y)) {
            (None, Some(c)) => (a, x, c, y, op),
            (Some(c), None) => (b, y, c, x, flipped),
            _ => return,
        };
        if let Some(fact) = self.subject_path(path) {
            self.add_threshold(Threshold {
                fact,
                op,
                limit: lim.clone(),
                constant,
                value: value.clone(),
            });
        }
    }

    /// `flow.from.persons_processed` for a chain of fields read from the
    /// subject; `None` for anything else.
    fn subject_path(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Field { base, field, .. } => {
                Some(format!("{}.{field}", self.subject_path(base)?))
            }
            Expr::Local(i) => {
                let (subj, kind) = self.subject.as_ref()?;
                match self.locals.get(self.frame + *i as usize)? {
                    Value::Entity(x) if x == subj => Some(kind.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn add_threshold(&mut self, t: Threshold) {
        if !self.thresholds.contains(&t) {
            self.thresholds.push(t);
        }
    }

    /// Remembers what value of an unknown fact decides a comparison that
    /// stayed unknown: one undeclared fact against a known number.
    fn note_decider(&mut self, op: BinOp, (a, x): (&Expr, &Value), (b, y): (&Expr, &Value)) {
        let Some(flipped) = swapped(op) else {
            return;
        };
        let (e, u, n, op) = match (x, y) {
            (Value::Unknown(u), Value::Int(n)) => (a, u, *n, op),
            (Value::Int(n), Value::Unknown(u)) => (b, u, *n, flipped),
            _ => return,
        };
        if u.facts.has_invalid() || u.facts.facts().len() != 1 {
            return;
        }
        let fact = &u.facts.facts()[0];
        let read = match e {
            Expr::Field { field, .. } => Some(field.clone()),
            _ => None,
        };
        // The fact itself (a count known only to be ≥ 0), or a quantity it
        // feeds, known to be at least `lo`.
        let direct = read.as_deref() == Some(&*fact.field) && u.lo == 0 && u.hi == i64::MAX;
        let through = if direct {
            None
        } else {
            match read {
                Some(q) if u.lo > i64::MIN => Some((q, u.lo)),
                _ => return,
            }
        };
        self.add_decider(Decider {
            fact: u.facts,
            op,
            threshold: n,
            through,
        });
    }

    fn add_decider(&mut self, d: Decider) {
        if self.deciders.len() < MAX_DECIDERS && !self.deciders.contains(&d) {
            self.deciders.push(d);
        }
    }

    fn call(&mut self, b: Builtin, args: &[Value]) -> Value {
        let facts = args
            .iter()
            .fold(FactSet::EMPTY, |f, a| f.union(a.unknown_facts()));
        match (b, args) {
            // The presence tests: an unknown value is not a value the
            // declarations give, so policies can ask for it explicitly.
            (Builtin::Exists, [Value::Unknown(_)]) => Value::Bool(false),
            (Builtin::Default, [v, d]) if v.is_none() || v.is_unknown() => d.clone(),
            (Builtin::Default, [v, _]) => v.clone(),
            (Builtin::Len, _) if !facts.is_empty() => Value::Unknown(Unknown::count(facts)),
            _ if !facts.is_empty() => Value::Unknown(Unknown::of(facts)),
            _ => calendar::builtin(b, args, &self.defs().calendar),
        }
    }

    fn aggregate(&mut self, agg: &Aggregate) -> Value {
        if let Some(v) = self.planned_sum(agg) {
            return v;
        }
        // Over a `union`, each distinct element comes with whether it is
        // certainly a member: one that may be counts as an unknown element.
        let source = match &agg.source {
            Expr::Aggregate(inner) if inner.kind == AggKind::Union => self.union_items(inner),
            _ => match self.aggregate_source(agg) {
                Value::List(items) => Ok(items.iter().map(|v| (v.clone(), Truth::True)).collect()),
                Value::None => Ok(Vec::new()),
                Value::Unknown(u) => Err(u.facts),
                other => Ok(vec![(other, Truth::True)]),
            },
        };
        let items: Vec<(Value, Truth)> = match source {
            Ok(items) => items,
            // Which elements there are is itself unknown.
            Err(facts) => {
                return match agg.kind {
                    AggKind::Sum | AggKind::Count => Value::Unknown(Unknown {
                        facts,
                        lo: if agg.kind == AggKind::Count {
                            0
                        } else {
                            i64::MIN
                        },
                        hi: i64::MAX,
                    }),
                    _ => Value::Unknown(Unknown::of(facts)),
                }
            }
        };
        let target = self.label_target();
        // Sums and counts as intervals: exact while every element is known;
        // an element that may or may not count widens them.
        let mut total = Interval::ZERO;
        let mut facts = FactSet::EMPTY;
        let mut any = Truth::False;
        let mut all = Truth::True;
        let mut best: Option<Value> = None;
        let mut best_unknown = false;
        let mut out: Vec<Value> = Vec::new();
        let mut out_unknown = false;
        let mut seen: FxHashSet<Value> = FxHashSet::default();
        for (item, member) in items {
            if self.abort.is_some() {
                break;
            }
            self.set_slot(agg.slot, item.clone());
            let pass = match &agg.filter {
                Some(f) => member.and(self.eval(f).truth()),
                None => member,
            };
            if pass == Truth::False {
                continue;
            }
            if let Truth::Unknown(f) = pass {
                facts = facts.union(f);
            }
            let v = match &agg.value {
                Some(e) => self.eval(e),
                None => item.clone(),
            };
            facts = facts.union(v.unknown_facts());
            // The element's own condition: its value, when the aggregate has one.
            let holds = match &agg.value {
                Some(_) => v.truth(),
                None => Truth::True,
            };
            let contributes = match agg.kind {
                AggKind::Sum => {
                    let c = match &v {
                        Value::Int(n) => Interval::exact(*n),
                        Value::Unknown(u) => Interval { lo: u.lo, hi: u.hi },
                        _ => Interval::ZERO,
                    };
                    let c = if pass == Truth::True { c } else { c.or_zero() };
                    total = total.plus(c);
                    pass == Truth::True && matches!(v, Value::Int(n) if n != 0)
                }
                AggKind::Count => match pass.and(holds) {
                    Truth::True => {
                        total = total.plus(Interval::exact(1));
                        true
                    }
                    Truth::Unknown(_) => {
                        total = total.plus(Interval { lo: 0, hi: 1 });
                        false
                    }
                    Truth::False => false,
                },
                AggKind::Any => {
                    let t = pass.and(holds);
                    any = any.or(t);
                    t == Truth::True
                }
                AggKind::All => {
                    all = all.and(pass.negate().or(holds));
                    false
                }
                AggKind::Min | AggKind::Max => {
                    if pass != Truth::True || v.is_unknown() {
                        best_unknown = true;
                    }
                    let better = match (&best, &v) {
                        (_, Value::None | Value::Unknown(_)) => false,
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
                    if pass == Truth::True {
                        out.push(item.clone());
                    } else {
                        out_unknown = true;
                    }
                    pass == Truth::True
                }
                AggKind::Map => {
                    if pass != Truth::True {
                        out_unknown = true;
                    }
                    out.push(v);
                    false
                }
                AggKind::Union => {
                    if pass != Truth::True || v.is_unknown() {
                        out_unknown = true;
                    }
                    let members = match &v {
                        Value::List(xs) => xs.iter().cloned().collect(),
                        Value::None | Value::Unknown(_) => Vec::new(),
                        x => vec![x.clone()],
                    };
                    let added = !members.is_empty();
                    for m in members {
                        if m.is_unknown() {
                            out_unknown = true;
                            facts = facts.union(m.unknown_facts());
                        } else if seen.insert(m.clone()) {
                            out.push(m);
                        }
                    }
                    pass == Truth::True && added
                }
            };
            if contributes {
                self.note_contributor(&item, target.as_ref());
            }
        }
        self.locals.truncate(self.frame + agg.slot as usize);
        match agg.kind {
            AggKind::Sum | AggKind::Count => Value::int_between(facts, total),
            AggKind::Any => Value::from_truth(any),
            AggKind::All => Value::from_truth(all),
            AggKind::Min | AggKind::Max if best_unknown => Value::Unknown(Unknown::of(facts)),
            AggKind::Min | AggKind::Max => best.unwrap_or(Value::None),
            AggKind::Filter | AggKind::Map | AggKind::Union if out_unknown => {
                Value::Unknown(Unknown::of(facts))
            }
            AggKind::Filter | AggKind::Map | AggKind::Union => Value::list(out),
        }
    }

    /// The distinct elements of a `union`, each with whether it is certainly
    /// among them (`Err`: which elements there are is unknown). An element
    /// that some certain value holds is certain; one only uncertain values
    /// hold may be a member.
    fn union_items(&mut self, agg: &Aggregate) -> Result<Vec<(Value, Truth)>, FactSet> {
        let items: Vec<Value> = match self.aggregate_source(agg) {
            Value::List(items) => items.iter().cloned().collect(),
            Value::None => Vec::new(),
            Value::Unknown(u) => return Err(u.facts),
            other => vec![other],
        };
        let subject = self.label_target();
        let mut out: Vec<(Value, Truth)> = Vec::new();
        let mut index: HashMap<Value, usize> = HashMap::new();
        for item in items {
            if self.abort.is_some() {
                break;
            }
            self.set_slot(agg.slot, item.clone());
            let pass = match &agg.filter {
                Some(f) => self.eval(f).truth(),
                None => Truth::True,
            };
            if pass == Truth::False {
                continue;
            }
            let v = match &agg.value {
                Some(e) => self.eval(e),
                None => item.clone(),
            };
            let members = match v {
                Value::List(xs) => xs.iter().cloned().collect(),
                Value::None => Vec::new(),
                // An unknown value may hold anything: which elements there are is unknown.
                Value::Unknown(u) => {
                    self.locals.truncate(self.frame + agg.slot as usize);
                    return Err(u.facts);
                }
                x => vec![x],
            };
            if pass == Truth::True && !members.is_empty() {
                self.note_contributor(&item, subject.as_ref());
            }
            for m in members {
                if let Value::Unknown(u) = m {
                    self.locals.truncate(self.frame + agg.slot as usize);
                    return Err(u.facts);
                }
                match index.get(&m) {
                    Some(&i) => out[i].1 = out[i].1.or(pass),
                    None => {
                        index.insert(m.clone(), out.len());
                        out.push((m, pass));
                    }
                }
            }
        }
        self.locals.truncate(self.frame + agg.slot as usize);
        Ok(out)
    }

    /// Whose aggregates are labelled: the entity left out (the subject, if
    /// any) and the kind recorded (see `label_kind`).
    fn label_target(&self) -> Option<(Option<Arc<str>>, String)> {
        match &self.subject {
            Some((n, k)) => Some((Some(n.clone()), k.clone())),
            None => self.label_kind.clone().map(|k| (None, k)),
        }
    }

    /// An entity of the subject's kind (not the subject) that made up an aggregate.
    fn note_contributor(&mut self, item: &Value, target: Option<&(Option<Arc<str>>, String)>) {
        if let (Value::Entity(n), Some((subj, kind))) = (item, target) {
            if subj.as_ref() != Some(n) && self.entity(n).is_some_and(|e| e.kind == *kind) {
                self.contributors.insert(n.clone());
            }
        }
    }

    /// A cumulative sum (or a grouped count, any, all) answered from the
    /// world's prefix-sum table, if the aggregate was planned and the world
    /// keeps such tables.
    fn planned_sum(&mut self, agg: &Aggregate) -> Option<Value> {
        let p = agg.plan.as_ref()?;
        let key = self.eval(&p.eq_value);
        // An unknown group or bound: the scan sorts out which elements may count.
        if key.is_unknown() {
            return None;
        }
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
        if lower
            .iter()
            .chain(upper.iter())
            .any(|(v, _)| v.is_unknown())
        {
            return None;
        }
        // A comparison with `none` is false: no element can pass such a bound.
        if lower.iter().chain(upper.iter()).any(|(v, _)| v.is_none()) {
            return Some(Value::Int(0));
        }
        let (lo, hi) = table.range(&lower, &upper);
        let decided = matches!(p.key.agg, AggKind::Any | AggKind::All);
        let sum = match &table.distinct {
            Some(d) => d.sum(lo, hi),
            None => table.sum(lo, hi),
        };
        let (extra, facts) = table.unknown_in(&lower, &upper);
        self.tainted = self.tainted.union(table.tainted);
        let kind = match &self.subject {
            Some((_, k)) => Some(k.as_str()),
            None => self.label_kind.as_deref(),
        };
        // The rows of an `all` are the members that refute it, not contributors.
        if kind == Some(&*p.key.kind) && p.key.agg != AggKind::All {
            self.ranges.push(LazyRange {
                table: table.clone(),
                lo,
                hi,
            });
        }
        if decided {
            return Some(plan::decided(p.key.agg, &table));
        }
        Some(Value::int_between(facts, Interval::exact(sum).plus(extra)))
    }

    /// The list an aggregate runs over. Over a whole collection filtered by
    /// `x.field == <expression without x>` first, it asks the world's index
    /// instead of scanning every entity: this keeps cumulative sums linear.
    fn aggregate_source(&mut self, agg: &Aggregate) -> Value {
        if let (Expr::Collection(kind), Some((field, key_expr))) = (&agg.source, &agg.group) {
            let key = self.eval(key_expr);
            // (`group_by` answers every entity for an unknown key.)
            let names = self.world.group_by(kind, field, &key);
            return Value::list(names.iter().map(|n| Value::Entity(n.clone())).collect());
        }
        self.eval(&agg.source)
    }
}

pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Duration(x, u), Value::Duration(y, v)) if u == v => Some(x.cmp(y)),
        _ => None,
    }
}

/// `x under y`: a node under another (or one of several); a list is under
/// when any of its members is.
fn under(x: &Value, y: &Value) -> Truth {
    match (x, y) {
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Truth::Unknown(u.facts),
        (Value::Node { tree: t1, path: p1 }, Value::Node { tree: t2, path: p2 }) => {
            Truth::from_bool(t1 == t2 && p1.starts_with(p2))
        }
        (Value::List(items), _) => items.iter().fold(Truth::False, |t, i| t.or(under(i, y))),
        (_, Value::List(items)) => items.iter().fold(Truth::False, |t, i| t.or(under(x, i))),
        _ => Truth::False,
    }
}

fn member_of(x: &Value, list: &Value) -> Truth {
    match list {
        Value::List(items) if items.is_empty() => Truth::False,
        _ if x.is_unknown() => Truth::Unknown(x.unknown_facts()),
        Value::Unknown(u) => Truth::Unknown(u.facts),
        Value::List(items) => items.iter().fold(Truth::False, |t, i| match i {
            Value::Unknown(u) => t.or(Truth::Unknown(u.facts)),
            i => t.or(Truth::from_bool(i.same(x))),
        }),
        Value::Str(s) => Truth::from_bool(matches!(x, Value::Str(t) if s.contains(&**t))),
        _ => Truth::False,
    }
}

/// Both branches of an `if` whose condition is unknown: the value when they
/// agree, else an unknown spanning both.
fn either(facts: FactSet, a: Value, b: Value) -> Value {
    if a == b {
        return a;
    }
    let facts = facts.union(a.unknown_facts()).union(b.unknown_facts());
    match (a.interval(), b.interval()) {
        (Some(x), Some(y)) => Value::int_between(
            facts,
            Interval {
                lo: x.lo.min(y.lo),
                hi: x.hi.max(y.hi),
            },
        ),
        _ => Value::Unknown(Unknown::of(facts)),
    }
}

/// A binary operation with an unknown operand. Comparisons of numbers decide
/// when the intervals do (an unknown count of at least 0 is never below 0);
/// arithmetic carries the interval; everything else is unknown.
fn unknown_binary(op: BinOp, x: &Value, y: &Value) -> Value {
    let facts = x.unknown_facts().union(y.unknown_facts());
    let unknown = Value::Unknown(Unknown::of(facts));
    let decide = |t: Option<bool>| match t {
        Some(b) => Value::Bool(b),
        None => Value::Unknown(Unknown::of(facts)),
    };
    let (a, b) = match (x.interval(), y.interval()) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return match op {
                BinOp::In | BinOp::NotIn => {
                    let t = member_of(x, y);
                    Value::from_truth(if op == BinOp::In { t } else { t.negate() })
                }
                BinOp::Under => Value::from_truth(under(x, y)),
                _ => unknown,
            }
        }
    };
    let lt = |a: Interval, b: Interval| {
        if a.hi < b.lo {
            Some(true)
        } else if a.lo >= b.hi {
            Some(false)
        } else {
            None
        }
    };
    let le = |a: Interval, b: Interval| {
        if a.hi <= b.lo {
            Some(true)
        } else if a.lo > b.hi {
            Some(false)
        } else {
            None
        }
    };
    let disjoint = a.hi < b.lo || b.hi < a.lo;
    match op {
        BinOp::Lt => decide(lt(a, b)),
        BinOp::Le => decide(le(a, b)),
        BinOp::Gt => decide(lt(b, a)),
        BinOp::Ge => decide(le(b, a)),
        BinOp::Eq => decide(disjoint.then_some(false)),
        BinOp::Ne => decide(disjoint.then_some(true)),
        BinOp::Add => Value::int_between(facts, a.plus(b)),
        BinOp::Sub => Value::int_between(facts, a.plus(b.negated())),
        BinOp::Mul => Value::int_between(facts, a.times(b)),
        BinOp::Div => Value::int_between(facts, a.divided_by(b)),
        BinOp::In | BinOp::NotIn | BinOp::Under => unknown,
        BinOp::And | BinOp::Or => {
            let t = if op == BinOp::And {
                x.truth().and(y.truth())
            } else {
                x.truth().or(y.truth())
            };
            Value::from_truth(t)
        }
    }
}

pub fn binary_values(op: BinOp, x: &Value, y: &Value, cal: &crate::model::defs::Calendar) -> Value {
    use std::cmp::Ordering::*;
    if x.is_unknown() || y.is_unknown() {
        return unknown_binary(op, x, y);
    }
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
        BinOp::In => Value::from_truth(member_of(x, y)),
        BinOp::NotIn => Value::from_truth(member_of(x, y).negate()),
        BinOp::Under => Value::from_truth(under(x, y)),
        BinOp::Add => match (x, y) {
            (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_add(*b)),
            (Value::Date(d), Value::Duration(n, u)) | (Value::Duration(n, u), Value::Date(d)) => {
                calendar::add(*d, *n, *u, cal)
            }
            (Value::DateTime(t), Value::Duration(n, u))
            | (Value::Duration(n, u), Value::DateTime(t)) => calendar::add_to_datetime(*t, *n, *u),
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
            (Value::DateTime(t), Value::Duration(n, u)) => {
                calendar::add_to_datetime(*t, n.saturating_neg(), *u)
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
        BinOp::And => Value::from_truth(x.truth().and(y.truth())),
        BinOp::Or => Value::from_truth(x.truth().or(y.truth())),
    }
}

/// The comparison read with its sides swapped (`a < b` is `b > a`); `None`
/// for operators that are not comparisons.
fn swapped(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        BinOp::Eq | BinOp::Ne => op,
        _ => return None,
    })
}
