//! What a bare name means at top level: the globals resolved once per table.

use super::Defs;
use crate::model::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The meaning of a global name, resolved once per definition table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Global {
    Const,
    /// The collection of all entities of a kind (`flows`).
    Collection(String),
    /// A value known without evaluation: an enumeration (the list of its
    /// members), a root category, a member whose name is unique.
    Value(Value),
}

/// Names in order of precedence: constants, collections, enumerations, root
/// categories, then members whose name no other enumeration uses.
pub(super) fn globals(d: &Defs) -> BTreeMap<String, Global> {
    let mut g = BTreeMap::new();
    for (name, owners) in &d.member_owners {
        if let [only] = owners.as_slice() {
            let v = Value::Member {
                ty: Arc::from(only.as_str()),
                name: Arc::from(name.as_str()),
                fields: None,
            };
            g.insert(name.clone(), Global::Value(v));
        }
    }
    for t in d.trees.values() {
        for n in t.nodes.iter().filter(|n| n.path.len() == 1) {
            let v = Value::Node {
                tree: Arc::from(t.name.as_str()),
                path: Arc::from(n.path.clone()),
            };
            g.insert(n.path[0].clone(), Global::Value(v));
        }
    }
    for (name, en) in &d.enums {
        let members = en
            .members
            .iter()
            .map(|m| Value::Member {
                ty: Arc::from(name.as_str()),
                name: Arc::from(m.name.as_str()),
                fields: None,
            })
            .collect();
        g.insert(name.clone(), Global::Value(Value::list(members)));
    }
    for (plural, kind) in &d.plurals {
        g.insert(plural.clone(), Global::Collection(kind.clone()));
    }
    for name in d.consts.keys() {
        g.insert(name.clone(), Global::Const);
    }
    g
}
