//! Entity declarations and the literal values of their fields.

use super::{first, span_of, Lower, Rule, P};
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast::*;
use crate::syntax::limits::MAX_EXPR_DEPTH;
use jiff::civil::Date;

impl Lower<'_> {
    pub(super) fn entity_decl<'i>(&mut self, p: P<'i>) -> EntityDecl {
        let mut it = p.into_inner().peekable();
        let kind = self.name(it.next().expect("grammar: entity kind"));
        let name = self.name(it.next().expect("grammar: entity name"));
        let label = self.label(&mut it);
        let body = self.record(it.next().expect("grammar: entity body"), 0);
        EntityDecl {
            kind,
            name,
            label,
            body,
        }
    }

    pub(super) fn record<'i>(&mut self, p: P<'i>, depth: usize) -> Record {
        let span = span_of(&p);
        let mut fields = Vec::new();
        for f in p.into_inner() {
            match f.as_rule() {
                Rule::field => {
                    let fspan = span_of(&f);
                    let mut fi = f.into_inner();
                    let name = self.name(fi.next().expect("grammar: field name"));
                    let value = self.value(fi.next().expect("grammar: field value"), depth + 1);
                    fields.push(Field {
                        name,
                        value,
                        span: fspan,
                    });
                }
                _ => self.syntax_error(&f, Rule::strict_field),
            }
        }
        Record { fields, span }
    }

    pub(super) fn value<'i>(&mut self, p: P<'i>, depth: usize) -> Value {
        let span = span_of(&p);
        if depth > MAX_EXPR_DEPTH {
            return Value {
                kind: ValueKind::Error,
                span,
            };
        }
        let v = first(p);
        let kind = match v.as_rule() {
            Rule::int => self.int(&v).map(ValueKind::Int).unwrap_or(ValueKind::Error),
            Rule::boolean => ValueKind::Bool(v.as_str() == "true"),
            Rule::none_lit => ValueKind::None,
            Rule::string => ValueKind::Str(self.string(v).text),
            // An invalid date is an input error, never a date.
            Rule::date => match v.as_str().parse::<Date>() {
                Ok(d) => ValueKind::Date(d),
                Err(_) => {
                    self.date(&v);
                    ValueKind::Error
                }
            },
            Rule::datetime => self
                .datetime(&v)
                .map(ValueKind::DateTime)
                .unwrap_or(ValueKind::Error),
            Rule::time_only => {
                self.time_only(&v);
                ValueKind::Error
            }
            Rule::range => {
                let mut ri = v.into_inner();
                let a = ri.next().expect("grammar: range start");
                let b = ri.next().expect("grammar: range end");
                ValueKind::Range(self.date(&a), self.date(&b))
            }
            Rule::duration => {
                let (n, u) = self.duration(v);
                n.map(|n| ValueKind::Duration(n, u))
                    .unwrap_or(ValueKind::Error)
            }
            Rule::list => {
                ValueKind::List(v.into_inner().map(|x| self.value(x, depth + 1)).collect())
            }
            Rule::record => ValueKind::Record(self.record(v, depth + 1)),
            Rule::variant => {
                let mut vi = v.into_inner();
                let mut q = self.qname(vi.next().expect("grammar: variant name"));
                let r = self.record(vi.next().expect("grammar: variant body"), depth + 1);
                let n = q.parts.pop().expect("a qname has a part");
                if q.parts.len() > 1 {
                    self.diags.push(Diagnostic::error(
                        "syntax",
                        self.path,
                        q.span,
                        Text::new(
                            "应写成 `成员 { … }` 或 `枚举.成员 { … }`",
                            "write `member { … }` or `enum.member { … }`",
                        ),
                    ));
                }
                ValueKind::Variant(q.parts.pop(), n, r)
            }
            Rule::qname => ValueKind::Path(self.qname(v)),
            _ => ValueKind::Error,
        };
        Value { kind, span }
    }
}
