//! Syntax errors: what a broken fragment was expected to be, and the depth limit.

use super::{Grammar, Lower, Rule, P};
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast::*;
use crate::syntax::limits::MAX_EXPR_DEPTH;
use crate::syntax::words::expected_in_words;
use pest::Parser as _;

impl Lower<'_> {
    /// Re-parses a broken fragment strictly to say what was expected where.
    pub(super) fn syntax_error(&mut self, p: &P, strict: Rule) {
        let frag = p.as_str();
        let base = p.as_span().start();
        // Token-level detail (which literal was expected) costs time, so it is
        // only collected for this re-parse of a broken fragment.
        pest::set_error_detail(true);
        let strict_result = Grammar::parse(strict, frag);
        pest::set_error_detail(false);
        let (pos, expected) = match strict_result {
            Ok(_) => (frag.len(), Vec::new()),
            Err(e) => {
                let pos = match e.location {
                    pest::error::InputLocation::Pos(p) => p,
                    pest::error::InputLocation::Span((s, _)) => s,
                };
                let mut expected: Vec<String> = match &e.variant {
                    pest::error::ErrorVariant::ParsingError { positives, .. } => {
                        positives.iter().map(|r| format!("{r:?}")).collect()
                    }
                    pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
                };
                if let Some(attempts) = e.parse_attempts() {
                    for t in attempts.expected_tokens() {
                        expected.push(t.to_string());
                    }
                }
                (pos, expected)
            }
        };
        let pos = pos.min(frag.len());
        // Underline the token found there (up to the next space), at least one character.
        let rest = &frag[pos..];
        let tok_len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let tok_len = if tok_len == 0 {
            rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0)
        } else {
            tok_len
        };
        let found = &rest[..tok_len];
        let span = Span::new(base + pos, base + pos + tok_len);
        let words = expected_in_words(&expected);
        let message = if found.is_empty() {
            Text::new(
                format!("此处应为{}", words.zh),
                format!("expected {} here", words.en),
            )
        } else {
            Text::new(
                format!("此处应为{}，但写的是 `{}`", words.zh, found),
                format!("expected {}, found `{}`", words.en, found),
            )
        };
        self.diags
            .push(Diagnostic::error("syntax", self.path, span, message));
    }

    pub(super) fn too_deep(&mut self, span: Span) {
        if self
            .diags
            .iter()
            .any(|d| d.code == "limit" && d.location.span.start <= span.start)
        {
            return;
        }
        self.diags.push(Diagnostic::error(
            "limit",
            self.path,
            span,
            Text::new(
                format!("表达式嵌套超过 {MAX_EXPR_DEPTH} 层"),
                format!("this expression nests deeper than {MAX_EXPR_DEPTH} levels"),
            ),
        ));
    }
}
