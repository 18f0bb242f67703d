//! Document symbols, workspace symbols and folding ranges.

use crate::db::{self, Db, SourceFile};
use crate::diag::Lang;
use crate::syntax::ast::{self, ItemKind, Span};
use crate::Analysis;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A party, dataset, flow, … (the kind is in `detail`).
    Entity,
    Schema,
    Field,
    Enum,
    Member,
    Tree,
    Node,
    Derive,
    Const,
    Rule,
    Test,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole item.
    pub span: Span,
    /// The name.
    pub name_span: Span,
    pub children: Vec<Symbol>,
}

fn label(l: &ast::Label, lang: Lang) -> Option<String> {
    let (a, b) = match lang {
        Lang::Zh => (&l.zh, &l.en),
        Lang::En => (&l.en, &l.zh),
    };
    a.as_ref().or(b.as_ref()).map(|s| s.text.clone())
}

fn leaf(n: &ast::Name, detail: Option<String>, kind: SymbolKind, span: Span) -> Symbol {
    Symbol {
        name: n.text.clone(),
        detail,
        kind,
        span,
        name_span: n.span,
        children: Vec::new(),
    }
}

/// The outline of one file, memoised per file (in both languages): workspace
/// symbols read every file's without re-parsing those that did not change.
pub fn document_symbols(a: &Analysis, path: &str, lang: Lang) -> Vec<Symbol> {
    match a.source(path) {
        Some(f) => file_outline(&a.db, f)[lang_index(lang)].clone(),
        None => Vec::new(),
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    }
}

/// The outline in Chinese and in English.
#[salsa::tracked(returns(clone))]
fn file_outline(db: &dyn Db, file: SourceFile) -> Arc<[Vec<Symbol>; 2]> {
    let parsed = db::parse_file(db, file);
    Arc::new([Lang::Zh, Lang::En].map(|lang| outline(&parsed.ast, lang)))
}

/// The outline, from scratch.
pub fn outline(ast: &ast::SourceAst, lang: Lang) -> Vec<Symbol> {
    ast.items
        .iter()
        .filter_map(|it| item_symbol(it, lang))
        .collect()
}

fn item_symbol(item: &ast::Item, lang: Lang) -> Option<Symbol> {
    use SymbolKind as K;
    let span = item.span;
    Some(match &item.kind {
        ItemKind::Entity(e) => {
            let detail = match label(&e.label, lang) {
                Some(l) => format!("{} · {l}", e.kind.text),
                None => e.kind.text.clone(),
            };
            leaf(&e.name, Some(detail), K::Entity, span)
        }
        ItemKind::Schema(s) => {
            let mut sym = leaf(&s.name, label(&s.label, lang), K::Schema, span);
            sym.children = s
                .fields
                .iter()
                .map(|f| {
                    let sp = Span::new(f.name.span.start as usize, f.ty.span().end as usize);
                    leaf(&f.name, label(&f.label, lang), K::Field, sp)
                })
                .collect();
            sym
        }
        ItemKind::Enum(e) => {
            let mut sym = leaf(&e.name, label(&e.label, lang), K::Enum, span);
            sym.children = e
                .members
                .iter()
                .map(|m| leaf(&m.name, label(&m.label, lang), K::Member, m.name.span))
                .collect();
            sym
        }
        ItemKind::Tree(t) => {
            let mut sym = leaf(&t.name, label(&t.label, lang), K::Tree, span);
            sym.children = tree_children(&t.nodes, lang);
            sym
        }
        ItemKind::Derive(d) => {
            let mut sym = leaf(&d.name, label(&d.label, lang), K::Derive, span);
            sym.name = format!("{}.{}", d.subject.text, d.name.text);
            sym
        }
        ItemKind::Const(c) => leaf(&c.name, label(&c.label, lang), K::Const, span),
        ItemKind::Calendar(c) => leaf(&c.name, label(&c.label, lang), K::Const, span),
        ItemKind::Rule(r) => leaf(&r.id, label(&r.title, lang), K::Rule, span),
        ItemKind::Test(t) => Symbol {
            name: t.name.text.clone(),
            detail: Some("test".into()),
            kind: K::Test,
            span,
            name_span: t.name.span,
            children: t
                .entities
                .iter()
                .filter_map(|e| item_symbol(e, lang))
                .collect(),
        },
        _ => return None,
    })
}

fn tree_children(nodes: &[ast::TreeNode], lang: Lang) -> Vec<Symbol> {
    nodes
        .iter()
        .map(|n| {
            let mut s = leaf(
                &n.name,
                label(&n.label, lang),
                SymbolKind::Node,
                n.name.span,
            );
            s.children = tree_children(&n.children, lang);
            // A node's range covers its children (LSP wants them nested).
            if let Some(last) = s.children.last() {
                s.span.end = s.span.end.max(last.span.end);
            }
            s
        })
        .collect()
}

/// Top-level symbols of every file (stdlib included) whose name or detail
/// contains the query (case-insensitive), at most `limit`.
pub fn workspace_symbols(
    a: &Analysis,
    query: &str,
    lang: Lang,
    limit: usize,
) -> Vec<(String, Symbol)> {
    let q = query.to_lowercase();
    let mut out = Vec::new();
    for p in a.all_paths() {
        let Some(f) = a.source(&p) else { continue };
        for s in &file_outline(&a.db, f)[lang_index(lang)] {
            let hit = s.name.to_lowercase().contains(&q)
                || s.detail
                    .as_ref()
                    .is_some_and(|d| d.to_lowercase().contains(&q));
            if hit {
                out.push((p.clone(), s.clone()));
                if out.len() >= limit {
                    return out;
                }
            }
        }
    }
    out
}

/// Spans worth folding: every item (the caller keeps those over several lines).
pub fn folding_ranges(a: &Analysis, path: &str) -> Vec<Span> {
    let Some(parsed) = a.parsed(path) else {
        return Vec::new();
    };
    parsed.ast.items.iter().map(|i| i.span).collect()
}
