//! The definition table without positions: what the evaluator reads. Every
//! span (of a definition's name, of the expressions and clauses it keeps) is
//! reset, and what only diagnostics and the IDE read (diagnostics, tests,
//! resolved names) is left out, so an edit that only moves text leaves it
//! equal and nothing evaluated over it re-runs. The table with positions is
//! the side table diagnostics and the IDE read (`db::def_positions`).

use super::{Defs, Origin, Part, Template};
use crate::model::types::FieldDef;
use crate::syntax::ast::{self, ExprKind, Span, ValueKind};

pub fn without_positions(d: &Defs) -> Defs {
    let mut d = d.clone();
    for s in d.schemas.values_mut() {
        origin(&mut s.origin);
        s.fields.values_mut().for_each(field);
    }
    for e in d.enums.values_mut() {
        origin(&mut e.origin);
        for m in &mut e.members {
            origin(&mut m.origin);
            m.fields.values_mut().for_each(field);
        }
    }
    for t in d.trees.values_mut() {
        origin(&mut t.origin);
        t.nodes.iter_mut().for_each(|n| origin(&mut n.origin));
    }
    for x in d.derives.values_mut() {
        origin(&mut x.origin);
        expr(&mut x.expr);
    }
    for c in d.consts.values_mut() {
        origin(&mut c.origin);
        expr(&mut c.expr);
    }
    for r in d.rules.values_mut() {
        origin(&mut r.origin);
        rule(&mut r.decl);
        for (zh, en) in [&mut r.message, &mut r.fix_title].into_iter().flatten() {
            template(zh);
            template(en);
        }
    }
    d.tests.clear();
    d.diagnostics.clear();
    d.checks.clear();
    d.unless_entity.clear();
    d.names.clear();
    d
}

fn origin(o: &mut Origin) {
    o.span = Span::default();
}

fn field(f: &mut FieldDef) {
    origin(&mut f.origin);
    if let Some(v) = &mut f.default {
        value(v);
    }
}

fn template(t: &mut Template) {
    for p in t {
        if let Part::Expr(e) = p {
            expr(e);
        }
    }
}

fn name(n: &mut ast::Name) {
    n.span = Span::default();
}

fn qname(q: &mut ast::QName) {
    q.span = Span::default();
    q.parts.iter_mut().for_each(name);
}

fn label(l: &mut ast::Label) {
    for s in [&mut l.zh, &mut l.en].into_iter().flatten() {
        s.span = Span::default();
    }
}

fn dated<T>(d: &mut Option<(T, Span)>) {
    if let Some((_, s)) = d {
        *s = Span::default();
    }
}

fn rule(r: &mut ast::RuleDecl) {
    name(&mut r.id);
    label(&mut r.title);
    r.cites.iter_mut().for_each(label);
    dated(&mut r.effective);
    dated(&mut r.until);
    r.severity.iter_mut().for_each(name);
    r.subject.iter_mut().for_each(name);
    for (n, e) in &mut r.lets {
        name(n);
        expr(e);
    }
    r.when.iter_mut().for_each(expr);
    r.require.iter_mut().for_each(expr);
    r.message.iter_mut().for_each(label);
    if let Some(o) = &mut r.obligation {
        label(&mut o.label);
        expr(&mut o.due);
        o.span = Span::default();
    }
    r.at.iter_mut().for_each(qname);
    if let Some(f) = &mut r.fix {
        qname(&mut f.target);
        expr(&mut f.value);
        label(&mut f.label);
        f.span = Span::default();
    }
    for p in &mut r.penalties {
        label(&mut p.cite);
        label(&mut p.text);
        p.span = Span::default();
    }
    r.repeated.clear();
}

/// Expressions are depth-bounded by the parser, so recursion is.
fn expr(e: &mut ast::Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Name(n) => name(n),
        ExprKind::Field(base, f) => {
            expr(base);
            name(f);
        }
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        ExprKind::Call(f, items) => {
            name(f);
            items.iter_mut().for_each(expr);
        }
        ExprKind::Not(x) | ExprKind::Neg(x) => expr(x),
        ExprKind::Binary(_, a, b) => {
            expr(a);
            expr(b);
        }
        ExprKind::If(a, b, c) => {
            expr(a);
            expr(b);
            expr(c);
        }
        ExprKind::Aggregate(agg) => {
            name(&mut agg.var);
            expr(&mut agg.source);
            agg.filter.iter_mut().for_each(expr);
            agg.value.iter_mut().for_each(expr);
        }
        _ => {}
    }
}

fn value(v: &mut ast::Value) {
    v.span = Span::default();
    match &mut v.kind {
        ValueKind::Path(q) => qname(q),
        ValueKind::List(items) => items.iter_mut().for_each(value),
        ValueKind::Record(r) => record(r),
        ValueKind::Variant(e, m, r) => {
            e.iter_mut().for_each(name);
            name(m);
            record(r);
        }
        _ => {}
    }
}

fn record(r: &mut ast::Record) {
    r.span = Span::default();
    for f in &mut r.fields {
        name(&mut f.name);
        value(&mut f.value);
        f.span = Span::default();
    }
}
