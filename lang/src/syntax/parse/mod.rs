//! Total parsing: `parse(path, text)` always yields a (possibly partial) tree and
//! the syntax diagnostics. Broken items, fields and clauses are error nodes with
//! exact spans; the valid items around them are kept.
//!
//! The pest grammar gives pairs; `Lower` turns them into the owned tree, its
//! methods split by what they lower: `decls` (items and type-like declarations),
//! `clauses` (rules, waivers, tests), `values` (entities and literals), `exprs`,
//! `tokens` (names, strings, dates, numbers), `errors` (what was expected), and
//! `doc` (the `///` comments above an item).

mod clauses;
mod decls;
mod doc;
mod errors;
mod exprs;
mod tokens;
mod values;

pub use doc::doc_above;

use super::ast::*;
use super::limits;
use crate::diag::{Diagnostic, Text};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/grammar.pest"]
struct Grammar;

type P<'i> = Pair<'i, Rule>;

/// The tree and the syntax diagnostics of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub ast: SourceAst,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(path: &str, text: &str) -> Parsed {
    parse_inner(path, text, true)
}

pub(crate) fn parse_grammar_only(path: &str, text: &str) -> Parsed {
    parse_inner(path, text, false)
}

fn parse_inner(path: &str, text: &str, fast_path: bool) -> Parsed {
    let mut cx = Lower {
        path,
        text,
        diags: Vec::new(),
    };
    let Some(masked) = limits::mask_over_limits(path, text, &mut cx.diags) else {
        return Parsed {
            ast: SourceAst::default(),
            diagnostics: cx.diags,
        };
    };
    if masked.is_none() && fast_path {
        if let Some(items) = super::fast::parse_entities(text) {
            return Parsed {
                ast: SourceAst { items },
                diagnostics: cx.diags,
            };
        }
    }
    let src: &str = masked.as_deref().unwrap_or(text);
    let items = match Grammar::parse(Rule::file, src) {
        Ok(mut pairs) => {
            let file = pairs.next().map(|p| p.into_inner());
            file.map(|inner| {
                inner
                    .filter(|p| p.as_rule() != Rule::EOI)
                    .map(|p| cx.item(p))
                    .collect()
            })
            .unwrap_or_default()
        }
        Err(e) => {
            // Only resource limits (stack, call budget) make the total grammar fail.
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            cx.diags.push(Diagnostic::error(
                "limit",
                path,
                Span::new(pos, pos),
                Text::new(
                    "文件嵌套过深或过于复杂，无法解析",
                    "the file is too deeply nested or too complex to parse",
                ),
            ));
            Vec::new()
        }
    };
    Parsed {
        ast: SourceAst { items },
        diagnostics: cx.diags,
    }
}

/// Parses one expression (used for `{…}` in message templates).
pub fn parse_expr_fragment(
    path: &str,
    text: &str,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Expr {
    // Positions inside the fragment are relative to it: so is the text the
    // lowering reads (to tell an aggregate's `where` from its `:`).
    let mut cx = Lower {
        path,
        text,
        diags: Vec::new(),
    };
    let span = Span::new(offset, offset + text.len());
    let result = match Grammar::parse(Rule::strict_expr, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(p) => shift_expr(cx.expr(p, 0).0, offset),
            None => Expr {
                kind: ExprKind::Error,
                span,
            },
        },
        Err(_) => {
            cx.diags.push(Diagnostic::error(
                "syntax",
                path,
                span,
                Text::new(
                    "消息模板中的 {…} 不是有效的表达式",
                    "the {…} in this message template is not a valid expression",
                ),
            ));
            Expr {
                kind: ExprKind::Error,
                span,
            }
        }
    };
    diags.extend(cx.diags);
    result
}

fn shift_expr(mut e: Expr, by: usize) -> Expr {
    // Template expressions are tiny (a name or a path); iterate over fields only.
    e.span = Span::new(e.span.start as usize + by, e.span.end as usize + by);
    e.kind = match e.kind {
        ExprKind::Field(inner, mut n) => {
            n.span = Span::new(n.span.start as usize + by, n.span.end as usize + by);
            ExprKind::Field(Box::new(shift_expr(*inner, by)), n)
        }
        ExprKind::Name(mut n) => {
            n.span = Span::new(n.span.start as usize + by, n.span.end as usize + by);
            ExprKind::Name(n)
        }
        other => other,
    };
    e
}

/// The lowering from pest pairs to the tree, with the diagnostics it finds.
struct Lower<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

fn span_of(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn first(p: P) -> P {
    let span = p.as_span();
    p.into_inner()
        .next()
        .unwrap_or_else(|| panic!("grammar guarantees an inner pair at {span:?}"))
}
