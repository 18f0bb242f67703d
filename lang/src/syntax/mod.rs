//! Syntax: the grammar, the owned tree, the total parser, and its limits.
pub mod ast;
pub mod datetime;
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

/// Whether the fast path for entity-only files accepts the text (for the test
/// that checks it is taken at all, not only that it agrees when it is).
#[doc(hidden)]
pub fn fast_path_accepts(text: &str) -> bool {
    fast::parse_entities(text).is_some()
}
