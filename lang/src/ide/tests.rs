//! IDE features on fixtures: `$0` marks the cursor.

use super::*;
use crate::diag::Lang;
use crate::diag::Location;
use crate::syntax::ast::Span;
use crate::Analysis;

const FILE: &str = "main.hegui";

/// A small S1-like workspace; tests insert `$0` with `at`.
const S1: &str = r#"party ruijin "上海某三甲医院" "A Shanghai hospital" {
  jurisdiction = "CN-SH"
  kind = hospital
  persons_processed = 2_400_000
}

party acme_rd "Acme 研发中心" "Acme R&D" {
  jurisdiction = "US"
  kind = pharma
}

/// Trial data.
dataset glucose_trial "糖尿病试验数据" "Diabetes trial data" {
  categories = [personal.identity, health_status]
  subjects = 3_200
  records = 48_000
  deidentification = pseudonymised
  grade = 2
}

flow trial_export "试验数据出境" "Trial data export" {
  from = ruijin
  to = acme_rd
  data = [glucose_trial]
  purpose = clinical_trial
  start = 2026-03-01
  mechanism = standard_contract { signed = 2026-02-10 }
  consent = separate
}
"#;

/// Puts `$0` before the first occurrence of `needle` (after `skip` bytes into it).
fn at(needle: &str, skip: usize) -> String {
    let i = S1.find(needle).expect("needle in fixture") + skip;
    format!("{}$0{}", &S1[..i], &S1[i..])
}

fn fixture(src: &str) -> (Analysis, usize) {
    let offset = src.find("$0").expect("fixture has $0");
    let text = src.replacen("$0", "", 1);
    let mut a = Analysis::new();
    a.set_file(FILE, &text);
    (a, offset)
}

fn hover_text(src: &str) -> String {
    let (a, off) = fixture(src);
    hover(&a, FILE, off, Lang::En).expect("a hover").markdown
}

fn labels(src: &str) -> Vec<String> {
    let (a, off) = fixture(src);
    completions(&a, FILE, off, Lang::En)
        .into_iter()
        .map(|c| c.label)
        .collect()
}

fn underlined(a: &Analysis, file: &str, span: Span) -> String {
    a.text(file).expect("file")[span.range()].to_string()
}

#[test]
fn hover_flow_shows_derived_facts_and_fired_rules() {
    let h = hover_text(&at("trial_export", 3));
    assert!(h.contains("**flow** `trial_export`"), "{h}");
    assert!(h.contains("`cross_border` = **true**"), "{h}");
    assert!(
        h.contains("`required_mechanism` = **standard_contract**"),
        "{h}"
    );
    assert!(h.contains("`cumulative_persons` = **3,200**"), "{h}");
    assert!(h.contains("CAC-SC-7"), "{h}");
}

#[test]
fn hover_dataset_shows_min_grade() {
    let h = hover_text(&at("dataset glucose_trial", 10));
    assert!(h.contains("`min_grade` = **3**"), "{h}");
    assert!(h.contains("`sensitive` = **true**"), "{h}");
}

#[test]
fn hover_entity_reference_in_a_flow() {
    let h = hover_text(&at("from = ruijin", 8));
    assert!(h.contains("**party** `ruijin`"), "{h}");
    assert!(h.contains("`mainland` = **true**"), "{h}");
}

#[test]
fn hover_field_member_and_category() {
    let h = hover_text(&at("subjects", 2));
    assert!(
        h.contains("`dataset.subjects`: `int`, required — Persons"),
        "{h}"
    );
    let h = hover_text(&at("pseudonymised", 2));
    assert!(h.contains("`deidentification.pseudonymised`"), "{h}");
    let h = hover_text(&at("identity", 1));
    assert!(h.contains("`personal.identity`"), "{h}");
    let h = hover_text(&at("standard_contract", 1));
    assert!(h.contains("`signed`: date"), "{h}");
}

#[test]
fn hover_rule_in_a_test_shows_citation_and_dates() {
    let src = "test \"t\" {\n  expect CAC-$0SC-7 on f\n}\n";
    let h = hover_text(src);
    assert!(h.contains("**CAC-SC-7** (error)"), "{h}");
    assert!(h.contains("Cite:"), "{h}");
    assert!(h.contains("Effective: 2023-06-01"), "{h}");
}

#[test]
fn hover_nothing_on_whitespace_or_past_the_end() {
    let (a, _) = fixture(&at("trial_export", 0));
    let quote = S1.find('"').expect("a string");
    assert_eq!(hover(&a, FILE, quote + 1, Lang::En), None);
    assert_eq!(hover(&a, FILE, usize::MAX / 2, Lang::En), None);
    assert_eq!(hover(&a, "nope.hegui", 3, Lang::En), None);
}

#[test]
fn definition_of_entity_reference() {
    let (a, off) = fixture(&at("to = acme_rd", 6));
    let loc = goto_definition(&a, FILE, off).expect("definition");
    assert_eq!(loc.file, FILE);
    assert_eq!(underlined(&a, FILE, loc.span), "acme_rd");
    assert!(loc.span.start < 200, "the party declaration");
}

#[test]
fn definition_in_the_stdlib() {
    let (a, off) = fixture(&at("flow trial_export", 1));
    let loc = goto_definition(&a, FILE, off).expect("definition");
    assert_eq!(loc.file, "stdlib/core/schema.hegui");
    assert_eq!(underlined(&a, &loc.file, loc.span), "flow");

    let (a, off) = fixture(&at("clinical_trial", 0));
    let loc = goto_definition(&a, FILE, off).expect("definition");
    assert_eq!(underlined(&a, &loc.file, loc.span), "clinical_trial");
}

#[test]
fn definition_of_a_derived_fact_in_a_rule() {
    let a = Analysis::new();
    let file = "stdlib/cac/mechanism.hegui";
    let text = a.text(file).expect("stdlib file");
    let off = text.find("flow.needs_assessment").expect("used") + 7;
    let loc = goto_definition(&a, file, off).expect("definition");
    assert_eq!(underlined(&a, &loc.file, loc.span), "needs_assessment");
    assert!(loc.span.start < off as u32);
    // `flow.from.ciio`: a field of the party the flow comes from.
    let off = text.find("flow.from.ciio").expect("used") + 11;
    let loc = goto_definition(&a, file, off).expect("definition");
    assert_eq!(loc.file, "stdlib/core/schema.hegui");
    assert_eq!(underlined(&a, &loc.file, loc.span), "ciio");
}

#[test]
fn references_of_a_party() {
    let (a, off) = fixture(&at("ruijin", 1));
    let refs = references(&a, FILE, off, true);
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs
        .iter()
        .all(|l| underlined(&a, &l.file, l.span) == "ruijin"));
    assert_eq!(references(&a, FILE, off, false).len(), 1);
}

#[test]
fn rename_an_entity_and_refuse_stdlib_names() {
    let (a, off) = fixture(&at("glucose_trial", 0));
    let edits = rename(&a, FILE, off, "trial_data").expect("renamed");
    assert_eq!(edits.len(), 2);
    assert_eq!(
        rename(&a, FILE, off, "not valid"),
        Err(RenameError::InvalidName)
    );
    let (a, off) = fixture(&at("clinical_trial", 0));
    assert_eq!(rename(&a, FILE, off, "x"), Err(RenameError::InStdlib));
}

#[test]
fn complete_fields_of_the_entity_kind() {
    let l = labels(&at("  records", 2));
    assert!(l.contains(&"hgr".to_string()), "{l:?}");
    assert!(!l.contains(&"purpose".to_string()), "{l:?}");
}

#[test]
fn complete_enum_members_entities_and_categories() {
    let l = labels(&at("clinical_trial", 0));
    assert!(l.contains(&"research".to_string()), "{l:?}");
    let l = labels(&at("acme_rd\n  data", 0));
    assert_eq!(l, vec!["acme_rd", "ruijin"]);
    let l = labels(&at("glucose_trial]", 0));
    assert_eq!(l, vec!["glucose_trial"]);
    let l = labels(&at("identity,", 0));
    assert!(l.contains(&"identity".to_string()), "{l:?}");
    assert!(l.contains(&"biometric".to_string()), "{l:?}");
    assert!(!l.contains(&"health_status".to_string()), "{l:?}");
    let l = labels(&at("health_status]", 0));
    assert!(l.contains(&"health_status".to_string()), "{l:?}");
}

#[test]
fn complete_member_fields_inside_a_variant() {
    let l = labels(&at("signed =", 0));
    assert!(l.contains(&"filed".to_string()), "{l:?}");
    assert!(l.contains(&"effective".to_string()), "{l:?}");
}

#[test]
fn complete_keywords_rule_ids_and_facts() {
    let l = labels("$0");
    assert!(
        l.contains(&"rule".to_string()) && l.contains(&"flow".to_string()),
        "{l:?}"
    );
    let l = labels("test \"t\" {\n  expect CAC$0\n}\n");
    assert!(l.contains(&"CAC-SC-7".to_string()), "{l:?}");
    let l = labels("rule X-1 \"a\" \"b\" {\n  when flow.$0\n}\n");
    assert!(l.contains(&"cross_border".to_string()), "{l:?}");
    assert!(l.contains(&"from".to_string()), "{l:?}");
}

#[test]
fn document_symbols_and_folding() {
    let (a, _) = fixture(&at("x", 0));
    let syms = document_symbols(&a, FILE, Lang::En);
    let names: Vec<&str> = syms.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["ruijin", "acme_rd", "glucose_trial", "trial_export"]
    );
    assert_eq!(syms[3].detail.as_deref(), Some("flow · Trial data export"));
    assert_eq!(folding_ranges(&a, FILE).len(), 4);
    let ws = workspace_symbols(&a, "cac-sc", Lang::En, 100);
    assert!(ws
        .iter()
        .any(|(p, s)| s.name == "CAC-SC-7" && p.starts_with("stdlib/")));
}

#[test]
fn inlay_hints_for_flows_and_datasets() {
    let (a, _) = fixture(&at("x", 0));
    let hints = inlay_hints(&a, FILE, 0, u32::MAX, Lang::En);
    let labels: Vec<&str> = hints.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Minimum grade: 3",
            "Required mechanism: Standard contract · Cumulative PI persons exported: 3,200"
        ]
    );
    let text = a.text(FILE).expect("text");
    assert!(text[..hints[0].offset as usize].ends_with("glucose_trial"));
    // In Chinese, the member by its Chinese label: no English word in a hint.
    let zh = inlay_hints(&a, FILE, 0, u32::MAX, Lang::Zh);
    assert!(zh[1].label.contains("个人信息出境标准合同"), "{:?}", zh[1]);
    assert!(
        !zh[1].label.contains(|c: char| c.is_ascii_alphabetic()),
        "{:?}",
        zh[1]
    );
    assert!(
        zh[1].tooltip.contains("standard_contract"),
        "the source in the tooltip"
    );
}

/// The hints are the views' `hint` entries: a workspace's own view adds a
/// declared field (by the view's label) and a derived fact after the stdlib's.
#[test]
fn inlay_hints_follow_the_views() {
    let src = format!(
        "{S1}\nview dataset {{\n  hint grade \"声明分级\" \"Declared\"\n}}\nview flow {{\n  hint persons\n}}\n$0"
    );
    let (a, _) = fixture(&src);
    let hints = inlay_hints(&a, FILE, 0, u32::MAX, Lang::En);
    let labels: Vec<&str> = hints.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Minimum grade: 3 · Declared: 2",
            "Required mechanism: Standard contract · Cumulative PI persons exported: 3,200 · Persons: 3,200"
        ]
    );
    assert!(
        hints[0].tooltip.contains("dataset.grade = 2"),
        "{:?}",
        hints[0]
    );
}

#[test]
fn code_action_raises_the_grade() {
    let (a, off) = fixture(&at("grade = 2", 0));
    let acts = code_actions(&a, FILE, Span::new(off, off));
    let raise = acts
        .iter()
        .find(|x| x.title.en == "raise the grade to 3")
        .expect("raise grade");
    assert_eq!(raise.edits[0].new_text, "3");
    assert_eq!(underlined(&a, FILE, raise.edits[0].location.span), "2");
}

#[test]
fn code_action_from_a_diagnostic_fix() {
    let src = at("  records", 0).replace("$0  records", "  recrods$0");
    let (a, off) = fixture(&src);
    let acts = code_actions(&a, FILE, Span::new(off, off));
    let fix = acts
        .iter()
        .find(|x| x.title.en == "change to `records`")
        .expect("fix");
    assert_eq!(
        fix.diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>(),
        ["unknown-field"]
    );
}

#[test]
fn semantic_tokens_are_ordered() {
    let (a, _) = fixture(&at("x", 0));
    let toks = semantic_tokens(&a, FILE);
    assert!(toks.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    assert!(toks.iter().any(|t| t.kind == TokenKind::Entity && t.decl));
}

#[test]
fn tree_symbols_contain_their_children() {
    let a = Analysis::new();
    let file = "stdlib/gbt39725/categories.hegui";
    fn check(s: &Symbol) {
        for c in &s.children {
            assert!(
                s.span.start <= c.span.start && c.span.end <= s.span.end,
                "{s:?}"
            );
            check(c);
        }
    }
    let syms = document_symbols(&a, file, Lang::Zh);
    assert!(!syms.is_empty());
    syms.iter().for_each(check);
}

#[test]
fn completion_leaves_out_fields_already_written() {
    // A new line between `purpose` and `start`: fields above and below count.
    let src = at("  start = 2026-03-01", 0).replace("$0", "  $0\n");
    let offered = labels(&src);
    for written in [
        "from",
        "to",
        "data",
        "purpose",
        "start",
        "mechanism",
        "consent",
    ] {
        assert!(
            !offered.iter().any(|l| l == written),
            "{written} offered: {offered:?}"
        );
    }
    for open in ["pia", "notice", "storage"] {
        assert!(
            offered.iter().any(|l| l == open),
            "{open} missing: {offered:?}"
        );
    }
    // Inside the member record, only its own fields count: `signed` is written.
    let src = S1.replace(
        "{ signed = 2026-02-10 }",
        "{\n    signed = 2026-02-10\n    $0\n  }",
    );
    let offered = labels(&src);
    assert!(!offered.iter().any(|l| l == "signed"), "{offered:?}");
    assert!(offered.iter().any(|l| l == "filed"), "{offered:?}");
    // The name being typed over is still offered.
    let src = at("consent = separate", 4);
    let offered = labels(&src);
    assert!(offered.iter().any(|l| l == "consent"), "{offered:?}");
}

#[test]
fn identical_fixes_make_one_action() {
    // No mechanism: the CAC 2024 rule and PIPL Art. 38 both set it to the
    // standard contract.
    let src = S1.replace(
        "  mechanism = standard_contract { signed = 2026-02-10 }\n",
        "",
    );
    let src = src.replace("flow trial_export", "flow $0trial_export");
    let (a, off) = fixture(&src);
    let acts = code_actions(&a, FILE, Span::new(off, off));
    let mut by_edit: Vec<&Vec<crate::diag::Edit>> = acts.iter().map(|x| &x.edits).collect();
    by_edit.dedup();
    assert_eq!(
        by_edit.len(),
        acts.len(),
        "two actions make the same edit: {acts:#?}"
    );
    let merged = acts
        .iter()
        .find(|x| x.diagnostics.len() > 1)
        .expect("an action fixing several diagnostics");
    assert!(
        merged.edits[0].new_text.contains("standard_contract"),
        "{merged:#?}"
    );
    let mut codes: Vec<&str> = merged.diagnostics.iter().map(|d| d.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["CAC-2024-8", "PIPL-38"]);
    assert!(merged.preferred, "{merged:#?}");
}

type AllReferences = Vec<(Target, Vec<Location>)>;

/// Every target's references and every workspace symbol, from a fresh walk
/// of a fresh analysis of the same texts (nothing memoised).
fn from_scratch(texts: &[(&str, String)]) -> (AllReferences, Vec<(String, Symbol)>) {
    let mut fresh = Analysis::new();
    for (p, t) in texts {
        fresh.set_file(p, t);
    }
    let defs = fresh.defs();
    let mut refs: std::collections::BTreeMap<String, (Target, Vec<Location>)> = Default::default();
    let mut syms = Vec::new();
    for p in fresh.all_paths() {
        let parsed = fresh.parsed(&p).expect("parsed");
        for o in refs::walk(&p, &parsed.ast, &defs) {
            let e = refs.entry(format!("{:?}", o.target));
            e.or_insert_with(|| (o.target.clone(), Vec::new()))
                .1
                .push(Location {
                    file: p.clone(),
                    span: o.span,
                });
        }
        syms.extend(
            symbols::outline(&parsed.ast, Lang::En)
                .into_iter()
                .map(|s| (p.clone(), s)),
        );
    }
    (refs.into_values().collect(), syms)
}

#[test]
fn memoised_references_and_symbols_equal_a_fresh_walk_after_edits() {
    let split = S1.find("/// Trial data.").expect("dataset");
    let mut texts = vec![
        ("parties.hegui", S1[..split].to_string()),
        ("flows.hegui", S1[split..].to_string()),
    ];
    let mut a = Analysis::new();
    for (p, t) in &texts {
        a.set_file(p, t);
    }
    let edits: [(usize, &str, &str); 5] = [
        (1, "start = 2026-03-01", "start = 2026-04-01"),
        (0, "party acme_rd", "party acme_rnd"),
        (1, "to = acme_rd", "to = acme_rnd"),
        (
            1,
            "consent = separate\n}\n",
            "consent = separate\n}\n\nflow again {\n  from = ruijin\n  to = acme_rnd\n}\n",
        ),
        (
            0,
            "party ruijin",
            "enum colour { red green }\n\nparty ruijin",
        ),
    ];
    for (i, (file, from, to)) in edits.into_iter().enumerate() {
        // Asked before the edit, so the memos are there to be reused or not.
        let _ = workspace_symbols(&a, "", Lang::En, usize::MAX);
        let _ = goto::references_of(&a, &Target::Entity("ruijin".into()), true);
        texts[file].1 = texts[file].1.replacen(from, to, 1);
        a.set_file(texts[file].0, &texts[file].1);
        let (refs, syms) = from_scratch(&texts);
        assert!(refs.len() > 50, "targets: {}", refs.len());
        for (t, want) in &refs {
            assert_eq!(&goto::references_of(&a, t, true), want, "edit {i}: {t:?}");
        }
        assert_eq!(
            workspace_symbols(&a, "", Lang::En, usize::MAX),
            syms,
            "edit {i}"
        );
    }
}

#[test]
fn references_and_symbols_reuse_the_memos_of_unchanged_files() {
    let split = S1.find("/// Trial data.").expect("dataset");
    let mut a = Analysis::with_query_log();
    a.set_file("parties.hegui", &S1[..split]);
    a.set_file("flows.hegui", &S1[split..]);
    let ruijin = Target::Entity("ruijin".into());
    let before = goto::references_of(&a, &ruijin, true);
    let _ = workspace_symbols(&a, "", Lang::En, usize::MAX);
    // From the edit on (setting a text already reads its parse).
    a.db.start_log();
    a.set_file(
        "flows.hegui",
        &S1[split..].replace("start = 2026-03-01", "start = 2026-04-01"),
    );
    assert_eq!(goto::references_of(&a, &ruijin, true), before);
    let _ = workspace_symbols(&a, "", Lang::En, usize::MAX);
    let log = a.db.take_log();
    let count = |q: &str| {
        log.iter()
            .filter(|l| l.starts_with(&format!("{q}(")))
            .count()
    };
    // Only the edited file is parsed and walked again, of the stdlib's and the user's.
    assert_eq!(count("parse_file"), 1, "{log:#?}");
    assert_eq!(count("file_occurrences"), 1, "{log:#?}");
    assert_eq!(count("file_outline"), 1, "{log:#?}");
}

/// A kind of the user's own, with a derived fact and a view listing both.
const GADGETS: &str = r#"schema gadget "器件" "Gadget" as gadgets {
  size: int "尺寸" "Size"
}

derive gadget.big "大件" "Big" = gadget.size > 3

gadget g {
  size = 4
}

view gadget {
  show size
  checklist big for size
  hint big
}
"#;

/// Puts `$0` `skip` bytes into the `nth` occurrence of `needle` in `src`.
fn at_in(src: &str, needle: &str, nth: usize, skip: usize) -> String {
    let i = src.match_indices(needle).nth(nth).expect("needle").0 + skip;
    format!("{}$0{}", &src[..i], &src[i..])
}

#[test]
fn view_names_go_to_their_definitions_and_hover() {
    let (a, off) = fixture(&at_in(GADGETS, "show size", 0, 6));
    let loc = goto_definition(&a, FILE, off).expect("the field");
    assert_eq!(underlined(&a, &loc.file, loc.span), "size");
    assert!(loc.span.start < 60, "the schema's field: {loc:?}");
    let (a, off) = fixture(&at_in(GADGETS, "hint big", 0, 6));
    let loc = goto_definition(&a, FILE, off).expect("the derived fact");
    assert_eq!(
        &a.text(FILE).expect("file")[loc.span.start as usize - 7..][..10],
        "gadget.big"
    );
    let (a, off) = fixture(&at_in(GADGETS, "view gadget", 0, 6));
    let loc = goto_definition(&a, FILE, off).expect("the kind");
    assert_eq!(loc.span.start, 7, "the schema's name");
    // `for size`: the fact a checklist belongs to.
    let (a, off) = fixture(&at_in(GADGETS, "for size", 0, 5));
    let loc = goto_definition(&a, FILE, off).expect("the field");
    assert!(loc.span.start < 60, "{loc:?}");
    assert!(hover_text(&at_in(GADGETS, "hint big", 0, 6)).contains("Big"));
    assert!(hover_text(&at_in(GADGETS, "show size", 0, 6)).contains("Size"));
    // The stdlib's own views too.
    let a = Analysis::new();
    let file = "stdlib/core/schema.hegui";
    let text = a.text(file).expect("stdlib file");
    let off = text.find("show cumulative_persons").expect("listed") + 6;
    let loc = goto_definition(&a, file, off).expect("definition");
    assert_eq!(underlined(&a, &loc.file, loc.span), "cumulative_persons");
    assert_ne!(loc.file, file, "declared with the derived facts");
}

#[test]
fn view_names_are_references_and_are_renamed() {
    let (a, off) = fixture(&at_in(GADGETS, "size:", 0, 0));
    let refs = references(&a, FILE, off, true);
    let at: Vec<u32> = refs.iter().map(|l| l.span.start).collect();
    let view = GADGETS.find("show size").expect("view") as u32 + 5;
    let of = GADGETS.find("for size").expect("view") as u32 + 4;
    assert!(at.contains(&view) && at.contains(&of), "{refs:?}");
    assert_eq!(
        refs.len(),
        5,
        "declaration, derive, entity, two in the view"
    );
    let edits = rename(&a, FILE, off, "width").expect("renamed");
    assert_eq!(edits.len(), 5, "{edits:?}");
    let (a, off) = fixture(&at_in(GADGETS, "big", 0, 0));
    assert_eq!(
        references(&a, FILE, off, true).len(),
        3,
        "declaration, checklist, hint"
    );
}

#[test]
fn complete_inside_a_view() {
    let src = |body: &str| format!("{GADGETS}\nview gadget {{\n  {body}$0\n}}\n");
    let l = labels(&src(""));
    assert_eq!(l, ["route", "summary", "show", "checklist", "hint"]);
    let l = labels(&src("sh"));
    assert!(l.contains(&"show".to_string()), "{l:?}");
    let l = labels(&src("show "));
    assert_eq!(l, ["size", "big"]);
    let l = labels(&src("checklist big "));
    assert_eq!(l, ["for"]);
    let l = labels(&src("checklist big for s"));
    assert_eq!(l, ["size", "big"]);
    let l = labels(&format!("{GADGETS}\nview $0"));
    assert!(
        l.contains(&"gadget".to_string()) && l.contains(&"flow".to_string()),
        "{l:?}"
    );
    assert!(!l.contains(&"rule".to_string()), "{l:?}");
    // A stdlib kind: its fields and the derived facts of the stdlib.
    let l = labels("view flow {\n  show $0\n}\n");
    assert!(
        l.contains(&"mechanism".to_string()) && l.contains(&"cumulative_persons".to_string()),
        "{l:?}"
    );
}
