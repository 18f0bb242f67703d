//! Arbitrary text as a user file next to the embedded stdlib: every diagnostic
//! (syntax, definitions, checks, rule findings) and the user's policy tests.
//!
//! One `Analysis` is kept across inputs (the stdlib's queries stay memoised,
//! which makes the target ~100× faster); each input replaces the one user file.
//! A crash is reproduced on a fresh `Analysis` by `lang/tests/regressions.rs`.
#![no_main]
use hegui_lang::Analysis;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static ANALYSIS: RefCell<Analysis> = RefCell::new(Analysis::new());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    ANALYSIS.with(|a| {
        let mut a = a.borrow_mut();
        a.set_file("fuzz.hegui", &text);
        let diags = a.diagnostics();
        for d in diags.iter().filter(|d| d.location.file == "fuzz.hegui") {
            let s = d.location.span;
            assert!(s.start <= s.end && s.end as usize <= text.len(), "{d:?}");
        }
        let _ = a.run_tests(false);
    });
});
