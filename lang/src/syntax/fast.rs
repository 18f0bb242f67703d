//! A fast path for the commonest file: nothing but entity declarations (and
//! comments), as data catalogues generate them. It builds exactly the tree the
//! grammar would, or gives up (`None`) at the first thing it does not handle —
//! any other item, anything unusual, any error — and the caller parses the file
//! with the pest grammar, which remains the definition of the language.
//! `lang/tests/fast_parse.rs` checks that both agree.

use super::ast::*;
use super::parse::doc_above;
use jiff::civil::Date;

use super::keywords::{EXPR as KEYWORDS, ITEM as ITEM_KEYWORDS, UNIT as UNITS};

pub fn parse_entities(text: &str) -> Option<Vec<Item>> {
    let mut p = Fast {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let mut items = Vec::new();
    loop {
        p.trivia();
        if p.i >= p.s.len() {
            return Some(items);
        }
        items.push(p.entity()?);
    }
}

struct Fast<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Fast<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Whitespace (as the grammar's WHITESPACE) and `//` comments.
    fn trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                // U+3000 (ideographic space) and U+FEFF (byte-order mark).
                Some(0xE3) if self.s.get(self.i + 1..self.i + 3) == Some(&[0x80, 0x80]) => {
                    self.i += 3
                }
                Some(0xEF) if self.s.get(self.i + 1..self.i + 3) == Some(&[0xBB, 0xBF]) => {
                    self.i += 3
                }
                _ => return,
            }
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.i += 1)
    }

    /// An identifier that is not an expression keyword.
    fn name(&mut self) -> Option<Name> {
        let start = self.i;
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
            _ => return None,
        }
        while self.peek().is_some_and(ident_char) {
            self.i += 1;
        }
        let text = &self.text[start..self.i];
        if KEYWORDS.contains(&text) {
            return None;
        }
        Some(Name {
            text: text.to_string(),
            span: Span::new(start, self.i),
        })
    }

    fn string(&mut self) -> Option<Str> {
        let start = self.i;
        self.eat(b'"')?;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => {
                    out.push_str(&self.text[run..self.i]);
                    self.i += 1;
                    let c = self.text.get(self.i..)?.chars().next()?;
                    match c {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        other => out.push(other),
                    }
                    self.i += c.len_utf8();
                    run = self.i;
                }
                _ => self.i += 1,
            }
        }
        out.push_str(&self.text[run..self.i]);
        self.i += 1;
        Some(Str {
            text: out,
            span: Span::new(start, self.i),
        })
    }

    fn label(&mut self) -> Label {
        let mut l = Label::default();
        if self.peek() == Some(b'"') {
            let save = self.i;
            match self.string() {
                Some(s) => l.zh = Some(s),
                None => self.i = save,
            }
            self.trivia();
            if l.zh.is_some() && self.peek() == Some(b'"') {
                let save = self.i;
                match self.string() {
                    Some(s) => l.en = Some(s),
                    None => self.i = save,
                }
                self.trivia();
            }
        }
        l
    }

    fn entity(&mut self) -> Option<Item> {
        let start = self.i;
        let kind = self.name()?;
        if ITEM_KEYWORDS.contains(&kind.text.as_str()) {
            return None;
        }
        self.trivia();
        let name = self.name()?;
        self.trivia();
        let label = self.label();
        if label.zh.is_some() && self.peek() == Some(b'"') {
            return None;
        }
        let body = self.record(0)?;
        let span = Span::new(start, self.i);
        let doc = doc_above(self.text, start);
        Some(Item {
            kind: ItemKind::Entity(EntityDecl {
                kind,
                name,
                label,
                body,
            }),
            span,
            doc,
        })
    }

    fn record(&mut self, depth: usize) -> Option<Record> {
        if depth > 32 {
            return None;
        }
        let start = self.i;
        self.eat(b'{')?;
        let mut fields = Vec::new();
        loop {
            self.trivia();
            if self.eat(b'}').is_some() {
                return Some(Record {
                    fields,
                    span: Span::new(start, self.i),
                });
            }
            let fstart = self.i;
            let name = self.name()?;
            self.trivia();
            self.eat(b'=')?;
            self.trivia();
            let value = self.value(depth + 1)?;
            // A value ends at a separator: anything glued to it is an error the grammar reports.
            match self.peek() {
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'}' | b'/') => {}
                _ => return None,
            }
            fields.push(Field {
                name,
                span: Span::new(fstart, value.span.end as usize),
                value,
            });
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        let start = self.i;
        let kind = match self.peek()? {
            b'"' => ValueKind::Str(self.string()?.text),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.trivia();
                if self.eat(b']').is_none() {
                    loop {
                        self.trivia();
                        if !items.is_empty() && self.eat(b']').is_some() {
                            break; // trailing comma
                        }
                        items.push(self.value(depth + 1)?);
                        self.trivia();
                        if self.eat(b',').is_some() {
                            continue;
                        }
                        self.eat(b']')?;
                        break;
                    }
                }
                ValueKind::List(items)
            }
            b'{' => ValueKind::Record(self.record(depth)?),
            b'0'..=b'9' => self.number()?,
            _ => {
                let first = self.name_or_literal()?;
                match first {
                    Ok(kind) => kind,
                    Err(n) => {
                        let mut parts = vec![n];
                        while self.peek() == Some(b'.') {
                            self.i += 1;
                            parts.push(self.name()?);
                        }
                        let span = Span::new(start, self.i);
                        let q = QName { parts, span };
                        // `member { … }` (after optional whitespace) is a variant.
                        let save = self.i;
                        self.trivia();
                        if self.peek() == Some(b'{') {
                            let r = self.record(depth)?;
                            let mut q = q;
                            let n = q.parts.pop()?;
                            if q.parts.len() > 1 {
                                return None;
                            }
                            ValueKind::Variant(q.parts.pop(), n, r)
                        } else {
                            self.i = save;
                            ValueKind::Path(q)
                        }
                    }
                }
            }
        };
        Some(Value {
            kind,
            span: Span::new(start, self.i),
        })
    }

    /// `true`, `false`, `none`, or a name (the start of a path or variant).
    fn name_or_literal(&mut self) -> Option<Result<ValueKind, Name>> {
        let start = self.i;
        while self.peek().is_some_and(ident_char) {
            self.i += 1;
        }
        let word = &self.text[start..self.i];
        match word {
            "true" => Some(Ok(ValueKind::Bool(true))),
            "false" => Some(Ok(ValueKind::Bool(false))),
            "none" => Some(Ok(ValueKind::None)),
            _ => {
                self.i = start;
                self.name().map(Err)
            }
        }
    }

    /// The time part of a date-time whose date starts at `start`. Anything the
    /// grammar would report (a zone suffix, a bad hour, a range) is left to it.
    fn datetime(&mut self, start: usize) -> Option<ValueKind> {
        let mut j = self.i + 1;
        while self
            .s
            .get(j)
            .is_some_and(|b| b.is_ascii_digit() || *b == b':')
        {
            j += 1;
        }
        if self
            .s
            .get(j)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.'))
        {
            return None;
        }
        let t = super::datetime::parse(&self.text[start..j]).ok()?;
        self.i = j;
        Some(ValueKind::DateTime(t))
    }

    /// An integer, a date or a date-time; durations and ranges are left to the grammar.
    fn number(&mut self) -> Option<ValueKind> {
        let start = self.i;
        let b = &self.s[start..];
        let is_date = b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit);
        if is_date {
            let d: Date = self.text[start..start + 10].parse().ok()?;
            self.i += 10;
            if self.peek() == Some(b'T') {
                return self.datetime(start);
            }
            // Ranges are left to the grammar.
            if self.s.get(self.i..self.i + 2) == Some(b"..") {
                return None;
            }
            return Some(ValueKind::Date(d));
        }
        while self.peek().is_some_and(|b| b.is_ascii_digit() || b == b'_') {
            self.i += 1;
        }
        // `09:30`: a time without its date, for the grammar to report.
        if self.peek() == Some(b':') {
            return None;
        }
        // `10 days`: a duration, for the grammar to read.
        let mut j = self.i;
        while self.s.get(j) == Some(&b' ') {
            j += 1;
        }
        if j > self.i {
            let rest = &self.text[j..];
            if UNITS.iter().any(|u| rest.starts_with(u)) {
                return None;
            }
        }
        let digits: String = self.text[start..self.i]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        digits.parse::<i64>().ok().map(ValueKind::Int)
    }
}
