//! Legal exposure as data: a rule's `penalty` clauses (the statute's penalty
//! article and what it provides, bilingual, marked `unconfirmed` where the text
//! was not read) are parsed into the rule's definition, kept by the formatter,
//! shown on hover, and carried by the stdlib rules whose statutes state them.

use hegui_lang::diag::Lang;
use hegui_lang::Analysis;

const RULE: &str = r#"rule T-1 "标题" "Title" {
  cite "某法第一条" "Some Act Art. 1"
  // the penalty article was read
  penalty "某法第九条" "Some Act Art. 9"
          "处一万元以下罚款" "a fine of up to RMB 10,000"
  penalty unconfirmed "某法修正后的对应条文" "the amended article"
          "未确认" "unconfirmed"
  severity error
  when party.ciio
  require false
}
"#;

#[test]
fn penalty_clauses_become_the_rules_penalties() {
    let mut a = Analysis::new();
    a.set_file("t.hegui", RULE);
    let errors: Vec<String> = a
        .file_diagnostics("t.hegui")
        .iter()
        .filter(|d| !d.code.starts_with("T-"))
        .map(|d| format!("{}: {}", d.code, d.message(hegui_lang::diag::Lang::En)))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let defs = a.defs();
    let p = &defs.rules["T-1"].penalties;
    assert_eq!(p.len(), 2);
    assert_eq!(
        (
            p[0].citation.en.as_str(),
            p[0].text.zh.as_str(),
            p[0].confirmed
        ),
        ("Some Act Art. 9", "处一万元以下罚款", true)
    );
    assert_eq!(
        (p[1].citation.zh.as_str(), p[1].confirmed),
        ("某法修正后的对应条文", false)
    );
}

#[test]
fn a_penalty_without_its_texts_is_a_syntax_error_where_they_are_expected() {
    let src = RULE.replace(r#""处一万元以下罚款" "a fine of up to RMB 10,000""#, "");
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    let syntax: Vec<_> = a
        .file_diagnostics("t.hegui")
        .into_iter()
        .filter(|d| d.code == "syntax")
        .collect();
    assert_eq!(syntax.len(), 1, "{syntax:?}");
    // It points after the penalty article, where its texts are expected.
    let start = syntax[0].location.span.range().start;
    let line = src[..start].lines().last().unwrap_or("");
    assert!(
        line.trim_start().starts_with("penalty \"某法第九条\""),
        "{line}"
    );
}

#[test]
fn the_formatter_keeps_penalties_and_their_comment() {
    let messy = RULE.replace("  penalty unconfirmed", "  penalty    unconfirmed ");
    let out = hegui_lang::fmt::format("t.hegui", &messy).expect("formats");
    assert_eq!(out, RULE, "{out}");
    assert_eq!(hegui_lang::fmt::format("t.hegui", RULE).unwrap(), RULE);
}

#[test]
fn hover_on_a_rule_shows_its_penalties_in_the_chosen_language() {
    let src = format!("{RULE}\ntest \"t\" {{\n  expect no T-1\n}}\n");
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    let at = src.rfind("T-1").unwrap() + 1;
    let en = hegui_lang::ide::hover(&a, "t.hegui", at, Lang::En)
        .expect("hover")
        .markdown;
    assert!(
        en.contains("Penalty (Some Act Art. 9): a fine of up to RMB 10,000"),
        "{en}"
    );
    assert!(
        en.contains("Penalty (the amended article, unconfirmed)"),
        "{en}"
    );
    let zh = hegui_lang::ide::hover(&a, "t.hegui", at, Lang::Zh)
        .expect("hover")
        .markdown;
    assert!(zh.contains("罚则（某法第九条）：处一万元以下罚款"), "{zh}");
    assert!(zh.contains("罚则（某法修正后的对应条文，未确认）"), "{zh}");
}

/// The statutes that state a penalty for the duties encoded: PIPL Art. 66 for
/// the PIPL duties, DSL Arts 45, 46 and 48, CSL Arts 59 and 66 before the 2025
/// amendment and Art. 61 after it (its persons-responsible fine unconfirmed); old
/// Art. 66's successor is unconfirmed.
#[test]
fn stdlib_rules_carry_their_statutory_penalties() {
    let a = Analysis::new();
    let defs = a.defs();
    let cites = |id: &str| -> Vec<(String, bool)> {
        defs.rules[id]
            .penalties
            .iter()
            .map(|p| (p.citation.en.clone(), p.confirmed))
            .collect()
    };
    let one = |s: &str, c: bool| vec![(s.to_string(), c)];
    for id in [
        "PIPL-38", "PIPL-39", "PIPL-55", "PIPL-13", "PIPL-29", "PIPL-52",
    ] {
        assert_eq!(cites(id), one("PIPL Art. 66", true), "{id}");
    }
    assert_eq!(cites("DSL-27"), one("DSL Art. 45 para 1", true));
    assert_eq!(cites("DSL-31"), one("DSL Art. 46", true));
    assert_eq!(cites("DSL-36"), one("DSL Art. 48 para 2", true));
    assert_eq!(cites("CSL-21"), one("CSL Art. 59 para 1", true));
    // The company fines are confirmed (the amended text); the fine for the
    // persons responsible comes from a secondary source only.
    assert_eq!(
        cites("CSL-23"),
        vec![
            ("CSL (amended 2025) Art. 61".to_string(), true),
            (
                "CSL (amended 2025) Art. 61: the persons directly responsible".to_string(),
                false
            ),
        ]
    );
    assert_eq!(cites("CSL-37"), one("CSL Art. 66", true));
    assert_eq!(
        cites("CSL-39"),
        one("CSL (amended 2025), the successor of old Art. 66", false)
    );
    // State organs answer under PIPL Art. 68, which states no fine.
    assert!(cites("PIPL-36").is_empty());
    for r in defs.rules.values().filter(|r| r.stdlib) {
        for p in &r.penalties {
            for t in [&p.citation, &p.text] {
                assert!(!t.zh.is_empty() && !t.en.is_empty(), "{}", r.id);
                assert!(!t.zh.is_ascii(), "{}: zh is Chinese", r.id);
                // Typographic dashes are English too; CJK letters and
                // punctuation are not.
                let cjk = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
                assert!(!t.en.chars().any(cjk), "{}: no Chinese in en", r.id);
            }
        }
    }
}
