//! Total parsing: `parse(path, text)` always yields a (possibly partial) tree and
//! the syntax diagnostics. Broken items, fields and clauses are error nodes with
//! exact spans; the valid items around them are kept.

use super::ast::*;
use super::limits::{self, MAX_EXPR_DEPTH};
use super::words::expected_in_words;
use crate::diag::{Diagnostic, Text};
use jiff::civil::{Date, DateTime};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/grammar.pest"]
struct Grammar;

type P<'i> = Pair<'i, Rule>;

/// The tree and the syntax diagnostics of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub ast: SourceAst,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(path: &str, text: &str) -> Parsed {
    parse_inner(path, text, true)
}

pub(crate) fn parse_grammar_only(path: &str, text: &str) -> Parsed {
    parse_inner(path, text, false)
}

fn parse_inner(path: &str, text: &str, fast_path: bool) -> Parsed {
    let mut cx = Lower {
        path,
        text,
        diags: Vec::new(),
    };
    let Some(masked) = limits::mask_over_limits(path, text, &mut cx.diags) else {
        return Parsed {
            ast: SourceAst::default(),
            diagnostics: cx.diags,
        };
    };
    if masked.is_none() && fast_path {
        if let Some(items) = super::fast::parse_entities(text) {
            return Parsed {
                ast: SourceAst { items },
                diagnostics: cx.diags,
            };
        }
    }
    let src: &str = masked.as_deref().unwrap_or(text);
    let items = match Grammar::parse(Rule::file, src) {
        Ok(mut pairs) => {
            let file = pairs.next().map(|p| p.into_inner());
            file.map(|inner| {
                inner
                    .filter(|p| p.as_rule() != Rule::EOI)
                    .map(|p| cx.item(p))
                    .collect()
            })
            .unwrap_or_default()
        }
        Err(e) => {
            // Only resource limits (stack, call budget) make the total grammar fail.
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            cx.diags.push(Diagnostic::error(
                "limit",
                path,
                Span::new(pos, pos),
                Text::new(
                    "文件嵌套过深或过于复杂，无法解析",
                    "the file is too deeply nested or too complex to parse",
                ),
            ));
            Vec::new()
        }
    };
    Parsed {
        ast: SourceAst { items },
        diagnostics: cx.diags,
    }
}

/// Parses one expression (used for `{…}` in message templates).
pub fn parse_expr_fragment(
    path: &str,
    text: &str,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Expr {
    // Positions inside the fragment are relative to it: so is the text the
    // lowering reads (to tell an aggregate's `where` from its `:`).
    let mut cx = Lower {
        path,
        text,
        diags: Vec::new(),
    };
    let span = Span::new(offset, offset + text.len());
    let result = match Grammar::parse(Rule::strict_expr, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(p) => shift_expr(cx.expr(p, 0).0, offset),
            None => Expr {
                kind: ExprKind::Error,
                span,
            },
        },
        Err(_) => {
            cx.diags.push(Diagnostic::error(
                "syntax",
                path,
                span,
                Text::new(
                    "消息模板中的 {…} 不是有效的表达式",
                    "the {…} in this message template is not a valid expression",
                ),
            ));
            Expr {
                kind: ExprKind::Error,
                span,
            }
        }
    };
    diags.extend(cx.diags);
    result
}

fn shift_expr(mut e: Expr, by: usize) -> Expr {
    // Template expressions are tiny (a name or a path); iterate over fields only.
    e.span = Span::new(e.span.start as usize + by, e.span.end as usize + by);
    e.kind = match e.kind {
        ExprKind::Field(inner, mut n) => {
            n.span = Span::new(n.span.start as usize + by, n.span.end as usize + by);
            ExprKind::Field(Box::new(shift_expr(*inner, by)), n)
        }
        ExprKind::Name(mut n) => {
            n.span = Span::new(n.span.start as usize + by, n.span.end as usize + by);
            ExprKind::Name(n)
        }
        other => other,
    };
    e
}

struct Lower<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

fn span_of(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

impl<'a> Lower<'a> {
    fn item<'i>(&mut self, p: P<'i>) -> Item {
        let span = span_of(&p);
        let doc = doc_above(self.text, span.start as usize);
        let kind = match p.as_rule() {
            Rule::package_decl => {
                let mut inner = p.into_inner();
                match inner.next() {
                    Some(q) => {
                        let q = self.qname(q);
                        ItemKind::Package(q, inner.next().map(|v| self.string(v)))
                    }
                    None => ItemKind::Error,
                }
            }
            Rule::use_decl => ItemKind::Use(self.qname(first(p))),
            Rule::enum_decl => ItemKind::Enum(self.enum_decl(p)),
            Rule::tree_decl => ItemKind::Tree(self.tree_decl(p)),
            Rule::schema_decl => ItemKind::Schema(self.schema_decl(p)),
            Rule::derive_decl => ItemKind::Derive(self.derive_decl(p)),
            Rule::const_decl => ItemKind::Const(self.const_decl(p)),
            Rule::calendar_decl => ItemKind::Calendar(self.calendar_decl(p)),
            Rule::rule_decl => ItemKind::Rule(self.rule_decl(p)),
            Rule::test_decl => ItemKind::Test(self.test_decl(p)),
            Rule::waive_decl => ItemKind::Waive(self.waive_decl(p)),
            Rule::entity_decl => ItemKind::Entity(self.entity_decl(p)),
            _ => {
                self.syntax_error(&p, Rule::strict_item);
                ItemKind::Error
            }
        };
        Item { kind, span, doc }
    }

    /// Re-parses a broken fragment strictly to say what was expected where.
    fn syntax_error(&mut self, p: &P, strict: Rule) {
        let frag = p.as_str();
        let base = p.as_span().start();
        // Token-level detail (which literal was expected) costs time, so it is
        // only collected for this re-parse of a broken fragment.
        pest::set_error_detail(true);
        let strict_result = Grammar::parse(strict, frag);
        pest::set_error_detail(false);
        let (pos, expected) = match strict_result {
            Ok(_) => (frag.len(), Vec::new()),
            Err(e) => {
                let pos = match e.location {
                    pest::error::InputLocation::Pos(p) => p,
                    pest::error::InputLocation::Span((s, _)) => s,
                };
                let mut expected: Vec<String> = match &e.variant {
                    pest::error::ErrorVariant::ParsingError { positives, .. } => {
                        positives.iter().map(|r| format!("{r:?}")).collect()
                    }
                    pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
                };
                if let Some(attempts) = e.parse_attempts() {
                    for t in attempts.expected_tokens() {
                        expected.push(t.to_string());
                    }
                }
                (pos, expected)
            }
        };
        let pos = pos.min(frag.len());
        // Underline the token found there (up to the next space), at least one character.
        let rest = &frag[pos..];
        let tok_len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let tok_len = if tok_len == 0 {
            rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0)
        } else {
            tok_len
        };
        let found = &rest[..tok_len];
        let span = Span::new(base + pos, base + pos + tok_len);
        let words = expected_in_words(&expected);
        let message = if found.is_empty() {
            Text::new(
                format!("此处应为{}", words.zh),
                format!("expected {} here", words.en),
            )
        } else {
            Text::new(
                format!("此处应为{}，但写的是 `{}`", words.zh, found),
                format!("expected {}, found `{}`", words.en, found),
            )
        };
        self.diags
            .push(Diagnostic::error("syntax", self.path, span, message));
    }

    fn name(&mut self, p: P) -> Name {
        Name {
            text: p.as_str().to_string(),
            span: span_of(&p),
        }
    }

    fn qname(&mut self, p: P) -> QName {
        let span = span_of(&p);
        let parts = p
            .into_inner()
            .map(|n| Name {
                text: n.as_str().to_string(),
                span: span_of(&n),
            })
            .collect();
        QName { parts, span }
    }

    fn string(&mut self, p: P) -> Str {
        let span = span_of(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        Str {
            text: unescape(raw),
            span,
        }
    }

    /// Consumes the optional zh/en strings at the front of `it`.
    fn label<'i>(
        &mut self,
        it: &mut std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
    ) -> Label {
        let mut label = Label::default();
        if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            let p = it.next().expect("peeked");
            label.zh = Some(self.string(p));
        }
        if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            let p = it.next().expect("peeked");
            label.en = Some(self.string(p));
        }
        label
    }

    fn enum_decl<'i>(&mut self, p: P<'i>) -> EnumDecl {
        let mut it = p.into_inner().peekable();
        let extend = it.peek().map(|p| p.as_rule()) == Some(Rule::extend_kw);
        if extend {
            it.next();
        }
        let name = self.name(it.next().expect("grammar: enum name"));
        let label = self.label(&mut it);
        let mut members = Vec::new();
        for m in it {
            match m.as_rule() {
                Rule::enum_member => {
                    let doc = doc_above(self.text, m.as_span().start());
                    let mut mi = m.into_inner().peekable();
                    let name = self.name(mi.next().expect("grammar: member name"));
                    let label = self.label(&mut mi);
                    let fields = mi.filter_map(|f| self.schema_field_or_error(f)).collect();
                    members.push(EnumMember {
                        name,
                        label,
                        fields,
                        doc,
                    });
                }
                _ => self.syntax_error(&m, Rule::strict_member),
            }
        }
        EnumDecl {
            extend,
            name,
            label,
            members,
        }
    }

    fn tree_decl<'i>(&mut self, p: P<'i>) -> TreeDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: tree name"));
        let label = self.label(&mut it);
        let nodes = it.next().map(|b| self.tree_body(b, 0)).unwrap_or_default();
        TreeDecl { name, label, nodes }
    }

    fn tree_body<'i>(&mut self, p: P<'i>, depth: usize) -> Vec<TreeNode> {
        let mut nodes = Vec::new();
        for n in p.into_inner() {
            match n.as_rule() {
                Rule::tree_node => {
                    let doc = doc_above(self.text, n.as_span().start());
                    let mut ni = n.into_inner().peekable();
                    let name = self.name(ni.next().expect("grammar: node name"));
                    let label = self.label(&mut ni);
                    // Nesting is bounded by the pre-scan limit, so this recursion is too.
                    let children = match ni.next() {
                        Some(b) if depth < MAX_EXPR_DEPTH => self.tree_body(b, depth + 1),
                        _ => Vec::new(),
                    };
                    nodes.push(TreeNode {
                        name,
                        label,
                        children,
                        doc,
                    });
                }
                _ => self.syntax_error(&n, Rule::strict_member),
            }
        }
        nodes
    }

    fn schema_decl<'i>(&mut self, p: P<'i>) -> SchemaDecl {
        let mut it = p.into_inner().peekable();
        let extend = it.peek().map(|p| p.as_rule()) == Some(Rule::extend_kw);
        if extend {
            it.next();
        }
        let name = self.name(it.next().expect("grammar: schema name"));
        let label = self.label(&mut it);
        let plural = if it.peek().map(|p| p.as_rule()) == Some(Rule::plural) {
            Some(self.name(first(it.next().expect("peeked"))))
        } else {
            None
        };
        let fields = it.filter_map(|f| self.schema_field_or_error(f)).collect();
        SchemaDecl {
            extend,
            name,
            label,
            plural,
            fields,
        }
    }

    fn schema_field_or_error<'i>(&mut self, p: P<'i>) -> Option<SchemaField> {
        if p.as_rule() != Rule::schema_field {
            self.syntax_error(&p, Rule::strict_schema_field);
            return None;
        }
        Some(self.schema_field(p, 0))
    }

    fn schema_field<'i>(&mut self, p: P<'i>, depth: usize) -> SchemaField {
        let doc = doc_above(self.text, p.as_span().start());
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: field name"));
        let ty = self.type_expr(it.next().expect("grammar: field type"), depth);
        let mut f = SchemaField {
            name,
            ty,
            required: false,
            subject_date: false,
            deciding: false,
            default: None,
            label: Label::default(),
            doc,
        };
        while let Some(q) = it.peek() {
            match q.as_rule() {
                Rule::field_flag => {
                    let q = it.next().expect("peeked");
                    match q.as_str() {
                        "required" => f.required = true,
                        "deciding" => f.deciding = true,
                        _ => f.subject_date = true,
                    }
                }
                Rule::value => {
                    let q = it.next().expect("peeked");
                    f.default = Some(self.value(q, depth));
                }
                _ => break,
            }
        }
        f.label = self.label(&mut it);
        f
    }

    fn type_expr<'i>(&mut self, p: P<'i>, depth: usize) -> TypeExpr {
        let inner = first(p);
        let span = span_of(&inner);
        match inner.as_rule() {
            Rule::list_type if depth < MAX_EXPR_DEPTH => {
                TypeExpr::List(Box::new(self.type_expr(first(inner), depth + 1)), span)
            }
            Rule::record_type if depth < MAX_EXPR_DEPTH => {
                let fields = inner
                    .into_inner()
                    .filter_map(|f| {
                        if f.as_rule() == Rule::schema_field {
                            Some(self.schema_field(f, depth + 1))
                        } else {
                            self.syntax_error(&f, Rule::strict_schema_field);
                            None
                        }
                    })
                    .collect();
                TypeExpr::Record(fields, span)
            }
            Rule::name => TypeExpr::Named(self.name(inner)),
            _ => TypeExpr::Named(Name {
                text: String::new(),
                span,
            }),
        }
    }

    fn derive_decl<'i>(&mut self, p: P<'i>) -> DeriveDecl {
        let mut it = p.into_inner().peekable();
        let subject = self.name(it.next().expect("grammar: derive subject"));
        let name = self.name(it.next().expect("grammar: derive name"));
        let label = self.label(&mut it);
        let expr = self.expr(it.next().expect("grammar: derive expr"), 0).0;
        DeriveDecl {
            subject,
            name,
            label,
            expr,
        }
    }

    fn const_decl<'i>(&mut self, p: P<'i>) -> ConstDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: const name"));
        let label = self.label(&mut it);
        let expr = self.expr(it.next().expect("grammar: const expr"), 0).0;
        ConstDecl { name, label, expr }
    }

    fn calendar_decl<'i>(&mut self, p: P<'i>) -> CalendarDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: calendar name"));
        let label = self.label(&mut it);
        let body = self.record(it.next().expect("grammar: calendar body"), 0);
        CalendarDecl { name, label, body }
    }

    fn date(&mut self, p: &P) -> Date {
        match p.as_str().parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                self.diags.push(Diagnostic::error(
                    "invalid-date",
                    self.path,
                    span_of(p),
                    Text::new(
                        format!("`{}` 不是有效日期", p.as_str()),
                        format!("`{}` is not a valid date", p.as_str()),
                    ),
                ));
                Date::constant(1970, 1, 1)
            }
        }
    }

    /// A date-time literal: Beijing time, so no zone suffix; hours 0–23.
    fn datetime(&mut self, p: &P) -> Option<DateTime> {
        let s = p.as_str();
        let why = match super::datetime::parse(s) {
            Ok(t) => return Some(t),
            Err(why) => why,
        };
        self.diags.push(Diagnostic::error(
            "invalid-datetime",
            self.path,
            span_of(p),
            Text::new(
                format!("`{s}` 不是有效的日期时间：{}", why.zh),
                format!("`{s}` is not a valid date-time: {}", why.en),
            ),
        ));
        None
    }

    /// A time of day written without its date.
    fn time_only(&mut self, p: &P) {
        let s = p.as_str();
        self.diags.push(Diagnostic::error(
            "invalid-datetime",
            self.path,
            span_of(p),
            Text::new(
                format!("`{s}` 缺少日期：日期时间应写成 2025-11-01T{s}（北京时间）"),
                format!("`{s}` has no date: write a date-time as 2025-11-01T{s} (Beijing time)"),
            ),
        ));
    }

    fn rule_decl<'i>(&mut self, p: P<'i>) -> RuleDecl {
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

    fn waive_decl<'i>(&mut self, p: P<'i>) -> WaiveDecl {
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

    fn test_decl<'i>(&mut self, p: P<'i>) -> TestDecl {
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

    fn entity_decl<'i>(&mut self, p: P<'i>) -> EntityDecl {
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

    fn record<'i>(&mut self, p: P<'i>, depth: usize) -> Record {
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

    fn value<'i>(&mut self, p: P<'i>, depth: usize) -> Value {
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

    fn int(&mut self, p: &P) -> Option<i64> {
        let digits: String = p.as_str().chars().filter(|c| *c != '_').collect();
        match digits.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.diags.push(Diagnostic::error(
                    "invalid-number",
                    self.path,
                    span_of(p),
                    Text::new("数字过大", "this number is too large"),
                ));
                None
            }
        }
    }

    fn duration<'i>(&mut self, p: P<'i>) -> (Option<i64>, Unit) {
        let mut it = p.into_inner();
        let n = it.next().expect("grammar: duration count");
        let u = it.next().expect("grammar: duration unit");
        let unit = match u.as_str() {
            "working_days" | "working_day" => Unit::WorkingDays,
            "days" | "day" => Unit::Days,
            "months" | "month" => Unit::Months,
            "hours" | "hour" => Unit::Hours,
            _ => Unit::Years,
        };
        (self.int(&n), unit)
    }

    /// Lowers an expression; returns it with its depth. Past `MAX_EXPR_DEPTH`
    /// the expression becomes an error node (reported once), so no later pass
    /// can recurse deeper than that.
    fn expr<'i>(&mut self, p: P<'i>, depth: usize) -> (Expr, usize) {
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

    fn text_before(&self, offset: usize) -> &str {
        // The masked copy and the original have the same byte layout.
        let t = self.text.get(..offset).unwrap_or("");
        t.trim_end()
    }

    fn left_assoc<'i>(&mut self, p: P<'i>, depth: usize) -> (Expr, usize) {
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

    fn too_deep(&mut self, span: Span) {
        if self
            .diags
            .iter()
            .any(|d| d.code == "limit" && d.location.span.start <= span.start)
        {
            return;
        }
        self.diags.push(Diagnostic::error(
            "limit",
            self.path,
            span,
            Text::new(
                format!("表达式嵌套超过 {MAX_EXPR_DEPTH} 层"),
                format!("this expression nests deeper than {MAX_EXPR_DEPTH} levels"),
            ),
        ));
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

fn first(p: P) -> P {
    let span = p.as_span();
    p.into_inner()
        .next()
        .unwrap_or_else(|| panic!("grammar guarantees an inner pair at {span:?}"))
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `///` lines directly above `offset` (blank lines break the block).
pub fn doc_above(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let mut lines: Vec<&str> = Vec::new();
    // Skip the (possibly indented) start of the item's own line.
    let mut rest = match before.rfind('\n') {
        Some(i) => &before[..i],
        None => return None,
    };
    loop {
        let (head, line) = match rest.rfind('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => ("", rest),
        };
        let t = line.trim();
        if let Some(doc) = t.strip_prefix("///") {
            lines.push(doc.strip_prefix(' ').unwrap_or(doc));
        } else {
            break;
        }
        if head.is_empty() && !rest.contains('\n') {
            break;
        }
        rest = head;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}
