//! Inlay hints: derived facts shown after an entity's name (a flow's required
//! mechanism and cumulative persons, a dataset's minimum grade).

use super::facts::derived_facts;
use crate::diag::Lang;
use crate::model::Value;
use crate::syntax::ast::ItemKind;
use crate::Analysis;

/// The facts hinted for each entity kind.
const HINTED: &[(&str, &[&str])] = &[
    ("flow", &["required_mechanism", "cumulative_persons"]),
    ("dataset", &["min_grade"]),
];

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
        let Some((_, names)) = HINTED.iter().find(|(k, _)| *k == e.kind.text) else {
            continue;
        };
        let facts = derived_facts(a, &e.name.text, Some(names));
        let shown: Vec<_> = names
            .iter()
            .filter_map(|n| facts.iter().find(|f| f.name == *n))
            .filter(|f| !f.value.is_none() && f.value != Value::Int(0))
            .collect();
        if shown.is_empty() {
            continue;
        }
        let label = shown
            .iter()
            .map(|f| format!("{}: {}", f.label.get(lang), f.value))
            .collect::<Vec<_>>()
            .join(" · ");
        let tooltip = shown
            .iter()
            .map(|f| format!("{}.{} = {}", e.kind.text, f.name, f.value))
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
