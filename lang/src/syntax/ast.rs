//! The owned syntax tree. Byte spans into the file's text; comments are not in
//! the tree (the formatter and hover read them from the text by position).

use jiff::civil::{Date, DateTime};
use serde::Serialize;

/// A byte range in one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

/// An identifier with its place in the text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A zh/en pair of display texts (either may be absent in the source).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Label {
    pub zh: Option<Str>,
    pub en: Option<Str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Str {
    /// The unescaped text.
    pub text: String,
    /// Span of the literal including its quotes.
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceAst {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
    /// `///` lines directly above the item.
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "items are built once per parse and never copied in bulk"
)]
pub enum ItemKind {
    /// `package std version "2026.12"`: the version is what a stdlib declares of itself.
    Package(QName, Option<Str>),
    Use(QName),
    Enum(EnumDecl),
    Tree(TreeDecl),
    Schema(SchemaDecl),
    Derive(DeriveDecl),
    Const(ConstDecl),
    Calendar(CalendarDecl),
    Rule(RuleDecl),
    Test(TestDecl),
    Waive(WaiveDecl),
    View(ViewDecl),
    Entity(EntityDecl),
    /// A region that did not parse; its diagnostic is in the parse result.
    Error,
}

impl ItemKind {
    /// The declared name, if the item declares one.
    pub fn name(&self) -> Option<&Name> {
        match self {
            ItemKind::Enum(d) => Some(&d.name),
            ItemKind::Tree(d) => Some(&d.name),
            ItemKind::Schema(d) => Some(&d.name),
            ItemKind::Derive(d) => Some(&d.name),
            ItemKind::Const(d) => Some(&d.name),
            ItemKind::Calendar(d) => Some(&d.name),
            ItemKind::Entity(d) => Some(&d.name),
            ItemKind::Rule(d) => Some(&d.id),
            _ => None,
        }
    }
}

/// `waive RULE, … on SUBJECT, … { reason … approved "who" on DATE until DATE }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiveDecl {
    pub rules: Vec<Name>,
    /// Entity names, or patterns where `*` matches any run of characters.
    pub subjects: Vec<Name>,
    pub reason: Option<Label>,
    pub approver: Option<Str>,
    pub approved: Option<(Date, Span)>,
    pub until: Option<(Date, Span)>,
    /// Clauses given twice (each an error).
    pub repeated: Vec<Span>,
}

/// `view flow { route from  summary required_mechanism "法定机制" "Required mechanism" … }`:
/// what the report and the inlay hints show of an entity kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewDecl {
    pub kind: Name,
    pub entries: Vec<ViewEntry>,
}

/// One line of a view: its role (`route`, `summary`, `show`, `checklist`,
/// `hint`), the field or derived fact it shows, the fact a checklist belongs
/// to (`for`), and a label replacing the fact's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewEntry {
    pub role: Name,
    pub name: Name,
    pub of: Option<Name>,
    pub label: Label,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QName {
    pub parts: Vec<Name>,
    pub span: Span,
}

impl QName {
    pub fn dotted(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDecl {
    pub extend: bool,
    pub name: Name,
    pub label: Label,
    pub members: Vec<EnumMember>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumMember {
    pub name: Name,
    pub label: Label,
    /// Fields a value of this member may carry (`standard_contract { signed: date }`).
    pub fields: Vec<SchemaField>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeDecl {
    pub name: Name,
    pub label: Label,
    pub nodes: Vec<TreeNode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeNode {
    pub name: Name,
    pub label: Label,
    pub children: Vec<TreeNode>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaDecl {
    pub extend: bool,
    pub name: Name,
    pub label: Label,
    /// The name of the collection of all entities of this kind (`flows`).
    pub plural: Option<Name>,
    pub fields: Vec<SchemaField>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaField {
    pub name: Name,
    pub ty: TypeExpr,
    pub required: bool,
    /// The field whose date is the subject's evaluation date (a flow's `start`).
    pub subject_date: bool,
    /// `deciding`: a fact that decides whether a duty applies; absent (and
    /// without a default) it is unknown, never `none`.
    pub deciding: bool,
    pub default: Option<Value>,
    pub label: Label,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    Named(Name),
    List(Box<TypeExpr>, Span),
    Record(Vec<SchemaField>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(n) => n.span,
            TypeExpr::List(_, s) | TypeExpr::Record(_, s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeriveDecl {
    /// The entity kind the fact belongs to (`flow` in `derive flow.cross_border`).
    pub subject: Name,
    pub name: Name,
    pub label: Label,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDecl {
    pub name: Name,
    pub label: Label,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarDecl {
    pub name: Name,
    pub label: Label,
    pub body: Record,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    pub id: Name,
    pub title: Label,
    pub cites: Vec<Label>,
    pub effective: Option<(Date, Span)>,
    pub until: Option<(Date, Span)>,
    pub severity: Option<Name>,
    pub subject: Option<Name>,
    pub lets: Vec<(Name, Expr)>,
    pub when: Option<Expr>,
    pub require: Option<Expr>,
    pub message: Option<Label>,
    pub obligation: Option<Obligation>,
    pub at: Option<QName>,
    /// The quick fix a finding offers: set a field of the subject to a value.
    pub fix: Option<RuleFix>,
    /// The statutory penalties for breaching the duty.
    pub penalties: Vec<PenaltyDecl>,
    /// Clauses given twice, reported by the checker.
    pub repeated: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFix {
    /// `flow.mechanism`: the subject's field to set.
    pub target: QName,
    pub value: Expr,
    /// The fix's title, a template like a message.
    pub label: Label,
    pub span: Span,
}

/// `penalty [unconfirmed] "条" "Art." "罚则" "penalty"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PenaltyDecl {
    pub cite: Label,
    pub text: Label,
    pub unconfirmed: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation {
    pub label: Label,
    pub due: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDecl {
    pub name: Str,
    pub as_of: Option<(Date, Span)>,
    /// `today`: the evaluation date the test runs on.
    pub today: Option<(Date, Span)>,
    pub entities: Vec<Item>,
    pub expects: Vec<Expect>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub negated: bool,
    /// `expect undetermined R on x`: R cannot be decided for x (the facts it
    /// needs are not declared).
    pub undetermined: bool,
    pub rule: Name,
    pub on: Option<Name>,
    pub due: Option<(Date, Span)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityDecl {
    pub kind: Name,
    pub name: Name,
    pub label: Label,
    pub body: Record,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: Name,
    pub value: Value,
    pub span: Span,
}

/// A literal value in a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Int(i64),
    Bool(bool),
    Str(String),
    Date(Date),
    /// A date-time, Beijing time (`2025-11-01T09:30`).
    DateTime(DateTime),
    Duration(i64, Unit),
    Range(Date, Date),
    None,
    /// A name or dotted path: a reference, an enum member, a category.
    Path(QName),
    List(Vec<Value>),
    Record(Record),
    /// An enum member with fields: `standard_contract { signed = 2026-02-10 }`,
    /// optionally qualified by its enumeration (`mechanism.standard_contract { … }`).
    Variant(Option<Name>, Name, Record),
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Unit {
    Days,
    WorkingDays,
    Months,
    Years,
    /// Hours: added to a date-time only (a date has no time of day).
    Hours,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Int(i64),
    Bool(bool),
    Str(String),
    Date(Date),
    /// A date-time, Beijing time (`2025-11-01T09:30`).
    DateTime(DateTime),
    Duration(i64, Unit),
    None,
    Name(Name),
    Field(Box<Expr>, Name),
    List(Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Name, Vec<Expr>),
    Aggregate(Box<Aggregate>),
    /// Too deep or otherwise unusable; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Aggregate {
    pub kind: AggKind,
    pub var: Name,
    pub source: Expr,
    pub filter: Option<Expr>,
    pub value: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggKind {
    Sum,
    Count,
    Any,
    All,
    Min,
    Max,
    Filter,
    Map,
    /// The distinct elements of the values (a list value adds its members).
    Union,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Under,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Under => "under",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Visits every node of a written expression, iteratively (trees are
/// depth-bounded by the parser, but an explicit stack costs nothing). The
/// resolved IR has its own (`hir::expr::walk`): this one is for what needs
/// spans or runs before resolution (a rule's subject, a finding's field).
pub fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        f(x);
        match &x.kind {
            ExprKind::Field(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) => stack.push(a),
            ExprKind::Binary(_, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            ExprKind::If(a, b, c) => {
                stack.push(c);
                stack.push(b);
                stack.push(a);
            }
            ExprKind::List(items) | ExprKind::Call(_, items) => stack.extend(items.iter().rev()),
            ExprKind::Aggregate(agg) => {
                if let Some(v) = &agg.value {
                    stack.push(v);
                }
                if let Some(v) = &agg.filter {
                    stack.push(v);
                }
                stack.push(&agg.source);
            }
            _ => {}
        }
    }
}
