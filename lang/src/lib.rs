//! The hegui language: syntax, semantics and evaluation. It knows nothing of
//! LSP, terminals or the file system: it takes texts and gives answers.
pub mod analysis;
pub mod check;
pub mod db;
pub mod diag;
pub mod eval;
pub mod fmt;
pub mod hir;
pub mod ide;
pub mod model;
pub mod stdlib;
pub mod syntax;
pub mod waiver;

pub use analysis::{Analysis, FileChange, StdlibId};
