//! Syntax: the grammar, the owned tree, the total parser, and its limits.
pub mod ast;
mod fast;
pub mod keywords;
pub mod limits;
pub mod parse;
mod words;

pub use parse::{parse, Parsed};

/// The grammar alone, without the fast path for entity-only files (for tests
/// that check both agree).
pub fn parse_with_grammar(path: &str, text: &str) -> Parsed {
    parse::parse_grammar_only(path, text)
}
