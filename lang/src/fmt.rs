//! The formatter: the canonical layout of a `.hegui` file.
//!
//! It works on tokens of the source text, not on the tree, so that nothing the
//! user wrote is ever lost: every `//` and `///` comment stays where it was,
//! the line breaks of the source are kept (a long expression keeps its shape)
//! and only these things change:
//! - indentation: 2 spaces per open bracket; continuation lines keep their
//!   indentation relative to the statement they continue;
//! - spacing: one space around `=` and comparison operators, after `:` and `,`,
//!   inside `{ }`; none inside `( )` and `[ ]` or around `..`; trailing
//!   whitespace is removed;
//! - entity bodies: a body written on one line stays on one line if it fits
//!   in 100 columns; a body with a line break inside its braces (or too wide)
//!   gets one field per line;
//! - blank lines: runs collapse to one, none after `{` or before `}`, and one
//!   separates a multi-line item from its neighbours (above its doc comments).
//!
//! The parser's tree only says *where* items, fields and clauses start. Files
//! with syntax errors are refused.

use crate::diag::{Diagnostic, Severity};
use crate::syntax::ast::{self, Item, ItemKind, SchemaField, TreeNode, TypeExpr};
use std::collections::BTreeSet;

/// Entity items wider than this on one line are expanded.
const MAX_INLINE: usize = 100;

use crate::syntax::keywords::RULE_CLAUSE as CLAUSE_KEYWORDS;
use crate::syntax::keywords::WAIVE_CLAUSE;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Word,
    Str,
    Comment,
    Open(u8),
    Close(u8),
    Op,
}

#[derive(Clone, Debug)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
    /// Newlines between the previous token and this one.
    newlines: usize,
    /// Whitespace between the previous token and this one.
    space: bool,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}' | '\u{FEFF}')
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn lex(text: &str) -> Vec<Tok<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let mut newlines = 0;
        let mut space = false;
        while let Some(c) = text[i..].chars().next().filter(|c| is_space(*c)) {
            if c == '\n' {
                newlines += 1;
            }
            space = true;
            i += c.len_utf8();
        }
        if i >= text.len() {
            break;
        }
        let start = i;
        let b = bytes[i];
        let kind = if text[i..].starts_with("//") {
            i = text[i..].find('\n').map(|n| i + n).unwrap_or(text.len());
            Kind::Comment
        } else if b == b'"' {
            i += 1;
            while i < text.len() {
                match bytes[i] {
                    b'\\' => {
                        i += 1;
                        if let Some(c) = text[i..].chars().next() {
                            i += c.len_utf8();
                        }
                    }
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\n' => break,
                    _ => i += text[i..].chars().next().map(|c| c.len_utf8()).unwrap_or(1),
                }
            }
            Kind::Str
        } else if is_word_byte(b) {
            while i < text.len() {
                if is_word_byte(bytes[i]) {
                    i += 1;
                } else if (bytes[i] == b'.' || bytes[i] == b'-')
                    && bytes.get(i + 1).is_some_and(|n| is_word_byte(*n))
                {
                    i += 2;
                } else if bytes[i] == b':'
                    && b.is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                {
                    // `2025-11-01T09:30`: a date-time is one word.
                    i += 2;
                } else {
                    break;
                }
            }
            Kind::Word
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            if matches!(two, ".." | "==" | "!=" | "<=" | ">=") {
                i += 2;
                Kind::Op
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                i += c.len_utf8();
                match c {
                    '{' | '[' | '(' => Kind::Open(b),
                    '}' | ']' | ')' => Kind::Close(b),
                    _ => Kind::Op,
                }
            }
        };
        let t = &text[start..i];
        out.push(Tok {
            kind,
            text: if kind == Kind::Comment {
                t.trim_end()
            } else {
                t
            },
            start,
            newlines,
            space,
        });
    }
    out
}

/// Where statements start and which bodies are expanded, read from the tree.
#[derive(Default)]
struct Plan {
    /// Offsets of tokens that start a statement (item, field, member, node).
    stmts: BTreeSet<usize>,
    /// Offsets of tokens that must start a line.
    breaks: BTreeSet<usize>,
    /// Offsets of `{` opening a rule body (1) or a test body (2).
    rule_bodies: BTreeSet<usize>,
    test_bodies: BTreeSet<usize>,
    waive_bodies: BTreeSet<usize>,
}

fn schema_fields(plan: &mut Plan, fields: &[SchemaField]) {
    for f in fields {
        plan.stmts.insert(f.name.span.start as usize);
        type_expr(plan, &f.ty);
    }
}

fn type_expr(plan: &mut Plan, t: &TypeExpr) {
    match t {
        TypeExpr::Named(_) => {}
        TypeExpr::List(inner, _) => type_expr(plan, inner),
        TypeExpr::Record(fields, _) => schema_fields(plan, fields),
    }
}

fn tree_nodes(plan: &mut Plan, nodes: &[TreeNode]) {
    for n in nodes {
        plan.stmts.insert(n.name.span.start as usize);
        tree_nodes(plan, &n.children);
    }
}

/// The width of an item laid out on one line: its tokens with the spacing the
/// printer puts between them (comments excluded), so it is the same before and
/// after formatting — which keeps the inline/expanded choice idempotent.
fn inline_width(toks: &[Tok], start: usize, end: usize) -> usize {
    let mut width = 0;
    let mut prev: Option<&Tok> = None;
    for t in toks
        .iter()
        .filter(|t| t.start >= start && t.start < end && t.kind != Kind::Comment)
    {
        if let Some(p) = prev {
            width += spacing(p, t).len();
        }
        width += t.text.chars().count();
        prev = Some(t);
    }
    width
}

/// An entity body written on one line stays on one line if it fits in
/// `MAX_INLINE` columns; any other body (a line break inside its braces, or too
/// wide) is laid out one field per line — prettier's rule for objects.
fn entity(
    plan: &mut Plan,
    text: &str,
    toks: &[Tok],
    item: &Item,
    e: &ast::EntityDecl,
    indent: usize,
) {
    plan.stmts.insert(item.span.start as usize);
    let body = text.get(e.body.span.range()).unwrap_or("");
    let expand = body.contains('\n')
        || inline_width(toks, item.span.start as usize, item.span.end as usize) + indent
            > MAX_INLINE;
    for f in &e.body.fields {
        plan.stmts.insert(f.span.start as usize);
        if expand {
            plan.breaks.insert(f.span.start as usize);
        }
    }
    if expand && !e.body.fields.is_empty() {
        plan.breaks
            .insert((e.body.span.end as usize).saturating_sub(1));
    }
}

fn plan(text: &str, items: &[Item], toks: &[Tok]) -> Plan {
    let mut p = Plan::default();
    let first_brace = |from: u32| {
        toks.iter()
            .find(|t| t.start >= from as usize && t.kind == Kind::Open(b'{'))
            .map(|t| t.start)
    };
    for item in items {
        p.stmts.insert(item.span.start as usize);
        match &item.kind {
            ItemKind::Entity(e) => entity(&mut p, text, toks, item, e, 0),
            ItemKind::Schema(s) => schema_fields(&mut p, &s.fields),
            ItemKind::Enum(e) => {
                for m in &e.members {
                    p.stmts.insert(m.name.span.start as usize);
                    schema_fields(&mut p, &m.fields);
                }
            }
            ItemKind::Tree(t) => tree_nodes(&mut p, &t.nodes),
            ItemKind::Calendar(c) => {
                for f in &c.body.fields {
                    p.stmts.insert(f.span.start as usize);
                }
            }
            ItemKind::Rule(_) => {
                if let Some(b) = first_brace(item.span.start) {
                    p.rule_bodies.insert(b);
                }
            }
            // One entry a line, each a statement of the body.
            ItemKind::View(v) => {
                for e in &v.entries {
                    p.stmts.insert(e.role.span.start as usize);
                }
            }
            ItemKind::Waive(_) => {
                if let Some(b) = first_brace(item.span.start) {
                    p.waive_bodies.insert(b);
                }
            }
            ItemKind::Test(t) => {
                if let Some(b) = first_brace(item.span.start) {
                    p.test_bodies.insert(b);
                }
                for inner in &t.entities {
                    if let ItemKind::Entity(e) = &inner.kind {
                        entity(&mut p, text, toks, inner, e, 2);
                    }
                }
            }
            _ => {}
        }
    }
    p
}

struct Line {
    toks: Vec<usize>,
    /// Column of the first token in the source (None: a line the formatter made).
    orig: Option<usize>,
    blank_before: bool,
    indent: usize,
}

struct Frame {
    opener_indent: usize,
    base: usize,
    /// Source indentation of the statement continuation lines are relative to.
    reference: Option<usize>,
    /// 0: plain, 1: rule body, 2: test body, 3: waiver body.
    body: u8,
}

fn column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    text[line_start..offset].chars().count()
}

fn spacing(prev: &Tok, cur: &Tok) -> &'static str {
    use Kind::*;
    let ws = if cur.space { " " } else { "" };
    match (prev.kind, prev.text, cur.kind, cur.text) {
        (_, _, Comment, _) => " ",
        (Open(b'{'), _, Close(b'}'), _) => "",
        (Open(b'(' | b'['), _, _, _) => "",
        (_, _, Close(b')' | b']'), _) => "",
        (_, _, Op, "," | ":") => "",
        (Op, "," | ":", _, _) => " ",
        (_, _, Op, "..") | (Op, "..", _, _) => "",
        (Open(b'{'), _, _, _) | (_, _, Close(b'}'), _) | (_, _, Open(b'{'), _) => " ",
        (Op, "=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "+" | "*", _, _) => " ",
        (_, _, Op, "=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "+" | "*") => " ",
        _ => ws,
    }
}

/// The canonical layout of `text`, or the syntax errors that prevent it.
pub fn format(path: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::syntax::parse(path, text);
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() || parsed.ast.items.iter().any(|i| i.kind == ItemKind::Error) {
        return Err(errors);
    }
    let toks = lex(text);
    let plan = plan(text, &parsed.ast.items, &toks);

    // Lines: the source's, split where the plan says a token starts a line.
    let mut lines: Vec<Line> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let new_line = lines.is_empty() || t.newlines > 0 || plan.breaks.contains(&t.start);
        if new_line {
            lines.push(Line {
                toks: Vec::new(),
                orig: (t.newlines > 0 || i == 0).then(|| column(text, t.start)),
                blank_before: t.newlines > 1,
                indent: 0,
            });
        }
        if let Some(l) = lines.last_mut() {
            l.toks.push(i);
        }
    }

    // Indentation.
    let mut stack = vec![Frame {
        opener_indent: 0,
        base: 0,
        reference: Some(0),
        body: 0,
    }];
    let comment_only = |l: &Line| l.toks.iter().all(|&i| toks[i].kind == Kind::Comment);
    for l in lines.iter_mut() {
        let first = &toks[l.toks[0]];
        if first.kind != Kind::Comment {
            let depth = stack.len();
            let top = stack.last_mut().expect("root frame");
            l.indent = if let Kind::Close(_) = first.kind {
                if depth > 1 {
                    top.opener_indent
                } else {
                    0
                }
            } else {
                let stmt = plan.stmts.contains(&first.start)
                    || (top.body == 1
                        && first.kind == Kind::Word
                        && CLAUSE_KEYWORDS.contains(&first.text))
                    || (top.body == 2 && first.kind == Kind::Word)
                    || (top.body == 3
                        && first.kind == Kind::Word
                        && WAIVE_CLAUSE.contains(&first.text));
                if stmt {
                    top.reference = l.orig;
                    top.base
                } else {
                    match (l.orig, top.reference) {
                        (Some(o), Some(r)) if o > r => top.base + (o - r),
                        _ => top.base,
                    }
                }
            };
        }
        if comment_only(l) {
            continue;
        }
        for &i in &l.toks {
            let t = &toks[i];
            match t.kind {
                Kind::Open(_) => {
                    let body = if plan.rule_bodies.contains(&t.start) {
                        1
                    } else if plan.test_bodies.contains(&t.start) {
                        2
                    } else if plan.waive_bodies.contains(&t.start) {
                        3
                    } else {
                        0
                    };
                    stack.push(Frame {
                        opener_indent: l.indent,
                        base: l.indent + 2,
                        reference: l.orig.map(|o| o + 2),
                        body,
                    });
                }
                Kind::Close(_) if stack.len() > 1 => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    // Comment lines take the indentation of the code line below them (one level
    // deeper when that line closes a bracket).
    let mut next: Option<(usize, bool)> = None;
    for l in lines.iter_mut().rev() {
        if comment_only(l) {
            l.indent = match next {
                Some((indent, true)) => indent + 2,
                Some((indent, false)) => indent,
                None => 0,
            };
        } else {
            next = Some((l.indent, matches!(toks[l.toks[0]].kind, Kind::Close(_))));
        }
    }

    // Blank lines around multi-line top-level items.
    let items: Vec<(usize, usize)> = parsed
        .ast
        .items
        .iter()
        .map(|i| (i.span.start as usize, i.span.end as usize))
        .collect();
    let item_of = |l: &Line| {
        let s = toks[l.toks[0]].start;
        items.iter().position(|&(a, b)| a <= s && s < b)
    };
    let mut first_line: Vec<Option<usize>> = vec![None; items.len()];
    let mut count = vec![0usize; items.len()];
    // Comment lines are not counted: a pest span can run over the comments
    // that follow an item, which would make a one-line item look multi-line.
    for (n, l) in lines.iter().enumerate() {
        if comment_only(l) {
            continue;
        }
        if let Some(i) = item_of(l) {
            first_line[i].get_or_insert(n);
            count[i] += 1;
        }
    }
    for i in 1..items.len() {
        let Some(mut b) = first_line[i] else { continue };
        if count[i] <= 1 && count[i - 1] <= 1 {
            continue;
        }
        while b > 0 && !lines[b].blank_before && comment_only(&lines[b - 1]) {
            b -= 1;
        }
        if b > 0 {
            lines[b].blank_before = true;
        }
    }

    // Print.
    let mut out = String::new();
    let mut prev_opens = true;
    for l in &lines {
        let first = &toks[l.toks[0]];
        if l.blank_before && !prev_opens && !matches!(first.kind, Kind::Close(_)) {
            out.push('\n');
        }
        for _ in 0..l.indent {
            out.push(' ');
        }
        let mut prev: Option<&Tok> = None;
        for &i in &l.toks {
            let t = &toks[i];
            if let Some(p) = prev {
                out.push_str(spacing(p, t));
            }
            out.push_str(t.text);
            prev = Some(t);
        }
        out.push('\n');
        prev_opens = l
            .toks
            .iter()
            .rev()
            .map(|&i| &toks[i])
            .find(|t| t.kind != Kind::Comment)
            .is_some_and(|t| matches!(t.kind, Kind::Open(_)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::format;

    fn fmt(src: &str) -> String {
        let out = format("x.hegui", src).expect("formats");
        assert_eq!(format("x.hegui", &out).expect("formats"), out, "idempotent");
        out
    }

    #[test]
    fn keeps_one_line_bodies_that_fit_and_expands_wider_ones() {
        let src = "party a \"A\" { jurisdiction=\"CN\"  kind = hospital }\n\n\n// c\nflow f {from=a to = a   data=[ d ]  start = 2026-01-01 mechanism = standard_contract{signed=2026-01-01} }\n";
        assert_eq!(
            fmt(src),
            "party a \"A\" { jurisdiction = \"CN\" kind = hospital }\n\n// c\nflow f {\n  from = a\n  to = a\n  data = [d]\n  start = 2026-01-01\n  mechanism = standard_contract { signed = 2026-01-01 }\n}\n"
        );
    }

    #[test]
    fn a_line_break_inside_the_braces_expands_the_body() {
        let src = "party a {\n  jurisdiction = \"CN\" kind = hospital }\nparty b { jurisdiction = \"CN\"\n kind = hospital }\n";
        assert_eq!(
            fmt(src),
            "party a {\n  jurisdiction = \"CN\"\n  kind = hospital\n}\n\nparty b {\n  jurisdiction = \"CN\"\n  kind = hospital\n}\n"
        );
    }

    #[test]
    fn a_body_wider_than_the_line_expands() {
        let long = "x".repeat(80);
        let src = format!("party a {{ name = \"{long}\" kind = hospital }}\n");
        assert_eq!(
            fmt(&src),
            format!("party a {{\n  name = \"{long}\"\n  kind = hospital\n}}\n")
        );
        // The width is the formatted one: spacing the formatter adds counts.
        let tight = format!("party a {{ n=\"{}\" k=h }}\n", "x".repeat(80));
        assert!(fmt(&tight).lines().all(|l| l.chars().count() <= 100));
    }

    #[test]
    fn comments_inside_a_body_expand_it_and_stay() {
        let src = "test \"t\" {\n  party h { jurisdiction = \"CN-BJ\" kind = hospital } // inline\n  party g { kind = hospital // why\n  }\n  expect no PIPL-38\n}\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "test \"t\" {\n  party h { jurisdiction = \"CN-BJ\" kind = hospital } // inline\n  party g {\n    kind = hospital // why\n  }\n  expect no PIPL-38\n}\n"
        );
    }

    #[test]
    fn a_comment_after_a_one_line_item_does_not_make_it_multi_line() {
        let src = "const a \"甲\" \"A\" = 1\nconst b \"乙\" \"B\" = 2\n// about c\nconst c \"丙\" \"C\" = 3\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn refuses_syntax_errors() {
        assert!(format("x.hegui", "party a { x = = 1 }\n").is_err());
    }
}

/// What formatting must preserve, as comparable values — for the formatter's
/// property tests and its fuzz target.
pub mod invariants {
    /// The tree of a text with every span blanked out.
    pub fn shape(text: &str) -> String {
        let parsed = crate::syntax::parse("x.hegui", text);
        let dbg = format!("{:?}", parsed.ast);
        let mut out = String::with_capacity(dbg.len());
        let mut rest = dbg.as_str();
        while let Some(i) = rest.find("Span { start: ") {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let end = tail.find('}').map(|e| e + 1).unwrap_or(tail.len());
            out.push_str("Span");
            rest = &tail[end..];
        }
        out.push_str(rest);
        out
    }

    /// The comments of a text, in order (outside string literals).
    pub fn comments(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_str = false;
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' if in_str => i += 1,
                b'"' => in_str = !in_str,
                b'\n' => in_str = false,
                b'/' if !in_str && b.get(i + 1) == Some(&b'/') => {
                    let end = text[i..].find('\n').map(|n| i + n).unwrap_or(text.len());
                    out.push(text[i..end].trim_end().to_string());
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        out
    }
}
