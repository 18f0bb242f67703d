//! The formatter: it keeps every comment, is idempotent, and changes layout
//! only (the parsed tree is the same, spans aside) — on the examples, on every
//! stdlib file and on generated inputs; and `hegui fmt` rewrites / checks.

mod common;
use common::*;
use hegui_lang::fmt::format;
use hegui_lang::fmt::invariants::{comments, shape};
use proptest::prelude::*;

fn assert_formats_well(path: &str, text: &str) -> String {
    let once = format(path, text).unwrap_or_else(|e| panic!("{path} does not format: {e:?}"));
    assert_eq!(comments(text), comments(&once), "{path}: comments changed");
    let twice = format(path, &once).expect("formatted text formats");
    assert_eq!(once, twice, "{path}: not idempotent");
    assert_eq!(shape(text), shape(&once), "{path}: the tree changed");
    assert!(
        !once.lines().any(|l| l.ends_with(' ')),
        "{path}: trailing space"
    );
    once
}

#[test]
fn every_stdlib_file_formats_well() {
    assert!(!hegui_lang::stdlib::FILES.is_empty());
    for (path, text) in hegui_lang::stdlib::FILES {
        assert_formats_well(path, text);
    }
}

#[test]
fn every_example_formats_well() {
    let mut n = 0;
    for dir in std::fs::read_dir(root().join("examples")).expect("examples") {
        let dir = dir.expect("entry").path();
        for f in std::fs::read_dir(&dir).into_iter().flatten() {
            let f = f.expect("entry").path();
            if f.extension().is_some_and(|e| e == "hegui") {
                let text = std::fs::read_to_string(&f).expect("read");
                assert_formats_well(&f.to_string_lossy(), &text);
                n += 1;
            }
        }
    }
    assert!(n > 0);
}

#[test]
fn canonical_layout() {
    let src = "// head\n\n\n/// A party.\nparty a \"A\" { jurisdiction=\"CN\"  kind = hospital } // trailing\nparty b { kind = pharma }\ndataset d {\n      categories = [ health_status ,personal.identity ]\n   subjects = 3_200 // persons\n\n\n}\n";
    let out = assert_formats_well("x.hegui", src);
    assert_eq!(
        out,
        "// head\n\n/// A party.\nparty a \"A\" { jurisdiction = \"CN\" kind = hospital } // trailing\nparty b { kind = pharma }\n\ndataset d {\n  categories = [health_status, personal.identity]\n  subjects = 3_200 // persons\n}\n"
    );
}

#[test]
fn a_view_keeps_its_entries_labels_and_comments() {
    let src = "/// Shown.\nview flow { // what the report shows\n      show persons   \"人数\" \"Persons\" // a label\n  // between\n\n\n   checklist filing_checklist   for required_mechanism\nhint  records\n}\nview dataset { hint min_grade }\n";
    let out = assert_formats_well("x.hegui", src);
    assert_eq!(
        out,
        "/// Shown.\nview flow { // what the report shows\n  show persons \"人数\" \"Persons\" // a label\n  // between\n\n  checklist filing_checklist for required_mechanism\n  hint records\n}\n\nview dataset { hint min_grade }\n"
    );
}

#[test]
fn syntax_errors_are_refused() {
    assert!(format("x.hegui", "party a { from = = b }\n").is_err());
    assert!(format("x.hegui", "flow f {\n  from a\n}\n").is_err());
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("hegui-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn fmt_command_checks_and_rewrites() {
    let d = temp_dir("cmd");
    let messy = d.join("messy.hegui");
    let clean = d.join("clean.hegui");
    std::fs::write(
        &messy,
        "party a {jurisdiction=\"CN\"\nkind=hospital}\nparty c {jurisdiction=\"CN\" kind=hospital}\n",
    )
    .expect("write");
    std::fs::write(
        &clean,
        "party b {\n  jurisdiction = \"US\"\n  kind = pharma\n}\n",
    )
    .expect("write");
    let dir = d.to_string_lossy().into_owned();
    let (code, out, _) = hegui(&["fmt", "--check", &dir]);
    assert_eq!(code, 1);
    assert!(
        out.contains("messy.hegui") && !out.contains("clean.hegui"),
        "{out}"
    );
    // --check changes nothing.
    assert!(std::fs::read_to_string(&messy)
        .expect("read")
        .contains("{jurisdiction"));
    let (code, _, _) = hegui(&["fmt", &dir]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "party a {\n  jurisdiction = \"CN\"\n  kind = hospital\n}\n\nparty c { jurisdiction = \"CN\" kind = hospital }\n"
    );
    let (code, out, _) = hegui(&["fmt", "--check", &dir]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Syntax errors: the file is left alone, exit 2.
    let broken = d.join("broken.hegui");
    std::fs::write(&broken, "party a { kind = = x }\n").expect("write");
    let (code, _, err) = hegui(&["fmt", &dir]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        "party a { kind = = x }\n"
    );
}

// ------------------------------------------------------------ generated inputs

fn ws() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\n".to_string()),
        Just("\n\n\n".to_string()),
        Just(" // note\n".to_string()),
        Just("\n  /// doc\n".to_string()),
        Just("\t".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..5_000_000).prop_map(|n| n.to_string()),
        Just("2026-03-01".to_string()),
        Just("true".to_string()),
        Just("none".to_string()),
        "[a-z]{1,8}".prop_map(|s| format!("\"{s} 中文\"")),
        Just("personal.identity".to_string()),
        Just("[health_status, personal.identity]".to_string()),
        Just("[ a ,b ]".to_string()),
        Just("standard_contract {signed=2026-02-10  filed = 2026-02-20}".to_string()),
        Just("10 working_days".to_string()),
    ]
}

fn field() -> impl Strategy<Value = (String, String, String, String)> {
    ("[a-z][a-z_]{0,10}", ws(), ws(), value())
}

fn entity() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("party"), Just("dataset"), Just("flow")],
        "[a-z][a-z0-9_]{0,8}",
        prop::option::of("[a-z]{1,6}"),
        prop::collection::vec((field(), ws()), 0..6),
        ws(),
    )
        .prop_map(|(kind, name, label, fields, end)| {
            let mut s = format!("{kind} {name}");
            if let Some(l) = label {
                s.push_str(&format!(" \"{l}\""));
            }
            s.push_str(" {");
            for ((f, a, b, v), sep) in fields {
                // `=` may have a comment or a newline around it only where the
                // grammar allows whitespace: anywhere, so use it as generated.
                let a = if a.contains("//") { " ".to_string() } else { a };
                s.push_str(&format!("{sep}{f}{a}={b}{v}"));
            }
            s.push_str(&format!("{end}}}"));
            s
        })
}

fn file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop_oneof![
                Just("\n"),
                Just("\n\n"),
                Just("\n\n\n// c\n"),
                Just("\n/// d\n")
            ],
            entity(),
        ),
        0..5,
    )
    .prop_map(|items| {
        let mut s = String::new();
        for (sep, e) in items {
            s.push_str(sep);
            s.push_str(&e);
        }
        s.push('\n');
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn generated_files_format_well(src in file()) {
        let parsed = hegui_lang::syntax::parse("g.hegui", &src);
        prop_assume!(parsed.diagnostics.is_empty());
        let once = format("g.hegui", &src).expect("formats");
        prop_assert_eq!(comments(&src), comments(&once));
        let twice = format("g.hegui", &once).expect("formats again");
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(shape(&src), shape(&once));
    }
}
