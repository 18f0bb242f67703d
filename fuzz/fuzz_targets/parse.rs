//! Arbitrary bytes → the total parser. It must never panic (or overflow the stack).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = hegui_lang::syntax::parse("fuzz.hegui", &text);
    // Every diagnostic's span must lie inside the text, on character boundaries.
    for d in &parsed.diagnostics {
        let (start, end) = (d.location.span.start as usize, d.location.span.end as usize);
        assert!(start <= end && end <= text.len(), "{d:?}");
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{d:?}"
        );
    }
});
