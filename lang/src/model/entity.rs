//! Entities (parties, datasets, flows, …): the index of their names, and each
//! one lowered against its schema into typed values, with the checks that
//! lowering does (unknown field, wrong type, unknown reference, missing field).

use super::defs::Defs;
use super::suggest;
use super::types::Ty;
use super::unknown::{FactSet, Unknown};
use super::value::Value;
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast::{self, Span};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where each entity is declared: name → kind, file and item position. It holds
/// no spans inside bodies, so it stays equal while a body is edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityIndex {
    pub by_name: BTreeMap<String, EntityLoc>,
    /// Kind → names, sorted.
    pub by_kind: BTreeMap<String, Vec<Arc<str>>>,
    /// File path → names of the entities declared there, sorted.
    pub by_file: BTreeMap<String, Vec<String>>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityLoc {
    pub kind: String,
    pub file: String,
    /// Position of the file in the workspace's file list.
    pub file_index: usize,
    pub item: usize,
}

impl EntityIndex {
    /// Indexes the entities of the given files (the caller passes them in a
    /// fixed order; a name declared twice keeps its first declaration).
    pub fn build<'a>(files: impl Iterator<Item = (&'a str, &'a ast::SourceAst)>) -> EntityIndex {
        let mut idx = EntityIndex::default();
        let mut first_span: BTreeMap<String, (String, Span)> = BTreeMap::new();
        for (file_index, (path, ast)) in files.enumerate() {
            for (i, item) in ast.items.iter().enumerate() {
                if let ast::ItemKind::Entity(e) = &item.kind {
                    if let Some((pf, ps)) = first_span.get(&e.name.text) {
                        idx.diagnostics.push(
                            Diagnostic::error(
                                "duplicate-definition",
                                path,
                                e.name.span,
                                Text::new(
                                    format!("`{}` 重复定义", e.name.text),
                                    format!("`{}` is defined more than once", e.name.text),
                                ),
                            )
                            .with_label(
                                pf,
                                *ps,
                                Text::new("首次定义于此", "first defined here"),
                            ),
                        );
                        continue;
                    }
                    first_span.insert(e.name.text.clone(), (path.to_string(), e.name.span));
                    idx.by_name.insert(
                        e.name.text.clone(),
                        EntityLoc {
                            kind: e.kind.text.clone(),
                            file: path.to_string(),
                            file_index,
                            item: i,
                        },
                    );
                    idx.by_kind
                        .entry(e.kind.text.clone())
                        .or_default()
                        .push(Arc::from(e.name.text.as_str()));
                }
            }
        }
        for (name, loc) in &idx.by_name {
            idx.by_file
                .entry(loc.file.clone())
                .or_default()
                .push(name.clone());
        }
        for v in idx.by_kind.values_mut() {
            v.sort();
        }
        idx
    }
}

/// A lowered field: its value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldData {
    pub value: Value,
    /// The whole `name = value` span.
    pub span: Span,
    pub value_span: Span,
}

/// A field as read: written in the entity, or the schema's default (at the
/// entity's name, as a field not written has no span of its own).
#[derive(Clone, Copy, Debug)]
pub struct FieldRef<'a> {
    pub value: &'a Value,
    pub span: Span,
    pub value_span: Span,
}

/// A kind's fields numbered in name order, with the defaults every entity of
/// the kind shares: a default is lowered once per definition set, not stored
/// in each entity. A default whose lowering reports something or reads an
/// entity is not shared (each entity lowers its own, as it reports per entity).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct KindFields {
    ids: rustc_hash::FxHashMap<String, u32>,
    names: Vec<String>,
    defaults: Vec<Option<Value>>,
}

impl KindFields {
    pub fn build(defs: &Defs, kind: &str) -> KindFields {
        let Some(schema) = defs.schemas.get(kind) else {
            return KindFields::default();
        };
        let names: Vec<String> = schema.fields.keys().cloned().collect();
        let ids = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        let defaults = schema
            .fields
            .iter()
            .map(|(k, f)| {
                let def = f.default.as_ref()?;
                let mut cx = Cx {
                    defs,
                    names: &NoNames,
                    file: "",
                    diags: Vec::new(),
                    entity: "",
                    field: k.clone(),
                    depth: 0,
                    misspelt: Vec::new(),
                };
                let v = cx.value(&f.ty, def);
                (cx.diags.is_empty() && !reads_entity_or_unknown(&v)).then_some(v)
            })
            .collect();
        KindFields {
            ids,
            names,
            defaults,
        }
    }

    pub fn id(&self, field: &str) -> Option<u32> {
        self.ids.get(field).copied()
    }

    /// The shared default of a field, if it has one.
    fn default_of(&self, id: u32) -> Option<&Value> {
        self.defaults.get(id as usize)?.as_ref()
    }
}

/// A value that names an entity or is unknown depends on the entity lowering
/// it (the names in the workspace, the fact it is): not shared.
fn reads_entity_or_unknown(v: &Value) -> bool {
    match v {
        Value::Entity(_) | Value::Unknown(_) => true,
        Value::List(items) => items.iter().any(reads_entity_or_unknown),
        Value::Record(r) => r.values().any(reads_entity_or_unknown),
        Value::Member {
            fields: Some(f), ..
        } => f.values().any(reads_entity_or_unknown),
        _ => false,
    }
}

/// Knows no entity: for lowering schema defaults apart from any workspace.
struct NoNames;

impl Names for NoNames {
    fn kind_of(&self, _: &str) -> Option<String> {
        None
    }
    fn near<'a>(&'a self, _: &str, _: &str) -> Vec<&'a str> {
        Vec::new()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityData {
    pub kind: String,
    pub name: String,
    pub label: Text,
    pub file: String,
    pub name_span: Span,
    pub item_span: Span,
    /// The kind's field table (and shared defaults).
    pub table: Arc<KindFields>,
    /// The fields this entity holds itself, by field id, sorted.
    fields: Vec<(u32, FieldData)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl EntityData {
    /// A field by name: written, or lowered for this entity, or the kind's
    /// shared default.
    pub fn get(&self, field: &str) -> Option<FieldRef<'_>> {
        self.get_id(self.table.id(field)?)
    }

    pub fn get_id(&self, id: u32) -> Option<FieldRef<'_>> {
        match self.fields.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => {
                let f = &self.fields[at].1;
                Some(FieldRef {
                    value: &f.value,
                    span: f.span,
                    value_span: f.value_span,
                })
            }
            Err(_) => self.table.default_of(id).map(|value| FieldRef {
                value,
                span: self.name_span,
                value_span: self.name_span,
            }),
        }
    }

    /// Every field with a value, in name order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldRef<'_>)> {
        (0..self.table.names.len() as u32).filter_map(move |id| {
            let f = self.get_id(id)?;
            Some((self.table.names[id as usize].as_str(), f))
        })
    }

    /// Sets a field of the schema (tests that make a fact unknown).
    pub fn set(&mut self, field: &str, data: FieldData) {
        let Some(id) = self.table.id(field) else {
            return;
        };
        match self.fields.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => self.fields[at].1 = data,
            Err(at) => self.fields.insert(at, (id, data)),
        }
    }
}

/// Looks up entity names and kinds while lowering (the workspace index, or a
/// test's own entities).
pub trait Names {
    fn kind_of(&self, name: &str) -> Option<String>;
    /// The names of `kind` a "did you mean" for the unknown `wrong` compares
    /// against.
    fn near<'a>(&'a self, wrong: &str, kind: &str) -> Vec<&'a str>;
}

/// An unknown reference is compared with the names of the kind it expects,
/// at most this many on each side of it in name order (those sharing its
/// longest prefixes; every name of a smaller workspace), so that each costs
/// the same however many entities there are — with every name compared, a
/// workspace of unknown references was quadratic (a resource bound, like the
/// input limits; a misspelt first letter may then go without a suggestion).
const NEAR_NAMES: usize = 2048;

impl Names for EntityIndex {
    fn kind_of(&self, name: &str) -> Option<String> {
        self.by_name.get(name).map(|l| l.kind.clone())
    }
    fn near<'a>(&'a self, wrong: &str, kind: &str) -> Vec<&'a str> {
        let Some(names) = self.by_kind.get(kind) else {
            return Vec::new();
        };
        // Sorted by name: a window around where `wrong` would be.
        let at = names.partition_point(|n| &**n < wrong);
        let from = at.saturating_sub(NEAR_NAMES);
        let to = (at + NEAR_NAMES).min(names.len());
        names[from..to].iter().map(|n| &**n).collect()
    }
}

/// Lowers an entity against its kind's schema, building the kind's field
/// table on the spot (tests and one-off lowerings).
pub fn lower_entity(
    defs: &Defs,
    names: &dyn Names,
    file: &str,
    item: &ast::Item,
    e: &ast::EntityDecl,
) -> EntityData {
    let table = Arc::new(KindFields::build(defs, &e.kind.text));
    lower_entity_with(defs, table, names, file, item, e)
}

/// Lowers an entity with its kind's field table (`KindFields::build` of the
/// same definitions).
pub fn lower_entity_with(
    defs: &Defs,
    table: Arc<KindFields>,
    names: &dyn Names,
    file: &str,
    item: &ast::Item,
    e: &ast::EntityDecl,
) -> EntityData {
    let mut cx = Cx {
        defs,
        names,
        file,
        diags: Vec::new(),
        entity: &e.name.text,
        field: String::new(),
        depth: 0,
        misspelt: Vec::new(),
    };
    let mut fields = BTreeMap::new();
    let label = {
        let zh = e.label.zh.as_ref().map(|s| s.text.clone());
        let en = e.label.en.as_ref().map(|s| s.text.clone());
        Text {
            zh: zh.clone().or(en.clone()).unwrap_or_default(),
            en: en.or(zh).unwrap_or_default(),
        }
    };
    match defs.schemas.get(&e.kind.text) {
        None => cx
            .diags
            .push(super::defs::unknown_kind(defs, file, &e.kind)),
        Some(schema) => {
            let tys: BTreeMap<String, Ty> = schema
                .fields
                .iter()
                .map(|(k, f)| (k.clone(), f.ty.clone()))
                .collect();
            let lowered = cx.record(&tys, &e.body, &format!("{} `{}`", e.kind.text, e.name.text));
            for (k, (v, span, vspan)) in lowered {
                fields.insert(
                    k,
                    FieldData {
                        value: v,
                        span,
                        value_span: vspan,
                    },
                );
            }
            // A field written under a misspelt name is not absent but broken:
            // what reads it concludes nothing (the misspelling is reported).
            for k in std::mem::take(&mut cx.misspelt) {
                let value = Value::Unknown(Unknown::of(FactSet::invalid(&e.name.text, &k)));
                fields.entry(k).or_insert(FieldData {
                    value,
                    span: e.name.span,
                    value_span: e.name.span,
                });
            }
            for (id, (k, f)) in schema.fields.iter().enumerate() {
                if fields.contains_key(k) || table.default_of(id as u32).is_some() {
                    continue;
                }
                if let Some(def) = &f.default {
                    cx.field = k.clone();
                    let v = cx.value(&f.ty, def);
                    fields.insert(
                        k.clone(),
                        FieldData {
                            value: v,
                            span: e.name.span,
                            value_span: e.name.span,
                        },
                    );
                } else if f.deciding || f.required {
                    // Absent: unknown (a deciding fact), or an input error (a
                    // required one). Numbers declared are never negative.
                    let facts = if f.required {
                        FactSet::invalid(&e.name.text, k)
                    } else {
                        FactSet::one(&e.name.text, k)
                    };
                    let u = match f.ty {
                        Ty::Int => Unknown::count(facts),
                        _ => Unknown::of(facts),
                    };
                    fields.insert(
                        k.clone(),
                        FieldData {
                            value: Value::Unknown(u),
                            span: e.name.span,
                            value_span: e.name.span,
                        },
                    );
                }
                if f.required && f.default.is_none() {
                    cx.diags.push(Diagnostic::error(
                        "missing-field",
                        file,
                        e.name.span,
                        Text::new(
                            format!("{} `{}` 缺少必填字段 `{}`", e.kind.text, e.name.text, k),
                            format!(
                                "{} `{}` is missing the required field `{}`",
                                e.kind.text, e.name.text, k
                            ),
                        ),
                    ));
                }
            }
        }
    }
    let fields = fields
        .into_iter()
        .filter_map(|(k, f)| Some((table.id(&k)?, f)))
        .collect();
    EntityData {
        kind: e.kind.text.clone(),
        name: e.name.text.clone(),
        label,
        file: file.to_string(),
        name_span: e.name.span,
        item_span: item.span,
        table,
        fields,
        diagnostics: cx.diags,
    }
}

struct Cx<'a> {
    defs: &'a Defs,
    names: &'a dyn Names,
    file: &'a str,
    diags: Vec<Diagnostic>,
    /// The entity being lowered, and the field of it whose value is being read
    /// (an input error anywhere in the value makes that fact invalid).
    entity: &'a str,
    field: String,
    depth: usize,
    /// Fields an unknown field name was probably meant to be.
    misspelt: Vec<String>,
}

type Lowered = BTreeMap<String, (Value, Span, Span)>;

impl Cx<'_> {
    fn record(&mut self, tys: &BTreeMap<String, Ty>, r: &ast::Record, owner: &str) -> Lowered {
        let mut out = Lowered::new();
        let top = self.depth == 0;
        self.depth += 1;
        for f in &r.fields {
            if top {
                self.field = f.name.text.clone();
            }
            let Some(ty) = tys.get(&f.name.text) else {
                let mut d = Diagnostic::error(
                    "unknown-field",
                    self.file,
                    f.name.span,
                    Text::new(
                        format!("{owner} 没有字段 `{}`", f.name.text),
                        format!("{owner} has no field `{}`", f.name.text),
                    ),
                );
                if let Some(s) = suggest(&f.name.text, tys.keys().map(|k| k.as_str())) {
                    if top {
                        self.misspelt.push(s.clone());
                    }
                    d = d.did_you_mean(Some(&s));
                    d = d.with_fix(crate::diag::Fix {
                        title: Text::new(format!("改为 `{s}`"), format!("change to `{s}`")),
                        edits: vec![crate::diag::Edit {
                            location: crate::diag::Location {
                                file: self.file.to_string(),
                                span: f.name.span,
                            },
                            new_text: s,
                        }],
                    });
                }
                self.diags.push(d);
                continue;
            };
            if out.contains_key(&f.name.text) {
                self.diags.push(Diagnostic::error(
                    "duplicate-definition",
                    self.file,
                    f.name.span,
                    Text::new(
                        format!("字段 `{}` 重复", f.name.text),
                        format!("field `{}` is given twice", f.name.text),
                    ),
                ));
                continue;
            }
            let v = self.value(ty, &f.value);
            out.insert(f.name.text.clone(), (v, f.span, f.value.span));
        }
        self.depth -= 1;
        out
    }

    /// The value of a fact declared with an input error (already reported).
    fn invalid(&self) -> Value {
        Value::Unknown(Unknown::of(FactSet::invalid(self.entity, &self.field)))
    }

    fn mismatch(&mut self, ty: &Ty, v: &ast::Value) -> Value {
        let what = match &v.kind {
            ast::ValueKind::Int(_) => "a number",
            ast::ValueKind::Bool(_) => "true/false",
            ast::ValueKind::Str(_) => "a text",
            ast::ValueKind::Date(_) => "a date",
            ast::ValueKind::DateTime(_) => "a date-time",
            ast::ValueKind::Duration(..) => "a duration",
            ast::ValueKind::Range(..) => "a date range",
            ast::ValueKind::List(_) => "a list",
            ast::ValueKind::Record(_) => "a record",
            ast::ValueKind::Variant(..) => "a value with fields",
            ast::ValueKind::Path(_) => "a name",
            _ => "this value",
        };
        self.diags.push(Diagnostic::error(
            "type-mismatch",
            self.file,
            v.span,
            Text::new(
                format!("类型不符：应为 {}", ty.display()),
                format!("wrong type: expected {}, found {what}", ty.display()),
            ),
        ));
        self.invalid()
    }

    fn value(&mut self, ty: &Ty, v: &ast::Value) -> Value {
        use ast::ValueKind as K;
        match (&v.kind, ty) {
            (K::Error, _) => self.invalid(),
            (K::None, _) => Value::None,
            (K::Int(n), Ty::Int | Ty::Any) => Value::Int(*n),
            (K::Bool(b), Ty::Bool | Ty::Any) => Value::Bool(*b),
            (K::Str(s), Ty::Str | Ty::Any) => Value::Str(Arc::from(s.as_str())),
            (K::Date(d), Ty::Date | Ty::Any) => Value::Date(*d),
            (K::DateTime(t), Ty::DateTime | Ty::Any) => Value::DateTime(*t),
            (K::Duration(n, u), Ty::Duration | Ty::Any) => Value::Duration(*n, *u),
            (K::Range(a, b), Ty::Any) => Value::Range(*a, *b),
            (K::List(items), Ty::List(inner)) => {
                Value::list(items.iter().map(|x| self.value(inner, x)).collect())
            }
            (K::List(items), Ty::Any) => {
                Value::list(items.iter().map(|x| self.value(&Ty::Any, x)).collect())
            }
            (K::Record(r), Ty::Record(tys)) => {
                let l = self.record(tys, r, "record");
                Value::Record(Arc::new(
                    l.into_iter().map(|(k, (v, _, _))| (k, v)).collect(),
                ))
            }
            (K::Path(q), Ty::Enum(e))
                if q.parts.len() == 1 || (q.parts.len() == 2 && q.parts[0].text == *e) =>
            {
                let m = q.parts.last().expect("non-empty path");
                self.member(e, m, None, v.span)
            }
            (K::Variant(q, m, r), Ty::Enum(e)) if q.as_ref().is_none_or(|q| q.text == *e) => {
                self.member(e, m, Some(r), v.span)
            }
            (K::Path(q), Ty::Tree(t)) => {
                let path: Vec<String> = q.parts.iter().map(|p| p.text.clone()).collect();
                // A field typed by a tree the definitions lack (reported there): no value.
                let Some(tree) = self.defs.trees.get(t) else {
                    return self.mismatch(ty, v);
                };
                match tree.resolve(&path) {
                    Some(n) => Value::Node {
                        tree: Arc::from(t.as_str()),
                        path: Arc::from(n.path.clone()),
                    },
                    None => {
                        let mut d = Diagnostic::error(
                            "unknown-name",
                            self.file,
                            v.span,
                            Text::new(
                                format!("`{}` 不是 {t} 中的类别", q.dotted()),
                                format!("`{}` is not a category of {t}", q.dotted()),
                            ),
                        );
                        let all: Vec<String> =
                            tree.nodes.iter().map(|n| n.path.join(".")).collect();
                        d = d.did_you_mean(
                            suggest(&q.dotted(), all.iter().map(|s| s.as_str())).as_deref(),
                        );
                        self.diags.push(d);
                        self.invalid()
                    }
                }
            }
            (K::Path(q), Ty::Entity(kind)) if q.parts.len() == 1 => {
                let n = &q.parts[0];
                match self.names.kind_of(&n.text) {
                    Some(k) if k == *kind => Value::Entity(Arc::from(n.text.as_str())),
                    Some(k) => {
                        self.diags.push(Diagnostic::error(
                            "type-mismatch",
                            self.file,
                            n.span,
                            Text::new(
                                format!("`{}` 是 {k}，此处应为 {kind}", n.text),
                                format!("`{}` is a {k}, expected a {kind}", n.text),
                            ),
                        ));
                        self.invalid()
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "unknown-reference",
                            self.file,
                            n.span,
                            Text::new(
                                format!("未找到 {kind} `{}`", n.text),
                                format!("no {kind} named `{}`", n.text),
                            ),
                        );
                        let names = self.names.near(&n.text, kind);
                        d = d.did_you_mean(suggest(&n.text, names.into_iter()).as_deref());
                        self.diags.push(d);
                        self.invalid()
                    }
                }
            }
            _ => self.mismatch(ty, v),
        }
    }

    fn member(
        &mut self,
        e: &str,
        m: &ast::Name,
        fields: Option<&ast::Record>,
        span: Span,
    ) -> Value {
        let Some(en) = self.defs.enums.get(e) else {
            return Value::None;
        };
        let Some(member) = en.member(&m.text) else {
            let mut d = Diagnostic::error(
                "unknown-name",
                self.file,
                m.span,
                Text::new(
                    format!("`{}` 不是 {e} 的取值", m.text),
                    format!("`{}` is not a value of {e}", m.text),
                ),
            );
            let close = suggest(&m.text, en.members.iter().map(|x| x.name.as_str()));
            if close.is_some() {
                d = d.did_you_mean(close.as_deref());
            } else {
                let all: Vec<&str> = en
                    .members
                    .iter()
                    .map(|x| x.name.as_str())
                    .take(12)
                    .collect();
                d = d.with_note(Text::new(
                    format!("可用取值：{}", all.join("、")),
                    format!("values: {}", all.join(", ")),
                ));
            }
            self.diags.push(d);
            return self.invalid();
        };
        let fields = match fields {
            None => None,
            Some(r) => {
                let tys: BTreeMap<String, Ty> = member
                    .fields
                    .iter()
                    .map(|(k, f)| (k.clone(), f.ty.clone()))
                    .collect();
                let l = self.record(&tys, r, &m.text);
                Some(Arc::new(
                    l.into_iter()
                        .map(|(k, (v, _, _))| (k, v))
                        .collect::<BTreeMap<_, _>>(),
                ))
            }
        };
        let _ = span;
        Value::Member {
            ty: Arc::from(e),
            name: Arc::from(m.text.as_str()),
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::defs::{self, SourceRef};
    use crate::syntax::ast::ItemKind;

    fn index_of(n: usize) -> EntityIndex {
        let names: Vec<Arc<str>> = (0..n).map(|i| Arc::from(format!("d{i:07}"))).collect();
        let flows: Vec<Arc<str>> = (0..n).map(|i| Arc::from(format!("f{i:07}"))).collect();
        EntityIndex {
            by_name: BTreeMap::new(),
            by_kind: BTreeMap::from([("dataset".into(), names), ("flow".into(), flows)]),
            by_file: BTreeMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// A misspelt name is compared with every name of the expected kind in a
    /// small workspace, and in a large one only with those beside it in name
    /// order (a bounded cost), which still hold the one that differs in its
    /// last letter.
    #[test]
    fn an_unknown_name_is_compared_with_a_bounded_neighbourhood() {
        let small = index_of(100);
        assert_eq!(small.near("zzz", "dataset").len(), 100);
        assert!(small
            .near("d0000001", "flow")
            .iter()
            .all(|n| n.starts_with('f')));
        let large = index_of(200_000);
        let near = large.near("d012345x", "dataset");
        assert!(near.len() <= 2 * NEAR_NAMES, "{}", near.len());
        assert!(near.contains(&"d0123450"));
        assert!(near.windows(2).all(|w| w[0] < w[1]), "in name order");
        assert!(crate::model::suggest("d012345x", near.into_iter()).is_some());
    }

    /// Defaults are read from the kind's table, not stored in each entity;
    /// fields written, and the unknowns of deciding fields left out, are.
    #[test]
    fn defaults_come_from_the_kind_table() {
        let src = r#"
schema party as parties {
  ciio: bool = false
  persons: int deciding
  name: string
  grade: int = 3
}
party a { name = "A" }
party b { name = "B"  grade = 4 }
"#;
        let parsed = crate::syntax::parse("t.hegui", src);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let defs = defs::build(&[SourceRef {
            path: "t.hegui",
            items: &parsed.ast.items,
            stdlib: false,
        }]);
        let index = EntityIndex::build(std::iter::once(("t.hegui", &parsed.ast)));
        let table = Arc::new(KindFields::build(&defs, "party"));
        let lowered: Vec<EntityData> = parsed
            .ast
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Entity(e) => Some(lower_entity_with(
                    &defs,
                    table.clone(),
                    &index,
                    "t.hegui",
                    item,
                    e,
                )),
                _ => None,
            })
            .collect();
        let [a, b] = &lowered[..] else {
            panic!("two entities");
        };
        // `a` stores its name and the unknown `persons`; the defaults are shared.
        assert_eq!(a.fields.len(), 2);
        assert_eq!(a.get("ciio").map(|f| f.value), Some(&Value::Bool(false)));
        assert_eq!(a.get("grade").map(|f| f.value), Some(&Value::Int(3)));
        assert_eq!(a.get("grade").map(|f| f.span), Some(a.name_span));
        assert!(a.get("persons").is_some_and(|f| f.value.is_unknown()));
        assert_eq!(b.get("grade").map(|f| f.value), Some(&Value::Int(4)));
        assert_ne!(b.get("grade").map(|f| f.span), Some(b.name_span));
        assert!(a.get("nope").is_none());
        // Iteration in name order, defaults included.
        let names: Vec<&str> = a.fields().map(|(n, _)| n).collect();
        assert_eq!(names, ["ciio", "grade", "name", "persons"]);
    }

    /// Values stay small: a `Value` is copied at every field read.
    #[test]
    fn value_size() {
        assert!(std::mem::size_of::<Value>() <= 48);
    }
}
