//! The items made of clauses: rules, waivers and tests.

use super::{doc_above, first, span_of, Lower, Rule, P};
use crate::syntax::ast::*;

impl Lower<'_> {
    pub(super) fn rule_decl<'i>(&mut self, p: P<'i>) -> RuleDecl {
        let mut it = p.into_inner();
        let id = self.name(it.next().expect("grammar: rule id"));
        let zh = self.string(it.next().expect("grammar: rule title zh"));
        let en = self.string(it.next().expect("grammar: rule title en"));
        let mut r = RuleDecl {
            id,
            title: Label {
                zh: Some(zh),
                en: Some(en),
            },
            cites: Vec::new(),
            effective: None,
            until: None,
            severity: None,
            subject: None,
            lets: Vec::new(),
            when: None,
            require: None,
            message: None,
            obligation: None,
            at: None,
            fix: None,
            penalties: Vec::new(),
            repeated: Vec::new(),
        };
        for c in it {
            let span = span_of(&c);
            let rule = c.as_rule();
            if rule == Rule::clause_error {
                self.syntax_error(&c, Rule::strict_clause);
                continue;
            }
            let mut ci = c.into_inner().peekable();
            let once = |slot_filled: bool, rep: &mut Vec<Span>| {
                if slot_filled {
                    rep.push(span)
                }
            };
            match rule {
                Rule::cite => {
                    let l = self.label(&mut ci);
                    r.cites.push(l);
                }
                Rule::effective => {
                    once(r.effective.is_some(), &mut r.repeated);
                    let d = ci.next().expect("grammar: date");
                    r.effective = Some((self.date(&d), span_of(&d)));
                    if let Some(u) = ci.next() {
                        once(r.until.is_some(), &mut r.repeated);
                        r.until = Some((self.date(&u), span_of(&u)));
                    }
                }
                Rule::until => {
                    once(r.until.is_some(), &mut r.repeated);
                    let d = ci.next().expect("grammar: date");
                    r.until = Some((self.date(&d), span_of(&d)));
                }
                Rule::severity => {
                    once(r.severity.is_some(), &mut r.repeated);
                    r.severity = Some(self.name(ci.next().expect("grammar: severity")));
                }
                Rule::for_clause => {
                    once(r.subject.is_some(), &mut r.repeated);
                    r.subject = Some(self.name(ci.next().expect("grammar: subject")));
                }
                Rule::let_clause => {
                    let n = self.name(ci.next().expect("grammar: let name"));
                    let e = self.expr(ci.next().expect("grammar: let expr"), 0).0;
                    r.lets.push((n, e));
                }
                Rule::when_clause => {
                    once(r.when.is_some(), &mut r.repeated);
                    r.when = Some(self.expr(ci.next().expect("grammar: when"), 0).0);
                }
                Rule::require_clause => {
                    once(r.require.is_some(), &mut r.repeated);
                    r.require = Some(self.expr(ci.next().expect("grammar: require"), 0).0);
                }
                Rule::message => {
                    once(r.message.is_some(), &mut r.repeated);
                    r.message = Some(self.label(&mut ci));
                }
                Rule::obligation => {
                    once(r.obligation.is_some(), &mut r.repeated);
                    let label = self.label(&mut ci);
                    let due = self.expr(ci.next().expect("grammar: due"), 0).0;
                    r.obligation = Some(Obligation { label, due, span });
                }
                Rule::fix_clause => {
                    once(r.fix.is_some(), &mut r.repeated);
                    let target = self.qname(ci.next().expect("grammar: fix target"));
                    let value = self.expr(ci.next().expect("grammar: fix value"), 0).0;
                    let label = self.label(&mut ci);
                    r.fix = Some(RuleFix {
                        target,
                        value,
                        label,
                        span,
                    });
                }
                Rule::penalty => {
                    let unconfirmed = ci
                        .next_if(|p| p.as_rule() == Rule::unconfirmed_kw)
                        .is_some();
                    let cite = self.label(&mut ci);
                    let text = self.label(&mut ci);
                    r.penalties.push(PenaltyDecl {
                        cite,
                        text,
                        unconfirmed,
                        span,
                    });
                }
                Rule::at_clause => {
                    once(r.at.is_some(), &mut r.repeated);
                    r.at = Some(self.qname(ci.next().expect("grammar: at path")));
                }
                _ => {}
            }
        }
        r
    }

    pub(super) fn waive_decl<'i>(&mut self, p: P<'i>) -> WaiveDecl {
        let mut w = WaiveDecl {
            rules: Vec::new(),
            subjects: Vec::new(),
            reason: None,
            approver: None,
            approved: None,
            until: None,
            repeated: Vec::new(),
        };
        for c in p.into_inner() {
            let span = span_of(&c);
            match c.as_rule() {
                Rule::rule_id => w.rules.push(self.name(c)),
                Rule::subject_pat => {
                    let inner = first(c);
                    let subject = match inner.as_rule() {
                        Rule::string => {
                            let s = self.string(inner);
                            Name {
                                text: s.text,
                                span: s.span,
                            }
                        }
                        _ => self.name(inner),
                    };
                    w.subjects.push(subject);
                }
                Rule::reason_clause => {
                    if w.reason.is_some() {
                        w.repeated.push(span);
                    }
                    w.reason = Some(self.label(&mut c.into_inner().peekable()));
                }
                Rule::approved_clause => {
                    if w.approver.is_some() {
                        w.repeated.push(span);
                    }
                    let mut ci = c.into_inner().filter(|x| x.as_rule() != Rule::on_kw);
                    w.approver = Some(self.string(ci.next().expect("grammar: approver")));
                    let d = ci.next().expect("grammar: approval date");
                    w.approved = Some((self.date(&d), span_of(&d)));
                }
                Rule::until => {
                    if w.until.is_some() {
                        w.repeated.push(span);
                    }
                    let d = first(c);
                    w.until = Some((self.date(&d), span_of(&d)));
                }
                Rule::clause_error => self.syntax_error(&c, Rule::strict_clause),
                _ => {}
            }
        }
        w
    }

    pub(super) fn view_decl<'i>(&mut self, p: P<'i>) -> ViewDecl {
        let mut it = p.into_inner();
        let kind = self.name(it.next().expect("grammar: view kind"));
        let mut entries = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::view_clause => {
                    let mut ci = c.into_inner().peekable();
                    let role = self.name(ci.next().expect("grammar: view keyword"));
                    let name = self.name(ci.next().expect("grammar: view entry"));
                    let of = match ci.peek().map(|x| x.as_rule()) {
                        Some(Rule::for_kw) => {
                            ci.next();
                            Some(self.name(ci.next().expect("grammar: for name")))
                        }
                        _ => None,
                    };
                    let label = self.label(&mut ci);
                    entries.push(ViewEntry {
                        role,
                        name,
                        of,
                        label,
                    });
                }
                Rule::clause_error => self.syntax_error(&c, Rule::strict_clause),
                _ => {}
            }
        }
        ViewDecl { kind, entries }
    }

    pub(super) fn test_decl<'i>(&mut self, p: P<'i>) -> TestDecl {
        let mut it = p.into_inner();
        let name = self.string(it.next().expect("grammar: test name"));
        let mut t = TestDecl {
            name,
            as_of: None,
            today: None,
            entities: Vec::new(),
            expects: Vec::new(),
        };
        for s in it {
            match s.as_rule() {
                Rule::as_of_stmt => {
                    let d = first(s);
                    t.as_of = Some((self.date(&d), span_of(&d)));
                }
                Rule::today_stmt => {
                    let d = s.into_inner().nth(1).expect("grammar: today's date");
                    t.today = Some((self.date(&d), span_of(&d)));
                }
                Rule::expect_stmt => {
                    let span = span_of(&s);
                    let mut si = s.into_inner().peekable();
                    let flag = si.peek().map(|p| p.as_rule());
                    let negated = flag == Some(Rule::no_kw);
                    let undetermined = flag == Some(Rule::undetermined_kw);
                    if negated || undetermined {
                        si.next();
                    }
                    let rule = self.name(si.next().expect("grammar: expected rule id"));
                    let mut e = Expect {
                        negated,
                        undetermined,
                        rule,
                        on: None,
                        due: None,
                        span,
                    };
                    for q in si {
                        match q.as_rule() {
                            Rule::name => e.on = Some(self.name(q)),
                            Rule::date => e.due = Some((self.date(&q), span_of(&q))),
                            _ => {}
                        }
                    }
                    // The statement ends with its last word, not with the
                    // whitespace the grammar took before an absent `on`/`due`.
                    e.span.end = [
                        Some(e.rule.span),
                        e.on.as_ref().map(|n| n.span),
                        e.due.map(|d| d.1),
                    ]
                    .into_iter()
                    .flatten()
                    .map(|s| s.end)
                    .max()
                    .unwrap_or(e.span.end);
                    t.expects.push(e);
                }
                Rule::entity_decl => {
                    let span = span_of(&s);
                    let doc = doc_above(self.text, span.start as usize);
                    t.entities.push(Item {
                        kind: ItemKind::Entity(self.entity_decl(s)),
                        span,
                        doc,
                    });
                }
                _ => self.syntax_error(&s, Rule::strict_clause),
            }
        }
        t
    }
}
