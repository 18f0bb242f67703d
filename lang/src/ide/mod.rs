//! The IDE layer: plain-data answers about a position in a file (hover,
//! definition, references, completion, symbols, inlay hints, code actions,
//! semantic tokens), computed on an `Analysis`. Positions are byte offsets
//! and results carry byte spans; the language server converts them.

mod actions;
mod complete;
mod facts;
mod goto;
mod hover;
mod inlay;
mod refs;
mod symbols;
mod tokens;
mod waive;

#[cfg(test)]
mod tests;

pub use actions::{code_actions, Action};
pub use complete::{completions, Completion, CompletionKind};
pub use facts::{derived_facts, Fact};
pub use goto::{goto_definition, references, rename, RenameError};
pub use hover::{hover, HoverInfo};
pub use inlay::{inlay_hints, InlayHint};
pub use refs::{occurrence_at, occurrences, Occurrence, Target};
pub use symbols::{document_symbols, folding_ranges, workspace_symbols, Symbol, SymbolKind};
pub use tokens::{semantic_tokens, Token, TokenKind};
