//! What each written name of a definition's expressions was resolved to, by
//! the resolution pass itself: the IDE's references, rename, definition,
//! hover and semantic tokens read these instead of resolving names again.

use crate::syntax::ast::Span;
use std::collections::BTreeMap;

/// What a name means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Entity(String),
    /// An entity kind: a schema (`flow`).
    Kind(String),
    Field {
        kind: String,
        field: String,
    },
    Derive {
        kind: String,
        name: String,
    },
    Enum(String),
    Member {
        ty: String,
        member: String,
    },
    Tree(String),
    Node {
        tree: String,
        path: Vec<String>,
    },
    Rule(String),
    Const(String),
}

/// One written name and its meaning; `decl` when this is where it is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    pub decl: bool,
}

/// The names the resolution pass met, per file (in the order it met them).
pub type Names = BTreeMap<String, Vec<Occurrence>>;
