//! The calendar declaration: holidays and the weekend days that are working days.

use super::Defs;
use crate::diag::{Diagnostic, Text};
use crate::syntax::ast;

pub(super) fn collect_calendar(d: &mut Defs, file: &str, c: &ast::CalendarDecl) {
    for f in &c.body.fields {
        let list = match &f.value.kind {
            ast::ValueKind::List(l) => l,
            _ => {
                d.diagnostics.push(Diagnostic::error(
                    "type-mismatch",
                    file,
                    f.value.span,
                    Text::new(
                        "日历字段应为日期列表",
                        "a calendar field takes a list of dates",
                    ),
                ));
                continue;
            }
        };
        let target = match f.name.text.as_str() {
            "holidays" => &mut d.calendar.holidays,
            "workdays" => &mut d.calendar.workdays,
            _ => {
                d.diagnostics.push(Diagnostic::error(
                    "unknown-field",
                    file,
                    f.name.span,
                    Text::new(
                        format!("日历没有字段 `{}`（可用：holidays、workdays）", f.name.text),
                        format!(
                            "a calendar has no field `{}` (use holidays or workdays)",
                            f.name.text
                        ),
                    ),
                ));
                continue;
            }
        };
        for v in list {
            match &v.kind {
                ast::ValueKind::Date(x) => {
                    target.insert(*x);
                }
                ast::ValueKind::Range(a, b) => {
                    let mut x = *a;
                    // A range longer than a year is a typo, not a holiday.
                    let mut guard = 0;
                    while x <= *b && guard < 366 {
                        target.insert(x);
                        x = match x.tomorrow() {
                            Ok(n) => n,
                            Err(_) => break,
                        };
                        guard += 1;
                    }
                    if guard >= 366 {
                        d.diagnostics.push(Diagnostic::error(
                            "invalid-range",
                            file,
                            v.span,
                            Text::new("假期区间超过一年", "a holiday range longer than a year"),
                        ));
                    }
                }
                _ => d.diagnostics.push(Diagnostic::error(
                    "type-mismatch",
                    file,
                    v.span,
                    Text::new("应为日期或日期区间", "expected a date or a date range"),
                )),
            }
        }
    }
}
