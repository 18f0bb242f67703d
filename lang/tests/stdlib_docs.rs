//! The standard library documents every rule: a `///` doc comment saying
//! where it comes from, and a rule resting on an unconfirmed source says so
//! both in that comment and in what `hegui doc` shows (its title or a
//! citation), in both languages. An error may be marked unconfirmed only for
//! its article number; an unconfirmed fact makes a warning (docs/stdlib.md,
//! "Anatomy of a rule").

use hegui_lang::diag::Severity;
use hegui_lang::model::defs::RuleDef;
use hegui_lang::Analysis;

fn stdlib_rules(a: &Analysis) -> Vec<RuleDef> {
    let mut rules: Vec<RuleDef> = a
        .defs()
        .rules
        .values()
        .filter(|r| r.stdlib)
        .cloned()
        .collect();
    rules.sort_by(|x, y| x.id.cmp(&y.id));
    assert!(rules.len() > 50, "the stdlib's rules: {}", rules.len());
    rules
}

/// The English and Chinese text `hegui doc` shows for a rule: title and citations.
fn shown(r: &RuleDef) -> (String, String) {
    let mut en = r.title.en.clone();
    let mut zh = r.title.zh.clone();
    for c in r.cites.iter() {
        en.push_str(" | ");
        en.push_str(&c.en);
        zh.push_str(" | ");
        zh.push_str(&c.zh);
    }
    (en, zh)
}

fn marked_en(s: &str) -> bool {
    let s = s.to_lowercase();
    s.contains("unconfirmed") || s.contains("secondary source")
}

fn marked_zh(s: &str) -> bool {
    s.contains("未确认") || s.contains("二手资料")
}

#[test]
fn every_stdlib_rule_has_a_doc_comment() {
    let a = Analysis::new();
    let missing: Vec<String> = stdlib_rules(&a)
        .into_iter()
        .filter(|r| r.doc.as_deref().is_none_or(|d| d.trim().is_empty()))
        .map(|r| r.id)
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a `///` comment: {missing:?}"
    );
}

#[test]
fn an_unconfirmed_source_is_marked_in_the_doc_comment_and_in_hegui_doc() {
    let a = Analysis::new();
    for r in stdlib_rules(&a) {
        let doc = r.doc.clone().unwrap_or_default();
        let (en, zh) = shown(&r);
        let in_doc = marked_en(&doc);
        assert_eq!(
            in_doc,
            marked_en(&en),
            "{}: the doc comment and the title/citations disagree on `unconfirmed`: {doc:?} / {en:?}",
            r.id
        );
        assert_eq!(
            marked_en(&en),
            marked_zh(&zh),
            "{}: the English and Chinese title/citations disagree on 未确认: {en:?} / {zh:?}",
            r.id
        );
    }
}

#[test]
fn an_error_is_unconfirmed_at_most_in_its_article_number() {
    let a = Analysis::new();
    let mut wrong = Vec::new();
    for r in stdlib_rules(&a)
        .into_iter()
        .filter(|r| r.severity == Severity::Error)
    {
        let (en, _) = shown(&r);
        // Every mark qualifies an article number, e.g. "(article number unconfirmed)".
        let en = en.to_lowercase();
        let ok = en.match_indices("unconfirmed").all(|(i, _)| {
            let before = &en[..i];
            let clause = before.rsplit(['(', ';', '|']).next().unwrap_or("");
            clause.contains("article")
        });
        if !ok {
            wrong.push(format!("{}: {en}", r.id));
        }
    }
    assert!(
        wrong.is_empty(),
        "errors built on an unconfirmed fact: {wrong:#?}"
    );
}
