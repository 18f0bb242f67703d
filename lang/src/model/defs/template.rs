//! Message templates: text with `{expr}` holes, parsed once per rule.

use crate::diag::Diagnostic;
use crate::syntax::ast;

/// A message template: text with `{expr}` holes.
pub type Template = Vec<Part>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Expr(ast::Expr),
}

/// Splits `"…{expr}…"` into parts; a hole that does not parse is reported at its place.
pub fn template(path: &str, s: &ast::Str, diags: &mut Vec<Diagnostic>) -> Template {
    let mut parts = Vec::new();
    let mut rest = s.text.as_str();
    // Offsets are exact when no escape precedes the hole (the usual case).
    let mut offset = s.span.start as usize + 1;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        let src = &after[..close];
        let e = crate::syntax::parse::parse_expr_fragment(path, src, offset + open + 1, diags);
        parts.push(Part::Expr(e));
        offset += open + 1 + close + 1;
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    parts
}
