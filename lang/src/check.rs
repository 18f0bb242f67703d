//! The static checks of expressions in rules, derived facts and constants
//! (unknown names, fields and functions, wrong arities, each with a "did you
//! mean") are made by the resolution pass (`hir::lower`); this adds the
//! workspace's entities, which void the "unknown name" of a name they declare.

use crate::diag::Diagnostic;
use crate::model::defs::Defs;
use std::collections::BTreeSet;

pub fn check_defs(defs: &Defs, entity_names: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut out = defs.checks.clone();
    out.extend(
        defs.unless_entity
            .iter()
            .filter(|(name, _)| !entity_names.contains(name))
            .map(|(_, d)| d.clone()),
    );
    out
}
