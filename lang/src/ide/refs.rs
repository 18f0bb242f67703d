//! Name occurrences: every name written in a file, resolved to what it means
//! (an entity, a schema field, an enum member, a rule, …). Hover, go to
//! definition, references, rename and semantic tokens all read this. The
//! names inside expressions are the resolution pass's own (`Defs::names`);
//! this walk adds the declarations, written types and entity bodies.

use crate::db::{self, Db, SourceFile, Workspace};
use crate::diag::Location;
use crate::model::defs::Defs;
use crate::model::types::Ty;
use crate::syntax::ast::{self, ItemKind, Span, TypeExpr, ValueKind};
use crate::Analysis;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::hir::names::{Occurrence, Target};

/// Every resolved name of a file, in source order: memoised per file, so
/// references, rename and semantic tokens read it without walking (or
/// re-parsing) files that did not change.
pub fn occurrences(a: &Analysis, path: &str) -> Arc<Vec<Occurrence>> {
    match a.source(path) {
        Some(f) => file_occurrences(&a.db, a.ws, f),
        None => Arc::default(),
    }
}

/// Recomputed when the file's text or the definition table changes.
#[salsa::tracked(returns(clone))]
fn file_occurrences(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<Vec<Occurrence>> {
    let parsed = db::parse_file(db, file);
    Arc::new(walk(file.path(db), &parsed.ast, &db::def_positions(db, ws)))
}

/// The walk itself, from scratch.
pub fn walk(path: &str, ast: &ast::SourceAst, defs: &Defs) -> Vec<Occurrence> {
    let mut w = Walker {
        defs,
        out: Vec::new(),
    };
    for item in &ast.items {
        w.item(item, true);
    }
    if let Some(names) = defs.names.get(path) {
        w.out.extend(names.iter().cloned());
    }
    w.out.sort_by_key(|o| (o.span.start, o.span.end));
    w.out
}

/// The occurrence under the cursor: one that strictly contains the offset,
/// else one that ends at it (the cursor just after a name).
pub fn occurrence_at(a: &Analysis, path: &str, offset: usize) -> Option<Occurrence> {
    let all = occurrences(a, path);
    let inside = all
        .iter()
        .filter(|o| (o.span.start as usize) <= offset && offset < o.span.end as usize)
        .min_by_key(|o| o.span.end - o.span.start);
    inside
        .or_else(|| all.iter().find(|o| o.span.end as usize == offset))
        .cloned()
}

/// Where a target is declared.
pub fn definition(a: &Analysis, t: &Target) -> Option<Location> {
    let defs = a.defs();
    let loc = |o: &crate::model::defs::Origin| Location {
        file: o.file.clone(),
        span: o.span,
    };
    match t {
        Target::Entity(n) => a.entity(n).map(|e| Location {
            file: e.file.clone(),
            span: e.name_span,
        }),
        Target::Kind(k) => defs.schemas.get(k).map(|s| loc(&s.origin)),
        Target::Field { kind, field } => defs.field(kind, field).map(|f| loc(&f.origin)),
        Target::Derive { kind, name } => defs
            .derives
            .get(&(kind.clone(), name.clone()))
            .map(|d| loc(&d.origin)),
        Target::Enum(e) => defs.enums.get(e).map(|d| loc(&d.origin)),
        Target::Member { ty, member } => defs
            .enums
            .get(ty)
            .and_then(|e| e.member(member))
            .map(|m| loc(&m.origin)),
        Target::Tree(t) => defs.trees.get(t).map(|d| loc(&d.origin)),
        Target::Node { tree, path } => defs
            .trees
            .get(tree)
            .and_then(|t| t.node(path))
            .map(|n| loc(&n.origin)),
        Target::Rule(r) => defs.rules.get(r).map(|d| loc(&d.origin)),
        Target::Const(c) => defs.consts.get(c).map(|d| loc(&d.origin)),
    }
}

struct Walker<'a> {
    defs: &'a Defs,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, span: Span, target: Target, decl: bool) {
        self.out.push(Occurrence { span, target, decl });
    }

    /// `top` is false inside a test, whose entities are its own.
    fn item(&mut self, item: &ast::Item, top: bool) {
        match &item.kind {
            ItemKind::Enum(d) => {
                self.push(d.name.span, Target::Enum(d.name.text.clone()), !d.extend);
                for m in &d.members {
                    let t = Target::Member {
                        ty: d.name.text.clone(),
                        member: m.name.text.clone(),
                    };
                    self.push(m.name.span, t, true);
                    for f in &m.fields {
                        self.type_expr(&f.ty);
                    }
                }
            }
            ItemKind::Tree(d) => {
                self.push(d.name.span, Target::Tree(d.name.text.clone()), true);
                self.tree_nodes(&d.name.text, &d.nodes, &mut Vec::new());
            }
            ItemKind::Schema(d) => {
                let kind = d.name.text.clone();
                self.push(d.name.span, Target::Kind(kind.clone()), !d.extend);
                for f in &d.fields {
                    let t = Target::Field {
                        kind: kind.clone(),
                        field: f.name.text.clone(),
                    };
                    self.push(f.name.span, t, true);
                    self.type_expr(&f.ty);
                }
            }
            ItemKind::Derive(d) => {
                let kind = d.subject.text.clone();
                self.push(d.subject.span, Target::Kind(kind.clone()), false);
                let t = Target::Derive {
                    kind: kind.clone(),
                    name: d.name.text.clone(),
                };
                self.push(d.name.span, t, true);
            }
            ItemKind::Const(d) => {
                self.push(d.name.span, Target::Const(d.name.text.clone()), true);
            }
            ItemKind::Rule(d) => self.rule(d),
            ItemKind::Test(d) => {
                for e in &d.entities {
                    self.item(e, false);
                }
                for x in &d.expects {
                    self.push(x.rule.span, Target::Rule(x.rule.text.clone()), false);
                }
            }
            ItemKind::Entity(e) => {
                let kind = e.kind.text.clone();
                self.push(e.kind.span, Target::Kind(kind.clone()), false);
                if top {
                    self.push(e.name.span, Target::Entity(e.name.text.clone()), true);
                }
                if let Some(schema) = self.defs.schemas.get(&kind) {
                    let tys: BTreeMap<String, Ty> = schema
                        .fields
                        .iter()
                        .map(|(k, f)| (k.clone(), f.ty.clone()))
                        .collect();
                    self.record(&e.body, &tys, Some(&kind), top);
                }
            }
            _ => {}
        }
    }

    fn tree_nodes(&mut self, tree: &str, nodes: &[ast::TreeNode], prefix: &mut Vec<String>) {
        for n in nodes {
            prefix.push(n.name.text.clone());
            let t = Target::Node {
                tree: tree.to_string(),
                path: prefix.clone(),
            };
            self.push(n.name.span, t, true);
            self.tree_nodes(tree, &n.children, prefix);
            prefix.pop();
        }
    }

    fn type_expr(&mut self, t: &TypeExpr) {
        match t {
            TypeExpr::Named(n) => {
                let name = n.text.clone();
                if self.defs.enums.contains_key(&name) {
                    self.push(n.span, Target::Enum(name), false);
                } else if self.defs.trees.contains_key(&name) {
                    self.push(n.span, Target::Tree(name), false);
                } else if self.defs.schemas.contains_key(&name) {
                    self.push(n.span, Target::Kind(name), false);
                }
            }
            TypeExpr::List(inner, _) => self.type_expr(inner),
            TypeExpr::Record(fields, _) => {
                for f in fields {
                    self.type_expr(&f.ty);
                }
            }
        }
    }

    fn record(
        &mut self,
        r: &ast::Record,
        tys: &BTreeMap<String, Ty>,
        kind: Option<&str>,
        top: bool,
    ) {
        for f in &r.fields {
            let Some(ty) = tys.get(&f.name.text) else {
                continue;
            };
            if let Some(kind) = kind {
                let t = Target::Field {
                    kind: kind.to_string(),
                    field: f.name.text.clone(),
                };
                self.push(f.name.span, t, false);
            }
            self.value(&f.value, ty, top);
        }
    }

    fn value(&mut self, v: &ast::Value, ty: &Ty, top: bool) {
        match (&v.kind, ty) {
            (ValueKind::List(items), Ty::List(inner)) => {
                for it in items {
                    self.value(it, inner, top);
                }
            }
            (ValueKind::Path(q), Ty::Entity(_)) if top && q.parts.len() == 1 => {
                let n = &q.parts[0];
                self.push(n.span, Target::Entity(n.text.clone()), false);
            }
            (ValueKind::Path(q), Ty::Enum(e)) if q.parts.len() == 1 => {
                self.member(&q.parts[0], e);
            }
            (ValueKind::Path(q), Ty::Tree(t)) => {
                let Some(tree) = self.defs.trees.get(t) else {
                    return;
                };
                let mut written = Vec::new();
                for part in &q.parts {
                    written.push(part.text.clone());
                    if let Some(node) = tree.resolve(&written) {
                        let t = Target::Node {
                            tree: tree.name.clone(),
                            path: node.path.clone(),
                        };
                        self.push(part.span, t, false);
                    }
                }
            }
            (ValueKind::Variant(_, name, rec), Ty::Enum(e)) => {
                self.member(name, e);
                let fields = self
                    .defs
                    .enums
                    .get(e)
                    .and_then(|d| d.member(&name.text))
                    .map(|m| {
                        m.fields
                            .iter()
                            .map(|(k, f)| (k.clone(), f.ty.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                self.record(rec, &fields, None, top);
            }
            (ValueKind::Record(rec), Ty::Record(fields)) => self.record(rec, fields, None, top),
            _ => {}
        }
    }

    fn member(&mut self, n: &ast::Name, ty: &str) {
        if self
            .defs
            .enums
            .get(ty)
            .and_then(|e| e.member(&n.text))
            .is_some()
        {
            let t = Target::Member {
                ty: ty.to_string(),
                member: n.text.clone(),
            };
            self.push(n.span, t, false);
        }
    }

    fn rule(&mut self, d: &ast::RuleDecl) {
        self.push(d.id.span, Target::Rule(d.id.text.clone()), true);
        if let Some(s) = &d.subject {
            self.push(s.span, Target::Kind(s.text.clone()), false);
        }
    }
}
