//! Parser snapshots: the items recovered from each file under data/parse and
//! the rendered syntax diagnostics, side by side with the source.

use hegui_lang::diag::Diagnostic;
use hegui_lang::syntax::{ast::ItemKind, parse};

/// Each diagnostic as `code line:col-line:col message`, with the source line
/// and a caret under the span (the terminal's rendering is the CLI's).
fn plain(diags: &[Diagnostic], text: &str) -> String {
    let line_col = |offset: usize| {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1, start)
    };
    let mut out = String::new();
    for d in diags {
        let span = d.location.span;
        let (l1, c1, start) = line_col(span.start as usize);
        let (l2, c2, _) = line_col(span.end as usize);
        out.push_str(&format!(
            "{:?}[{}] {l1}:{c1}-{l2}:{c2}: {}\n",
            d.severity,
            d.code,
            d.message(hegui_lang::diag::Lang::En)
        ));
        let line = text[start..].lines().next().unwrap_or("");
        out.push_str(&format!("    | {line}\n    | {}^\n", " ".repeat(c1 - 1)));
        for label in &d.labels {
            let (l, c, _) = line_col(label.location.span.start as usize);
            out.push_str(&format!("    = {l}:{c}: {}\n", label.message.en));
        }
        for n in d.notes() {
            out.push_str(&format!("    = {}\n", n.en));
        }
    }
    out
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
            ItemKind::View(_) => "view",
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
    out.push_str(&plain(&p.diagnostics, text));
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
