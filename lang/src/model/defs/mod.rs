//! Definitions: everything a workspace declares that is not an entity — schemas,
//! enumerations, category trees, derived facts, constants, calendars, rules and
//! tests, views — gathered from the stdlib and the user's files into one table.
//!
//! The entries are in `entries`; `build` fills the table from the files' items
//! (`collect`, `rule`, `calendar`, `template` for the pieces), then derives
//! `globals` and the `date_free` facts.

mod build;
mod calendar;
mod collect;
mod date_free;
mod entries;
mod globals;
mod positions;
mod rule;
mod template;
mod view;

pub use build::{build, SourceRef};
pub use collect::unknown_kind;
pub use entries::{
    Calendar, ConstDef, DeriveDef, EnumDef, Member, Origin, Penalty, RuleDef, Schema, TestDef,
    TreeDef, TreeNodeDef,
};
pub use globals::Global;
pub use positions::without_positions;
pub use template::{template, Part, Template};
pub use view::{Role, View, ViewEntry};

use crate::diag::Diagnostic;
use crate::model::types::{FieldDef, Ty};
use crate::syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// The definitions of a workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defs {
    pub schemas: BTreeMap<String, Schema>,
    /// `flows` → `flow`.
    pub plurals: BTreeMap<String, String>,
    pub enums: BTreeMap<String, EnumDef>,
    pub trees: BTreeMap<String, TreeDef>,
    pub derives: BTreeMap<(String, String), DeriveDef>,
    pub consts: BTreeMap<String, ConstDef>,
    pub rules: BTreeMap<String, RuleDef>,
    pub calendar: Calendar,
    pub tests: Vec<TestDef>,
    /// Entity kind → what people are shown of it (`view` items).
    pub views: BTreeMap<String, View>,
    /// Enum member name → enums that have it.
    pub member_owners: BTreeMap<String, Vec<String>>,
    pub packages: BTreeMap<String, Vec<String>>,
    /// What a bare name means at top level in an expression (after locals).
    pub globals: BTreeMap<String, Global>,
    /// Derived facts whose value does not depend on the evaluation date and
    /// that take part in no cycle: they can be cached across evaluations.
    pub date_free: BTreeSet<String>,
    /// Each date-free fact's id: its slot in an evaluation pass's table of
    /// shared facts (`eval::SharedFacts`).
    pub fact_ids: rustc_hash::FxHashMap<String, u32>,
    /// The prefix-sum plans of the resolved bodies, numbered, in sets.
    pub plans: crate::eval::plan::Plans,
    pub diagnostics: Vec<Diagnostic>,
    /// The checker's diagnostics (from the resolution pass).
    pub checks: Vec<Diagnostic>,
    /// "Unknown name" diagnostics, void where an entity has the name.
    pub unless_entity: Vec<(String, Diagnostic)>,
    /// What the names of the resolved expressions mean, per file (for the IDE).
    pub names: crate::hir::names::Names,
}

impl Defs {
    /// The type of a field or derived fact of an entity kind, if it exists.
    pub fn field(&self, kind: &str, field: &str) -> Option<&FieldDef> {
        self.schemas.get(kind)?.fields.get(field)
    }

    pub fn resolve_type(&self, t: &ast::TypeExpr) -> Option<Ty> {
        Some(match t {
            ast::TypeExpr::Named(n) => match n.text.as_str() {
                "int" => Ty::Int,
                "bool" => Ty::Bool,
                "string" => Ty::Str,
                "date" => Ty::Date,
                "datetime" => Ty::DateTime,
                "duration" => Ty::Duration,
                other if self.enums.contains_key(other) => Ty::Enum(other.to_string()),
                other if self.trees.contains_key(other) => Ty::Tree(other.to_string()),
                other if self.schemas.contains_key(other) => Ty::Entity(other.to_string()),
                _ => return None,
            },
            ast::TypeExpr::List(inner, _) => Ty::List(Box::new(self.resolve_type(inner)?)),
            ast::TypeExpr::Record(fields, _) => {
                let mut out = BTreeMap::new();
                for f in fields {
                    out.insert(f.name.text.clone(), self.resolve_type(&f.ty)?);
                }
                Ty::Record(out)
            }
        })
    }

    /// The schemas in declaration order (by file, then position), those of
    /// the files `first` accepts (the stdlib's) first: the order tools list
    /// the kinds in, so that none is named in Rust.
    pub fn schemas_in_order(&self, first: impl Fn(&str) -> bool) -> Vec<&Schema> {
        let mut v: Vec<&Schema> = self.schemas.values().collect();
        v.sort_by_key(|s| (!first(&s.origin.file), &s.origin.file, s.origin.span.start));
        v
    }

    /// `std.cac.million`: the name a package-qualified path stands for, if its
    /// prefix is a declared package and that package declares the name.
    pub fn qualified<'a>(&self, segments: &[&'a str]) -> Option<&'a str> {
        let (name, prefix) = segments.split_last()?;
        let files = self.packages.get(&prefix.join("."))?;
        let declared_in = |o: &Origin| files.contains(&o.file);
        let declared = self
            .consts
            .get(*name)
            .is_some_and(|c| declared_in(&c.origin))
            || self
                .enums
                .get(*name)
                .is_some_and(|e| declared_in(&e.origin))
            || self.trees.values().any(|t| {
                declared_in(&t.origin)
                    && t.nodes
                        .iter()
                        .any(|n| n.path.len() == 1 && n.path[0] == *name)
            })
            || self.enums.values().any(|e| {
                e.members
                    .iter()
                    .any(|m| m.name == *name && declared_in(&m.origin))
            })
            || self
                .schemas
                .values()
                .any(|s| s.plural.as_deref() == Some(*name) && declared_in(&s.origin));
        declared.then_some(*name)
    }

    /// Every name the user could mean at top level, for "did you mean".
    pub fn all_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        v.extend(self.consts.keys().map(|s| s.as_str()));
        v.extend(self.enums.keys().map(|s| s.as_str()));
        v.extend(self.member_owners.keys().map(|s| s.as_str()));
        v.extend(self.plurals.keys().map(|s| s.as_str()));
        for t in self.trees.values() {
            v.extend(
                t.nodes
                    .iter()
                    .filter(|n| n.path.len() == 1)
                    .map(|n| n.path[0].as_str()),
            );
        }
        v
    }
}
