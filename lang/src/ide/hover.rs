//! Hover: what the name under the cursor means, in Markdown.

use super::facts::derived_facts;
use super::refs::{occurrence_at, Target};
use crate::diag::{Lang, Text};
use crate::eval::rules::Status;
use crate::model::types::FieldDef;
use crate::syntax::ast::Span;
use crate::Analysis;
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    /// The hovered name.
    pub span: Span,
    pub markdown: String,
}

pub fn hover(a: &Analysis, path: &str, offset: usize, lang: Lang) -> Option<HoverInfo> {
    let occ = occurrence_at(a, path, offset)?;
    let markdown = describe(a, &occ.target, lang)?;
    Some(HoverInfo {
        span: occ.span,
        markdown,
    })
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// `label` in the chosen language, with the other one in brackets when different.
fn both(t: &Text, lang: Lang) -> String {
    let (main, other) = match lang {
        Lang::Zh => (&t.zh, &t.en),
        Lang::En => (&t.en, &t.zh),
    };
    if other.is_empty() || other == main {
        main.clone()
    } else {
        format!("{main} ({other})")
    }
}

fn push_doc(out: &mut String, doc: &Option<String>) {
    if let Some(d) = doc {
        let _ = write!(out, "\n\n{}", d.trim());
    }
}

/// The Markdown description of a target.
pub fn describe(a: &Analysis, t: &Target, lang: Lang) -> Option<String> {
    let defs = a.defs();
    let mut out = String::new();
    match t {
        Target::Entity(name) => return Some(entity(a, name, lang)),
        Target::Kind(k) => {
            let s = defs.schemas.get(k)?;
            let _ = write!(out, "**schema** `{k}` — {}", both(&s.label, lang));
            push_doc(&mut out, &s.doc);
        }
        Target::Field { kind, field } => field_text(&mut out, kind, defs.field(kind, field)?, lang),
        Target::Derive { kind, name } => {
            let d = defs.derives.get(&(kind.clone(), name.clone()))?;
            let _ = write!(
                out,
                "**{}** `{kind}.{name}` — {}",
                pick(lang, "派生事实", "derived fact"),
                both(&d.label, lang)
            );
            push_doc(&mut out, &d.doc);
        }
        Target::Enum(e) => {
            let d = defs.enums.get(e)?;
            let _ = write!(out, "**enum** `{e}` — {}", both(&d.label, lang));
            push_doc(&mut out, &d.doc);
            for m in &d.members {
                let _ = write!(out, "\n- `{}` {}", m.name, m.label.get(lang));
            }
        }
        Target::Member { ty, member } => {
            let e = defs.enums.get(ty)?;
            let m = e.member(member)?;
            let _ = write!(
                out,
                "`{ty}.{member}` — {}\n\n{}: {}",
                both(&m.label, lang),
                pick(lang, "枚举", "enum"),
                e.label.get(lang)
            );
            push_doc(&mut out, &m.doc);
            for f in m.fields.values() {
                let _ = write!(
                    out,
                    "\n- `{}`: {} — {}",
                    f.name,
                    f.ty.display(),
                    f.label.get(lang)
                );
            }
        }
        Target::Tree(name) => {
            let d = defs.trees.get(name)?;
            let _ = write!(out, "**tree** `{name}` — {}", both(&d.label, lang));
            push_doc(&mut out, &d.doc);
        }
        Target::Node { tree, path } => {
            let d = defs.trees.get(tree)?;
            let n = d.node(path)?;
            let _ = write!(
                out,
                "`{}` — {}\n\n{}: {}",
                path.join("."),
                both(&n.label, lang),
                pick(lang, "类别树", "category tree"),
                d.label.get(lang)
            );
            push_doc(&mut out, &n.doc);
        }
        Target::Rule(id) => {
            let r = defs.rules.get(id)?;
            let _ = write!(
                out,
                "**{id}** ({}) — {}",
                r.severity.as_str(),
                both(&r.title, lang)
            );
            for c in r.cites.iter() {
                let _ = write!(
                    out,
                    "\n\n{} {}",
                    pick(lang, "依据：", "Cite:"),
                    both(c, lang)
                );
            }
            for p in &r.penalties {
                let c = p.citation.get(lang);
                let _ = match (lang, p.confirmed) {
                    (Lang::Zh, true) => write!(out, "\n\n罚则（{c}）：{}", p.text.zh),
                    (Lang::Zh, false) => write!(out, "\n\n罚则（{c}，未确认）：{}", p.text.zh),
                    (Lang::En, true) => write!(out, "\n\nPenalty ({c}): {}", p.text.en),
                    (Lang::En, false) => {
                        write!(out, "\n\nPenalty ({c}, unconfirmed): {}", p.text.en)
                    }
                };
            }
            let from = r.effective.map(|d| d.to_string()).unwrap_or("—".into());
            let _ = write!(out, "\n\n{} {from}", pick(lang, "生效：", "Effective:"));
            if let Some(u) = r.until {
                let _ = write!(out, " … {u}");
            }
            if let Some(m) = &r.decl.message {
                let m = Text {
                    zh: m.zh.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
                    en: m.en.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
                };
                let _ = write!(
                    out,
                    "\n\n{} {}",
                    pick(lang, "消息：", "Message:"),
                    m.get(lang)
                );
            }
            push_doc(&mut out, &r.doc);
        }
        Target::Const(c) => {
            let d = defs.consts.get(c)?;
            let _ = write!(out, "**const** `{c}` — {}", both(&d.label, lang));
            push_doc(&mut out, &d.doc);
        }
    }
    Some(out)
}

fn field_text(out: &mut String, kind: &str, f: &FieldDef, lang: Lang) {
    let req = if f.required {
        pick(lang, "，必填", ", required")
    } else {
        ""
    };
    let _ = write!(
        out,
        "`{kind}.{}`: `{}`{req} — {}",
        f.name,
        f.ty.display(),
        both(&f.label, lang)
    );
    push_doc(out, &f.doc);
}

/// An entity: its kind and label, its derived facts, and the rules it fails.
fn entity(a: &Analysis, name: &str, lang: Lang) -> String {
    let mut out = String::new();
    let Some((e, outcomes)) = a.explain(name) else {
        return format!("`{name}`");
    };
    let defs = a.defs();
    let kind_label = defs
        .schemas
        .get(&e.kind)
        .map(|s| s.label.get(lang).to_string())
        .unwrap_or_default();
    let _ = write!(out, "**{}** `{name}` ({kind_label})", e.kind);
    if !e.label.zh.is_empty() || !e.label.en.is_empty() {
        let _ = write!(out, " — {}", both(&e.label, lang));
    }
    let facts = derived_facts(a, name, None);
    if !facts.is_empty() {
        let _ = write!(out, "\n\n{}", pick(lang, "派生事实：", "Derived facts:"));
        for f in facts {
            let _ = write!(
                out,
                "\n- {} `{}` = **{}**",
                f.label.get(lang),
                f.name,
                f.value
            );
        }
    }
    let fired: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::Fired)
        .map(|o| o.rule.as_str())
        .collect();
    if !fired.is_empty() {
        let _ = write!(
            out,
            "\n\n{} {}",
            pick(lang, "触发的规则：", "Rules fired:"),
            fired.join(", ")
        );
    }
    out
}
