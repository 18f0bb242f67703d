//! Building the table: names first (so a schema may refer to an enum declared
//! later or in another file), then types and bodies, then the derived tables
//! (globals, date-free facts) and the resolution pass into the IR.

use super::collect::{collect_item, flatten_tree};
use super::date_free::date_free_derives;
use super::globals::globals;
use super::{Defs, EnumDef, Origin, Schema, TreeDef};
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast::{self, Item, ItemKind};
use std::collections::BTreeMap;

/// Files in the order they are given: stdlib first, then user files (sorted by path).
pub struct SourceRef<'a> {
    pub path: &'a str,
    /// The file's items (only definitions need be given; entities are skipped).
    pub items: &'a [Item],
    pub stdlib: bool,
}

/// Builds the definition table. Two passes: names first (so a schema may refer
/// to an enum declared later or in another file), then types and bodies.
pub fn build(files: &[SourceRef]) -> Defs {
    let mut d = Defs::default();
    let mut seen: BTreeMap<String, Origin> = BTreeMap::new();
    let mut dup = |d: &mut Defs, name: &ast::Name, file: &str, what: &str| {
        let origin = Origin {
            file: file.to_string(),
            span: name.span,
        };
        if let Some(prev) = seen.get(&format!("{what}:{}", name.text)) {
            d.diagnostics.push(
                Diagnostic::error(
                    if what == "rule" {
                        "duplicate-rule-id"
                    } else {
                        "duplicate-definition"
                    },
                    file,
                    name.span,
                    Text::new(
                        format!("`{}` 重复定义", name.text),
                        format!("`{}` is defined more than once", name.text),
                    ),
                )
                .with_label(
                    &prev.file,
                    prev.span,
                    Text::new("首次定义于此", "first defined here"),
                ),
            );
            true
        } else {
            seen.insert(format!("{what}:{}", name.text), origin);
            false
        }
    };

    // Pass 1: names of types.
    for f in files {
        for item in f.items {
            let o = |n: &ast::Name| Origin {
                file: f.path.to_string(),
                span: n.span,
            };
            match &item.kind {
                ItemKind::Schema(s) if !s.extend => {
                    if dup(&mut d, &s.name, f.path, "type") {
                        continue;
                    }
                    if let Some(p) = &s.plural {
                        d.plurals.insert(p.text.clone(), s.name.text.clone());
                    }
                    d.schemas.insert(
                        s.name.text.clone(),
                        Schema {
                            name: s.name.text.clone(),
                            label: text(&s.label),
                            plural: s.plural.as_ref().map(|p| p.text.clone()),
                            fields: BTreeMap::new(),
                            subject_date: None,
                            origin: o(&s.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Enum(e) if !e.extend => {
                    if dup(&mut d, &e.name, f.path, "type") {
                        continue;
                    }
                    d.enums.insert(
                        e.name.text.clone(),
                        EnumDef {
                            name: e.name.text.clone(),
                            label: text(&e.label),
                            members: Vec::new(),
                            origin: o(&e.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Tree(t) => {
                    if dup(&mut d, &t.name, f.path, "type") {
                        continue;
                    }
                    let mut nodes = Vec::new();
                    flatten_tree(&t.nodes, &mut Vec::new(), f.path, &mut nodes);
                    d.trees.insert(
                        t.name.text.clone(),
                        TreeDef {
                            name: t.name.text.clone(),
                            label: text(&t.label),
                            nodes,
                            origin: o(&t.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Package(q, _) => {
                    d.packages
                        .entry(q.dotted())
                        .or_default()
                        .push(f.path.to_string());
                }
                _ => {}
            }
        }
    }
    // Pass 2: members, fields, and everything with a body.
    for f in files {
        for item in f.items {
            collect_item(&mut d, &mut dup, f, item);
        }
    }
    super::view::collect_views(&mut d, files);
    for (name, e) in &d.enums {
        for m in &e.members {
            d.member_owners
                .entry(m.name.clone())
                .or_default()
                .push(name.clone());
        }
    }
    d.date_free = date_free_derives(&d);
    d.fact_ids = d
        .date_free
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    d.globals = globals(&d);
    let lowered = crate::hir::lower::lower_defs(&d);
    for (id, body) in lowered.rules {
        if let Some(r) = d.rules.get_mut(&id) {
            r.body = body;
        }
    }
    for (key, body) in lowered.derives {
        if let Some(x) = d.derives.get_mut(&key) {
            x.body = body;
        }
    }
    for (name, body) in lowered.consts {
        if let Some(c) = d.consts.get_mut(&name) {
            c.body = body;
        }
    }
    d.checks = lowered.diagnostics;
    d.plans = lowered.plans;
    d.unless_entity = lowered.unless_entity;
    // The views' names are recorded already (`view::collect_views`).
    for (file, names) in lowered.names {
        d.names.entry(file).or_default().extend(names);
    }
    d
}

pub(super) fn text(l: &ast::Label) -> Text {
    let zh = l.zh.as_ref().map(|s| s.text.clone());
    let en = l.en.as_ref().map(|s| s.text.clone());
    Text {
        zh: zh.clone().or_else(|| en.clone()).unwrap_or_default(),
        en: en.or(zh).unwrap_or_default(),
    }
}
