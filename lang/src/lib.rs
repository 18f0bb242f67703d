//! The hegui language: syntax, semantics and evaluation. It knows nothing of
//! LSP, terminals or the file system: it takes texts and gives answers.
//!
//! Layers, in order: `syntax` (text → AST), the resolved IR (`model::defs`,
//! `hir`, `model::entity`; it chooses `eval::plan`'s prefix-sum plans), `check`
//! and `eval`, the incremental `db`, then `ide` and [`Analysis`], the API the
//! CLI and the language server share; `diag` is shared by all. The resolved IR
//! (`hir`) and the checker are private; the modules still public are those
//! outside callers reach into (ARCHITECTURE.md, "Layers", says who and why).
mod affected;
mod analysis;
pub(crate) mod check;
pub mod db;
pub mod diag;
pub mod english;
pub mod eval;
pub mod fmt;
pub(crate) mod hir;
pub mod ide;
pub mod model;
mod shared_tables;
pub mod stdlib;
pub mod syntax;
pub mod waiver;

pub use analysis::{Analysis, FileChange, StdlibId};
