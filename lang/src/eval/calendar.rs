//! Date and date-time arithmetic and the built-in functions. Working days follow the
//! workspace calendar (public holidays and adjusted working days are data in
//! the stdlib); outside the years it lists, Monday to Friday are working days.

use crate::hir::Builtin;
use crate::model::defs::Calendar;
use crate::model::Value;
use crate::syntax::ast::Unit;
use jiff::civil::{Date, DateTime, Weekday};

/// The most working days one addition may step over (about eighty years).
const MAX_WORKING_DAYS: i64 = 20_000;

pub fn is_working_day(d: Date, cal: &Calendar) -> bool {
    if cal.workdays.contains(&d) {
        return true;
    }
    if cal.holidays.contains(&d) {
        return false;
    }
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

pub fn add(d: Date, n: i64, unit: Unit, cal: &Calendar) -> Value {
    let r = match unit {
        Unit::Days => d
            .checked_add(jiff::Span::new().try_days(n).unwrap_or_default())
            .ok(),
        Unit::Months => d
            .checked_add(jiff::Span::new().try_months(n).unwrap_or_default())
            .ok(),
        Unit::Years => d
            .checked_add(jiff::Span::new().try_years(n).unwrap_or_default())
            .ok(),
        Unit::WorkingDays => add_working_days(d, n, cal),
        // A date has no time of day (the checker reports `date + 4 hours`).
        Unit::Hours => None,
    };
    r.map(Value::Date).unwrap_or(Value::None)
}

/// A date-time moved by a duration. Beijing time has no daylight saving, so
/// civil arithmetic is exact: `t + 4 hours` is four elapsed hours later.
/// Working days have no meaning at a time of day (the checker reports it).
pub fn add_to_datetime(t: DateTime, n: i64, unit: Unit) -> Value {
    let span = match unit {
        Unit::Hours => jiff::Span::new().try_hours(n),
        Unit::Days => jiff::Span::new().try_days(n),
        Unit::Months => jiff::Span::new().try_months(n),
        Unit::Years => jiff::Span::new().try_years(n),
        Unit::WorkingDays => return Value::None,
    };
    span.ok()
        .and_then(|s| t.checked_add(s).ok())
        .map(Value::DateTime)
        .unwrap_or(Value::None)
}

/// Whole hours from `a` to `b`, rounded down (negative when `b` is earlier).
pub fn hours_between(a: DateTime, b: DateTime) -> Option<i64> {
    let secs = a.until((jiff::Unit::Second, b)).ok()?.get_seconds();
    Some(secs.div_euclid(3600))
}

/// The date `n` working days after `d` (the day `d` itself does not count).
pub fn add_working_days(d: Date, n: i64, cal: &Calendar) -> Option<Date> {
    if n.abs() > MAX_WORKING_DAYS {
        return None;
    }
    let mut x = d;
    let mut left = n.abs();
    while left > 0 {
        x = if n > 0 {
            x.tomorrow().ok()?
        } else {
            x.yesterday().ok()?
        };
        if is_working_day(x, cal) {
            left -= 1;
        }
    }
    Some(x)
}

/// Built-in functions. Wrong arguments give `none` (the checker reports
/// wrong arities before evaluation).
pub fn builtin(b: Builtin, args: &[Value], cal: &Calendar) -> Value {
    use Builtin as B;
    match (b, args) {
        (B::Year, [Value::Date(d)]) => Value::Int(d.year() as i64),
        (B::StartOfYear, [Value::Date(d)]) => Date::new(d.year(), 1, 1)
            .map(Value::Date)
            .unwrap_or(Value::None),
        (B::EndOfYear, [Value::Date(d)]) => Date::new(d.year(), 12, 31)
            .map(Value::Date)
            .unwrap_or(Value::None),
        (B::Date, [Value::Int(y), Value::Int(m), Value::Int(d)]) => {
            match (i16::try_from(*y), i8::try_from(*m), i8::try_from(*d)) {
                (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map(Value::Date).unwrap_or(Value::None),
                _ => Value::None,
            }
        }
        (B::AddWorkingDays, [Value::Date(d), Value::Int(n)]) => add_working_days(*d, *n, cal)
            .map(Value::Date)
            .unwrap_or(Value::None),
        (B::IsWorkingDay, [Value::Date(d)]) => Value::Bool(is_working_day(*d, cal)),
        (B::DaysBetween, [Value::Date(a), Value::Date(b)]) => match a.until(*b) {
            Ok(s) => Value::Int(s.get_days() as i64),
            Err(_) => Value::None,
        },
        (B::DateOf, [Value::DateTime(t)]) => Value::Date(t.date()),
        (B::HoursBetween, [Value::DateTime(a), Value::DateTime(b)]) => {
            hours_between(*a, *b).map(Value::Int).unwrap_or(Value::None)
        }
        (B::Len, [Value::List(l)]) => Value::Int(l.len() as i64),
        (B::Len, [Value::Str(s)]) => Value::Int(s.chars().count() as i64),
        (B::Len, [Value::None]) => Value::Int(0),
        (B::Exists, [v]) => Value::Bool(!v.is_none()),
        (B::Default, [v, d]) => {
            if v.is_none() {
                d.clone()
            } else {
                v.clone()
            }
        }
        (B::StartsWith, [Value::Str(s), Value::Str(p)]) => Value::Bool(s.starts_with(&**p)),
        (B::Min, [a, b]) => match super::compare(a, b) {
            Some(std::cmp::Ordering::Greater) => b.clone(),
            Some(_) => a.clone(),
            None => Value::None,
        },
        (B::Max, [a, b]) => match super::compare(a, b) {
            Some(std::cmp::Ordering::Less) => b.clone(),
            Some(_) => a.clone(),
            None => Value::None,
        },
        _ => Value::None,
    }
}

/// Names and arities of the built-in functions, for the checker and completion.
pub const BUILTINS: &[(&str, usize, &str)] = &[
    ("year", 1, "year(date) → int"),
    (
        "start_of_year",
        1,
        "start_of_year(date) → 1 January of that year",
    ),
    (
        "end_of_year",
        1,
        "end_of_year(date) → 31 December of that year",
    ),
    ("date", 3, "date(year, month, day) → date"),
    (
        "add_working_days",
        2,
        "add_working_days(date, n) → the date n working days later",
    ),
    ("is_working_day", 1, "is_working_day(date) → bool"),
    ("days_between", 2, "days_between(a, b) → days from a to b"),
    ("date_of", 1, "date_of(datetime) → its date"),
    (
        "hours_between",
        2,
        "hours_between(a, b) → whole hours from date-time a to date-time b",
    ),
    ("len", 1, "len(list) → int"),
    ("exists", 1, "exists(x) → x is not none"),
    (
        "default",
        2,
        "default(x, fallback) → x, or fallback when x is none",
    ),
    ("starts_with", 2, "starts_with(text, prefix) → bool"),
    ("min", 2, "min(a, b)"),
    ("max", 2, "max(a, b)"),
];
