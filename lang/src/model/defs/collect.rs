//! Pass 2 of the build: each item's members, fields and bodies into the table,
//! with the diagnostics of what does not fit (duplicates, unknown names and types).

use super::build::{text, SourceRef};
use super::calendar::collect_calendar;
use super::rule::rule_def;
use super::{ConstDef, Defs, DeriveDef, Member, Origin, TestDef, TreeNodeDef};
use crate::diag::{Diagnostic, Text};
use crate::hir;
use crate::model::types::{FieldDef, Ty};
use crate::model::Value;
use crate::syntax::ast::{self, Item, ItemKind};
use std::collections::BTreeMap;

type DupFn<'a> = dyn FnMut(&mut Defs, &ast::Name, &str, &str) -> bool + 'a;

pub(super) fn collect_item(d: &mut Defs, dup: &mut DupFn, f: &SourceRef, item: &Item) {
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
    diag.did_you_mean(
        crate::model::suggest(&name.text, d.schemas.keys().map(|s| s.as_str())).as_deref(),
    )
}

pub(super) fn flatten_tree(
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
                    diag = diag
                        .did_you_mean(crate::model::suggest(&n.text, names.into_iter()).as_deref());
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
