//! Inlay hints: the facts the kind's view marks `hint`, shown after an
//! entity's name (in the stdlib: a flow's required mechanism and cumulative
//! persons, a dataset's minimum grade).

use super::facts::derived_facts;
use crate::diag::Lang;
use crate::model::defs::Role;
use crate::model::Value;
use crate::syntax::ast::ItemKind;
use crate::Analysis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Byte offset the hint is shown at (the end of the entity's name).
    pub offset: u32,
    pub label: String,
    pub tooltip: String,
}

/// Hints for the entities declared in `path` whose name lies in `start..=end`.
pub fn inlay_hints(a: &Analysis, path: &str, start: u32, end: u32, lang: Lang) -> Vec<InlayHint> {
    let Some(parsed) = a.parsed(path) else {
        return Vec::new();
    };
    let index = a.entity_index();
    let defs = a.defs();
    let mut out = Vec::new();
    for item in &parsed.ast.items {
        let ItemKind::Entity(e) = &item.kind else {
            continue;
        };
        let at = e.name.span.end;
        if at < start || at > end {
            continue;
        }
        // Only the declaration the index knows (not a duplicate).
        if index
            .by_name
            .get(&e.name.text)
            .is_none_or(|l| l.file != path)
        {
            continue;
        }
        let Some(view) = defs.views.get(&e.kind.text) else {
            continue;
        };
        let hints: Vec<_> = view.with(Role::Hint).collect();
        if hints.is_empty() {
            continue;
        }
        let names: Vec<&str> = hints.iter().map(|h| h.name.as_str()).collect();
        let facts = derived_facts(a, &e.name.text, Some(&names));
        let entity = a.entity(&e.name.text);
        // Each hinted field as declared, each hinted fact as derived; by the view's label.
        let shown: Vec<(&str, &str, Value)> = hints
            .iter()
            .filter_map(|h| {
                let value = match facts.iter().find(|f| f.name == h.name) {
                    Some(f) => f.value.clone(),
                    None => entity.as_ref()?.get(&h.name)?.value.clone(),
                };
                Some((h.name.as_str(), h.label.get(lang), value))
            })
            .filter(|(_, _, v)| !v.is_none() && *v != Value::Int(0))
            .collect();
        if shown.is_empty() {
            continue;
        }
        // People read the label: a member or category by its label in `lang`,
        // a truth value as a word of `lang`, an unknown as `?` (the tooltip keeps
        // the source).
        let word = |v: &Value| match v {
            Value::Unknown(_) => v.to_string(),
            _ => crate::eval::rules::shown_alone(&defs, v, lang),
        };
        let label = shown
            .iter()
            .map(|(_, label, value)| format!("{label}: {}", word(value)))
            .collect::<Vec<_>>()
            .join(" · ");
        let tooltip = shown
            .iter()
            .map(|(name, _, value)| format!("{}.{name} = {value}", e.kind.text))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(InlayHint {
            offset: at,
            label,
            tooltip,
        });
    }
    out
}
