//! Bounded property tests, run in CI: the bounded counterparts of the fuzz
//! targets in `fuzz/` (see HARDENING.md). The parser never panics, the whole
//! analysis never panics, and the formatter keeps the tree, the comments and
//! its own output on generated inputs.

use hegui_lang::fmt::format;
use hegui_lang::fmt::invariants::{comments, shape};
use hegui_lang::Analysis;
use proptest::prelude::*;
use std::cell::RefCell;

/// Pieces of text that make the parser, checker and formatter take their
/// interesting paths: keywords, operators, brackets, quotes, comments, dates,
/// Chinese and astral characters, full-width space, BOM, CR — with every
/// reserved word of the grammar (`hegui_lang::syntax::keywords`).
fn pieces() -> Vec<&'static str> {
    use hegui_lang::syntax::keywords as kw;
    let mut v: Vec<&'static str> = PIECES.to_vec();
    for words in [kw::ITEM, kw::RULE_CLAUSE, kw::EXPR, kw::UNIT] {
        v.extend_from_slice(words);
    }
    v
}

const PIECES: &[&str] = &[
    "party",
    "dataset",
    "flow",
    "due",
    "expect",
    "no",
    "on",
    "as_of",
    "sum(",
    "count(",
    "any(",
    "min(",
    "filter(",
    "flows",
    "required",
    "subject_date",
    "flow.from",
    "f.start",
    "x",
    "a",
    "PIPL-38",
    "CAC-SC-7",
    "2024-03-22",
    "2024-02-30",
    "2024-02-10..2024-02-17",
    "0",
    "3_200",
    "99999999999999999999",
    "=",
    "==",
    "!=",
    "<=",
    ">",
    "+",
    "-",
    "*",
    "/",
    ":",
    ",",
    ".",
    "..",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "\"合规\"",
    "\"\\\"\"",
    "\\",
    "//",
    "///",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "合规",
    "医院",
    "数据出境",
    "😀",
    "𠀀",
    "\u{3000}",
    "\u{FEFF}",
    "\u{0301}",
    "é",
    "\0",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(pieces()), 0..120).prop_map(|v| v.concat()),
        any::<String>(),
        "[a-z\\{\\}\\[\\]\\(\\)\"=. \n合规😀]{0,200}",
    ]
}

/// A stdlib or example-like file with a random edit applied.
fn mutated() -> impl Strategy<Value = String> {
    let files: Vec<&'static str> = hegui_lang::stdlib::FILES.iter().map(|(_, t)| *t).collect();
    (
        prop::sample::select(files),
        any::<prop::sample::Index>(),
        0usize..40,
        prop::collection::vec(prop::sample::select(pieces()), 0..4),
    )
        .prop_map(|(t, at, del, ins)| {
            let mut at = at.index(t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + del).min(t.len());
            while !t.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}{}", &t[..at], ins.concat(), &t[end..])
        })
}

fn parse_ok(text: &str) {
    let parsed = hegui_lang::syntax::parse("p.hegui", text);
    for d in &parsed.diagnostics {
        let (s, e) = (d.location.span.start as usize, d.location.span.end as usize);
        assert!(s <= e && e <= text.len(), "{d:?}");
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "{d:?}"
        );
    }
}

thread_local! {
    /// One analysis for all cases: the stdlib stays memoised, each case
    /// replaces the one user file (as the `check` fuzz target does).
    static ANALYSIS: RefCell<Analysis> = RefCell::new(Analysis::new());
}

fn check_ok(text: &str) {
    ANALYSIS.with(|a| {
        let mut a = a.borrow_mut();
        a.set_file("p.hegui", text);
        for d in a.diagnostics().iter() {
            if d.location.file == "p.hegui" {
                assert!(d.location.span.end as usize <= text.len(), "{d:?}");
            }
        }
        let _ = a.run_tests(false);
    });
}

fn fmt_ok(text: &str) -> Result<(), TestCaseError> {
    if let Ok(once) = format("p.hegui", text) {
        prop_assert_eq!(shape(text), shape(&once), "the tree changed:\n{}", once);
        prop_assert_eq!(comments(text), comments(&once));
        let twice = format("p.hegui", &once).expect("formatted text formats");
        prop_assert_eq!(&once, &twice, "not idempotent");
    }
    Ok(())
}

// Generated expressions: every operator, nesting, aggregates and calls.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("flow.start".to_string()),
        Just("flow.from.jurisdiction".to_string()),
        Just("flow.data.subjects".to_string()),
        Just("as_of".to_string()),
        Just("none".to_string()),
        Just("true".to_string()),
        Just("research".to_string()),
        Just("purpose.research".to_string()),
        Just("2024-03-22".to_string()),
        Just("10 working_days".to_string()),
        (0u32..1_000_000).prop_map(|n| n.to_string()),
        Just("\"文本 {flow.start}\"".to_string()),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(
                    &[
                        " and ",
                        " or ",
                        " == ",
                        " != ",
                        " < ",
                        " >= ",
                        " + ",
                        " - ",
                        " * ",
                        " in ",
                        " not in ",
                        " under ",
                        "\n    and ",
                    ][..]
                ),
                inner.clone()
            )
                // Comparisons do not chain: bracket all but `and`/`or`.
                .prop_map(|(a, op, b)| if op.contains("and") || op.contains("or") {
                    format!("{a}{op}{b}")
                } else {
                    format!("({a}{op}{b})")
                }),
            inner.clone().prop_map(|a| format!("(not {a})")),
            inner.clone().prop_map(|a| format!("( {a} )")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(" ,"))),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
            (inner.clone(), inner.clone()).prop_map(|(c, v)| format!(
                "sum(f in flows where f.from == flow.from and {c} : {v})"
            )),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("default({a},{b})")),
        ]
    })
}

fn rule_file() -> impl Strategy<Value = String> {
    (
        expr(),
        expr(),
        prop::option::of(expr()),
        prop::sample::select(&["", " // c", "\n  // own line"][..]),
        prop::sample::select(&["", "/// Doc.\n", "\n\n// head\n"][..]),
    )
        .prop_map(|(when, req, let_, comment, head)| {
            let mut s = format!(
                "{head}rule GEN-1 \"生成\" \"Generated\" {{\n  cite \"第一条\" \"Art. 1\"{comment}\n  severity warning\n"
            );
            if let Some(l) = let_ {
                s.push_str(&format!("  let v = {l}\n"));
            }
            s.push_str(&format!(
                "  when {when}\n  require {req}\n  message \"{{flow.start}}\" \"m\"\n}}\n\nderive flow.gen_fact =\n    {when}\n"
            ));
            s
        })
}

/// Entity items laid out every way a person writes them: one line, a break
/// after `{`, a break between fields, comments inside and after, long values,
/// nested records, at top level and inside a test. Each comes with whether it
/// was written on one line.
fn entity_file() -> impl Strategy<Value = (String, bool)> {
    let field = prop_oneof![
        Just("jurisdiction = \"CN-BJ\"".to_string()),
        Just("kind=hospital".to_string()),
        Just("subjects = 12_000".to_string()),
        Just("categories = [ health_status, genetic ]".to_string()),
        Just("mechanism = standard_contract{signed = 2025-12-01 filed = 2025-12-03}".to_string()),
        (1usize..90).prop_map(|n| format!("name = \"{}\"", "合".repeat(n))),
    ];
    (
        prop::sample::select(&["party", "dataset", "flow"][..]),
        prop::collection::vec(
            (
                field,
                prop::sample::select(&[" ", "  ", "\n  ", " // c\n  "][..]),
            ),
            0..5,
        ),
        prop::sample::select(&[" ", "\n"][..]),
        any::<bool>(),
    )
        .prop_map(|(kw, fields, after_open, in_test)| {
            let mut body = String::new();
            for (i, (f, sep)) in fields.iter().enumerate() {
                if i > 0 {
                    body.push_str(sep);
                }
                body.push_str(f);
            }
            let item = format!("{kw} e {{{after_open}{body} }}");
            let one_line = !item.contains('\n');
            let text = if in_test {
                format!("test \"t\" {{\n  {item} // after\n  expect no X-1\n}}\n")
            } else {
                format!("/// doc\n{item}\n")
            };
            (text, one_line)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(s in text()) {
        parse_ok(&s);
    }

    #[test]
    fn parse_never_panics_on_edited_stdlib(s in mutated()) {
        parse_ok(&s);
    }

    #[test]
    fn fmt_keeps_tree_comments_and_is_idempotent(s in text()) {
        fmt_ok(&s)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fmt_on_edited_stdlib(s in mutated()) {
        fmt_ok(&s)?;
    }

    #[test]
    fn fmt_on_generated_rules(s in rule_file()) {
        prop_assert!(hegui_lang::syntax::parse("g.hegui", &s).diagnostics.is_empty(), "{}", s);
        fmt_ok(&s)?;
    }

    #[test]
    fn fmt_on_entity_layouts((s, one_line) in entity_file()) {
        prop_assert!(hegui_lang::syntax::parse("e.hegui", &s).diagnostics.is_empty(), "{}", s);
        fmt_ok(&s)?;
        let out = format("e.hegui", &s).expect("formats");
        // Written on one line: kept on one line if that fits in 100 columns,
        // else one field per line. Written over lines: one field per line.
        let lines: Vec<&str> = out.lines().collect();
        let open = lines.iter().position(|l| l.trim_start().starts_with(&format!("{} e {{", s.split_whitespace().find(|w| ["party", "dataset", "flow"].contains(w)).unwrap_or_default()))).expect("the item");
        let indent = lines[open].len() - lines[open].trim_start().len();
        if lines[open].trim_end().ends_with('{') {
            let close = open + lines[open..].iter().position(|l| l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')).expect("the closing brace");
            let fields = &lines[open + 1..close];
            prop_assert!(fields.iter().all(|l| l.len() - l.trim_start().len() == indent + 2 || l.trim_start().starts_with("//")), "{}", out);
            if one_line {
                let joined: Vec<&str> = lines[open..=close].iter().map(|l| l.trim()).collect();
                prop_assert!(indent + joined.join(" ").chars().count() > 100, "expanded though it fits:\n{}", out);
            }
        } else {
            prop_assert!(one_line && lines[open].chars().count() <= 100 + " // after".len(), "{}", out);
        }
    }

    #[test]
    fn check_never_panics(s in text()) {
        check_ok(&s);
    }

    #[test]
    fn check_never_panics_on_generated_rules(s in rule_file()) {
        check_ok(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn check_never_panics_on_edited_stdlib(s in mutated()) {
        check_ok(&s);
    }
}
