//! Definitions: everything a workspace declares that is not an entity — schemas,
//! enumerations, category trees, derived facts, constants, calendars, rules and
//! tests — gathered from the stdlib and the user's files into one table.

use super::types::{FieldDef, Ty};
use crate::diag::{Diagnostic, Severity, Text};
use crate::hir;
use crate::model::Value;
use crate::syntax::ast::{self, Item, ItemKind, Span};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub label: Text,
    pub members: Vec<Member>,
    pub origin: Origin,
    pub doc: Option<String>,
}

impl EnumDef {
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
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
    pub origin: Origin,
    pub doc: Option<String>,
    pub stdlib: bool,
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

/// The meaning of a global name, resolved once per definition table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Global {
    Const,
    /// The collection of all entities of a kind (`flows`).
    Collection(String),
    /// A value known without evaluation: an enumeration (the list of its
    /// members), a root category, a member whose name is unique.
    Value(Value),
}

/// Names in order of precedence: constants, collections, enumerations, root
/// categories, then members whose name no other enumeration uses.
fn globals(d: &Defs) -> BTreeMap<String, Global> {
    let mut g = BTreeMap::new();
    for (name, owners) in &d.member_owners {
        if let [only] = owners.as_slice() {
            let v = Value::Member {
                ty: Arc::from(only.as_str()),
                name: Arc::from(name.as_str()),
                fields: None,
            };
            g.insert(name.clone(), Global::Value(v));
        }
    }
    for t in d.trees.values() {
        for n in t.nodes.iter().filter(|n| n.path.len() == 1) {
            let v = Value::Node {
                tree: Arc::from(t.name.as_str()),
                path: Arc::from(n.path.clone()),
            };
            g.insert(n.path[0].clone(), Global::Value(v));
        }
    }
    for (name, en) in &d.enums {
        let members = en
            .members
            .iter()
            .map(|m| Value::Member {
                ty: Arc::from(name.as_str()),
                name: Arc::from(m.name.as_str()),
                fields: None,
            })
            .collect();
        g.insert(name.clone(), Global::Value(Value::list(members)));
    }
    for (plural, kind) in &d.plurals {
        g.insert(plural.clone(), Global::Collection(kind.clone()));
    }
    for name in d.consts.keys() {
        g.insert(name.clone(), Global::Const);
    }
    g
}

/// A message template: text with `{expr}` holes.
pub type Template = Vec<Part>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Expr(ast::Expr),
}

/// Splits `"…{expr}…"` into parts; a hole that does not parse is reported at its place.
pub fn template(path: &str, s: &ast::Str, diags: &mut Vec<Diagnostic>) -> Template {
    let mut parts = Vec::new();
    let mut rest = s.text.as_str();
    // Offsets are exact when no escape precedes the hole (the usual case).
    let mut offset = s.span.start as usize + 1;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        let src = &after[..close];
        let e = crate::syntax::parse::parse_expr_fragment(path, src, offset + open + 1, diags);
        parts.push(Part::Expr(e));
        offset += open + 1 + close + 1;
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    parts
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
    pub fact_ids: std::collections::HashMap<String, u32>,
    /// The prefix-sum plans of the resolved bodies, numbered, in sets.
    pub plans: crate::eval::plan::Plans,
    pub diagnostics: Vec<Diagnostic>,
    /// The checker's diagnostics (from the resolution pass).
    pub checks: Vec<Diagnostic>,
    /// "Unknown name" diagnostics, void where an entity has the name.
    pub unless_entity: Vec<(String, Diagnostic)>,
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

fn text(l: &ast::Label) -> Text {
    let zh = l.zh.as_ref().map(|s| s.text.clone());
    let en = l.en.as_ref().map(|s| s.text.clone());
    Text {
        zh: zh.clone().or_else(|| en.clone()).unwrap_or_default(),
        en: en.or(zh).unwrap_or_default(),
    }
}

/// Files in the order they are given: stdlib first, then user files (sorted by path).
pub struct SourceRef<'a> {
    pub path: &'a str,
    /// The file's items (only definitions need be given; entities are skipped).
    pub items: &'a [Item],
    pub stdlib: bool,
}

/// Builds the definition table. Two passes: names first (so a schema may refer
/// to an enum declared later or in another file), then types and bodies.
pub fn build(files: &[SourceRef]) -> Defs {
    let mut d = Defs::default();
    let mut seen: BTreeMap<String, Origin> = BTreeMap::new();
    let mut dup = |d: &mut Defs, name: &ast::Name, file: &str, what: &str| {
        let origin = Origin {
            file: file.to_string(),
            span: name.span,
        };
        if let Some(prev) = seen.get(&format!("{what}:{}", name.text)) {
            d.diagnostics.push(
                Diagnostic::error(
                    if what == "rule" {
                        "duplicate-rule-id"
                    } else {
                        "duplicate-definition"
                    },
                    file,
                    name.span,
                    Text::new(
                        format!("`{}` 重复定义", name.text),
                        format!("`{}` is defined more than once", name.text),
                    ),
                )
                .with_label(
                    &prev.file,
                    prev.span,
                    Text::new("首次定义于此", "first defined here"),
                ),
            );
            true
        } else {
            seen.insert(format!("{what}:{}", name.text), origin);
            false
        }
    };

    // Pass 1: names of types.
    for f in files {
        for item in f.items {
            let o = |n: &ast::Name| Origin {
                file: f.path.to_string(),
                span: n.span,
            };
            match &item.kind {
                ItemKind::Schema(s) if !s.extend => {
                    if dup(&mut d, &s.name, f.path, "type") {
                        continue;
                    }
                    if let Some(p) = &s.plural {
                        d.plurals.insert(p.text.clone(), s.name.text.clone());
                    }
                    d.schemas.insert(
                        s.name.text.clone(),
                        Schema {
                            name: s.name.text.clone(),
                            label: text(&s.label),
                            plural: s.plural.as_ref().map(|p| p.text.clone()),
                            fields: BTreeMap::new(),
                            subject_date: None,
                            origin: o(&s.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Enum(e) if !e.extend => {
                    if dup(&mut d, &e.name, f.path, "type") {
                        continue;
                    }
                    d.enums.insert(
                        e.name.text.clone(),
                        EnumDef {
                            name: e.name.text.clone(),
                            label: text(&e.label),
                            members: Vec::new(),
                            origin: o(&e.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Tree(t) => {
                    if dup(&mut d, &t.name, f.path, "type") {
                        continue;
                    }
                    let mut nodes = Vec::new();
                    flatten_tree(&t.nodes, &mut Vec::new(), f.path, &mut nodes);
                    d.trees.insert(
                        t.name.text.clone(),
                        TreeDef {
                            name: t.name.text.clone(),
                            label: text(&t.label),
                            nodes,
                            origin: o(&t.name),
                            doc: item.doc.clone(),
                        },
                    );
                }
                ItemKind::Package(q, _) => {
                    d.packages
                        .entry(q.dotted())
                        .or_default()
                        .push(f.path.to_string());
                }
                _ => {}
            }
        }
    }
    // Pass 2: members, fields, and everything with a body.
    for f in files {
        for item in f.items {
            collect_item(&mut d, &mut dup, f, item);
        }
    }
    for (name, e) in &d.enums {
        for m in &e.members {
            d.member_owners
                .entry(m.name.clone())
                .or_default()
                .push(name.clone());
        }
    }
    d.date_free = date_free_derives(&d);
    d.fact_ids = d
        .date_free
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    d.globals = globals(&d);
    let lowered = crate::hir::lower::lower_defs(&d);
    for (id, body) in lowered.rules {
        if let Some(r) = d.rules.get_mut(&id) {
            r.body = body;
        }
    }
    for (key, body) in lowered.derives {
        if let Some(x) = d.derives.get_mut(&key) {
            x.body = body;
        }
    }
    for (name, body) in lowered.consts {
        if let Some(c) = d.consts.get_mut(&name) {
            c.body = body;
        }
    }
    d.checks = lowered.diagnostics;
    d.plans = lowered.plans;
    d.unless_entity = lowered.unless_entity;
    d
}

/// Derived facts (by name, whatever the kind: fields are read by name) that
/// never read `as_of` or `today`, directly or through other facts or constants, and are
/// not part of a cycle of facts. Their values can be cached across evaluations.
fn date_free_derives(d: &Defs) -> BTreeSet<String> {
    let derive_or_const =
        |n: &str| d.consts.contains_key(n) || d.derives.keys().any(|(_, x)| x == n);
    // What each derive (and constant) reads that is itself a fact or a constant.
    // A field named like a fact of another kind (`d.records` under `flow.records`)
    // counts as a read of that fact: conservative, never wrong.
    let mut reads: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut collect = |name: &str, e: &ast::Expr, own_kind: Option<&str>| {
        let entry = reads.entry(name.to_string()).or_default();
        super::walk(e, &mut |x| match &x.kind {
            ast::ExprKind::Field(base, f) => {
                // `flow.x` inside `derive flow.…` reads this kind's fact `x`.
                let on_self = matches!(&base.kind, ast::ExprKind::Name(n) if Some(n.text.as_str()) == own_kind);
                let other_kind_has_it = d
                    .derives
                    .keys()
                    .any(|(k, x)| *x == f.text && Some(k.as_str()) != own_kind);
                if derive_or_const(&f.text) && (on_self || f.text != name || other_kind_has_it) {
                    entry.insert(f.text.clone());
                }
            }
            // A bare name is never a derived fact (those are read as fields).
            ast::ExprKind::Name(n)
                if n.text == "as_of" || n.text == "today" || d.consts.contains_key(&n.text) =>
            {
                entry.insert(n.text.clone());
            }
            _ => {}
        });
    };
    for ((kind, name), def) in &d.derives {
        collect(name, &def.expr, Some(kind));
    }
    for (name, c) in &d.consts {
        collect(name, &c.expr, None);
    }
    // A fact is dated if it reads `as_of` or a dated fact; fixpoint.
    let mut dated: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = dated.len();
        for (name, r) in &reads {
            if r.contains("as_of") || r.contains("today") || r.iter().any(|x| dated.contains(x)) {
                dated.insert(name.clone());
            }
        }
        if dated.len() == before {
            break;
        }
    }
    // A fact that can reach itself through what it reads is cyclic.
    let reaches_itself = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = reads
            .get(start)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        while let Some(x) = stack.pop() {
            if x == start {
                return true;
            }
            if seen.insert(x.clone()) {
                if let Some(r) = reads.get(x) {
                    stack.extend(r.iter());
                }
            }
        }
        false
    };
    d.derives
        .keys()
        .map(|(_, n)| n.clone())
        .filter(|n| !dated.contains(n) && !reaches_itself(n))
        .collect()
}

type DupFn<'a> = dyn FnMut(&mut Defs, &ast::Name, &str, &str) -> bool + 'a;

fn collect_item(d: &mut Defs, dup: &mut DupFn, f: &SourceRef, item: &Item) {
    let origin = |n: &ast::Name| Origin {
        file: f.path.to_string(),
        span: n.span,
    };
    match &item.kind {
        ItemKind::Enum(e) => {
            if !d.enums.contains_key(&e.name.text) {
                d.diagnostics
                    .push(unknown_to_extend(f.path, &e.name, "enum"));
                return;
            }
            for m in &e.members {
                let fields = field_defs(d, &m.fields, f.path);
                let member = Member {
                    name: m.name.text.clone(),
                    label: text(&m.label),
                    fields,
                    origin: origin(&m.name),
                    doc: m.doc.clone(),
                };
                let en = d.enums.get_mut(&e.name.text).expect("checked above");
                if let Some(prev) = en.members.iter().find(|x| x.name == m.name.text) {
                    let prev = prev.origin.clone();
                    d.diagnostics.push(
                        Diagnostic::error(
                            "duplicate-definition",
                            f.path,
                            m.name.span,
                            Text::new(
                                format!("成员 `{}` 重复", m.name.text),
                                format!("member `{}` is declared twice", m.name.text),
                            ),
                        )
                        .with_label(
                            &prev.file,
                            prev.span,
                            Text::new("首次定义于此", "first defined here"),
                        ),
                    );
                } else {
                    en.members.push(member);
                }
            }
        }
        ItemKind::Schema(s) => {
            if !d.schemas.contains_key(&s.name.text) {
                d.diagnostics
                    .push(unknown_to_extend(f.path, &s.name, "schema"));
                return;
            }
            let fields = field_defs(d, &s.fields, f.path);
            let date_field = s
                .fields
                .iter()
                .find(|x| x.subject_date)
                .map(|x| x.name.text.clone());
            let sc = d.schemas.get_mut(&s.name.text).expect("checked above");
            for (k, v) in fields {
                if let Some(prev) = sc.fields.get(&k) {
                    let prev = prev.origin.clone();
                    d.diagnostics.push(
                        Diagnostic::error(
                            "duplicate-definition",
                            f.path,
                            v.origin.span,
                            Text::new(
                                format!("字段 `{k}` 重复"),
                                format!("field `{k}` is declared twice"),
                            ),
                        )
                        .with_label(
                            &prev.file,
                            prev.span,
                            Text::new("首次定义于此", "first defined here"),
                        ),
                    );
                } else {
                    sc.fields.insert(k, v);
                }
            }
            if date_field.is_some() {
                sc.subject_date = date_field;
            }
        }
        ItemKind::Derive(x) => {
            if !d.schemas.contains_key(&x.subject.text) {
                d.diagnostics.push(unknown_kind(d, f.path, &x.subject));
                return;
            }
            let key = (x.subject.text.clone(), x.name.text.clone());
            if d.derives.contains_key(&key) || d.field(&x.subject.text, &x.name.text).is_some() {
                dup(d, &x.name, f.path, &format!("derive-{}", x.subject.text));
                if d.derives.contains_key(&key) {
                    return;
                }
            }
            dup(d, &x.name, f.path, &format!("derive-{}", x.subject.text));
            d.derives.insert(
                key,
                DeriveDef {
                    subject: x.subject.text.clone(),
                    name: x.name.text.clone(),
                    label: text(&x.label),
                    expr: x.expr.clone(),
                    body: hir::Expr::Lit(Value::None),
                    origin: origin(&x.name),
                    doc: item.doc.clone(),
                },
            );
        }
        ItemKind::Const(c) => {
            if dup(d, &c.name, f.path, "const") {
                return;
            }
            d.consts.insert(
                c.name.text.clone(),
                ConstDef {
                    name: c.name.text.clone(),
                    label: text(&c.label),
                    expr: c.expr.clone(),
                    body: hir::Expr::Lit(Value::None),
                    origin: origin(&c.name),
                    doc: item.doc.clone(),
                },
            );
        }
        ItemKind::Calendar(c) => collect_calendar(d, f.path, c),
        ItemKind::Rule(r) => {
            if dup(d, &r.id, f.path, "rule") {
                return;
            }
            if let Some(rule) = rule_def(d, f, item, r) {
                d.rules.insert(rule.id.clone(), rule);
            }
        }
        ItemKind::Test(t) => d.tests.push(TestDef {
            file: f.path.to_string(),
            decl: t.clone(),
            span: item.span,
        }),
        _ => {}
    }
}

fn unknown_to_extend(file: &str, name: &ast::Name, what: &str) -> Diagnostic {
    Diagnostic::error(
        "unknown-name",
        file,
        name.span,
        Text::new(
            format!("没有可扩展的 {what} `{}`", name.text),
            format!("there is no {what} `{}` to extend", name.text),
        ),
    )
}

pub fn unknown_kind(d: &Defs, file: &str, name: &ast::Name) -> Diagnostic {
    let diag = Diagnostic::error(
        "unknown-kind",
        file,
        name.span,
        Text::new(
            format!("未知的声明种类 `{}`", name.text),
            format!("unknown kind of declaration `{}`", name.text),
        ),
    );
    diag.did_you_mean(super::suggest(&name.text, d.schemas.keys().map(|s| s.as_str())).as_deref())
}

fn flatten_tree(
    nodes: &[ast::TreeNode],
    prefix: &mut Vec<String>,
    file: &str,
    out: &mut Vec<TreeNodeDef>,
) {
    for n in nodes {
        prefix.push(n.name.text.clone());
        out.push(TreeNodeDef {
            path: prefix.clone(),
            label: text(&n.label),
            origin: Origin {
                file: file.to_string(),
                span: n.name.span,
            },
            doc: n.doc.clone(),
        });
        // Depth is bounded by the parser's nesting limit.
        flatten_tree(&n.children, prefix, file, out);
        prefix.pop();
    }
}

fn field_defs(d: &mut Defs, fields: &[ast::SchemaField], file: &str) -> BTreeMap<String, FieldDef> {
    let mut out = BTreeMap::new();
    for f in fields {
        let ty = match d.resolve_type(&f.ty) {
            Some(t) => t,
            None => {
                let mut diag = Diagnostic::error(
                    "unknown-type",
                    file,
                    f.ty.span(),
                    Text::new(
                        format!("字段 `{}` 的类型未知", f.name.text),
                        format!("unknown type for field `{}`", f.name.text),
                    ),
                );
                if let ast::TypeExpr::Named(n) = &f.ty {
                    let mut names: Vec<&str> = vec!["int", "bool", "string", "date", "duration"];
                    names.extend(d.enums.keys().map(|s| s.as_str()));
                    names.extend(d.trees.keys().map(|s| s.as_str()));
                    names.extend(d.schemas.keys().map(|s| s.as_str()));
                    diag = diag.did_you_mean(super::suggest(&n.text, names.into_iter()).as_deref());
                }
                d.diagnostics.push(diag);
                Ty::Any
            }
        };
        out.insert(
            f.name.text.clone(),
            FieldDef {
                name: f.name.text.clone(),
                ty,
                required: f.required,
                deciding: f.deciding,
                default: f.default.clone(),
                label: text(&f.label),
                doc: f.doc.clone(),
                origin: Origin {
                    file: file.to_string(),
                    span: f.name.span,
                },
            },
        );
    }
    out
}

fn collect_calendar(d: &mut Defs, file: &str, c: &ast::CalendarDecl) {
    for f in &c.body.fields {
        let list = match &f.value.kind {
            ast::ValueKind::List(l) => l,
            _ => {
                d.diagnostics.push(Diagnostic::error(
                    "type-mismatch",
                    file,
                    f.value.span,
                    Text::new(
                        "日历字段应为日期列表",
                        "a calendar field takes a list of dates",
                    ),
                ));
                continue;
            }
        };
        let target = match f.name.text.as_str() {
            "holidays" => &mut d.calendar.holidays,
            "workdays" => &mut d.calendar.workdays,
            _ => {
                d.diagnostics.push(Diagnostic::error(
                    "unknown-field",
                    file,
                    f.name.span,
                    Text::new(
                        format!("日历没有字段 `{}`（可用：holidays、workdays）", f.name.text),
                        format!(
                            "a calendar has no field `{}` (use holidays or workdays)",
                            f.name.text
                        ),
                    ),
                ));
                continue;
            }
        };
        for v in list {
            match &v.kind {
                ast::ValueKind::Date(x) => {
                    target.insert(*x);
                }
                ast::ValueKind::Range(a, b) => {
                    let mut x = *a;
                    // A range longer than a year is a typo, not a holiday.
                    let mut guard = 0;
                    while x <= *b && guard < 366 {
                        target.insert(x);
                        x = match x.tomorrow() {
                            Ok(n) => n,
                            Err(_) => break,
                        };
                        guard += 1;
                    }
                    if guard >= 366 {
                        d.diagnostics.push(Diagnostic::error(
                            "invalid-range",
                            file,
                            v.span,
                            Text::new("假期区间超过一年", "a holiday range longer than a year"),
                        ));
                    }
                }
                _ => d.diagnostics.push(Diagnostic::error(
                    "type-mismatch",
                    file,
                    v.span,
                    Text::new("应为日期或日期区间", "expected a date or a date range"),
                )),
            }
        }
    }
}

fn rule_def(d: &mut Defs, f: &SourceRef, item: &Item, r: &ast::RuleDecl) -> Option<RuleDef> {
    for s in &r.repeated {
        d.diagnostics.push(Diagnostic::error(
            "duplicate-clause",
            f.path,
            *s,
            Text::new(
                "该子句在规则中重复出现",
                "this clause appears twice in the rule",
            ),
        ));
    }
    let severity = match &r.severity {
        Some(n) => match Severity::parse(&n.text) {
            Some(s) => s,
            None => {
                d.diagnostics.push(Diagnostic::error(
                    "unknown-name",
                    f.path,
                    n.span,
                    Text::new(
                        format!(
                            "未知严重级别 `{}`（可用：error、warning、info、hint）",
                            n.text
                        ),
                        format!(
                            "unknown severity `{}` (use error, warning, info or hint)",
                            n.text
                        ),
                    ),
                ));
                Severity::Error
            }
        },
        None => Severity::Error,
    };
    if let (Some((e, _)), Some((u, us))) = (&r.effective, &r.until) {
        if u < e {
            d.diagnostics.push(Diagnostic::error(
                "invalid-range",
                f.path,
                *us,
                Text::new(
                    "失效日期早于生效日期",
                    "the rule ends before it takes effect",
                ),
            ));
        }
    }
    if r.cites.is_empty() {
        d.diagnostics.push(Diagnostic::new(
            "missing-citation",
            Severity::Warning,
            f.path,
            r.id.span,
            Text::new(
                "规则没有引用法条（cite）",
                "the rule cites no article (cite)",
            ),
        ));
    }
    let subject = match &r.subject {
        Some(s) => {
            if !d.schemas.contains_key(&s.text) {
                d.diagnostics.push(unknown_kind(d, f.path, s));
                return None;
            }
            s.text.clone()
        }
        None => match infer_subject(d, r) {
            Some(s) => s,
            None => {
                d.diagnostics.push(Diagnostic::error(
                    "missing-field",
                    f.path,
                    r.id.span,
                    Text::new(
                        "无法确定规则适用的对象，请添加 `for 种类`",
                        "cannot tell what the rule applies to: add `for <kind>`",
                    ),
                ));
                return None;
            }
        },
    };
    let message = r.message.as_ref().map(|m| {
        let zh =
            m.zh.as_ref()
                .map(|x| template(f.path, x, &mut d.diagnostics))
                .unwrap_or_default();
        let en =
            m.en.as_ref()
                .map(|x| template(f.path, x, &mut d.diagnostics))
                .unwrap_or_else(|| zh.clone());
        (zh, en)
    });
    let path = f.path;
    let fix_title = r.fix.as_ref().map(|f| {
        let zh = f
            .label
            .zh
            .as_ref()
            .map(|x| template(path, x, &mut d.diagnostics))
            .unwrap_or_default();
        let en = f
            .label
            .en
            .as_ref()
            .map(|x| template(path, x, &mut d.diagnostics))
            .unwrap_or_else(|| zh.clone());
        (zh, en)
    });
    Some(RuleDef {
        message,
        fix_title,
        body: hir::RuleBody::default(),
        id: r.id.text.clone(),
        title: text(&r.title),
        cites: r.cites.iter().map(text).collect(),
        penalties: r
            .penalties
            .iter()
            .map(|p| Penalty {
                citation: text(&p.cite),
                text: text(&p.text),
                confirmed: !p.unconfirmed,
            })
            .collect(),
        effective: r.effective.map(|x| x.0),
        until: r.until.map(|x| x.0),
        severity,
        subject,
        decl: r.clone(),
        origin: Origin {
            file: f.path.to_string(),
            span: r.id.span,
        },
        doc: item.doc.clone(),
        stdlib: f.stdlib,
    })
}

/// The subject of a rule without `for`: the one entity kind its conditions name.
fn infer_subject(d: &Defs, r: &ast::RuleDecl) -> Option<String> {
    let mut kinds = BTreeSet::new();
    let mut visit = |e: &ast::Expr| {
        super::walk(e, &mut |x| {
            if let ast::ExprKind::Name(n) = &x.kind {
                if d.schemas.contains_key(&n.text) {
                    kinds.insert(n.text.clone());
                }
            }
        })
    };
    for e in r
        .when
        .iter()
        .chain(r.require.iter())
        .chain(r.lets.iter().map(|(_, e)| e))
    {
        visit(e);
    }
    if kinds.len() == 1 {
        kinds.into_iter().next()
    } else {
        None
    }
}
