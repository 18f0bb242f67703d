//! Declarations: the item dispatch, and enumerations, trees, schemas and their
//! types, derived facts, constants and calendars.

use super::{doc_above, first, span_of, Lower, Rule, P};
use crate::syntax::ast::*;
use crate::syntax::limits::MAX_EXPR_DEPTH;

impl Lower<'_> {
    pub(super) fn item<'i>(&mut self, p: P<'i>) -> Item {
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
            Rule::view_decl => ItemKind::View(self.view_decl(p)),
            Rule::entity_decl => ItemKind::Entity(self.entity_decl(p)),
            _ => {
                self.syntax_error(&p, Rule::strict_item);
                ItemKind::Error
            }
        };
        Item { kind, span, doc }
    }

    pub(super) fn enum_decl<'i>(&mut self, p: P<'i>) -> EnumDecl {
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

    pub(super) fn tree_decl<'i>(&mut self, p: P<'i>) -> TreeDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: tree name"));
        let label = self.label(&mut it);
        let nodes = it.next().map(|b| self.tree_body(b, 0)).unwrap_or_default();
        TreeDecl { name, label, nodes }
    }

    pub(super) fn tree_body<'i>(&mut self, p: P<'i>, depth: usize) -> Vec<TreeNode> {
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

    pub(super) fn schema_decl<'i>(&mut self, p: P<'i>) -> SchemaDecl {
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

    pub(super) fn schema_field_or_error<'i>(&mut self, p: P<'i>) -> Option<SchemaField> {
        if p.as_rule() != Rule::schema_field {
            self.syntax_error(&p, Rule::strict_schema_field);
            return None;
        }
        Some(self.schema_field(p, 0))
    }

    pub(super) fn schema_field<'i>(&mut self, p: P<'i>, depth: usize) -> SchemaField {
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

    pub(super) fn type_expr<'i>(&mut self, p: P<'i>, depth: usize) -> TypeExpr {
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

    pub(super) fn derive_decl<'i>(&mut self, p: P<'i>) -> DeriveDecl {
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

    pub(super) fn const_decl<'i>(&mut self, p: P<'i>) -> ConstDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: const name"));
        let label = self.label(&mut it);
        let expr = self.expr(it.next().expect("grammar: const expr"), 0).0;
        ConstDecl { name, label, expr }
    }

    pub(super) fn calendar_decl<'i>(&mut self, p: P<'i>) -> CalendarDecl {
        let mut it = p.into_inner().peekable();
        let name = self.name(it.next().expect("grammar: calendar name"));
        let label = self.label(&mut it);
        let body = self.record(it.next().expect("grammar: calendar body"), 0);
        CalendarDecl { name, label, body }
    }
}
