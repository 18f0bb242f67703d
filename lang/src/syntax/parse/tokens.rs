//! Leaves: names, strings, labels, dates, date-times, numbers and durations,
//! with the diagnostics of those that are malformed.

use super::{span_of, Lower, Rule, P};
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast::*;
use jiff::civil::{Date, DateTime};

impl Lower<'_> {
    pub(super) fn name(&mut self, p: P) -> Name {
        Name {
            text: p.as_str().to_string(),
            span: span_of(&p),
        }
    }

    pub(super) fn qname(&mut self, p: P) -> QName {
        let span = span_of(&p);
        let parts = p
            .into_inner()
            .map(|n| Name {
                text: n.as_str().to_string(),
                span: span_of(&n),
            })
            .collect();
        QName { parts, span }
    }

    pub(super) fn string(&mut self, p: P) -> Str {
        let span = span_of(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        Str {
            text: unescape(raw),
            span,
        }
    }

    /// Consumes the optional zh/en strings at the front of `it`.
    pub(super) fn label<'i>(
        &mut self,
        it: &mut std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
    ) -> Label {
        let mut label = Label::default();
        if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            let p = it.next().expect("peeked");
            label.zh = Some(self.string(p));
        }
        if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            let p = it.next().expect("peeked");
            label.en = Some(self.string(p));
        }
        label
    }

    pub(super) fn date(&mut self, p: &P) -> Date {
        match p.as_str().parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                self.diags.push(Diagnostic::error(
                    "invalid-date",
                    self.path,
                    span_of(p),
                    Text::new(
                        format!("`{}` 不是有效日期", p.as_str()),
                        format!("`{}` is not a valid date", p.as_str()),
                    ),
                ));
                Date::constant(1970, 1, 1)
            }
        }
    }

    /// A date-time literal: Beijing time, so no zone suffix; hours 0–23.
    pub(super) fn datetime(&mut self, p: &P) -> Option<DateTime> {
        let s = p.as_str();
        let why = match crate::syntax::datetime::parse(s) {
            Ok(t) => return Some(t),
            Err(why) => why,
        };
        self.diags.push(Diagnostic::error(
            "invalid-datetime",
            self.path,
            span_of(p),
            Text::new(
                format!("`{s}` 不是有效的日期时间：{}", why.zh),
                format!("`{s}` is not a valid date-time: {}", why.en),
            ),
        ));
        None
    }

    /// A time of day written without its date.
    pub(super) fn time_only(&mut self, p: &P) {
        let s = p.as_str();
        self.diags.push(Diagnostic::error(
            "invalid-datetime",
            self.path,
            span_of(p),
            Text::new(
                format!("`{s}` 缺少日期：日期时间应写成 2025-11-01T{s}（北京时间）"),
                format!("`{s}` has no date: write a date-time as 2025-11-01T{s} (Beijing time)"),
            ),
        ));
    }

    pub(super) fn int(&mut self, p: &P) -> Option<i64> {
        let digits: String = p.as_str().chars().filter(|c| *c != '_').collect();
        match digits.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.diags.push(Diagnostic::error(
                    "invalid-number",
                    self.path,
                    span_of(p),
                    Text::new("数字过大", "this number is too large"),
                ));
                None
            }
        }
    }

    pub(super) fn duration<'i>(&mut self, p: P<'i>) -> (Option<i64>, Unit) {
        let mut it = p.into_inner();
        let n = it.next().expect("grammar: duration count");
        let u = it.next().expect("grammar: duration unit");
        let unit = match u.as_str() {
            "working_days" | "working_day" => Unit::WorkingDays,
            "days" | "day" => Unit::Days,
            "months" | "month" => Unit::Months,
            "hours" | "hour" => Unit::Hours,
            _ => Unit::Years,
        };
        (self.int(&n), unit)
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
