//! Resource limits, checked before the grammar runs so that no input can make
//! the parser, the checker, the evaluator or the formatter recurse without bound.

use super::ast::Span;
use crate::diag::{Diagnostic, Text};

/// Deepest bracket nesting accepted in a file; real policies nest 4 or 5 deep.
pub const MAX_NESTING: usize = 64;
/// Deepest expression tree accepted (operators chain without brackets).
pub const MAX_EXPR_DEPTH: usize = 256;
/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Returns `None` when the file must not be parsed at all (too large), otherwise
/// `Some(None)` for "parse as is" or `Some(Some(masked))` where every item whose
/// brackets nest too deep has been blanked out (same byte length, newlines kept)
/// and reported, so the other items still parse.
pub fn mask_over_limits(
    path: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<String>> {
    if text.len() > MAX_FILE_BYTES {
        diags.push(Diagnostic::error(
            "limit",
            path,
            Span::new(0, 0),
            Text::new(
                format!(
                    "文件过大（{} 字节，上限 {} 字节）",
                    text.len(),
                    MAX_FILE_BYTES
                ),
                format!(
                    "the file is too large ({} bytes; the limit is {} bytes)",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            ),
        ));
        return None;
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut over: Vec<(usize, usize)> = Vec::new(); // (offset where the limit was passed, item start)
    let mut item_start = 0usize;
    let mut reported_in_item = false;
    while i < bytes.len() {
        let b = bytes[i];
        // A new item starts at column 0 with a letter.
        if (i == 0 || bytes[i - 1] == b'\n') && b.is_ascii_alphabetic() {
            item_start = i;
            reported_in_item = false;
            depth = 0;
        }
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING && !reported_in_item {
                    over.push((i, item_start));
                    reported_in_item = true;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if over.is_empty() {
        return Some(None);
    }
    let mut masked = bytes.to_vec();
    for (at, start) in over {
        diags.push(Diagnostic::error(
            "limit",
            path,
            Span::new(at, at + 1),
            Text::new(
                format!("括号嵌套超过 {MAX_NESTING} 层，此项未被解析"),
                format!(
                    "brackets nest deeper than {MAX_NESTING} levels here; this item was not parsed"
                ),
            ),
        ));
        // Blank out the item: up to the next line starting at column 0 with a letter.
        let mut j = start;
        while j < masked.len() {
            if j > start && masked[j - 1] == b'\n' && masked[j].is_ascii_alphabetic() {
                break;
            }
            if masked[j] != b'\n' {
                masked[j] = b' ';
            }
            j += 1;
        }
    }
    // A blanked region runs from a column-0 letter to the next one (or the end):
    // both ends are character boundaries and every byte between became a space
    // or stayed a newline, so the text is still UTF-8. Should that ever fail,
    // refuse the file rather than parse what was meant to be blanked.
    match String::from_utf8(masked) {
        Ok(m) => Some(Some(m)),
        Err(_) => None,
    }
}
