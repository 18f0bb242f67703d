//! Derived facts of one entity (cross_border, persons, required_mechanism,
//! min_grade, …), evaluated as the rules see them on the entity's date.

use crate::db::SalsaWorld;
use crate::diag::Text;
use crate::eval::rules::judgement_date;
use crate::eval::Evaluator;
use crate::model::Value;
use crate::Analysis;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub name: String,
    pub label: Text,
    pub value: Value,
}

/// Every derived fact of the entity's kind, in name order; `only` restricts them.
pub fn derived_facts(a: &Analysis, entity: &str, only: Option<&[&str]>) -> Vec<Fact> {
    let Some(e) = a.entity(entity) else {
        return Vec::new();
    };
    let world = SalsaWorld::new(&a.db, a.ws, a.defs());
    let mut ev = Evaluator::new(&world);
    ev.as_of = judgement_date(&world, &e, a.ws.as_of(&a.db));
    let subject = Value::Entity(Arc::from(entity));
    let defs = world.defs.clone();
    defs.derives
        .values()
        .filter(|d| d.subject == e.kind)
        .filter(|d| only.is_none_or(|o| o.contains(&d.name.as_str())))
        .map(|d| {
            ev.refuel();
            Fact {
                name: d.name.clone(),
                label: d.label.clone(),
                value: ev.field(&subject, &d.name),
            }
        })
        .collect()
}
