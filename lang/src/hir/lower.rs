//! The one resolution pass. Every expression of the definitions — rules
//! (`let`, `when`, `require`, obligations, fixes, message holes), derived facts
//! and constants — is resolved once into `hir::Expr`, and the checker's
//! diagnostics (unknown names, fields and functions, wrong arity, ambiguous
//! members) come out of the same walk. Names an entity could answer are not
//! decided here: they become `Expr::Entity`, and their "unknown name"
//! diagnostics are kept apart, to be dropped for names the workspace declares.

use super::expr::{Aggregate, Builtin, Expr};
use super::names::{Names, Occurrence, Target};
use super::{Part, RuleBody};
use crate::diag::{Diagnostic, Text};
use crate::eval::calendar::BUILTINS;
use crate::model::defs::{Defs, Global};
use crate::model::suggest;
use crate::model::types::Ty;
use crate::model::Value;
use crate::syntax::ast::{self, AggKind, BinOp, ExprKind, Unit};
use std::sync::Arc;

/// What the pass produces for a definition table.
#[derive(Default)]
pub struct Lowered {
    pub rules: Vec<(String, RuleBody)>,
    pub derives: Vec<((String, String), Expr)>,
    pub consts: Vec<(String, Expr)>,
    pub diagnostics: Vec<Diagnostic>,
    /// "Unknown name" diagnostics, each with the name: void if an entity has it.
    pub unless_entity: Vec<(String, Diagnostic)>,
    /// The prefix-sum plans chosen, numbered.
    pub plans: crate::eval::plan::Plans,
    /// What each name written in an expression resolved to, per file.
    pub names: Names,
}

pub fn lower_defs(defs: &Defs) -> Lowered {
    let mut out = Lowered::default();
    for r in defs.rules.values() {
        let mut cx = Cx::new(defs, &r.origin.file, &mut out);
        cx.scope
            .push((r.subject.clone(), Ty::Entity(r.subject.clone())));
        let mut body = RuleBody::default();
        for (n, e) in &r.decl.lets {
            let (t, x) = cx.lower(e);
            cx.scope.push((n.text.clone(), t));
            body.lets.push((n.text.clone(), x));
        }
        body.when = r.decl.when.as_ref().map(|e| cx.lower(e).1);
        body.require = r.decl.require.as_ref().map(|e| cx.lower(e).1);
        body.due = r.decl.obligation.as_ref().map(|o| cx.lower(&o.due).1);
        if let Some(fix) = &r.decl.fix {
            body.fix_value = Some(cx.lower(&fix.value).1);
            let parts = &fix.target.parts;
            let field = if parts.len() == 2 && parts[0].text == r.subject {
                Some(&parts[1])
            } else if parts.len() == 1 {
                Some(&parts[0])
            } else {
                None
            };
            if parts.len() == 2 && parts[0].text == r.subject {
                cx.mark(parts[0].span, Target::Kind(r.subject.clone()));
            }
            match field {
                Some(f) if defs.field(&r.subject, &f.text).is_some() => {
                    let t = Target::Field {
                        kind: r.subject.clone(),
                        field: f.text.clone(),
                    };
                    cx.mark(f.span, t);
                }
                Some(f) => cx.unknown_field(&r.subject, f),
                None => cx.out.diagnostics.push(Diagnostic::error(
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
        // A hole's offsets are approximate after an escape: its names are not
        // recorded, so a rename never edits inside a message.
        cx.record = false;
        let template = |cx: &mut Cx, t: &crate::model::defs::Template| -> Vec<Part> {
            t.iter()
                .map(|p| match p {
                    crate::model::defs::Part::Text(s) => Part::Text(s.clone()),
                    crate::model::defs::Part::Expr(e) => Part::Expr(cx.lower(e).1),
                })
                .collect()
        };
        body.message = r
            .message
            .as_ref()
            .map(|(zh, en)| (template(&mut cx, zh), template(&mut cx, en)));
        body.fix_title = r
            .fix_title
            .as_ref()
            .map(|(zh, en)| (template(&mut cx, zh), template(&mut cx, en)));
        cx.record = true;
        if let Some(at) = &r.decl.at {
            let parts = &at.parts;
            let field = if parts.len() >= 2 && parts[0].text == r.subject {
                &parts[1]
            } else {
                &parts[0]
            };
            if parts.len() >= 2 && parts[0].text == r.subject {
                cx.mark(parts[0].span, Target::Kind(r.subject.clone()));
            }
            if !cx.member_of(&r.subject, field) {
                cx.unknown_field(&r.subject, field);
            }
        }
        out.rules.push((r.id.clone(), body));
    }
    for (key, d) in &defs.derives {
        let mut cx = Cx::new(defs, &d.origin.file, &mut out);
        cx.scope
            .push((d.subject.clone(), Ty::Entity(d.subject.clone())));
        let x = cx.lower(&d.expr).1;
        out.derives.push((key.clone(), x));
    }
    for (name, c) in &defs.consts {
        let mut cx = Cx::new(defs, &c.origin.file, &mut out);
        let x = cx.lower(&c.expr).1;
        out.consts.push((name.clone(), x));
    }
    out
}

/// Resolves one expression with the given locals in scope (slots in order),
/// with its diagnostics (for tests that evaluate a fragment).
#[cfg(test)]
pub fn lower_expr(
    defs: &Defs,
    file: &str,
    locals: &[(&str, Ty)],
    e: &ast::Expr,
) -> (Expr, Vec<Diagnostic>) {
    let mut out = Lowered::default();
    let mut cx = Cx::new(defs, file, &mut out);
    cx.record = false;
    cx.scope = locals
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let x = cx.lower(e).1;
    let mut diags = out.diagnostics;
    diags.extend(out.unless_entity.into_iter().map(|(_, d)| d));
    (x, diags)
}

struct Cx<'a> {
    defs: &'a Defs,
    file: &'a str,
    /// Locals in scope: a local's slot is its position here.
    scope: Vec<(String, Ty)>,
    out: &'a mut Lowered,
    /// Whether resolved names are recorded in `out.names`.
    record: bool,
}

impl<'a> Cx<'a> {
    fn new(defs: &'a Defs, file: &'a str, out: &'a mut Lowered) -> Cx<'a> {
        Cx {
            defs,
            file,
            scope: Vec::new(),
            out,
            record: true,
        }
    }

    /// Records what the name at `span` resolved to.
    fn mark(&mut self, span: ast::Span, target: Target) {
        if self.record {
            let v = self.out.names.entry(self.file.to_string()).or_default();
            v.push(Occurrence {
                span,
                target,
                decl: false,
            });
        }
    }

    /// Whether `f` is a field or derived fact of `kind`; records it if so.
    fn member_of(&mut self, kind: &str, f: &ast::Name) -> bool {
        let target = if self.defs.field(kind, &f.text).is_some() {
            Target::Field {
                kind: kind.to_string(),
                field: f.text.clone(),
            }
        } else if self
            .defs
            .derives
            .contains_key(&(kind.to_string(), f.text.clone()))
        {
            Target::Derive {
                kind: kind.to_string(),
                name: f.text.clone(),
            }
        } else {
            return false;
        };
        self.mark(f.span, target);
        true
    }

    fn local(&self, name: &str) -> Option<usize> {
        self.scope.iter().rposition(|(s, _)| s == name)
    }

    fn unknown_field(&mut self, kind: &str, f: &ast::Name) {
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
        self.out.diagnostics.push(d);
    }

    fn field_ty(&mut self, base: &Ty, f: &ast::Name) -> Ty {
        match base {
            Ty::Entity(kind) => {
                if !self.member_of(kind, f) {
                    self.unknown_field(kind, f);
                }
                self.defs
                    .field(kind, &f.text)
                    .map_or(Ty::Any, |fd| fd.ty.clone())
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

    /// What a global name means to the evaluator (constants first, then
    /// collections, enumerations, root categories, unique members), else an
    /// entity looked up by name.
    fn global(&self, name: &str) -> Expr {
        match self.defs.globals.get(name) {
            Some(Global::Value(v)) => Expr::Lit(v.clone()),
            Some(Global::Collection(k)) => Expr::Collection(Arc::from(k.as_str())),
            Some(Global::Const) => Expr::Const(Arc::from(name)),
            None => Expr::Entity(Arc::from(name)),
        }
    }

    fn lower(&mut self, e: &ast::Expr) -> (Ty, Expr) {
        match &e.kind {
            ExprKind::Int(n) => (Ty::Int, Expr::Lit(Value::Int(*n))),
            ExprKind::Bool(b) => (Ty::Bool, Expr::Lit(Value::Bool(*b))),
            ExprKind::Str(s) => (Ty::Str, Expr::Lit(Value::Str(Arc::from(s.as_str())))),
            ExprKind::Date(d) => (Ty::Date, Expr::Lit(Value::Date(*d))),
            ExprKind::DateTime(t) => (Ty::DateTime, Expr::Lit(Value::DateTime(*t))),
            ExprKind::Duration(n, u) => (Ty::Duration, Expr::Lit(Value::Duration(*n, *u))),
            ExprKind::None | ExprKind::Error => (Ty::Any, Expr::Lit(Value::None)),
            ExprKind::Name(n) => self.name(n),
            ExprKind::Field(base, f) => self.field(e, base, f),
            ExprKind::List(items) => {
                let mut t = Ty::Any;
                let mut xs = Vec::with_capacity(items.len());
                for i in items {
                    let (ti, x) = self.lower(i);
                    t = ti;
                    xs.push(x);
                }
                (Ty::List(Box::new(t)), Expr::List(xs))
            }
            ExprKind::Not(x) => (Ty::Bool, Expr::Not(Box::new(self.lower(x).1))),
            ExprKind::Neg(x) => (Ty::Int, Expr::Neg(Box::new(self.lower(x).1))),
            ExprKind::Binary(op, a, b) => {
                let (ta, xa) = self.lower(a);
                let (tb, xb) = self.lower(b);
                self.check_times(e, *op, (&ta, a), (&tb, b));
                use BinOp::*;
                let t = match op {
                    Add | Sub => match (&ta, &tb) {
                        (Ty::Date, _) => Ty::Date,
                        (Ty::DateTime, _) | (Ty::Duration, Ty::DateTime) => Ty::DateTime,
                        (Ty::Int, Ty::Int) => Ty::Int,
                        _ => Ty::Any,
                    },
                    Mul | Div => Ty::Int,
                    _ => Ty::Bool,
                };
                (t, Expr::Binary(*op, Box::new(xa), Box::new(xb)))
            }
            ExprKind::If(c, t, f) => {
                let c = self.lower(c).1;
                let (tt, t) = self.lower(t);
                let f = self.lower(f).1;
                (tt, Expr::If(Box::new(c), Box::new(t), Box::new(f)))
            }
            ExprKind::Call(n, args) => self.call(e, n, args),
            ExprKind::Aggregate(agg) => self.aggregate(agg),
        }
    }

    /// Dates and date-times do not mix: a date has no time of day, so `date <
    /// datetime`, `date + 4 hours` and `datetime + 2 working_days` are type
    /// errors (`date_of(t)` gives a date-time's date), and the difference of
    /// two date-times is `hours_between(a, b)`.
    fn check_times(
        &mut self,
        e: &ast::Expr,
        op: BinOp,
        a: (&Ty, &ast::Expr),
        b: (&Ty, &ast::Expr),
    ) {
        use BinOp::*;
        let unit = |x: &ast::Expr| match x.kind {
            ExprKind::Duration(_, u) => Some(u),
            _ => None,
        };
        let (ta, tb) = (a.0, b.0);
        let mixed = matches!(
            (ta, tb),
            (Ty::Date, Ty::DateTime) | (Ty::DateTime, Ty::Date)
        );
        let why = match op {
            Eq | Ne | Lt | Le | Gt | Ge | Sub if mixed => Some(Text::new(
                "日期与日期时间不能混用：用 date_of(时间) 取其日期",
                "a date and a date-time do not mix: use date_of(t) for a date-time's date",
            )),
            Sub if (ta, tb) == (&Ty::DateTime, &Ty::DateTime) => Some(Text::new(
                "两个日期时间之差用 hours_between(a, b)",
                "the time between two date-times is hours_between(a, b)",
            )),
            Add | Sub
                if (matches!(ta, Ty::Date) && unit(b.1) == Some(Unit::Hours))
                    || (op == Add && matches!(tb, Ty::Date) && unit(a.1) == Some(Unit::Hours)) =>
            {
                Some(Text::new(
                    "日期没有时刻，不能加减小时：请使用日期时间",
                    "a date has no time of day: add hours to a date-time",
                ))
            }
            Add | Sub
                if (matches!(ta, Ty::DateTime) && unit(b.1) == Some(Unit::WorkingDays))
                    || (op == Add
                        && matches!(tb, Ty::DateTime)
                        && unit(a.1) == Some(Unit::WorkingDays)) =>
            {
                Some(Text::new(
                    "工作日只能加在日期上：用 add_working_days(date_of(时间), n)",
                    "working days count on dates: use add_working_days(date_of(t), n)",
                ))
            }
            _ => None,
        };
        if let Some(why) = why {
            self.out
                .diagnostics
                .push(Diagnostic::error("type-mismatch", self.file, e.span, why));
        }
    }

    fn field(&mut self, e: &ast::Expr, base: &ast::Expr, f: &ast::Name) -> (Ty, Expr) {
        // `purpose.research`: a member named through its enumeration.
        if let ExprKind::Name(n) = &base.kind {
            if self.local(&n.text).is_none() {
                if let Some(en) = self.defs.enums.get(&n.text) {
                    self.mark(n.span, Target::Enum(en.name.clone()));
                    if en.member(&f.text).is_some() {
                        let t = Target::Member {
                            ty: en.name.clone(),
                            member: f.text.clone(),
                        };
                        self.mark(f.span, t);
                    }
                    let v = match en.member(&f.text) {
                        Some(m) => Value::Member {
                            ty: Arc::from(en.name.as_str()),
                            name: Arc::from(m.name.as_str()),
                            fields: None,
                        },
                        None => {
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
                            self.out.diagnostics.push(d);
                            Value::None
                        }
                    };
                    return (Ty::Enum(n.text.clone()), Expr::Lit(v));
                }
            }
        }
        // `std.cac.million`: a global qualified by its package, when the root
        // means nothing else.
        if let Some(segments) = dotted(e) {
            let root = segments[0];
            let free = self.local(root).is_none()
                && !self.defs.globals.contains_key(root)
                && root != "as_of"
                && root != "today";
            if free
                && self
                    .defs
                    .packages
                    .keys()
                    .any(|p| p.split('.').next() == Some(root))
            {
                if let Some(name) = self.defs.qualified(&segments) {
                    return (Ty::Any, self.global(name));
                }
                let d = Diagnostic::error(
                    "unknown-name",
                    self.file,
                    e.span,
                    Text::new(
                        format!("包中没有 `{}`", segments.join(".")),
                        format!("no `{}` in that package", segments.join(".")),
                    ),
                );
                self.out.unless_entity.push((root.to_string(), d));
                // Read as fields of an entity of that name, if one exists.
                let mut x = Expr::Entity(Arc::from(root));
                for s in &segments[1..] {
                    x = Expr::Field {
                        base: Box::new(x),
                        field: Arc::from(*s),
                        subject: false,
                    };
                }
                return (Ty::Any, x);
            }
        }
        let (bt, b) = self.lower(base);
        let t = self.field_ty(&bt, f);
        // `health.genetic`: a category written by its path from a root.
        if let (Ty::Tree(tree), Some(path)) = (&bt, dotted(e)) {
            let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
            let found = self.local(&path[0]).is_none()
                && self
                    .defs
                    .trees
                    .get(tree)
                    .and_then(|t| t.node(&path))
                    .is_some();
            if found {
                let t = Target::Node {
                    tree: tree.clone(),
                    path,
                };
                self.mark(f.span, t);
            }
        }
        let subject = matches!(
            (&base.kind, &bt),
            (ExprKind::Name(n), Ty::Entity(k)) if n.text == *k && self.local(&n.text).is_some()
        );
        (
            t,
            Expr::Field {
                base: Box::new(b),
                field: Arc::from(f.text.as_str()),
                subject,
            },
        )
    }

    fn call(&mut self, e: &ast::Expr, n: &ast::Name, args: &[ast::Expr]) -> (Ty, Expr) {
        let xs: Vec<Expr> = args.iter().map(|a| self.lower(a).1).collect();
        let b = Builtin::from_name(&n.text);
        let t = match BUILTINS.iter().find(|(b, _, _)| *b == n.text) {
            Some((_, arity, sig)) if *arity != args.len() => {
                self.out.diagnostics.push(Diagnostic::error(
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
                "year" | "len" | "days_between" | "hours_between" => Ty::Int,
                "start_of_year" | "end_of_year" | "date" | "add_working_days" | "date_of" => {
                    Ty::Date
                }
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
                d = d
                    .did_you_mean(suggest(&n.text, BUILTINS.iter().map(|(b, _, _)| *b)).as_deref());
                self.out.diagnostics.push(d);
                Ty::Any
            }
        };
        (t, Expr::Call(b, xs))
    }

    fn aggregate(&mut self, agg: &ast::Aggregate) -> (Ty, Expr) {
        let (src_ty, source) = self.lower(&agg.source);
        let elem = match src_ty {
            Ty::List(t) => *t,
            _ => Ty::Any,
        };
        let slot = self.scope.len() as u32;
        self.scope.push((agg.var.text.clone(), elem.clone()));
        let filter = agg.filter.as_ref().map(|f| self.lower(f).1);
        let value = agg.value.as_ref().map(|x| self.lower(x));
        self.scope.pop();
        let (vt, value) = match value {
            Some((t, x)) => (Some(t), Some(x)),
            None => (None, None),
        };
        use AggKind::*;
        let t = match agg.kind {
            Sum | Count => Ty::Int,
            Any | All => Ty::Bool,
            Min | Max => vt.unwrap_or(elem),
            Filter => Ty::List(Box::new(elem)),
            Map => Ty::List(Box::new(vt.unwrap_or(Ty::Any))),
            Union => match vt {
                Some(Ty::List(t)) => Ty::List(t),
                Some(t) => Ty::List(Box::new(t)),
                None => Ty::List(Box::new(elem)),
            },
        };
        let mut a = Aggregate {
            kind: agg.kind,
            slot,
            source,
            filter,
            value,
            group: None,
            plan: None,
        };
        let mut plan = None;
        if let Expr::Collection(kind) = &a.source {
            let kind = kind.clone();
            a.group = a
                .filter
                .as_ref()
                .and_then(|f| equality_conjunct(f, slot))
                .map(|(field, key)| (field, key.clone()));
            plan = crate::eval::plan::plan(&a, &kind, self.defs);
        } else if matches!(&a.source, Expr::Aggregate(inner) if inner.kind == Union) {
            plan = crate::eval::plan::plan_distinct(&a, self.defs);
        }
        a.plan = plan.map(|mut p| {
            p.key = self.out.plans.register(p.key.clone());
            Arc::new(p)
        });
        (t, Expr::Aggregate(Box::new(a)))
    }

    fn name(&mut self, n: &ast::Name) -> (Ty, Expr) {
        if let Some(i) = self.local(&n.text) {
            return (self.scope[i].1.clone(), Expr::Local(i as u32));
        }
        if n.text == "as_of" {
            return (Ty::Date, Expr::AsOf);
        }
        if n.text == "today" {
            return (Ty::Date, Expr::Today);
        }
        let x = self.global(&n.text);
        let d = self.defs;
        if d.consts.contains_key(&n.text) {
            self.mark(n.span, Target::Const(n.text.clone()));
            return (Ty::Any, x);
        }
        if let Some(k) = d.plurals.get(&n.text) {
            self.mark(n.span, Target::Kind(k.clone()));
            return (Ty::List(Box::new(Ty::Entity(k.clone()))), x);
        }
        if d.enums.contains_key(&n.text) {
            self.mark(n.span, Target::Enum(n.text.clone()));
            return (Ty::List(Box::new(Ty::Enum(n.text.clone()))), x);
        }
        for t in d.trees.values() {
            if t.nodes
                .iter()
                .any(|node| node.path.len() == 1 && node.path[0] == n.text)
            {
                let target = Target::Node {
                    tree: t.name.clone(),
                    path: vec![n.text.clone()],
                };
                self.mark(n.span, target);
                return (Ty::Tree(t.name.clone()), x);
            }
        }
        if let Some(owners) = d.member_owners.get(&n.text) {
            if owners.len() == 1 {
                let target = Target::Member {
                    ty: owners[0].clone(),
                    member: n.text.clone(),
                };
                self.mark(n.span, target);
                return (Ty::Enum(owners[0].clone()), x);
            }
            self.out.diagnostics.push(Diagnostic::error(
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
            return (Ty::Any, x);
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
        self.out.unless_entity.push((n.text.clone(), diag));
        (Ty::Any, x)
    }
}

/// In `x.f == e and …` (or `e == x.f`), with `e` not reading `x`: `(f, e)`.
fn equality_conjunct(filter: &Expr, var: u32) -> Option<(Arc<str>, &Expr)> {
    let mut stack = vec![filter];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Binary(BinOp::And, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Expr::Binary(BinOp::Eq, a, b) => {
                for (l, r) in [(a, b), (b, a)] {
                    if let Expr::Field { base, field, .. } = &**l {
                        if **base == Expr::Local(var) && !super::reads_local(r, var) {
                            return Some((field.clone(), r));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The segments of a dotted path `a.b.c`, or `None` for any other expression.
fn dotted(e: &ast::Expr) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut x = e;
    loop {
        match &x.kind {
            ExprKind::Field(base, f) => {
                out.push(f.text.as_str());
                x = base;
            }
            ExprKind::Name(n) => {
                out.push(n.text.as_str());
                out.reverse();
                return Some(out);
            }
            _ => return None,
        }
    }
}
