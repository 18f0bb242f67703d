//! Views (`view flow { … }`): what people are shown of an entity kind — the
//! report's route, summary columns, fact rows and checklist, and the editor's
//! inlay hints — so that the policy, not the tools, names the facts shown.

use super::build::{text, SourceRef};
use super::collect::unknown_kind;
use super::Defs;
use crate::diag::{Diagnostic, Text};
use crate::hir::names::{Occurrence, Target};
use crate::model::suggest;
use crate::syntax::ast::{self, ItemKind};

/// What an entry of a view is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The subject's route, its entries joined by arrows (a flow's parties).
    Route,
    /// A column of the report's summary table, and a row of the subject's facts.
    Summary,
    /// A row of the subject's facts in the report.
    Show,
    /// Items of the subject's checklist in the report (`for`: the fact they belong to).
    Checklist,
    /// An inlay hint after the entity's name in the editor.
    Hint,
}

impl Role {
    fn from_keyword(w: &str) -> Option<Role> {
        Some(match w {
            "route" => Role::Route,
            "summary" => Role::Summary,
            "show" => Role::Show,
            "checklist" => Role::Checklist,
            "hint" => Role::Hint,
            _ => return None,
        })
    }
}

/// One entry: a field or derived fact of the kind, with the label it is shown by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewEntry {
    pub role: Role,
    pub name: String,
    /// The label the view gives it, or else the field's or fact's own.
    pub label: Text,
    /// For a checklist: the fact whose value the checklist is for.
    pub of: Option<String>,
}

/// The view of one entity kind: its entries in the order declared (the
/// `view` items of every file, stdlib first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub entries: Vec<ViewEntry>,
}

impl View {
    pub fn with(&self, role: Role) -> impl Iterator<Item = &ViewEntry> {
        self.entries.iter().filter(move |e| e.role == role)
    }

    /// Whether the report gives each subject of the kind a section of its own
    /// (anything but hints declared).
    pub fn has_section(&self) -> bool {
        self.entries.iter().any(|e| e.role != Role::Hint)
    }
}

/// Collects the views of all files; run after the fields and derived facts are known.
pub(super) fn collect_views(d: &mut Defs, files: &[SourceRef]) {
    for f in files {
        for item in f.items {
            let ItemKind::View(v) = &item.kind else {
                continue;
            };
            if !d.schemas.contains_key(&v.kind.text) {
                d.diagnostics.push(unknown_kind(d, f.path, &v.kind));
                continue;
            }
            mark(d, f.path, v.kind.span, Target::Kind(v.kind.text.clone()));
            for e in &v.entries {
                if let Some(entry) = entry(d, f.path, &v.kind.text, e) {
                    d.views
                        .entry(v.kind.text.clone())
                        .or_default()
                        .entries
                        .push(entry);
                }
            }
        }
    }
}

fn entry(d: &mut Defs, file: &str, kind: &str, e: &ast::ViewEntry) -> Option<ViewEntry> {
    let role = Role::from_keyword(&e.role.text)?;
    let label = fact_label(d, kind, &e.name.text);
    let Some(own) = label else {
        d.diagnostics.push(unknown_fact(d, file, kind, &e.name));
        return None;
    };
    for n in std::iter::once(&e.name).chain(&e.of) {
        if let Some(t) = fact_target(d, kind, &n.text) {
            mark(d, file, n.span, t);
        }
    }
    let of = match (&e.of, role) {
        (None, _) => None,
        (Some(n), Role::Checklist) => {
            if fact_label(d, kind, &n.text).is_none() {
                d.diagnostics.push(unknown_fact(d, file, kind, n));
                return None;
            }
            Some(n.text.clone())
        }
        (Some(n), _) => {
            d.diagnostics.push(Diagnostic::error(
                "invalid-view",
                file,
                n.span,
                Text::new(
                    "只有 checklist 条目可以用 `for` 指明所属事实",
                    "only a checklist entry names the fact it belongs to with `for`",
                ),
            ));
            return None;
        }
    };
    let given = e.label.zh.is_some() || e.label.en.is_some();
    Some(ViewEntry {
        role,
        name: e.name.text.clone(),
        label: if given { text(&e.label) } else { own },
        of,
    })
}

/// Records what a name written in a view means, beside the resolution pass's
/// names (`Defs::names`), so every IDE feature reads view names the same way.
fn mark(d: &mut Defs, file: &str, span: ast::Span, target: Target) {
    d.names
        .entry(file.to_string())
        .or_default()
        .push(Occurrence {
            span,
            target,
            decl: false,
        });
}

/// What a field or derived fact of `kind` named `name` is, if there is one
/// (a field first, as `fact_label` reads it).
fn fact_target(d: &Defs, kind: &str, name: &str) -> Option<Target> {
    if d.field(kind, name).is_some() {
        return Some(Target::Field {
            kind: kind.to_string(),
            field: name.to_string(),
        });
    }
    d.derives
        .contains_key(&(kind.to_string(), name.to_string()))
        .then(|| Target::Derive {
            kind: kind.to_string(),
            name: name.to_string(),
        })
}

/// The label of a field or derived fact of `kind`, if it has one by that name.
fn fact_label(d: &Defs, kind: &str, name: &str) -> Option<Text> {
    if let Some(fd) = d.field(kind, name) {
        return Some(fd.label.clone());
    }
    d.derives
        .get(&(kind.to_string(), name.to_string()))
        .map(|x| x.label.clone())
}

fn unknown_fact(d: &Defs, file: &str, kind: &str, name: &ast::Name) -> Diagnostic {
    let mut names: Vec<&str> = Vec::new();
    if let Some(s) = d.schemas.get(kind) {
        names.extend(s.fields.keys().map(|k| k.as_str()));
    }
    names.extend(
        d.derives
            .keys()
            .filter(|(k, _)| k == kind)
            .map(|(_, n)| n.as_str()),
    );
    Diagnostic::error(
        "unknown-field",
        file,
        name.span,
        Text::new(
            format!("{kind} 没有字段或派生事实 `{}`", name.text),
            format!("{kind} has no field or derived fact `{}`", name.text),
        ),
    )
    .did_you_mean(suggest(&name.text, names.into_iter()).as_deref())
}
