//! The fast path for entity-only files must build exactly what the grammar
//! builds — same tree, same diagnostics — on every input, and it must actually
//! be taken: each test counts the inputs it accepted, so that a fast path that
//! always gave up (and left the grammar to do everything) would fail here.

use hegui_lang::syntax::ast::ItemKind;
use hegui_lang::syntax::{fast_path_accepts, parse, parse_with_grammar};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::Cell;

/// Both parsers agree; returns whether the fast path accepted the text.
fn agree(text: &str) -> bool {
    let fast = parse("f.hegui", text);
    let slow = parse_with_grammar("f.hegui", text);
    assert_eq!(fast, slow, "parsers disagree on:\n{text}");
    fast_path_accepts(text)
}

const SAMPLE: &str = r#"// generated
/// The hospital.
party h1 "医院一" "Hospital 1" {
  jurisdiction = "CN-SH"  kind = hospital
  ciio = false persons_processed = 2_400_000
}
dataset d1 { categories = [personal.identity, health_status,] subjects = 3_200 deidentification = pseudonymised grade = 3 }
flow f1 "数据流" {
  from = h1 to = r1 data = [d1]
  start = 2025-03-01
  mechanism = standard_contract { signed = 2025-02-10 filed = 2025-02-20 }
  mechanism2 = mechanism.exempt { ground = hr_management }
  note = "quoted \"text\" with \\ and 𠮷" // trailing comment
  nested = { a = [1, [2, 3], { b = none }] c = true }
}
"#;

#[test]
fn examples_and_stdlib_agree() {
    assert!(agree(SAMPLE), "the fast path gives up on the sample");
    for (_, text) in hegui_lang::stdlib::FILES {
        agree(text);
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut stack = vec![root];
    let (mut files, mut accepted) = (0, 0);
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "hegui") {
                files += 1;
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                // Only entity-only files are the fast path's to take.
                let parsed = parse("f.hegui", &text);
                let entity_only = parsed.diagnostics.is_empty()
                    && parsed
                        .ast
                        .items
                        .iter()
                        .all(|i| matches!(i.kind, ItemKind::Entity(_)));
                let took = agree(&text);
                assert_eq!(
                    took,
                    entity_only,
                    "{}: fast path {} an {} file",
                    p.display(),
                    if took { "took" } else { "gave up on" },
                    if entity_only { "entity-only" } else { "other" },
                );
                accepted += usize::from(took);
            }
        }
    }
    assert!(files > 0, "no example found");
    eprintln!("fast path took {accepted} of {files} example files");
}

#[test]
fn the_sample_is_a_clean_entity_only_file() {
    // The sample is what the fast path is for: entities only, no error to fall back on.
    let p = parse("f.hegui", SAMPLE);
    assert!(p.diagnostics.is_empty());
    assert_eq!(p.ast.items.len(), 3);
}

#[test]
fn tricky_inputs_agree() {
    let mut accepted = 0;
    for t in [
        "",
        " ",
        "\u{feff}party p { }",
        "party p {}",
        "party p { x = 1b = 2 }",
        "party p { x = 2024-01-01 .. 2024-02-01 }",
        "party p { x = 2024-01-01..2024-02-01 }",
        "party p { x = 10 days }",
        "party p { x = 10 dayz }",
        "party p { x = 2024-13-01 }",
        "party p { x = 99999999999999999999 }",
        "party p { x = in }",
        "party p { in = 1 }",
        "party none { }",
        "rule p { }",
        "party p \"a\" \"b\" \"c\" { }",
        "party p { x = [,] }",
        "party p { x = [a b] }",
        "party p { x = a. }",
        "party p { x = a.b.c { } }",
        "party p { x = \"line\nbreak\" }",
        "party p { x = \"esc \\\n\" }",
        "party p { x = true_thing y = none z = false }",
        "party p { x = a { y = 1 } }",
        "party p { x = a {",
        "party p { x = 1 }}",
        "party p\u{3000}{ x = 1 }",
        "party p { x = 2024-1 }",
        "party p { x = [1,2,] y = {} }",
        "party p { x = - 1 }",
        "party p { x = 1 } garbage",
        "party p { x = 1 // c\n}",
        "party p { x = 1 / 2 }",
        "party p { x = \"a\"\"b\" }",
        "party p { x = 1, y = 2 }",
        "party p {\n x = 12_000_ }",
    ] {
        accepted += usize::from(agree(t));
    }
    // The valid entity-only ones among them ("party p {}", the BOM, the
    // durations, the range, nested values, comments…) must be taken.
    assert!(
        accepted >= 10,
        "the fast path took only {accepted} tricky inputs"
    );
}

fn mutation() -> impl Strategy<Value = (usize, String)> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("/".to_string()),
        Just("//".to_string()),
        Just("-".to_string()),
        Just("..".to_string()),
        Just("_".to_string()),
        Just("0".to_string()),
        Just("2024-02-30".to_string()),
        Just(" days".to_string()),
        Just("none".to_string()),
        Just("in".to_string()),
        Just("rule".to_string()),
        Just("=".to_string()),
        Just("𠮷".to_string()),
        Just("\u{3000}".to_string()),
        "[a-z_]{1,6}".prop_map(|s| s),
    ];
    (0usize..10_000, piece)
}

/// 400 mutated samples: all agree, and both of the fast path's outcomes occur
/// (it accepts the mutations that keep the file valid and gives up on the rest).
#[test]
fn mutated_samples_agree() {
    let (accepted, refused) = (Cell::new(0usize), Cell::new(0usize));
    let mut runner = TestRunner::new(Config::with_cases(400));
    let inputs = (proptest::collection::vec(mutation(), 0..4), 0usize..10_000);
    let result = runner.run(&inputs, |(edits, cut)| {
        let mut text = SAMPLE.to_string();
        for (at, piece) in edits {
            let mut i = at % (text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, &piece);
        }
        // Sometimes delete a span too.
        let mut a = cut % (text.len() + 1);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (a + cut % 7).min(text.len());
        while !text.is_char_boundary(b) {
            b += 1;
        }
        text.replace_range(a..b, "");
        let fast = parse("f.hegui", &text);
        let slow = parse_with_grammar("f.hegui", &text);
        prop_assert_eq!(&fast, &slow, "parsers disagree on:\n{}", text);
        let c = if fast_path_accepts(&text) {
            &accepted
        } else {
            &refused
        };
        c.set(c.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (accepted, refused) = (accepted.get(), refused.get());
    assert!(
        accepted >= 40 && refused >= 40,
        "fast path took {accepted} and refused {refused} of the mutated samples"
    );
}
