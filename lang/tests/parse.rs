//! Parser snapshots: the items recovered from each file under data/parse and
//! the rendered syntax diagnostics, side by side with the source.

use hegui_lang::diag::{render, Lang, SourceLookup};
use hegui_lang::syntax::{ast::ItemKind, parse};

struct One<'a>(&'a str, &'a str);
impl SourceLookup for One<'_> {
    fn text_of(&self, path: &str) -> Option<&str> {
        (path == self.0).then_some(self.1)
    }
}

fn summary(path: &str, text: &str) -> String {
    let p = parse(path, text);
    let mut out = String::new();
    for item in &p.ast.items {
        let kind = match &item.kind {
            ItemKind::Package(..) => "package",
            ItemKind::Use(_) => "use",
            ItemKind::Enum(_) => "enum",
            ItemKind::Tree(_) => "tree",
            ItemKind::Schema(_) => "schema",
            ItemKind::Derive(_) => "derive",
            ItemKind::Const(_) => "const",
            ItemKind::Calendar(_) => "calendar",
            ItemKind::Rule(_) => "rule",
            ItemKind::Test(_) => "test",
            ItemKind::Waive(_) => "waive",
            ItemKind::Entity(_) => "entity",
            ItemKind::Error => "ERROR",
        };
        let name = item.kind.name().map(|n| n.text.as_str()).unwrap_or("");
        let first_line = text[item.span.range()].lines().next().unwrap_or("");
        out.push_str(&format!("{kind:<8} {name:<8} | {first_line}\n"));
        if let Some(doc) = &item.doc {
            out.push_str(&format!("         doc: {doc}\n"));
        }
    }
    out.push_str("---\n");
    out.push_str(&render::to_string(
        &p.diagnostics,
        &One(path, text),
        Lang::En,
        false,
    ));
    out
}

#[test]
fn parse_snapshots() {
    insta::glob!("data/parse/*.hegui", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("fixture");
        insta::assert_snapshot!(summary(name, &text));
    });
}

#[test]
fn every_input_parses_to_something() {
    for text in [
        "",
        "}",
        "{{{{",
        "party",
        "rule",
        "\"unterminated",
        "party p {",
        "𠮷",
        "\u{feff}party p { jurisdiction = \"CN\" }",
    ] {
        let p = parse("x.hegui", text);
        // Never panics; an empty or blank text has nothing to report.
        if text.trim().is_empty() {
            assert!(p.diagnostics.is_empty());
        }
    }
}
