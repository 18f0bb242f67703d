//! The formatter on arbitrary text: when it accepts a file, its output must
//! parse to the same tree (spans aside), keep every comment, and format to itself.
#![no_main]
use hegui_lang::fmt::format;
use libfuzzer_sys::fuzz_target;

/// The tree without its spans (as in `tests/fmt.rs`).
fn shape(text: &str) -> String {
    let parsed = hegui_lang::syntax::parse("x.hegui", text);
    let dbg = format!("{:?}", parsed.ast);
    let mut out = String::with_capacity(dbg.len());
    let mut rest = dbg.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find('}').map(|e| e + 1).unwrap_or(tail.len());
        out.push_str("Span");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The comments of a text, in order (outside string literals).
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_str = false;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'\n' => in_str = false,
            b'/' if !in_str && b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map(|n| i + n).unwrap_or(text.len());
                out.push(text[i..end].trim_end().to_string());
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = format("fuzz.hegui", text) else {
        return;
    };
    assert_eq!(shape(text), shape(&once), "the tree changed:\n{once}");
    assert_eq!(comments(text), comments(&once), "comments changed:\n{once}");
    let twice = format("fuzz.hegui", &once).expect("formatted text formats");
    assert_eq!(once, twice, "not idempotent");
});
