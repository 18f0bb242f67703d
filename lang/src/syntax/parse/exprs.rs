//! Expressions: precedence levels, operators, aggregates, calls; bounded depth.

use super::{first, span_of, Lower, Rule, P};
use crate::syntax::ast::*;
use crate::syntax::limits::MAX_EXPR_DEPTH;

impl Lower<'_> {
    /// Lowers an expression; returns it with its depth. Past `MAX_EXPR_DEPTH`
    /// the expression becomes an error node (reported once), so no later pass
    /// can recurse deeper than that.
    pub(super) fn expr<'i>(&mut self, p: P<'i>, depth: usize) -> (Expr, usize) {
        let span = span_of(&p);
        if depth > MAX_EXPR_DEPTH {
            self.too_deep(span);
            return (
                Expr {
                    kind: ExprKind::Error,
                    span,
                },
                0,
            );
        }
        match p.as_rule() {
            Rule::expr | Rule::paren => self.expr(first(p), depth + 1),
            Rule::or_expr | Rule::and_expr | Rule::add_expr | Rule::mul_expr => {
                self.left_assoc(p, depth)
            }
            Rule::not_expr | Rule::unary => {
                let is_not = p.as_rule() == Rule::not_expr;
                let mut ops = 0usize;
                let mut operand = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::not_op | Rule::neg_op => ops += 1,
                        _ => operand = Some(q),
                    }
                }
                let (mut e, mut d) = match operand {
                    Some(o) => self.expr(o, depth + 1),
                    None => (
                        Expr {
                            kind: ExprKind::Error,
                            span,
                        },
                        0,
                    ),
                };
                for _ in 0..ops {
                    d += 1;
                    if d > MAX_EXPR_DEPTH {
                        self.too_deep(span);
                        return (
                            Expr {
                                kind: ExprKind::Error,
                                span,
                            },
                            0,
                        );
                    }
                    let kind = if is_not {
                        ExprKind::Not(Box::new(e))
                    } else {
                        ExprKind::Neg(Box::new(e))
                    };
                    e = Expr { kind, span };
                }
                (e, d)
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let (l, dl) = self.expr(it.next().expect("grammar: operand"), depth + 1);
                match (it.next(), it.next()) {
                    (Some(op), Some(r)) => {
                        let (r, dr) = self.expr(r, depth + 1);
                        let op = binop(first(op).as_rule());
                        (
                            Expr {
                                kind: ExprKind::Binary(op, Box::new(l), Box::new(r)),
                                span,
                            },
                            dl.max(dr) + 1,
                        )
                    }
                    _ => (l, dl),
                }
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let (mut e, mut d) = self.expr(it.next().expect("grammar: primary"), depth + 1);
                for n in it {
                    d += 1;
                    if d > MAX_EXPR_DEPTH {
                        self.too_deep(span);
                        return (
                            Expr {
                                kind: ExprKind::Error,
                                span,
                            },
                            0,
                        );
                    }
                    let name = self.name(n);
                    let fspan = Span::new(e.span.start as usize, name.span.end as usize);
                    e = Expr {
                        kind: ExprKind::Field(Box::new(e), name),
                        span: fspan,
                    };
                }
                (e, d)
            }
            Rule::if_expr => {
                let mut it = p.into_inner();
                let (c, d1) = self.expr(it.next().expect("grammar: if"), depth + 1);
                let (t, d2) = self.expr(it.next().expect("grammar: then"), depth + 1);
                let (e, d3) = self.expr(it.next().expect("grammar: else"), depth + 1);
                (
                    Expr {
                        kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
                        span,
                    },
                    d1.max(d2).max(d3) + 1,
                )
            }
            Rule::aggregate => {
                let mut it = p.into_inner();
                let kind = match it.next().expect("grammar: agg kw").as_str() {
                    "sum" => AggKind::Sum,
                    "count" => AggKind::Count,
                    "any" => AggKind::Any,
                    "all" => AggKind::All,
                    "min" => AggKind::Min,
                    "max" => AggKind::Max,
                    "filter" => AggKind::Filter,
                    "union" => AggKind::Union,
                    _ => AggKind::Map,
                };
                let var = self.name(it.next().expect("grammar: agg var"));
                let (source, mut d) = self.expr(it.next().expect("grammar: agg source"), depth + 1);
                let mut filter = None;
                let mut value = None;
                // `where` and `:` are both optional; tell them apart by the text before.
                for q in it {
                    let before = self.text_before(q.as_span().start()).to_string();
                    let (e, dq) = self.expr(q, depth + 1);
                    d = d.max(dq);
                    if before.ends_with(':') {
                        value = Some(e);
                    } else {
                        filter = Some(e);
                    }
                }
                let agg = Aggregate {
                    kind,
                    var,
                    source,
                    filter,
                    value,
                };
                (
                    Expr {
                        kind: ExprKind::Aggregate(Box::new(agg)),
                        span,
                    },
                    d + 1,
                )
            }
            Rule::call => {
                let mut it = p.into_inner();
                let name = self.name(it.next().expect("grammar: fn name"));
                let mut d = 0;
                let args = it
                    .map(|a| {
                        let (e, da) = self.expr(a, depth + 1);
                        d = d.max(da);
                        e
                    })
                    .collect();
                (
                    Expr {
                        kind: ExprKind::Call(name, args),
                        span,
                    },
                    d + 1,
                )
            }
            Rule::list_expr => {
                let mut d = 0;
                let items = p
                    .into_inner()
                    .map(|a| {
                        let (e, da) = self.expr(a, depth + 1);
                        d = d.max(da);
                        e
                    })
                    .collect();
                (
                    Expr {
                        kind: ExprKind::List(items),
                        span,
                    },
                    d + 1,
                )
            }
            Rule::int => (
                Expr {
                    kind: self.int(&p).map(ExprKind::Int).unwrap_or(ExprKind::Error),
                    span,
                },
                1,
            ),
            Rule::boolean => (
                Expr {
                    kind: ExprKind::Bool(p.as_str() == "true"),
                    span,
                },
                1,
            ),
            Rule::none_lit => (
                Expr {
                    kind: ExprKind::None,
                    span,
                },
                1,
            ),
            Rule::string => {
                let s = self.string(p);
                (
                    Expr {
                        kind: ExprKind::Str(s.text),
                        span,
                    },
                    1,
                )
            }
            Rule::date => (
                Expr {
                    kind: ExprKind::Date(self.date(&p)),
                    span,
                },
                1,
            ),
            Rule::datetime => (
                Expr {
                    kind: self
                        .datetime(&p)
                        .map(ExprKind::DateTime)
                        .unwrap_or(ExprKind::Error),
                    span,
                },
                1,
            ),
            Rule::time_only => {
                self.time_only(&p);
                (
                    Expr {
                        kind: ExprKind::Error,
                        span,
                    },
                    1,
                )
            }
            Rule::duration => {
                let (n, u) = self.duration(p);
                (
                    Expr {
                        kind: n
                            .map(|n| ExprKind::Duration(n, u))
                            .unwrap_or(ExprKind::Error),
                        span,
                    },
                    1,
                )
            }
            Rule::name => (
                Expr {
                    kind: ExprKind::Name(self.name(p)),
                    span,
                },
                1,
            ),
            _ => (
                Expr {
                    kind: ExprKind::Error,
                    span,
                },
                1,
            ),
        }
    }

    pub(super) fn text_before(&self, offset: usize) -> &str {
        // The masked copy and the original have the same byte layout.
        let t = self.text.get(..offset).unwrap_or("");
        t.trim_end()
    }

    pub(super) fn left_assoc<'i>(&mut self, p: P<'i>, depth: usize) -> (Expr, usize) {
        let mut it = p.into_inner();
        let (mut acc, mut d) = self.expr(it.next().expect("grammar: operand"), depth + 1);
        while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
            let op_rule = match op.as_rule() {
                Rule::or_op => Rule::or_op,
                Rule::and_op => Rule::and_op,
                _ => first(op).as_rule(),
            };
            let (r, dr) = self.expr(rhs, depth + 1);
            d = d.max(dr) + 1;
            let span = Span::new(acc.span.start as usize, r.span.end as usize);
            if d > MAX_EXPR_DEPTH {
                self.too_deep(span);
                return (
                    Expr {
                        kind: ExprKind::Error,
                        span,
                    },
                    0,
                );
            }
            acc = Expr {
                kind: ExprKind::Binary(binop(op_rule), Box::new(acc), Box::new(r)),
                span,
            };
        }
        (acc, d)
    }
}

fn binop(r: Rule) -> BinOp {
    match r {
        Rule::or_op => BinOp::Or,
        Rule::and_op => BinOp::And,
        Rule::eq => BinOp::Eq,
        Rule::ne => BinOp::Ne,
        Rule::lt => BinOp::Lt,
        Rule::le => BinOp::Le,
        Rule::gt => BinOp::Gt,
        Rule::ge => BinOp::Ge,
        Rule::in_op => BinOp::In,
        Rule::not_in => BinOp::NotIn,
        Rule::under_op => BinOp::Under,
        Rule::plus => BinOp::Add,
        Rule::minus => BinOp::Sub,
        Rule::times => BinOp::Mul,
        _ => BinOp::Div,
    }
}
