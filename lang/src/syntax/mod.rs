//! Syntax: the grammar, the owned tree, the total parser, and its limits.
pub mod ast;
pub mod limits;
pub mod parse;
mod words;

pub use parse::{parse, Parsed};
