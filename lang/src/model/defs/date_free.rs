//! Which derived facts do not depend on the evaluation date (and so can be
//! cached across evaluations).

use super::Defs;
use crate::syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// Derived facts (by name, whatever the kind: fields are read by name) that
/// never read `as_of` or `today`, directly or through other facts or constants, and are
/// not part of a cycle of facts. Their values can be cached across evaluations.
pub(super) fn date_free_derives(d: &Defs) -> BTreeSet<String> {
    let derive_or_const =
        |n: &str| d.consts.contains_key(n) || d.derives.keys().any(|(_, x)| x == n);
    // What each derive (and constant) reads that is itself a fact or a constant.
    // A field named like a fact of another kind (`d.records` under `flow.records`)
    // counts as a read of that fact: conservative, never wrong.
    let mut reads: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut collect = |name: &str, e: &ast::Expr, own_kind: Option<&str>| {
        let entry = reads.entry(name.to_string()).or_default();
        crate::syntax::ast::walk(e, &mut |x| match &x.kind {
            ast::ExprKind::Field(base, f) => {
                // `flow.x` inside `derive flow.…` reads this kind's fact `x`.
                let on_self = matches!(&base.kind, ast::ExprKind::Name(n) if Some(n.text.as_str()) == own_kind);
                let other_kind_has_it = d
                    .derives
                    .keys()
                    .any(|(k, x)| *x == f.text && Some(k.as_str()) != own_kind);
                if derive_or_const(&f.text) && (on_self || f.text != name || other_kind_has_it) {
                    entry.insert(f.text.clone());
                }
            }
            // A bare name is never a derived fact (those are read as fields).
            ast::ExprKind::Name(n)
                if n.text == "as_of" || n.text == "today" || d.consts.contains_key(&n.text) =>
            {
                entry.insert(n.text.clone());
            }
            _ => {}
        });
    };
    for ((kind, name), def) in &d.derives {
        collect(name, &def.expr, Some(kind));
    }
    for (name, c) in &d.consts {
        collect(name, &c.expr, None);
    }
    // A fact is dated if it reads `as_of` or a dated fact; fixpoint.
    let mut dated: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = dated.len();
        for (name, r) in &reads {
            if r.contains("as_of") || r.contains("today") || r.iter().any(|x| dated.contains(x)) {
                dated.insert(name.clone());
            }
        }
        if dated.len() == before {
            break;
        }
    }
    // A fact that can reach itself through what it reads is cyclic.
    let reaches_itself = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = reads
            .get(start)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        while let Some(x) = stack.pop() {
            if x == start {
                return true;
            }
            if seen.insert(x.clone()) {
                if let Some(r) = reads.get(x) {
                    stack.extend(r.iter());
                }
            }
        }
        false
    };
    d.derives
        .keys()
        .map(|(_, n)| n.clone())
        .filter(|n| !dated.contains(n) && !reaches_itself(n))
        .collect()
}
