//! Field types of the declaration schema.

use super::defs::Origin;
use crate::diag::Text;
use crate::syntax::ast;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Bool,
    Str,
    Date,
    /// A date-time, Beijing time.
    DateTime,
    Duration,
    Enum(String),
    Tree(String),
    Entity(String),
    List(Box<Ty>),
    Record(BTreeMap<String, Ty>),
    /// Unknown (after an error) or not statically known: accepts anything.
    Any,
}

impl Ty {
    /// How the type is written in a policy file.
    pub fn display(&self) -> String {
        match self {
            Ty::Int => "int".into(),
            Ty::Bool => "bool".into(),
            Ty::Str => "string".into(),
            Ty::Date => "date".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Duration => "duration".into(),
            Ty::Enum(n) | Ty::Tree(n) | Ty::Entity(n) => n.clone(),
            Ty::List(t) => format!("[{}]", t.display()),
            Ty::Record(f) => {
                let inner: Vec<String> = f
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.display()))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
            Ty::Any => "any".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    /// Absent and without a default, the fact is unknown (see `ast::SchemaField`).
    pub deciding: bool,
    pub default: Option<ast::Value>,
    pub label: Text,
    pub doc: Option<String>,
    pub origin: Origin,
}
