//! The formatter on arbitrary text: when it accepts a file, its output must
//! parse to the same tree (spans aside), keep every comment, and format to itself.
#![no_main]
use hegui_lang::fmt::format;
use hegui_lang::fmt::invariants::{comments, shape};
use libfuzzer_sys::fuzz_target;



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
