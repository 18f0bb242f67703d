//! Rules applied to one subject entity: which are in force, which apply, which
//! are violated, and the finding each violation produces.

use super::plan::{LazyRange, RangeTable};
use super::{Abort, Decider, Evaluator, World};
use crate::diag::{
    Diagnostic, Fix, Lang, Location, Message, MissingFact, ObligationDue, Severity, Text,
};
use crate::hir::{Part, Template};
use crate::model::defs::{Defs, RuleDef};
use crate::model::unknown::{FactSet, Truth};
use crate::model::{EntityData, Value};
use crate::syntax::ast::{BinOp, ExprKind, Span};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Secondary labels shown for the entities of a cumulative sum.
const MAX_LABELS: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not law on the evaluation date.
    NotInForce,
    /// In force, but its `when` condition is false.
    NotApplicable,
    /// Applies and its requirement holds.
    Satisfied,
    /// Applies and its requirement fails (or it has none: an informational rule).
    Fired,
    /// Whether it applies or holds depends on facts not declared: an
    /// undetermined finding names them.
    Undetermined,
    /// It read a fact declared with an input error: no conclusion is drawn
    /// (the error is reported, not its symptoms).
    Blocked,
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub rule: String,
    pub status: Status,
    pub date: Option<Date>,
    pub finding: Option<Diagnostic>,
    /// Facts of the subject read while deciding, and the `let` values.
    pub facts: BTreeMap<String, Value>,
    /// The subject's quantities compared with thresholds, in evaluation order.
    pub thresholds: Vec<super::Threshold>,
}

/// The facts behind a subject's judgement date when it is not known (its date
/// field absent or broken, and no `--as-of`).
fn date_unknown(world: &dyn World, e: &EntityData, as_of: Option<Date>) -> FactSet {
    if as_of.is_some() {
        return FactSet::EMPTY;
    }
    let field = world
        .defs()
        .schemas
        .get(&e.kind)
        .and_then(|s| s.subject_date.as_ref());
    match field.and_then(|f| e.get(f)).map(|f| f.value) {
        Some(Value::Unknown(u)) => u.facts,
        _ => FactSet::EMPTY,
    }
}

/// The date a subject is judged at: `--as-of` if given, else its own date field.
pub fn judgement_date(world: &dyn World, e: &EntityData, as_of: Option<Date>) -> Option<Date> {
    as_of.or_else(|| {
        let field = world.defs().schemas.get(&e.kind)?.subject_date.as_ref()?;
        match e.get(field)?.value {
            Value::Date(d) => Some(*d),
            Value::DateTime(t) => Some(t.date()),
            _ => None,
        }
    })
}

/// Evaluates every rule about `e`'s kind; returns the findings, sorted.
pub fn findings_for(world: &dyn World, e: &EntityData, as_of: Option<Date>) -> Vec<Diagnostic> {
    findings_in_pass(&mut Evaluator::new(world), world, e, as_of)
}

/// `findings_for` with an evaluator shared by the subjects of one pass (a
/// file's): the date-free facts it computed are kept from subject to subject.
pub fn findings_in_pass(
    ev: &mut Evaluator,
    world: &dyn World,
    e: &EntityData,
    as_of: Option<Date>,
) -> Vec<Diagnostic> {
    ev.next_subject();
    let mut out: Vec<Diagnostic> = outcomes_with(ev, world, e, as_of)
        .into_iter()
        .filter_map(|o| o.finding)
        .collect();
    crate::diag::sort(&mut out);
    out
}

/// Every rule's outcome, with the facts each read (for explain and hover).
pub fn outcomes(world: &dyn World, e: &EntityData, as_of: Option<Date>) -> Vec<Outcome> {
    let mut ev = Evaluator::new(world);
    ev.record_facts = true;
    outcomes_with(&mut ev, world, e, as_of)
}

fn outcomes_with(
    ev: &mut Evaluator,
    world: &dyn World,
    e: &EntityData,
    as_of: Option<Date>,
) -> Vec<Outcome> {
    let date = judgement_date(world, e, as_of);
    ev.as_of = date;
    // The subject is bound once, under its kind's name, for every rule.
    let subject: Arc<str> = Arc::from(e.name.as_str());
    ev.subject = Some((subject.clone(), e.kind.clone()));
    let base = ev.start_frame();
    ev.push_local(Value::Entity(subject));
    let listing = ev.record_facts;
    let undated = date_unknown(world, e, as_of);
    let rules: Vec<&RuleDef> = world
        .defs()
        .rules
        .values()
        .filter(|r| r.subject == e.kind)
        // Rules not in force only matter to `explain`, which lists them.
        .filter(|r| listing || r.in_force(date))
        .collect();
    // Sized first: an `Outcome` holds its finding, and growing a vector of
    // them copied each one several times (4 % of a check's instructions).
    let mut out = Vec::with_capacity(rules.len());
    for r in rules {
        out.push(outcome(ev, r, e, date, undated));
    }
    ev.locals.truncate(base);
    out
}

fn outcome(
    ev: &mut Evaluator,
    rule: &RuleDef,
    e: &EntityData,
    date: Option<Date>,
    undated: FactSet,
) -> Outcome {
    let mut o = Outcome {
        rule: rule.id.clone(),
        status: Status::NotInForce,
        date,
        finding: None,
        facts: BTreeMap::new(),
        thresholds: Vec::new(),
    };
    if !rule.in_force(date) {
        return o;
    }
    ev.refuel();
    ev.contributors.clear();
    ev.ranges.clear();
    ev.facts.clear();
    ev.thresholds.clear();
    ev.tainted = FactSet::EMPTY;
    ev.deciders.clear();
    let base = ev.locals.len();
    let mut lets = BTreeMap::new();
    for (n, x) in &rule.body.lets {
        let v = ev.eval(x);
        if ev.record_facts {
            lets.insert(n.clone(), v.clone());
        }
        ev.push_local(v);
    }
    // Kleene: the rule fires when it applies and its requirement does not
    // hold; either may be unknown (a requirement that holds decides alone).
    let applies = match &rule.body.when {
        Some(w) => ev.eval(w).truth(),
        None => Truth::True,
    };
    let holds = match (&rule.body.require, applies) {
        (_, Truth::False) | (None, _) => Truth::False,
        (Some(r), _) => ev.eval(r).truth(),
    };
    let fires = applies.and(holds.negate());
    let mut facts = std::mem::take(&mut ev.facts);
    facts.extend(lets.into_iter().map(|(k, v)| (format!("let {k}"), v)));
    o.facts = facts;
    o.thresholds = std::mem::take(&mut ev.thresholds);
    if let Some(abort) = ev.abort.clone() {
        ev.locals.truncate(base);
        o.status = Status::Fired;
        let origin = ev.world.rule_origin(&rule.id);
        o.finding = Some(abort_diag(rule, e, &abort, origin));
        return o;
    }
    let unknown = match fires {
        Truth::Unknown(f) => f.union(undated),
        _ => undated,
    };
    o.status = if unknown.has_invalid() || !ev.tainted.is_empty() {
        Status::Blocked
    } else if !unknown.is_empty() {
        Status::Undetermined
    } else {
        match (applies, fires) {
            (Truth::False, _) => Status::NotApplicable,
            (_, Truth::True) => Status::Fired,
            _ => Status::Satisfied,
        }
    };
    match o.status {
        Status::Fired => o.finding = Some(finding(ev, rule, e)),
        Status::Undetermined => o.finding = Some(undetermined(ev, rule, e, unknown)),
        _ => {}
    }
    ev.locals.truncate(base);
    o
}

fn abort_diag(
    rule: &RuleDef,
    e: &EntityData,
    abort: &Abort,
    origin: Option<crate::model::defs::Origin>,
) -> Diagnostic {
    let msg = match abort {
        Abort::OutOfFuel => Text::new(
            format!("规则 {} 的计算超出了步数上限，结果未知", rule.id),
            format!(
                "evaluating {} exceeded the evaluation budget; its result is unknown",
                rule.id
            ),
        ),
        Abort::Cycle(what) => Text::new(
            format!("规则 {} 依赖循环定义的 `{what}`", rule.id),
            format!(
                "{} depends on `{what}`, which is defined in terms of itself",
                rule.id
            ),
        ),
    };
    let mut d = Diagnostic::error("limit", &e.file, e.name_span, msg);
    d.subject = Some(e.name.clone());
    let origin = origin.unwrap_or_else(|| rule.origin.clone());
    d.with_label(
        &origin.file,
        origin.span,
        Text::new("规则定义于此", "rule defined here"),
    )
}

fn finding(ev: &mut Evaluator, rule: &RuleDef, e: &EntityData) -> Diagnostic {
    // The values of the template's holes only: the text is the rule's,
    // put together when output is written.
    let message = match &rule.body.message {
        Some((zh, en)) => {
            let mut values = holes(ev, zh, Lang::Zh);
            values.extend(holes(ev, en, Lang::En));
            Message::Filled(values.into())
        }
        None => Message::Title,
    };
    let span = primary_span(rule, e);
    let mut d = Diagnostic::new(&rule.id, rule.severity, &e.file, span, Text::default());
    d.message = message;
    d.subject = Some(e.name.clone());
    d.rule = Some(rule.info.clone());
    if let (Some(text), Some(due)) = (&rule.info.obligation, &rule.body.due) {
        let (due, due_at) = match ev.eval(due) {
            Value::Date(d) => (Some(d), None),
            // An hour deadline: its exact time, and its day for "overdue".
            Value::DateTime(t) => (Some(t.date()), Some(t)),
            _ => (None, None),
        };
        d.obligation = Some(ObligationDue {
            text: text.clone(),
            due,
            due_at,
        });
    }
    if let (Some(fix), Some((zh, en))) = (&rule.decl.fix, &rule.body.fix_title) {
        let (zh, en) = (render_in(ev, zh, Lang::Zh), render_in(ev, en, Lang::En));
        if let Some(f) = quick_fix(ev, rule, fix, e, zh, en) {
            d = d.with_fix(f);
        }
    }
    // Every other entity that made up a cumulative sum, labelled (the first
    // few by name order; the count of the rest in a note).
    let (first, total) = contributors(ev, &e.name);
    for c in &first {
        if let Some(other) = ev.world.entity_head(c) {
            if other.kind != e.kind {
                continue;
            }
            d = d.with_label(
                &other.file,
                other.name_span,
                Text::new(
                    format!("计入累计的 {}", other.kind),
                    format!("counted in the cumulative total ({})", other.kind),
                ),
            );
        }
    }
    if total > MAX_LABELS {
        let more = total - MAX_LABELS;
        d = d.with_note(Text::new(
            format!("另有 {more} 个计入累计"),
            format!("and {more} more counted in the total"),
        ));
    }
    d
}

/// Rows `lo..hi` of a prefix-sum table.
type Rows = (usize, usize);

/// The entities other than `subject` that made up its sums (the scanned
/// contributors and the rows that count in its prefix-sum ranges): the first
/// [`MAX_LABELS`] by name, and how many there are. A range can hold most of a
/// big exporter's flows, and each of its findings asks: when the tables share
/// a row order (one layout: see `plan::layout`) the rows are counted and
/// named from the layout's indices without visiting them; otherwise names
/// are deduplicated through a set.
fn contributors(ev: &Evaluator, subject: &str) -> (Vec<Arc<str>>, usize) {
    let mut ranges: Vec<&LazyRange> = ev.ranges.iter().filter(|r| r.hi > r.lo).collect();
    ranges.sort_by_key(|r| (Arc::as_ptr(&r.table) as usize, r.lo, r.hi));
    // Per table, its row intervals, overlapping ones merged.
    let mut tables: Vec<(&Arc<RangeTable>, Vec<Rows>)> = Vec::new();
    for r in ranges {
        match tables.last_mut() {
            Some((t, spans)) if Arc::ptr_eq(t, &r.table) => match spans.last_mut() {
                Some(last) if r.lo <= last.1 => last.1 = last.1.max(r.hi),
                _ => spans.push((r.lo, r.hi)),
            },
            _ => tables.push((&r.table, vec![(r.lo, r.hi)])),
        }
    }
    if let Some(((first, _), rest)) = tables.split_first() {
        let mut slots = 1u64 << first.slot;
        let shared = rest.iter().all(|(t, _)| {
            let fresh = slots & (1 << t.slot) == 0;
            slots |= 1 << t.slot;
            fresh && Arc::ptr_eq(&t.layout, &first.layout) && t.rows.len() == first.rows.len()
        });
        if shared {
            return by_layout(&tables, &ev.contributors, subject);
        }
    }
    by_set(&tables, &ev.contributors, subject)
}

/// [`contributors`] through a set of names: for tables of several layouts.
fn by_set(
    tables: &[(&Arc<RangeTable>, Vec<Rows>)],
    scanned: &std::collections::BTreeSet<Arc<str>>,
    subject: &str,
) -> (Vec<Arc<str>>, usize) {
    // Names are deduplicated by text (one name can come from two tables);
    // FxHash, not SipHash: the set can hold a table's names per finding, and
    // its order is never seen (the names are sorted below).
    let mut all: rustc_hash::FxHashSet<&Arc<str>> = scanned.iter().collect();
    for (table, spans) in tables {
        for &(lo, hi) in spans {
            all.extend(table.rows[lo..hi].iter().filter(|r| r.1 != 0).map(|r| &r.3));
        }
    }
    let mut all: Vec<&Arc<str>> = all.into_iter().filter(|n| ***n != *subject).collect();
    let total = all.len();
    if all.len() > MAX_LABELS {
        all.select_nth_unstable(MAX_LABELS);
        all.truncate(MAX_LABELS);
    }
    all.sort();
    (all.into_iter().cloned().collect(), total)
}

/// [`contributors`] for tables of one layout: the rows are cut where a
/// table's spans start or end, so that in each segment one set of tables
/// counts; a row counts if one of them gives it a value. Equal to the set's
/// answer: a name is on one row of each table, the same row in all of them.
fn by_layout(
    tables: &[(&Arc<RangeTable>, Vec<Rows>)],
    scanned: &std::collections::BTreeSet<Arc<str>>,
    subject: &str,
) -> (Vec<Arc<str>>, usize) {
    use super::plan::layout::Part;
    let rows = &tables[0].0.rows;
    let layout = &tables[0].0.layout;
    let mut cuts: Vec<usize> = tables
        .iter()
        .flat_map(|(_, spans)| spans.iter().flat_map(|&(lo, hi)| [lo, hi]))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    // (lo, hi, the tables counting there by position in `tables`, their slots)
    let mut segments: Vec<(usize, usize, Vec<usize>, u64)> = Vec::new();
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let on: Vec<usize> = (0..tables.len())
            .filter(|&t| tables[t].1.iter().any(|&(a, b)| a <= lo && hi <= b))
            .collect();
        if !on.is_empty() {
            let mask = on.iter().fold(0, |m, &t| m | 1u64 << tables[t].0.slot);
            segments.push((lo, hi, on, mask));
        }
    }
    let counts_in = |on: &[usize], i: usize| on.iter().any(|&t| tables[t].0.rows[i].1 != 0);
    let mut total: usize = 0;
    for (lo, hi, on, mask) in &segments {
        total += match on.as_slice() {
            [t] => {
                let c = &tables[*t].0.names.counting;
                (c[*hi] - c[*lo]) as usize
            }
            _ => layout.count_any(*mask, rows.len(), *lo, *hi, |i| counts_in(on, i)),
        };
    }
    // Whether a name counts in the tables' rows: its row (found in the name
    // index of a table where it counts) lies in a segment of that table.
    let in_tables = |name: &str| {
        tables.iter().enumerate().any(|(t, (table, _))| {
            let names = &table.names;
            names
                .by_name
                .binary_search_by(|&i| (*table.rows[i as usize].3).cmp(name))
                .is_ok_and(|k| {
                    let row = names.by_name[k] as usize;
                    segments
                        .iter()
                        .any(|(lo, hi, on, _)| (*lo..*hi).contains(&row) && on.contains(&t))
                })
        })
    };
    if in_tables(subject) {
        total -= 1;
    }
    let extra: Vec<&Arc<str>> = scanned
        .iter()
        .filter(|n| ***n != *subject && !in_tables(n))
        .collect();
    total += extra.len();
    let counts: Vec<Box<dyn Fn(usize) -> bool + '_>> = segments
        .iter()
        .map(|(_, _, on, _)| Box::new(move |i| counts_in(on, i)) as Box<dyn Fn(usize) -> bool>)
        .collect();
    let parts: Vec<Part> = segments
        .iter()
        .zip(&counts)
        .map(|((lo, hi, _, _), c)| Part {
            lo: *lo,
            hi: *hi,
            counts: &**c,
        })
        .collect();
    // One more than shown: the subject may be among them.
    let mut first: Vec<&Arc<str>> = layout
        .first_by_name(rows.len(), |i| &rows[i].3, &parts, MAX_LABELS + 1)
        .into_iter()
        .map(|i| &rows[i].3)
        .chain(extra)
        .filter(|n| ***n != *subject)
        .collect();
    first.sort();
    first.dedup();
    first.truncate(MAX_LABELS);
    (first.into_iter().cloned().collect(), total)
}

#[cfg(test)]
mod contributor_paths {
    use super::{by_layout, by_set, Rows};
    use crate::eval::plan::{share_layouts, RangeTable};
    use crate::model::Value;
    use std::sync::Arc;

    /// Tables sharing a layout are counted and named by row position as the
    /// set of their names would count and name them.
    #[test]
    fn by_layout_answers_what_the_set_answers() {
        let mut seed = 5u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for case in 0..300 {
            let len = 1 + next(if case % 3 == 0 { 400 } else { 40 });
            let names: Vec<Arc<str>> = (0..len)
                .map(|i| Arc::from(format!("f{}", i * 7 % 1000)))
                .collect();
            let n_tables = 1 + next(3);
            let mut tables: Vec<Option<RangeTable>> = (0..n_tables)
                .map(|_| {
                    let rows = names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (Value::Int(i as i64), next(3) as i64, n.clone()))
                        .collect();
                    Some(RangeTable::from_rows(rows))
                })
                .collect();
            share_layouts(&mut tables);
            let tables: Vec<Arc<RangeTable>> = tables.into_iter().flatten().map(Arc::new).collect();
            let spans: Vec<(&Arc<RangeTable>, Vec<Rows>)> = tables
                .iter()
                .map(|t| {
                    let a = next(len + 1);
                    let b = a + next(len + 1 - a);
                    let c = b + next(len + 1 - b);
                    let d = c + next(len + 1 - c);
                    (
                        t,
                        vec![(a, b), (c, d)]
                            .into_iter()
                            .filter(|(x, y)| y > x)
                            .collect(),
                    )
                })
                .collect();
            let spans: Vec<_> = spans
                .into_iter()
                .filter(|(_, s): &(_, Vec<Rows>)| !s.is_empty())
                .collect();
            if spans.is_empty() {
                continue;
            }
            let scanned = (0..next(4))
                .map(|_| Arc::from(format!("f{}", next(1500))))
                .collect();
            let subject = format!("f{}", next(len) * 7 % 1000);
            assert_eq!(
                by_layout(&spans, &scanned, &subject),
                by_set(&spans, &scanned, &subject),
                "case {case}"
            );
        }
    }
}

/// `1,000,000`: digits grouped by three, as the law's thresholds are read.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// What value of a fact decides a comparison it fed: "at 1,000,000 or more",
/// or, through a quantity it feeds, "whether `x` (at least 40,000 without it)
/// is 100,000 or more".
fn decides(d: &Decider) -> Text {
    let n = grouped(d.threshold);
    let (zh, en) = match d.op {
        BinOp::Ge => (format!("{n} 或以上"), format!("{n} or more")),
        BinOp::Gt => (format!("超过 {n}"), format!("more than {n}")),
        BinOp::Le => (format!("{n} 或以下"), format!("{n} or less")),
        BinOp::Lt => (format!("不满 {n}"), format!("less than {n}")),
        BinOp::Eq => (format!("等于 {n}"), format!("equal to {n}")),
        _ => (format!("不等于 {n}"), format!("other than {n}")),
    };
    match &d.through {
        None => Text::new(
            format!("规则取决于它是否为{zh}"),
            format!("the rule turns on whether it is {en}"),
        ),
        Some((q, lo)) => {
            let lo = grouped(*lo);
            Text::new(
                format!("它决定 `{q}`（不计它至少为 {lo}）是否为{zh}"),
                format!("it decides whether `{q}` (at least {lo} without it) is {en}"),
            )
        }
    }
}

/// A finding that could not be decided: the rule, the subject, and the facts
/// that, declared, would decide it (each labelled where its entity is
/// declared), with the value that decides where a comparison says so.
fn undetermined(ev: &mut Evaluator, rule: &RuleDef, e: &EntityData, facts: FactSet) -> Diagnostic {
    let facts = facts.facts();
    let missing: Vec<MissingFact> = facts
        .iter()
        .map(|f| {
            let location = ev
                .world
                .entity_head(&f.entity)
                .map(|x| Location {
                    file: x.file.clone(),
                    span: x.name_span,
                })
                .unwrap_or_else(|| Location {
                    file: e.file.clone(),
                    span: e.name_span,
                });
            let decider = ev
                .deciders
                .iter()
                .find(|d| d.fact.facts().first() == Some(f));
            MissingFact {
                entity: f.entity.to_string(),
                field: f.field.to_string(),
                location,
                decides: decider.map(decides),
            }
        })
        .collect();
    let named: Vec<(String, Option<&Text>)> = missing
        .iter()
        .map(|m| {
            let name = if m.entity == e.name {
                format!("`{}`", m.field)
            } else {
                format!("`{}.{}`", m.entity, m.field)
            };
            (name, m.decides.as_ref())
        })
        .collect();
    let zh: Vec<String> = named
        .iter()
        .map(|(n, d)| match d {
            Some(t) => format!("{n}（{}）", t.zh),
            None => n.clone(),
        })
        .collect();
    let en: Vec<String> = named
        .iter()
        .map(|(n, d)| match d {
            Some(t) => format!("{n} ({})", t.en),
            None => n.clone(),
        })
        .collect();
    let message = Text::new(
        format!("无法判定 {}：请声明 {}", rule.id, zh.join("、")),
        format!("{} cannot be decided: declare {}", rule.id, en.join(", ")),
    );
    // Information, not the rule's severity: an open question fails CI only
    // when asked to (the status says what it is).
    let mut d = Diagnostic::new(&rule.id, Severity::Info, &e.file, e.name_span, message)
        .with_status(crate::diag::Status::Undetermined);
    d.subject = Some(e.name.clone());
    d.rule = Some(rule.info.clone());
    d.missing = missing;
    let mut labelled = std::collections::BTreeSet::new();
    for f in facts.iter() {
        if *f.entity == *e.name || !labelled.insert(f.entity.clone()) {
            continue;
        }
        if let Some(other) = ev.world.entity(&f.entity) {
            let fields: Vec<&str> = facts
                .iter()
                .filter(|g| g.entity == f.entity)
                .map(|g| &*g.field)
                .collect();
            d = d.with_label(
                &other.file,
                other.name_span,
                Text::new(
                    format!("此处未声明 {}", fields.join("、")),
                    format!("{} not declared here", fields.join(", ")),
                ),
            );
        }
    }
    d
}

/// The span a finding points at: the field named by `at`, else the first field
/// of the subject that the requirement reads and the declaration states, else
/// the subject's name.
fn primary_span(rule: &RuleDef, e: &EntityData) -> Span {
    let field_span = |f: &str| {
        e.get(f)
            .filter(|fd| fd.span != e.name_span)
            .map(|fd| fd.span)
    };
    if let Some(at) = &rule.decl.at {
        let parts: Vec<&str> = at.parts.iter().map(|p| p.text.as_str()).collect();
        let field = if parts.first() == Some(&e.kind.as_str()) {
            parts.get(1)
        } else {
            parts.first()
        };
        if let Some(s) = field.and_then(|f| field_span(f)) {
            return s;
        }
        return e.name_span;
    }
    if let Some(req) = &rule.decl.require {
        let mut found = None;
        crate::syntax::ast::walk(req, &mut |x| {
            if found.is_some() {
                return;
            }
            if let ExprKind::Field(base, f) = &x.kind {
                if matches!(&base.kind, ExprKind::Name(n) if n.text == e.kind) {
                    found = field_span(&f.text);
                }
            }
        });
        if let Some(s) = found {
            return s;
        }
    }
    e.name_span
}

/// The edit a rule's `fix` clause asks for: the subject's field set to the
/// value, in place when the declaration states the field, else added before
/// the declaration's closing brace.
fn quick_fix(
    ev: &mut Evaluator,
    rule: &RuleDef,
    fix: &crate::syntax::ast::RuleFix,
    e: &EntityData,
    zh: String,
    en: String,
) -> Option<Fix> {
    let parts: Vec<&str> = fix.target.parts.iter().map(|p| p.text.as_str()).collect();
    let field = match parts.as_slice() {
        [kind, field] if *kind == e.kind => *field,
        [field] => *field,
        _ => return None,
    };
    let value = match &rule.body.fix_value {
        Some(x) => ev.eval(x),
        None => Value::None,
    };
    if value.is_none() || value.is_unknown() {
        return None;
    }
    let source = value.to_source();
    let (span, new_text) = match e.get(field) {
        Some(f) if f.span != e.name_span => (f.value_span, source),
        _ => {
            let close = e.item_span.end.saturating_sub(1) as usize;
            (Span::new(close, close), format!("  {field} = {source}\n"))
        }
    };
    let location = crate::diag::Location {
        file: e.file.clone(),
        span,
    };
    Some(Fix {
        title: Text::new(zh, en),
        edits: vec![crate::diag::Edit { location, new_text }],
    })
}

/// The values of a template's holes, each written in `lang`.
fn holes(ev: &mut Evaluator, template: &Template, lang: Lang) -> Vec<Box<str>> {
    template
        .iter()
        .filter_map(|part| match part {
            Part::Text(_) => None,
            Part::Expr(x) => {
                let v = ev.eval(x);
                Some(shown(ev.world.defs(), &v, lang).into())
            }
        })
        .collect()
}

/// A value as a message in `lang` writes it: an enumeration member or a tree
/// node by its label in that language, a list as its items, an absent value
/// as 无 / none, an unknown one as 未知 / unknown; anything else (numbers,
/// dates, names) as in the source.
pub fn shown(defs: &Defs, v: &Value, lang: Lang) -> String {
    written(defs, v, lang, true)
}

/// A value as it stands alone (an inlay hint, a table cell): labels keep
/// their capital.
pub fn shown_alone(defs: &Defs, v: &Value, lang: Lang) -> String {
    written(defs, v, lang, false)
}

fn written(defs: &Defs, v: &Value, lang: Lang, mid_sentence: bool) -> String {
    let label = |t: &Text, name: &str| match t.get(lang) {
        "" => name.to_string(),
        l if lang == Lang::En && mid_sentence => in_running_text(l),
        l => l.to_string(),
    };
    match v {
        Value::None => tr(lang, "无", "none").to_string(),
        Value::Bool(true) => tr(lang, "是", "yes").to_string(),
        Value::Bool(false) => tr(lang, "否", "no").to_string(),
        Value::Unknown(_) => tr(lang, "未知", "unknown").to_string(),
        Value::Member { ty, name, .. } => defs
            .enums
            .get(&**ty)
            .and_then(|d| d.members.iter().find(|m| *m.name == **name))
            .map_or_else(|| name.to_string(), |m| label(&m.label, name)),
        Value::Node { tree, path } => defs
            .trees
            .get(&**tree)
            .and_then(|t| t.node(path))
            .map_or_else(|| v.to_string(), |n| label(&n.label, &path.join("."))),
        Value::List(items) => items
            .iter()
            .map(|x| written(defs, x, lang, mid_sentence))
            .collect::<Vec<_>>()
            .join(tr(lang, "、", ", ")),
        v => v.to_string(),
    }
}

/// An English label as a message's running text writes it: a vocabulary label
/// is capitalised ("Security assessment") for where it stands alone, but a
/// message (which starts in lower case) writes it mid-sentence, so its initial
/// capital goes — unless the label is a name: its first word is an acronym
/// ("NHC (…)", "PI protection certification") or another of its words is
/// capitalised ("China (Beijing) Pilot Free Trade Zone").
fn in_running_text(label: &str) -> String {
    let mut words = label.split_whitespace();
    let first = words.next().unwrap_or("");
    let capitalised = |w: &str| {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        letters.next().is_some_and(char::is_uppercase) && letters.all(char::is_lowercase)
    };
    if !capitalised(first) || words.any(capitalised) {
        return label.to_string();
    }
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A template (a quick fix's title) written out in `lang`.
pub fn render_in(ev: &mut Evaluator, template: &Template, lang: Lang) -> String {
    let mut out = String::new();
    for part in template {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Expr(e) => {
                let v = ev.eval(e);
                out.push_str(&shown(ev.world.defs(), &v, lang));
            }
        }
    }
    out
}

#[cfg(test)]
mod running_text {
    use super::in_running_text;

    #[test]
    fn a_label_mid_sentence_loses_its_capital_unless_it_is_a_name() {
        assert_eq!(
            in_running_text("Security assessment"),
            "security assessment"
        );
        assert_eq!(in_running_text("Website"), "website");
        assert_eq!(
            in_running_text("Necessary for cross-border HR management"),
            "necessary for cross-border HR management"
        );
        assert_eq!(in_running_text("Re-export of PI"), "re-export of PI");
        for name in [
            "PI protection certification",
            "NHC (National Health Commission)",
            "China (Beijing) Pilot Free Trade Zone",
            "Hainan Free Trade Port",
            "数据出境安全评估",
        ] {
            assert_eq!(in_running_text(name), name);
        }
    }
}

#[cfg(test)]
mod shown_words {
    use super::shown;
    use crate::diag::Lang;
    use crate::model::defs::Defs;
    use crate::model::Value;

    /// A truth value in a message is a word of the message's language, never
    /// `true`/`false` in a Chinese message.
    #[test]
    fn a_truth_value_is_a_word_of_the_language() {
        let defs = Defs::default();
        assert_eq!(shown(&defs, &Value::Bool(true), Lang::Zh), "是");
        assert_eq!(shown(&defs, &Value::Bool(false), Lang::Zh), "否");
        assert_eq!(shown(&defs, &Value::Bool(true), Lang::En), "yes");
        assert_eq!(shown(&defs, &Value::Bool(false), Lang::En), "no");
    }
}
