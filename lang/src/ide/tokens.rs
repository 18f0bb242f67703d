//! Semantic tokens: resolved names coloured by what they mean.

use super::refs::{occurrences, Target};
use crate::syntax::ast::Span;
use crate::Analysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Parties, datasets, flows, … (variables).
    Entity,
    /// Schemas, enums, trees (types).
    Type,
    /// Schema fields and derived facts (properties).
    Property,
    EnumMember,
    /// Rule ids and constants.
    Rule,
    Const,
}

impl TokenKind {
    /// The legend, in the order of the variants.
    pub const ALL: [TokenKind; 6] = [
        TokenKind::Entity,
        TokenKind::Type,
        TokenKind::Property,
        TokenKind::EnumMember,
        TokenKind::Rule,
        TokenKind::Const,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    pub decl: bool,
}

/// Tokens of one file, in source order, never overlapping.
pub fn semantic_tokens(a: &Analysis, path: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for o in occurrences(a, path).iter() {
        let kind = match o.target {
            Target::Entity(_) => TokenKind::Entity,
            Target::Kind(_) | Target::Enum(_) | Target::Tree(_) => TokenKind::Type,
            Target::Field { .. } | Target::Derive { .. } => TokenKind::Property,
            Target::Member { .. } | Target::Node { .. } => TokenKind::EnumMember,
            Target::Rule(_) => TokenKind::Rule,
            Target::Const(_) => TokenKind::Const,
        };
        if out.last().is_some_and(|t| t.span.end > o.span.start) {
            continue;
        }
        out.push(Token {
            span: o.span,
            kind,
            decl: o.decl,
        });
    }
    out
}
