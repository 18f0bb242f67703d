//! Code actions: the fixes diagnostics carry, and fixes computed from derived
//! facts (raise a dataset's grade to its minimum, set a flow's mechanism to
//! the one the law requires).

use super::facts::derived_facts;
use crate::diag::{Diagnostic, Edit, Location, Text};
use crate::model::Value;
use crate::syntax::ast::{ItemKind, Span};
use crate::Analysis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: Text,
    pub edits: Vec<Edit>,
    /// The diagnostic the action fixes, if any.
    pub diagnostic: Option<Diagnostic>,
    pub preferred: bool,
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Actions for the range `span` of `path`.
pub fn code_actions(a: &Analysis, path: &str, span: Span) -> Vec<Action> {
    let mut out = Vec::new();
    for d in a.file_diagnostics(path) {
        if !overlaps(d.location.span, span) {
            continue;
        }
        for f in &d.fixes {
            out.push(Action {
                title: f.title.clone(),
                edits: f.edits.clone(),
                diagnostic: Some(d.clone()),
                preferred: d.fixes.len() == 1,
            });
        }
    }
    let Some(parsed) = a.parsed(path) else {
        return out;
    };
    let index = a.entity_index();
    for item in &parsed.ast.items {
        let ItemKind::Entity(e) = &item.kind else {
            continue;
        };
        if !overlaps(item.span, span)
            || index
                .by_name
                .get(&e.name.text)
                .is_none_or(|l| l.file != path)
        {
            continue;
        }
        let fix = match e.kind.text.as_str() {
            "dataset" => raise_grade(a, path, &e.name.text),
            "flow" => set_mechanism(a, path, &e.name.text),
            _ => None,
        };
        out.extend(fix);
    }
    out
}

/// Replaces a field's value, or adds the field before the entity's closing brace.
fn set_field(a: &Analysis, path: &str, entity: &str, field: &str, value: &str) -> Option<Edit> {
    let e = a.entity(entity)?;
    let (span, new_text) = match e.fields.get(field) {
        Some(f) if f.value_span != e.name_span => (f.value_span, value.to_string()),
        _ => {
            let text = a.text(path)?;
            let close = text.get(..e.item_span.end as usize)?.rfind('}')?;
            let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
            let at = if text[line_start..close].trim().is_empty() {
                line_start
            } else {
                close
            };
            (Span::new(at, at), format!("  {field} = {value}\n"))
        }
    };
    Some(Edit {
        location: Location {
            file: path.to_string(),
            span,
        },
        new_text,
    })
}

fn raise_grade(a: &Analysis, path: &str, name: &str) -> Option<Action> {
    let min = derived_facts(a, name, Some(&["min_grade"])).pop()?;
    let Value::Int(min) = min.value else {
        return None;
    };
    let e = a.entity(name)?;
    if let Some(Value::Int(g)) = e.fields.get("grade").map(|f| &f.value) {
        if *g >= min {
            return None;
        }
    }
    Some(Action {
        title: Text::new(
            format!("将分级提高到 {min} 级"),
            format!("raise the grade to {min}"),
        ),
        edits: vec![set_field(a, path, name, "grade", &min.to_string())?],
        diagnostic: None,
        preferred: false,
    })
}

fn set_mechanism(a: &Analysis, path: &str, name: &str) -> Option<Action> {
    let req = derived_facts(a, name, Some(&["required_mechanism"])).pop()?;
    let Value::Member { name: required, .. } = req.value else {
        return None;
    };
    let e = a.entity(name)?;
    if let Some(Value::Member { name: has, .. }) = e.fields.get("mechanism").map(|f| &f.value) {
        if *has == required {
            return None;
        }
    }
    Some(Action {
        title: Text::new(
            format!("将出境机制设为 {required}"),
            format!("set the mechanism to {required}"),
        ),
        edits: vec![set_field(a, path, name, "mechanism", &required)?],
        diagnostic: None,
        preferred: false,
    })
}
