//! Byte offsets ↔ LSP positions, in the negotiated encoding (UTF-8 if the
//! client offers it, else UTF-16, the LSP default), with `line-index`.

use hegui_lang::syntax::ast::Span;
use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use tower_lsp_server::ls_types::{Position, Range};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// One text's line table.
pub struct Lines<'t> {
    text: &'t str,
    index: LineIndex,
    enc: Encoding,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str, enc: Encoding) -> Lines<'t> {
        Lines {
            text,
            index: LineIndex::new(text),
            enc,
        }
    }

    /// The position of a byte offset (clamped into the text, onto a character).
    pub fn position(&self, offset: u32) -> Position {
        let mut off = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let lc = self.index.line_col(TextSize::from(off as u32));
        let col = match self.enc {
            Encoding::Utf8 => lc.col,
            Encoding::Utf16 => self
                .index
                .to_wide(WideEncoding::Utf16, lc)
                .map_or(lc.col, |w| w.col),
        };
        Position::new(lc.line, col)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position; `None` past the last line. A column past
    /// the end of its line means the end of the line (as LSP says).
    pub fn offset(&self, pos: Position) -> Option<u32> {
        let start = self.index.offset(LineCol {
            line: pos.line,
            col: 0,
        })?;
        let start = u32::from(start) as usize;
        let rest = self.text.get(start..)?;
        let len = rest.find('\n').unwrap_or(rest.len());
        let len = if rest[..len].ends_with('\r') {
            len - 1
        } else {
            len
        };
        let col = match self.enc {
            Encoding::Utf8 => pos.character,
            Encoding::Utf16 => self
                .index
                .to_utf8(
                    WideEncoding::Utf16,
                    WideLineCol {
                        line: pos.line,
                        col: pos.character,
                    },
                )
                .map_or(u32::MAX, |lc| lc.col),
        };
        let mut off = start + (col as usize).min(len);
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        Some(off as u32)
    }

    /// Like `offset`, but a position past the end means the end of the text.
    pub fn offset_clamped(&self, pos: Position) -> u32 {
        self.offset(pos).unwrap_or(self.text.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a\n中𠮷x = 1\n";
        let l = Lines::new(text, Encoding::Utf16);
        let x = text.find('x').expect("x") as u32;
        assert_eq!(l.position(x), Position::new(1, 3));
        assert_eq!(l.offset(Position::new(1, 3)), Some(x));
        let l8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(l8.position(x), Position::new(1, 7));
        assert_eq!(l8.offset(Position::new(1, 7)), Some(x));
    }

    #[test]
    fn out_of_range_positions() {
        let text = "ab\r\ncd";
        let l = Lines::new(text, Encoding::Utf16);
        assert_eq!(l.offset(Position::new(0, 99)), Some(2));
        assert_eq!(l.offset(Position::new(1, 99)), Some(6));
        assert_eq!(l.offset(Position::new(5, 0)), None);
        assert_eq!(l.offset_clamped(Position::new(5, 0)), 6);
        assert_eq!(l.position(1000), Position::new(1, 2));
        // Inside a surrogate pair: back to the character's start.
        let l = Lines::new("𠮷", Encoding::Utf16);
        assert_eq!(l.offset(Position::new(0, 1)), Some(0));
    }
}
