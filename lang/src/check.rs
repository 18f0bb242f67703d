//! Static checks of the expressions in rules, derived facts and constants:
//! unknown names, unknown fields of entities, unknown functions and wrong
//! arities — each with a "did you mean" where one is close.

use crate::diag::{Diagnostic, Text};
use crate::eval::calendar::BUILTINS;
use crate::model::defs::Defs;
use crate::model::suggest;
use crate::model::types::Ty;
use crate::syntax::ast::{Expr, ExprKind};
use std::collections::BTreeSet;

pub fn check_defs(defs: &Defs, entity_names: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in defs.rules.values() {
        let mut cx = Cx {
            defs,
            entities: entity_names,
            file: &r.origin.file,
            scope: Vec::new(),
            diags: &mut out,
        };
        cx.scope
            .push((r.subject.clone(), Ty::Entity(r.subject.clone())));
        for (n, e) in &r.decl.lets {
            let t = cx.infer(e);
            cx.scope.push((n.text.clone(), t));
        }
        for e in r.decl.when.iter().chain(r.decl.require.iter()) {
            cx.infer(e);
        }
        if let Some(o) = &r.decl.obligation {
            cx.infer(&o.due);
        }
        if let Some(fix) = &r.decl.fix {
            cx.infer(&fix.value);
            let parts = &fix.target.parts;
            let field = if parts.len() == 2 && parts[0].text == r.subject {
                Some(&parts[1])
            } else if parts.len() == 1 {
                Some(&parts[0])
            } else {
                None
            };
            match field {
                Some(f) if defs.field(&r.subject, &f.text).is_some() => {}
                Some(f) => cx.unknown_field(&r.subject, f),
                None => cx.diags.push(Diagnostic::error(
                    "unknown-field",
                    cx.file,
                    fix.target.span,
                    Text::new(
                        format!("修复只能设置 {} 的字段", r.subject),
                        format!("a fix sets a field of the {}", r.subject),
                    ),
                )),
            }
        }
        for (zh, en) in r.message.iter().chain(r.fix_title.iter()) {
            for part in zh.iter().chain(en.iter()) {
                if let crate::model::defs::Part::Expr(e) = part {
                    cx.infer(e);
                }
            }
        }
        if let Some(at) = &r.decl.at {
            let parts = &at.parts;
            let field = if parts.len() >= 2 && parts[0].text == r.subject {
                &parts[1]
            } else {
                &parts[0]
            };
            if defs.field(&r.subject, &field.text).is_none()
                && !defs
                    .derives
                    .contains_key(&(r.subject.clone(), field.text.clone()))
            {
                cx.unknown_field(&r.subject, field);
            }
        }
    }
    for d in defs.derives.values() {
        let mut cx = Cx {
            defs,
            entities: entity_names,
            file: &d.origin.file,
            scope: Vec::new(),
            diags: &mut out,
        };
        cx.scope
            .push((d.subject.clone(), Ty::Entity(d.subject.clone())));
        cx.infer(&d.expr);
    }
    for c in defs.consts.values() {
        let mut cx = Cx {
            defs,
            entities: entity_names,
            file: &c.origin.file,
            scope: Vec::new(),
            diags: &mut out,
        };
        cx.infer(&c.expr);
    }
    out
}

struct Cx<'a> {
    defs: &'a Defs,
    entities: &'a BTreeSet<String>,
    file: &'a str,
    scope: Vec<(String, Ty)>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    fn unknown_field(&mut self, kind: &str, f: &crate::syntax::ast::Name) {
        let mut names: Vec<&str> = Vec::new();
        if let Some(s) = self.defs.schemas.get(kind) {
            names.extend(s.fields.keys().map(|k| k.as_str()));
        }
        names.extend(
            self.defs
                .derives
                .keys()
                .filter(|(k, _)| k == kind)
                .map(|(_, n)| n.as_str()),
        );
        let mut d = Diagnostic::error(
            "unknown-field",
            self.file,
            f.span,
            Text::new(
                format!("{kind} 没有字段或派生事实 `{}`", f.text),
                format!("{kind} has no field or derived fact `{}`", f.text),
            ),
        );
        d = d.did_you_mean(suggest(&f.text, names.into_iter()).as_deref());
        self.diags.push(d);
    }

    fn field_ty(&mut self, base: &Ty, f: &crate::syntax::ast::Name) -> Ty {
        match base {
            Ty::Entity(kind) => {
                if let Some(fd) = self.defs.field(kind, &f.text) {
                    return fd.ty.clone();
                }
                if self
                    .defs
                    .derives
                    .contains_key(&(kind.clone(), f.text.clone()))
                {
                    return Ty::Any;
                }
                self.unknown_field(kind, f);
                Ty::Any
            }
            Ty::List(inner) => match self.field_ty(inner, f) {
                Ty::List(t) => Ty::List(t),
                Ty::Any => Ty::Any,
                t => Ty::List(Box::new(t)),
            },
            Ty::Record(fields) => fields.get(&f.text).cloned().unwrap_or(Ty::Any),
            Ty::Enum(e) => {
                let en = &self.defs.enums[e];
                en.members
                    .iter()
                    .find_map(|m| m.fields.get(&f.text))
                    .map(|fd| fd.ty.clone())
                    .unwrap_or(Ty::Any)
            }
            Ty::Tree(t) => Ty::Tree(t.clone()),
            _ => Ty::Any,
        }
    }

    fn infer(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Int(_) => Ty::Int,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Date(_) => Ty::Date,
            ExprKind::Duration(..) => Ty::Duration,
            ExprKind::None | ExprKind::Error => Ty::Any,
            ExprKind::Name(n) => self.name(n),
            ExprKind::Field(base, f) => {
                if let ExprKind::Name(n) = &base.kind {
                    if !self.scope.iter().any(|(s, _)| *s == n.text) {
                        if let Some(en) = self.defs.enums.get(&n.text) {
                            if en.member(&f.text).is_none() {
                                let mut d = Diagnostic::error(
                                    "unknown-name",
                                    self.file,
                                    f.span,
                                    Text::new(
                                        format!("`{}` 不是 {} 的取值", f.text, n.text),
                                        format!("`{}` is not a value of {}", f.text, n.text),
                                    ),
                                );
                                let close =
                                    suggest(&f.text, en.members.iter().map(|m| m.name.as_str()));
                                d = d.did_you_mean(close.as_deref());
                                self.diags.push(d);
                            }
                            return Ty::Enum(n.text.clone());
                        }
                    }
                }
                if let Some(segments) = crate::eval::dotted(e) {
                    let root = segments[0];
                    let free = !self.scope.iter().any(|(s, _)| s == root)
                        && !self.defs.globals.contains_key(root)
                        && !self.entities.contains(root);
                    if free
                        && self
                            .defs
                            .packages
                            .keys()
                            .any(|p| p.split('.').next() == Some(root))
                    {
                        return match self.defs.qualified(&segments) {
                            Some(_) => Ty::Any,
                            None => {
                                self.diags.push(Diagnostic::error(
                                    "unknown-name",
                                    self.file,
                                    e.span,
                                    Text::new(
                                        format!("包中没有 `{}`", segments.join(".")),
                                        format!("no `{}` in that package", segments.join(".")),
                                    ),
                                ));
                                Ty::Any
                            }
                        };
                    }
                }
                let b = self.infer(base);
                self.field_ty(&b, f)
            }
            ExprKind::List(items) => {
                let mut t = Ty::Any;
                for i in items {
                    t = self.infer(i);
                }
                Ty::List(Box::new(t))
            }
            ExprKind::Not(x) => {
                self.infer(x);
                Ty::Bool
            }
            ExprKind::Neg(x) => {
                self.infer(x);
                Ty::Int
            }
            ExprKind::Binary(op, a, b) => {
                let ta = self.infer(a);
                let tb = self.infer(b);
                use crate::syntax::ast::BinOp::*;
                match op {
                    Add | Sub => match (&ta, &tb) {
                        (Ty::Date, _) => Ty::Date,
                        (Ty::Int, Ty::Int) => Ty::Int,
                        _ => Ty::Any,
                    },
                    Mul | Div => Ty::Int,
                    _ => Ty::Bool,
                }
            }
            ExprKind::If(c, t, f) => {
                self.infer(c);
                let tt = self.infer(t);
                self.infer(f);
                tt
            }
            ExprKind::Call(n, args) => {
                for a in args {
                    self.infer(a);
                }
                match BUILTINS.iter().find(|(b, _, _)| *b == n.text) {
                    Some((_, arity, sig)) if *arity != args.len() => {
                        self.diags.push(Diagnostic::error(
                            "wrong-arity",
                            self.file,
                            e.span,
                            Text::new(
                                format!("参数个数不对：{sig}"),
                                format!("wrong number of arguments: {sig}"),
                            ),
                        ));
                        Ty::Any
                    }
                    Some(_) => match n.text.as_str() {
                        "year" | "len" | "days_between" => Ty::Int,
                        "start_of_year" | "end_of_year" | "date" | "add_working_days" => Ty::Date,
                        "exists" | "starts_with" | "is_working_day" => Ty::Bool,
                        _ => Ty::Any,
                    },
                    None => {
                        let mut d = Diagnostic::error(
                            "unknown-name",
                            self.file,
                            n.span,
                            Text::new(
                                format!("未知函数 `{}`", n.text),
                                format!("unknown function `{}`", n.text),
                            ),
                        );
                        d = d.did_you_mean(
                            suggest(&n.text, BUILTINS.iter().map(|(b, _, _)| *b)).as_deref(),
                        );
                        self.diags.push(d);
                        Ty::Any
                    }
                }
            }
            ExprKind::Aggregate(agg) => {
                let src = self.infer(&agg.source);
                let elem = match src {
                    Ty::List(t) => *t,
                    _ => Ty::Any,
                };
                self.scope.push((agg.var.text.clone(), elem.clone()));
                if let Some(f) = &agg.filter {
                    self.infer(f);
                }
                let v = agg.value.as_ref().map(|x| self.infer(x));
                self.scope.pop();
                use crate::syntax::ast::AggKind::*;
                match agg.kind {
                    Sum | Count => Ty::Int,
                    Any | All => Ty::Bool,
                    Min | Max => v.unwrap_or(elem),
                    Filter => Ty::List(Box::new(elem)),
                    Map => Ty::List(Box::new(v.unwrap_or(Ty::Any))),
                }
            }
        }
    }

    fn name(&mut self, n: &crate::syntax::ast::Name) -> Ty {
        if let Some((_, t)) = self.scope.iter().rev().find(|(s, _)| *s == n.text) {
            return t.clone();
        }
        if n.text == "as_of" {
            return Ty::Date;
        }
        let d = self.defs;
        if d.consts.contains_key(&n.text) {
            return Ty::Any;
        }
        if let Some(k) = d.plurals.get(&n.text) {
            return Ty::List(Box::new(Ty::Entity(k.clone())));
        }
        if d.enums.contains_key(&n.text) {
            return Ty::List(Box::new(Ty::Enum(n.text.clone())));
        }
        for t in d.trees.values() {
            if t.nodes
                .iter()
                .any(|x| x.path.len() == 1 && x.path[0] == n.text)
            {
                return Ty::Tree(t.name.clone());
            }
        }
        if let Some(owners) = d.member_owners.get(&n.text) {
            if owners.len() == 1 {
                return Ty::Enum(owners[0].clone());
            }
            self.diags.push(Diagnostic::error(
                "ambiguous-name",
                self.file,
                n.span,
                Text::new(
                    format!(
                        "`{}` 同时是 {} 的取值，请写成 `枚举.{}`",
                        n.text,
                        owners.join("、"),
                        n.text
                    ),
                    format!(
                        "`{}` is a value of {}: write `<enum>.{}`",
                        n.text,
                        owners.join(" and "),
                        n.text
                    ),
                ),
            ));
            return Ty::Any;
        }
        if self.entities.contains(&n.text) {
            return Ty::Any;
        }
        let mut candidates: Vec<&str> = d.all_names();
        candidates.extend(self.scope.iter().map(|(s, _)| s.as_str()));
        let mut diag = Diagnostic::error(
            "unknown-name",
            self.file,
            n.span,
            Text::new(
                format!("未知名称 `{}`", n.text),
                format!("unknown name `{}`", n.text),
            ),
        );
        diag = diag.did_you_mean(suggest(&n.text, candidates.into_iter()).as_deref());
        self.diags.push(diag);
        Ty::Any
    }
}
