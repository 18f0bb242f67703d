//! The planner's prefix-sum tables (lang/src/eval/plan.rs) give the sums a scan
//! gives. Policy `test` blocks never reach the planned path (their world keeps
//! no tables), so this compares, on generated workspaces with big exporter
//! groups, every flow's cumulative sums evaluated as `hegui check` evaluates
//! them (tables from the database) with the same facts evaluated by scanning
//! (a world that answers no table).
use hegui_lang::db::SalsaWorld;
use hegui_lang::eval::plan::{PlanKey, RangeTable};
use hegui_lang::eval::rules::judgement_date;
use hegui_lang::eval::{Evaluator, World};
use hegui_lang::model::defs::Defs;
use hegui_lang::model::{EntityData, Value};
use std::cell::Cell;
use std::sync::Arc;

/// The database's world, optionally without its tables and caches; counts the
/// tables it answered with.
struct Probe<'a> {
    inner: SalsaWorld<'a>,
    planned: bool,
    tables: Cell<usize>,
}

impl World for Probe<'_> {
    fn defs(&self) -> &Defs {
        self.inner.defs()
    }
    fn entity(&self, name: &str) -> Option<Arc<EntityData>> {
        self.inner.entity(name)
    }
    fn all_of_kind(&self, kind: &str) -> Arc<Vec<Arc<str>>> {
        self.inner.all_of_kind(kind)
    }
    fn group_by(&self, kind: &str, field: &str, key: &Value) -> Arc<Vec<Arc<str>>> {
        self.inner.group_by(kind, field, key)
    }
    fn range_table(&self, plan: &PlanKey, key: &Value) -> Option<Arc<RangeTable>> {
        if !self.planned {
            return None;
        }
        let t = self.inner.range_table(plan, key);
        if t.is_some() {
            self.tables.set(self.tables.get() + 1);
        }
        t
    }
}

/// The flow facts of stdlib/cac/volumes.hegui that are cumulative sums.
const SUMS: &[&str] = &[
    "cumulative_sensitive",
    "cumulative_nonsensitive",
    "cumulative_persons",
];

/// Every flow's sums, planned and scanned; returns (flows compared, non-zero sums, tables used).
fn compare(label: &str, g: &hegui_bench::Generated) -> (usize, usize, usize) {
    let a = hegui_bench::analysis_of(g);
    let defs = a.defs();
    for s in SUMS {
        assert!(
            defs.derives
                .contains_key(&("flow".to_string(), s.to_string())),
            "the stdlib no longer derives flow.{s}: update this test"
        );
    }
    let index = a.entity_index();
    let flows: Vec<Arc<str>> = index.by_kind.get("flow").cloned().unwrap_or_default();
    let (mut nonzero, mut tables) = (0, 0);
    let mut mismatches = Vec::new();
    for name in &flows {
        let Some(e) = a.entity(name) else { continue };
        if a.is_stdlib(&e.file) {
            continue;
        }
        let mut values = Vec::new();
        for planned in [true, false] {
            let world = Probe {
                inner: SalsaWorld::new(&a.db, a.ws, defs.clone()),
                planned,
                tables: Cell::new(0),
            };
            let mut ev = Evaluator::new(&world);
            ev.as_of = judgement_date(&world, &e, None);
            let subject = Value::Entity(name.clone());
            let v: Vec<Value> = SUMS
                .iter()
                .map(|s| {
                    ev.refuel();
                    ev.field(&subject, s)
                })
                .collect();
            assert!(ev.abort.is_none(), "{label}: {name}: {:?}", ev.abort);
            tables += world.tables.get();
            values.push(v);
        }
        if values[0] != values[1] {
            mismatches.push(format!(
                "{name}: planned {:?}, scanned {:?}",
                values[0], values[1]
            ));
        }
        nonzero += values[0]
            .iter()
            .filter(|v| !matches!(v, Value::Int(0) | Value::None))
            .count();
    }
    assert!(
        mismatches.is_empty(),
        "{label}: {} of {} flows differ, e.g.\n{}",
        mismatches.len(),
        flows.len(),
        mismatches[..mismatches.len().min(10)].join("\n")
    );
    (flows.len(), nonzero, tables)
}

#[test]
fn planned_sums_equal_scanned_sums() {
    for (label, g) in [
        ("generate(600, 10, 42)", hegui_bench::generate(600, 10, 42)),
        ("generate(400, 100, 7)", hegui_bench::generate(400, 100, 7)),
        (
            "generate_varied(600, 10, 42)",
            hegui_bench::generate_varied(600, 10, 42),
        ),
        (
            "generate_varied(400, 10, 7)",
            hegui_bench::generate_varied(400, 10, 7),
        ),
    ] {
        let (flows, nonzero, tables) = compare(label, &g);
        eprintln!("{label}: {flows} flows, {nonzero} non-zero sums, {tables} table lookups");
        // The comparison means something only if the planned path was taken
        // and the sums are not all zero.
        assert!(
            tables >= flows,
            "{label}: only {tables} table lookups for {flows} flows"
        );
        assert!(
            nonzero * 4 >= flows,
            "{label}: only {nonzero} non-zero sums"
        );
    }
}
