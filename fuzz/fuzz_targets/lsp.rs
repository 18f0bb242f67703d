//! The editor's questions at arbitrary positions of arbitrary text. The
//! language server's framing and dispatch are private to `hegui-lsp` (and need
//! a running server); everything it answers comes from `hegui_lang::ide`,
//! called here as the server calls it: byte offsets clamped into the text and
//! onto a character boundary (as `lsp/src/position.rs` converts positions).
//!
//! Input: 4 bytes (two little-endian u16 offsets), then the file's text.
#![no_main]
use hegui_lang::diag::Lang;
use hegui_lang::ide;
use hegui_lang::syntax::ast::Span;
use hegui_lang::Analysis;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static ANALYSIS: RefCell<Analysis> = RefCell::new(Analysis::new());
}

fn clamp(text: &str, raw: u16) -> usize {
    let mut o = (raw as usize).min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let a_raw = u16::from_le_bytes([data[0], data[1]]);
    let b_raw = u16::from_le_bytes([data[2], data[3]]);
    let text = String::from_utf8_lossy(&data[4..]);
    let p = "fuzz.hegui";
    let x = clamp(&text, a_raw);
    let y = clamp(&text, b_raw);
    let (lo, hi) = (x.min(y), x.max(y));
    ANALYSIS.with(|a| {
        let mut a = a.borrow_mut();
        a.set_file(p, &text);
        let a = &*a;
        let lang = if a_raw & 1 == 0 { Lang::En } else { Lang::Zh };
        let _ = ide::hover(a, p, x, lang);
        let _ = ide::goto_definition(a, p, x);
        let _ = ide::references(a, p, x, true);
        let _ = ide::completions(a, p, x, lang);
        let _ = ide::completions(a, p, y, lang);
        let _ = ide::rename(a, p, x, "renamed_x");
        let _ = ide::rename(a, p, x, "R-1");
        let _ = ide::occurrences(a, p);
        let _ = ide::document_symbols(a, p, lang);
        let _ = ide::folding_ranges(a, p);
        let _ = ide::semantic_tokens(a, p);
        let _ = ide::inlay_hints(a, p, lo as u32, hi as u32, lang);
        let _ = ide::code_actions(a, p, Span::new(lo, hi));
        let q: String = text.chars().skip(x % 7).take(3).collect();
        let _ = ide::workspace_symbols(a, &q, lang, 50);
        let idx = a.entity_index();
        for e in idx.by_file.get(p).into_iter().flatten().take(3) {
            let _ = ide::derived_facts(a, e, None);
        }
    });
});
