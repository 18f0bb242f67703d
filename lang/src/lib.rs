//! The hegui language: syntax, semantics and evaluation. It knows nothing of
//! LSP, terminals or the file system: it takes texts and gives answers.
pub mod diag;
pub mod syntax;
pub mod model;
