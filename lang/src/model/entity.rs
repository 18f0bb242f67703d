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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityData {
    pub kind: String,
    pub name: String,
    pub label: Text,
    pub file: String,
    pub name_span: Span,
    pub item_span: Span,
    pub fields: BTreeMap<String, FieldData>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Looks up entity names and kinds while lowering (the workspace index, or a
/// test's own entities).
pub trait Names {
    fn kind_of(&self, name: &str) -> Option<String>;
    fn names(&self) -> Vec<String>;
}

impl Names for EntityIndex {
    fn kind_of(&self, name: &str) -> Option<String> {
        self.by_name.get(name).map(|l| l.kind.clone())
    }
    fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }
}

pub fn lower_entity(
    defs: &Defs,
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
            for (k, f) in &schema.fields {
                if fields.contains_key(k) {
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
    EntityData {
        kind: e.kind.text.clone(),
        name: e.name.text.clone(),
        label,
        file: file.to_string(),
        name_span: e.name.span,
        item_span: item.span,
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
                        let names = self.names.names();
                        d = d.did_you_mean(
                            suggest(&n.text, names.iter().map(|s| s.as_str())).as_deref(),
                        );
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
