//! Completion. The context is read from the text before the cursor (which is
//! usually mid-edit and does not parse): the open braces and their headers,
//! and the current line. Schemas, enums, trees and the entity index give the
//! candidates.

use crate::diag::Lang;
use crate::model::defs::Defs;
use crate::model::types::{FieldDef, Ty};
use crate::Analysis;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Field,
    Member,
    Node,
    Entity,
    Rule,
    Kind,
    Fact,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Text to insert when it differs from the label.
    pub insert: Option<String>,
}

use crate::syntax::keywords::{ITEM as ITEM_KEYWORDS, RULE_CLAUSE as RULE_CLAUSES};

/// The text before the cursor, reduced to what completion needs.
struct Context {
    /// Header of each open `{`: the text of its line before the brace.
    frames: Vec<String>,
    /// Offset of each open `{`.
    braces: Vec<usize>,
    /// The current line up to the cursor, from the last `{` on it.
    line: String,
}

/// The characters of `text` from `start` that are code, with their offsets:
/// string literals (which end at their line's end too) and `//` comments are
/// skipped. Both scans of completion read the text through it.
fn code_chars(text: &str, start: usize) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut chars = text[start..]
        .char_indices()
        .map(move |(i, c)| (i + start, c))
        .peekable();
    std::iter::from_fn(move || loop {
        let (i, c) = chars.next()?;
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, c)| *c == '/') => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            _ => return Some((i, c)),
        }
    })
}

fn context(text: &str) -> Context {
    let mut frames: Vec<String> = Vec::new();
    let mut braces: Vec<usize> = Vec::new();
    let mut line_start = 0;
    let mut stmt_start = 0;
    for (i, c) in code_chars(text, 0) {
        match c {
            '\n' => {
                line_start = i + 1;
                stmt_start = i + 1;
            }
            '{' => {
                frames.push(text[line_start..i].trim().to_string());
                braces.push(i);
                stmt_start = i + 1;
            }
            '}' => {
                frames.pop();
                braces.pop();
                stmt_start = i + 1;
            }
            _ => {}
        }
    }
    let line = text[stmt_start..].to_string();
    Context {
        frames,
        braces,
        line,
    }
}

/// The fields written in the body that opens at `brace` (its own level
/// only, on either side of the cursor), but not the name at `cursor`.
fn written_fields(text: &str, brace: usize, cursor: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut depth = 0usize;
    let mut chars = code_chars(text, brace + 1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            c if depth == 0 && (c.is_ascii_alphabetic() || c == '_') => {
                let end = text[i..]
                    .find(|c| !is_ident(c))
                    .map_or(text.len(), |n| i + n);
                while chars.next_if(|&(j, _)| j < end).is_some() {}
                let rest = text[end..].trim_start_matches([' ', '\t']);
                let assigns = rest.starts_with('=') && !rest.starts_with("==");
                if assigns && !(i..=end).contains(&cursor) {
                    out.insert(text[i..end].to_string());
                }
            }
            _ => {}
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The last identifier of `s` (ignoring trailing spaces).
fn last_ident(s: &str) -> &str {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .rfind(|&(_, c)| !is_ident(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

fn first_word(s: &str) -> &str {
    s.split(|c: char| !is_ident(c)).next().unwrap_or("")
}

pub fn completions(a: &Analysis, path: &str, offset: usize, lang: Lang) -> Vec<Completion> {
    let Some(text) = a.text(path) else {
        return Vec::new();
    };
    let Some(before) = text.get(..offset) else {
        return Vec::new();
    };
    let cx = context(before);
    let defs = a.defs();
    // The token being typed, dots included (`personal.id`).
    // (The character before the token may be multi-byte: `人数.`.)
    let token_start = cx
        .line
        .char_indices()
        .rfind(|&(_, c)| !(is_ident(c) || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token = &cx.line[token_start..];
    let head = cx.frames.first().map(String::as_str).unwrap_or("");
    let head_word = first_word(head);

    if cx.frames.is_empty() {
        if let Some((base, _)) = token.rsplit_once('.') {
            return facts_of(&defs, base, lang);
        }
        // `view |`: the kind the view is of.
        let words: Vec<&str> = cx.line.split_whitespace().collect();
        if words.first() == Some(&"view") && (words.len() > 1 || cx.line.ends_with([' ', '\t'])) {
            return kinds(&defs, lang);
        }
        let mut out = keywords(ITEM_KEYWORDS);
        out.extend(kinds(&defs, lang));
        return out;
    }
    if head_word == "view" && cx.frames.len() == 1 {
        let kind = head.split_whitespace().nth(1).unwrap_or("");
        return view_entry(&defs, kind, &cx.line, lang);
    }
    if head_word == "rule" {
        if let Some((base, _)) = token.rsplit_once('.') {
            return facts_of(&defs, base, lang);
        }
        let mut out = keywords(RULE_CLAUSES);
        out.extend(keywords(crate::syntax::keywords::EXPR));
        out.extend(keywords(crate::syntax::keywords::AGGREGATE));
        out.extend(keywords(crate::syntax::keywords::DATES));
        return out;
    }
    // Entities inside a test are one level deeper.
    let mut frames: &[String] = &cx.frames;
    if head_word == "test" {
        if frames.len() == 1 {
            if cx.line.trim_start().starts_with("expect") {
                return rule_ids(&defs, lang);
            }
            let mut out = keywords(&["expect", "as_of", "today"]);
            out.extend(defs.schemas.keys().map(|k| Completion {
                label: k.clone(),
                kind: CompletionKind::Kind,
                detail: None,
                insert: None,
            }));
            return out;
        }
        frames = &frames[1..];
    }
    let kind = first_word(&frames[0]);
    let Some(schema) = defs.schemas.get(kind) else {
        return Vec::new();
    };
    // Descend into member records: `mechanism = standard_contract {`.
    let mut fields: BTreeMap<String, FieldDef> = schema.fields.clone();
    for f in &frames[1..] {
        let Some((field, value)) = f.split_once('=') else {
            return Vec::new();
        };
        let Some(fd) = fields.get(last_ident(field)) else {
            return Vec::new();
        };
        let member = last_ident(value);
        let next = match &fd.ty {
            Ty::Enum(e) => defs.enums.get(e).and_then(|e| e.member(member)),
            _ => None,
        };
        match next {
            Some(m) => fields = m.fields.clone(),
            None => return Vec::new(),
        }
    }
    match cx.line.split_once('=') {
        None => {
            let written = cx
                .braces
                .last()
                .map(|&b| written_fields(&text, b, offset))
                .unwrap_or_default();
            fields
                .values()
                .filter(|f| !written.contains(&f.name))
                .map(|f| Completion {
                    label: f.name.clone(),
                    kind: CompletionKind::Field,
                    detail: Some(format!("{} — {}", f.ty.display(), f.label.get(lang))),
                    insert: Some(format!("{} = ", f.name)),
                })
                .collect()
        }
        Some((field, _)) => match fields.get(last_ident(field)) {
            Some(f) => values(a, &defs, &f.ty, token, lang),
            None => Vec::new(),
        },
    }
}

/// The entity kinds (schemas), with their labels.
fn kinds(defs: &Defs, lang: Lang) -> Vec<Completion> {
    defs.schemas
        .values()
        .map(|s| Completion {
            label: s.name.clone(),
            kind: CompletionKind::Kind,
            detail: Some(s.label.get(lang).to_string()),
            insert: None,
        })
        .collect()
}

/// Inside `view KIND { … }`, by the words already written on the line: a
/// role keyword, then a field or derived fact of the kind; a checklist
/// entry's `for`, then the fact it belongs to.
fn view_entry(defs: &Defs, kind: &str, line: &str, lang: Lang) -> Vec<Completion> {
    let words: Vec<&str> = line.split_whitespace().collect();
    // The last word is still being typed unless the line ends in a space.
    let typing = !line.is_empty() && !line.ends_with(char::is_whitespace);
    let done = &words[..words.len() - usize::from(typing && !words.is_empty())];
    match done {
        [] => keywords(crate::syntax::keywords::VIEW_CLAUSE),
        [_] => facts_of(defs, kind, lang),
        ["checklist", _] => keywords(&["for"]),
        ["checklist", _, "for"] => facts_of(defs, kind, lang),
        _ => Vec::new(),
    }
}

fn keywords(words: &[&str]) -> Vec<Completion> {
    words
        .iter()
        .map(|w| Completion {
            label: w.to_string(),
            kind: CompletionKind::Keyword,
            detail: None,
            insert: None,
        })
        .collect()
}

fn rule_ids(defs: &Defs, lang: Lang) -> Vec<Completion> {
    defs.rules
        .values()
        .map(|r| Completion {
            label: r.id.clone(),
            kind: CompletionKind::Rule,
            detail: Some(r.title.get(lang).to_string()),
            insert: None,
        })
        .collect()
}

/// Fields and derived facts after `flow.` (the last name before the dot must
/// be an entity kind).
fn facts_of(defs: &Defs, base: &str, lang: Lang) -> Vec<Completion> {
    let kind = base.rsplit('.').next().unwrap_or(base);
    let Some(schema) = defs.schemas.get(kind) else {
        return Vec::new();
    };
    let mut out: Vec<Completion> = schema
        .fields
        .values()
        .map(|f| Completion {
            label: f.name.clone(),
            kind: CompletionKind::Field,
            detail: Some(format!("{} — {}", f.ty.display(), f.label.get(lang))),
            insert: None,
        })
        .collect();
    out.extend(
        defs.derives
            .values()
            .filter(|d| d.subject == kind)
            .map(|d| Completion {
                label: d.name.clone(),
                kind: CompletionKind::Fact,
                detail: Some(d.label.get(lang).to_string()),
                insert: None,
            }),
    );
    out
}

/// Values a field of type `ty` may take.
fn values(a: &Analysis, defs: &Defs, ty: &Ty, token: &str, lang: Lang) -> Vec<Completion> {
    match ty {
        Ty::List(inner) => values(a, defs, inner, token, lang),
        Ty::Bool => keywords(&["true", "false"]),
        Ty::Enum(e) => defs
            .enums
            .get(e)
            .map(|e| {
                e.members
                    .iter()
                    .map(|m| Completion {
                        label: m.name.clone(),
                        kind: CompletionKind::Member,
                        detail: Some(m.label.get(lang).to_string()),
                        insert: None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Ty::Entity(k) => a
            .entity_index()
            .by_kind
            .get(k)
            .map(|names| {
                names
                    .iter()
                    .map(|n| Completion {
                        label: n.to_string(),
                        kind: CompletionKind::Entity,
                        detail: Some(k.clone()),
                        insert: None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Ty::Tree(t) => tree_values(defs, t, token, lang),
        _ => Vec::new(),
    }
}

/// After `parent.`, the children of the parent; otherwise every node that a
/// single name reaches (roots and unique leaf names), with its full path.
fn tree_values(defs: &Defs, tree: &str, token: &str, lang: Lang) -> Vec<Completion> {
    let Some(t) = defs.trees.get(tree) else {
        return Vec::new();
    };
    let node = |n: &crate::model::defs::TreeNodeDef| Completion {
        label: n.path.last().cloned().unwrap_or_default(),
        kind: CompletionKind::Node,
        detail: Some(format!("{} — {}", n.path.join("."), n.label.get(lang))),
        insert: None,
    };
    match token.rsplit_once('.') {
        Some((parent, _)) => {
            let written: Vec<String> = parent.split('.').map(str::to_string).collect();
            let Some(p) = t.resolve(&written) else {
                return Vec::new();
            };
            t.nodes
                .iter()
                .filter(|n| n.path.len() == p.path.len() + 1 && n.path.starts_with(&p.path))
                .map(node)
                .collect()
        }
        None => t
            .nodes
            .iter()
            .filter(|n| {
                let last = n.path.last().cloned().unwrap_or_default();
                t.resolve(&[last]).is_some_and(|r| r.path == n.path)
            })
            .map(node)
            .collect(),
    }
}
