//! The table's entries: one type per kind of definition (schemas, enumerations,
//! trees, derived facts, constants, rules, calendars, tests), with their origin.

use crate::diag::{Severity, Text};
use crate::hir;
use crate::model::types::FieldDef;
use crate::syntax::ast::{self, Span};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

use super::Template;

/// A definition's home: file path and span of its name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub name: String,
    pub label: Text,
    pub plural: Option<String>,
    pub fields: BTreeMap<String, FieldDef>,
    /// The date field that fixes the law in force for this kind of entity.
    pub subject_date: Option<String>,
    pub origin: Origin,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub label: Text,
    pub fields: BTreeMap<String, FieldDef>,
    pub origin: Origin,
    pub doc: Option<String>,
}

impl EnumDef {
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub label: Text,
    pub members: Vec<Member>,
    pub origin: Origin,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeDef {
    pub name: String,
    pub label: Text,
    /// Every node by its full dotted path, in declaration order.
    pub nodes: Vec<TreeNodeDef>,
    pub origin: Origin,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeNodeDef {
    pub path: Vec<String>,
    pub label: Text,
    pub origin: Origin,
    pub doc: Option<String>,
}

impl TreeDef {
    pub fn node(&self, path: &[String]) -> Option<&TreeNodeDef> {
        self.nodes.iter().find(|n| n.path == path)
    }
    /// Resolves a written path: the full path from a root, or a unique suffix.
    pub fn resolve(&self, written: &[String]) -> Option<&TreeNodeDef> {
        if let Some(n) = self.node(written) {
            return Some(n);
        }
        let mut found = self.nodes.iter().filter(|n| n.path.ends_with(written));
        let first = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(first)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeriveDef {
    pub subject: String,
    pub name: String,
    pub label: Text,
    pub expr: ast::Expr,
    /// The expression resolved (the subject is slot 0).
    pub body: hir::Expr,
    pub origin: Origin,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDef {
    pub name: String,
    pub label: Text,
    pub expr: ast::Expr,
    pub body: hir::Expr,
    pub origin: Origin,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDef {
    pub id: String,
    pub title: Text,
    /// Shared with every finding of the rule.
    pub cites: std::sync::Arc<[Text]>,
    pub effective: Option<Date>,
    pub until: Option<Date>,
    pub severity: Severity,
    /// The entity kind the rule is evaluated for.
    pub subject: String,
    pub decl: ast::RuleDecl,
    /// The zh and en message templates, parsed once.
    pub message: Option<(Template, Template)>,
    /// The zh and en titles of the rule's quick fix, parsed once.
    pub fix_title: Option<(Template, Template)>,
    /// Its clauses resolved.
    pub body: hir::RuleBody,
    /// What the statute provides for a breach of the duty (`penalty` clauses).
    pub penalties: Vec<Penalty>,
    /// What every finding of the rule shares (title, citations, templates).
    pub info: std::sync::Arc<crate::diag::RuleInfo>,
    pub origin: Origin,
    pub doc: Option<String>,
    pub stdlib: bool,
}

impl RuleDef {
    /// Whether the rule is law on `date`; with no date, only rules without an end are.
    pub fn in_force(&self, date: Option<Date>) -> bool {
        match date {
            Some(d) => self.effective.is_none_or(|e| e <= d) && self.until.is_none_or(|u| d <= u),
            None => self.until.is_none(),
        }
    }
}

/// A statutory penalty, as the article states it: the article and its text,
/// bilingual. `confirmed` is false where the text was not read (a penalty
/// clause marked `unconfirmed`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Penalty {
    pub citation: Text,
    pub text: Text,
    pub confirmed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: BTreeSet<Date>,
    /// Weekend days that are working days (调休).
    pub workdays: BTreeSet<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDef {
    pub file: String,
    pub decl: ast::TestDecl,
    pub span: Span,
}
