//! Checker tests, one per diagnostic kind: each asserts the code and the exact
//! underlined text (never the wording), the way Cedar's error tests do.

use hegui_lang::Analysis;

/// Diagnostics of the user file as `code: underlined text`, in order.
fn check(src: &str) -> Vec<String> {
    let mut a = Analysis::new();
    a.set_file("t.hegui", src);
    a.file_diagnostics("t.hegui")
        .iter()
        .filter(|d| {
            !d.code.contains('-')
                || !d
                    .code
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
        })
        .map(|d| format!("{}: {}", d.code, &src[d.location.span.range()]))
        .collect()
}

const BASE: &str = r#"
party h { jurisdiction = "CN" kind = hospital }
party us { jurisdiction = "US" kind = pharma }
dataset d { categories = [health_status] subjects = 10 grade = 4 }
"#;

fn with_base(s: &str) -> String {
    format!("{BASE}{s}")
}

#[test]
fn clean_workspace_has_no_language_diagnostics() {
    assert_eq!(check(BASE), Vec::<String>::new());
}

#[test]
fn unknown_field_suggests_the_close_one() {
    let src =
        with_base("flow f { from = h to = us data = [d] start = 2025-01-01 purpos = research }\n");
    assert_eq!(check(&src), vec!["unknown-field: purpos"]);
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    let d = a
        .file_diagnostics("t.hegui")
        .into_iter()
        .find(|d| d.code == "unknown-field")
        .expect("diagnostic");
    assert!(d.notes().any(|n| n.en.contains("`purpose`")));
    assert_eq!(d.fixes[0].edits[0].new_text, "purpose");
}

#[test]
fn wrong_type() {
    let src = with_base("party p { jurisdiction = 86 }\n");
    assert_eq!(check(&src), vec!["type-mismatch: 86"]);
}

#[test]
fn unknown_reference_and_wrong_kind_of_reference() {
    let src = with_base("flow f { from = hh to = d data = [d] start = 2025-01-01 }\n");
    assert_eq!(
        check(&src),
        vec!["unknown-reference: hh", "type-mismatch: d"]
    );
}

#[test]
fn unknown_enum_member_and_category() {
    let src = with_base("party p { jurisdiction = \"CN\" kind = hospitl }\ndataset e { categories = [health_stat] subjects = 1 }\n");
    assert_eq!(
        check(&src),
        vec!["unknown-name: hospitl", "unknown-name: health_stat"]
    );
}

#[test]
fn duplicate_definition_points_at_the_second() {
    let src = with_base("party h { jurisdiction = \"CN\" }\n");
    assert_eq!(check(&src), vec!["duplicate-definition: h"]);
}

#[test]
fn duplicate_field() {
    let src = with_base("party p { jurisdiction = \"CN\" jurisdiction = \"US\" }\n");
    assert_eq!(check(&src), vec!["duplicate-definition: jurisdiction"]);
}

#[test]
fn missing_required_field() {
    let src = with_base("flow f { from = h to = us start = 2025-01-01 }\n");
    assert_eq!(check(&src), vec!["missing-field: f"]);
}

#[test]
fn invalid_date() {
    let src = with_base("flow f { from = h to = us data = [d] start = 2025-02-30 }\n");
    assert_eq!(check(&src), vec!["invalid-date: 2025-02-30"]);
}

#[test]
fn invalid_effective_range_and_rule_id_reuse() {
    let src = "rule X-1 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  effective 2025-01-01 until 2024-01-01\n  when flow.cross_border\n}\nrule X-1 \"乙\" \"B\" {\n  cite \"c\" \"c\"\n  when flow.cross_border\n}\n";
    assert_eq!(
        check(src),
        vec!["invalid-range: 2024-01-01", "duplicate-rule-id: X-1"]
    );
}

#[test]
fn stdlib_rule_id_reuse_is_reported() {
    let src = "rule PIPL-38 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  when flow.cross_border\n}\n";
    assert_eq!(check(src), vec!["duplicate-rule-id: PIPL-38"]);
}

#[test]
fn unknown_names_fields_and_functions_in_rules() {
    let src = "rule X-2 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  when flow.cross_bordr and foo\n  require yeer(flow.start) > 2020 and len(flow.data, 1) > 0\n}\n";
    assert_eq!(
        check(src),
        vec![
            "unknown-field: cross_bordr",
            "unknown-name: foo",
            "unknown-name: yeer",
            "wrong-arity: len(flow.data, 1)"
        ]
    );
}

#[test]
fn ambiguous_enum_member_must_be_qualified() {
    let src =
        "rule X-3 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  when flow.purpose == hr_management\n}\n";
    assert_eq!(check(src), vec!["ambiguous-name: hr_management"]);
}

#[test]
fn unknown_kind_of_declaration() {
    let src = "flw f { from = h }\n";
    assert_eq!(check(src), vec!["unknown-kind: flw"]);
}

#[test]
fn unknown_type_in_schema_extension() {
    let src = "extend schema flow { reviewer: persn }\n";
    assert_eq!(check(src), vec!["unknown-type: persn"]);
}

#[test]
fn a_derived_fact_defined_in_terms_of_itself_is_reported_not_looped() {
    let src = with_base(
        "derive flow.loop_a = flow.loop_b\nderive flow.loop_b = flow.loop_a\nrule X-4 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  when flow.loop_a\n}\nflow f { from = h to = us data = [d] start = 2025-01-01 }\n",
    );
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    let limit: Vec<_> = a
        .file_diagnostics("t.hegui")
        .into_iter()
        .filter(|d| d.code == "limit")
        .collect();
    assert_eq!(limit.len(), 1, "{limit:#?}");
    assert_eq!(&src[limit[0].location.span.range()], "f");
}

#[test]
fn a_member_with_fields_may_be_qualified_by_its_enumeration() {
    let ok = with_base("flow f { from = h to = us data = [d] start = 2025-01-01\n  mechanism = mechanism.standard_contract { signed = 2025-01-01 } }\n");
    assert_eq!(check(&ok), Vec::<String>::new());
    let wrong = with_base("flow f { from = h to = us data = [d] start = 2025-01-01\n  mechanism = purpose.standard_contract { signed = 2025-01-01 } }\n");
    assert_eq!(
        check(&wrong),
        vec!["type-mismatch: purpose.standard_contract { signed = 2025-01-01 }"]
    );
}

#[test]
fn names_may_be_qualified_by_their_package() {
    let rule = |path: &str| {
        format!("rule X-9 \"甲\" \"A\" {{\n  cite \"c\" \"c\"\n  when flow.persons >= {path}\n}}\n")
    };
    assert_eq!(check(&rule("std.cac.million")), Vec::<String>::new());
    assert_eq!(
        check(&rule("std.pipl.million")),
        vec!["unknown-name: std.pipl.million"]
    );
    // And the qualified name evaluates to the constant.
    let src = format!(
        "{}{BASE}flow f {{ from = h to = us data = [d] start = 2025-01-01 }}\n",
        rule("std.cac.ten_thousand").replace(">= std", "< std")
    );
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    assert!(
        a.file_diagnostics("t.hegui")
            .iter()
            .any(|d| d.code == "X-9"),
        "10 persons < 10,000"
    );
}

/// Applies the first fix of the first finding with `code`, then re-checks.
fn apply_fix(src: &str, code: &str) -> String {
    let mut a = Analysis::new();
    a.set_file("t.hegui", src);
    let d = a
        .file_diagnostics("t.hegui")
        .into_iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code}"));
    let edit = &d
        .fixes
        .first()
        .unwrap_or_else(|| panic!("{code} offers no fix"))
        .edits[0];
    let mut out = src.to_string();
    out.replace_range(edit.location.span.range(), &edit.new_text);
    out
}

fn codes(src: &str) -> Vec<String> {
    let mut a = Analysis::new();
    a.set_file("t.hegui", src);
    a.file_diagnostics("t.hegui")
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn rule_fixes_make_their_findings_go_away() {
    // No mechanism, no consent, no PIA: each rule's fix, applied, satisfies it.
    let mut src = with_base(
        "flow f {\n  from = h to = us data = [d] start = 2025-03-01\n  notice = true\n}\n",
    );
    for code in ["PIPL-38", "PIPL-39", "PIPL-55"] {
        assert!(
            codes(&src).contains(&code.to_string()),
            "{code} fires before its fix:\n{src}"
        );
        src = apply_fix(&src, code);
        assert!(
            !codes(&src).contains(&code.to_string()),
            "{code} still fires after its fix:\n{src}"
        );
    }
    // The grade is raised to the minimum the content requires.
    let low = "dataset low { categories = [health_status] subjects = 10 grade = 2 }\n";
    let fixed = apply_fix(low, "GBT39725-6.2");
    assert!(fixed.contains("grade = 4"), "{fixed}");
    assert!(!codes(&fixed).contains(&"GBT39725-6.2".to_string()));
}

#[test]
fn message_templates_may_hold_any_expression() {
    let src = with_base(
        "rule X-10 \"甲\" \"A\" {\n  cite \"c\" \"c\"\n  when flow.persons > 0\n  message \"{sum(x in [1, 2, 3] where x > 1 : x * 10)}\" \"{sum(x in [1, 2, 3] where x > 1 : x * 10)}\"\n}\nflow f { from = h to = us data = [d] start = 2025-01-01 }\n",
    );
    let mut a = Analysis::new();
    a.set_file("t.hegui", &src);
    let d = a
        .file_diagnostics("t.hegui")
        .into_iter()
        .find(|d| d.code == "X-10")
        .expect("fires");
    assert_eq!(d.message(hegui_lang::diag::Lang::En), "50");
}

#[test]
fn a_view_names_fields_and_facts_of_its_kind() {
    // A known field and a known derived fact: no diagnostic.
    assert_eq!(
        check(&with_base(
            "view flow {\n  show storage\n  hint persons\n}\n"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        check(&with_base(
            "view flwo {\n  show persons\n}\nview flow {\n  show persns\n  hint persons for cross_border\n  checklist filing_checklist for nothing\n}\n"
        )),
        [
            "unknown-kind: flwo",
            "unknown-field: persns",
            "invalid-view: cross_border",
            "unknown-field: nothing",
        ]
    );
}

/// A fix whose value is `none` (or unknown: here it turns on
/// `foreign_controlled`, deciding and not declared) offers no quick fix; the
/// finding itself stays.
#[test]
fn a_fix_without_a_value_offers_no_quick_fix() {
    let rule = |value: &str| {
        format!(
            "rule X-7 \"甲\" \"A\" {{\n  cite \"c\" \"c\"\n  when flow.cross_border\n  require exists(flow.storage)\n  fix flow.storage = {value} \"改\" \"change\"\n}}\n"
        )
    };
    let flow = "flow f { from = h to = us data = [d] start = 2025-01-01 }\n";
    let fixes = |value: &str| {
        let src = with_base(&format!("{}{flow}", rule(value)));
        assert_eq!(check(&src), Vec::<String>::new(), "well-typed");
        let mut a = Analysis::new();
        a.set_file("t.hegui", &src);
        let d = a.file_diagnostics("t.hegui");
        let x7: Vec<_> = d.iter().filter(|d| d.code == "X-7").collect();
        assert_eq!(x7.len(), 1, "the finding stays: {d:#?}");
        x7[0].fixes.len()
    };
    assert_eq!(fixes("\"SG\""), 1, "a value: a quick fix");
    assert_eq!(fixes("none"), 0);
    let unknown = "if flow.to.foreign_controlled then \"SG\" else \"US\"";
    assert_eq!(fixes(unknown), 0, "unknown: none either");
}
