//! Date-times (Beijing time) and hour durations: literals, declarations typed
//! by the schema, arithmetic, comparisons, the type errors of mixing them with
//! dates, bad literals, unknowns, and the formatter.

use hegui_lang::diag::Diagnostic;
use hegui_lang::Analysis;

const POLICY: &str = r#"
schema event as events {
  at: datetime deciding
  answered: datetime
  day: date
}
const window "时限" "Window" = 4 hours
rule T-ANSWER "按时答复" "Answered in time" {
  cite "测试" "Test"
  severity error
  for event
  let deadline = event.at + window
  when event.answered != none
  require event.answered <= deadline
  message "应在 {deadline} 前答复" "answer by {deadline}"
}
rule T-HOURS "相隔小时" "Hours between" {
  cite "测试" "Test"
  severity error
  for event
  when event.answered != none
  require hours_between(event.at, event.answered) < 2
  message "相隔 {hours_between(event.at, event.answered)} 小时" "{hours_between(event.at, event.answered)} hours apart"
}
rule T-DAY "同一天" "Same day" {
  cite "测试" "Test"
  severity error
  for event
  when event.day != none
  require date_of(event.at) == event.day
  message "不在同一天" "not the same day"
}
rule T-BACK "减去小时" "Hours back" {
  cite "测试" "Test"
  severity error
  for event
  when event.answered != none
  require event.answered - 1 hours >= event.at
  message "不足一小时" "under an hour"
}
test "on the boundary and past it" {
  event edge { at = 2025-11-01T09:30 answered = 2025-11-01T13:30 }
  event over { at = 2025-11-01T09:30 answered = 2025-11-01T13:30:01 }
  expect no T-ANSWER on edge
  expect T-ANSWER on over
}
test "across midnight and the month" {
  event night { at = 2025-11-30T22:00 answered = 2025-12-01T02:00 }
  event later { at = 2025-11-30T22:00 answered = 2025-12-01T02:01 }
  expect no T-ANSWER on night
  expect T-ANSWER on later
}
test "whole hours between, rounded down" {
  event short { at = 2025-11-01T09:30 answered = 2025-11-01T11:29:59 }
  event long { at = 2025-11-01T09:30 answered = 2025-11-01T11:30 }
  event before { at = 2025-11-01T09:30 answered = 2025-11-01T08:45 }
  expect no T-HOURS on short
  expect T-HOURS on long
  expect no T-HOURS on before
}
test "date_of and subtraction of hours" {
  event same { at = 2025-11-01T23:59 day = 2025-11-01 answered = 2025-11-02T00:59 }
  event other { at = 2025-11-02T00:00 day = 2025-11-01 answered = 2025-11-02T00:59 }
  expect no T-DAY on same
  expect T-DAY on other
  expect no T-BACK on same
  expect T-BACK on other
}
test "an undeclared date-time is unknown" {
  event vague { answered = 2025-11-01T13:30 }
  expect undetermined T-ANSWER on vague
  expect undetermined T-HOURS on vague
}
"#;

fn errors(a: &Analysis, path: &str) -> Vec<Diagnostic> {
    a.file_diagnostics(path)
        .into_iter()
        .filter(|d| !d.code.starts_with("T-"))
        .collect()
}

fn bare() -> Analysis {
    Analysis::with_stdlib(&[])
}

#[test]
fn the_policy_tests_pass_and_can_fail() {
    let mut a = bare();
    a.set_file("t.hegui", POLICY);
    assert!(
        errors(&a, "t.hegui").is_empty(),
        "{:?}",
        errors(&a, "t.hegui")
    );
    let results = a.run_tests(false);
    assert_eq!(results.len(), 5);
    for r in &results {
        assert!(r.failures.is_empty(), "{}: {:?}", r.name, r.failures);
    }
    // Moving the window by an hour breaks the boundary tests.
    let mut b = bare();
    b.set_file("t.hegui", &POLICY.replace("= 4 hours", "= 5 hours"));
    let failed: Vec<String> = b
        .run_tests(false)
        .into_iter()
        .filter(|r| !r.passed())
        .map(|r| r.name)
        .collect();
    assert_eq!(
        failed,
        [
            "on the boundary and past it",
            "across midnight and the month"
        ]
    );
}

#[test]
fn messages_show_date_times_as_written() {
    let mut a = bare();
    a.set_file(
        "t.hegui",
        &format!("{POLICY}\nevent e {{ at = 2025-11-01T09:30 answered = 2025-11-01T14:00 }}\n"),
    );
    let d = a.diagnostics();
    let f = d
        .iter()
        .find(|d| d.code == "T-ANSWER")
        .expect("T-ANSWER fires");
    assert_eq!(
        f.message(hegui_lang::diag::Lang::En),
        "answer by 2025-11-01T13:30"
    );
    let h = d
        .iter()
        .find(|d| d.code == "T-HOURS")
        .expect("T-HOURS fires");
    assert_eq!(h.message(hegui_lang::diag::Lang::En), "4 hours apart");
}

/// Each bad literal gives one `invalid-datetime` error at the literal.
#[test]
fn bad_literals_are_reported_where_they_are() {
    let cases = [
        ("2025-11-01T25:00", "the hour must be 00 to 23"),
        ("2025-11-01T24:00", "the hour must be 00 to 23"),
        ("2025-11-01T09:61", "minutes and seconds must be 00 to 59"),
        ("2025-11-01T9:30", "two-digit"),
        ("2025-02-30T09:30", "no such date"),
        ("2025-11-01T09:30Z", "write no time zone"),
        ("2025-11-01T09:30+08:00", "write no time zone"),
        ("09:30", "has no date"),
    ];
    for (lit, why) in cases {
        for src in [
            format!("schema event as events {{ at: datetime }}\nevent e {{ at = {lit} }}\n"),
            format!("const c \"c\" \"c\" = {lit}\n"),
        ] {
            let mut a = bare();
            a.set_file("t.hegui", &src);
            let errs = errors(&a, "t.hegui");
            let bad: Vec<&Diagnostic> = errs
                .iter()
                .filter(|d| d.code == "invalid-datetime")
                .collect();
            assert_eq!(bad.len(), 1, "{lit}: {errs:?}");
            let d = bad[0];
            let start = src.find(lit).unwrap();
            assert_eq!(
                (d.location.span.start as usize, d.location.span.end as usize),
                (start, start + lit.len()),
                "{lit}"
            );
            assert!(
                d.message(hegui_lang::diag::Lang::En).contains(why),
                "{lit}: {}",
                d.message(hegui_lang::diag::Lang::En)
            );
            assert!(!d.message(hegui_lang::diag::Lang::Zh).is_empty());
        }
    }
}

#[test]
fn a_date_for_a_date_time_field_is_a_type_error() {
    let mut a = bare();
    let src = "schema event as events { at: datetime }\nevent e { at = 2025-11-01 }\n";
    a.set_file("t.hegui", src);
    let errs = errors(&a, "t.hegui");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code, "type-mismatch");
    assert_eq!(
        errs[0].message(hegui_lang::diag::Lang::En),
        "wrong type: expected datetime, found a date"
    );
    assert_eq!(
        errs[0].location.span.start as usize,
        src.find("2025-11-01").unwrap()
    );
}

#[test]
fn dates_and_date_times_do_not_mix() {
    let cases = [
        ("event.at < event.day", "a date and a date-time do not mix"),
        ("event.day == event.at", "a date and a date-time do not mix"),
        (
            "event.day + 4 hours > event.day",
            "a date has no time of day",
        ),
        (
            "4 hours + event.day > event.day",
            "a date has no time of day",
        ),
        (
            "event.at + 2 working_days > event.at",
            "working days count on dates",
        ),
        ("event.at - event.at > 0", "hours_between(a, b)"),
    ];
    for (expr, why) in cases {
        let src = format!(
            "schema event as events {{ at: datetime  day: date }}\n\
             rule T-X \"x\" \"x\" {{\n  cite \"c\" \"c\"\n  severity error\n  for event\n  require {expr}\n  message \"m\" \"m\"\n}}\n"
        );
        let mut a = bare();
        a.set_file("t.hegui", &src);
        let errs = errors(&a, "t.hegui");
        assert_eq!(errs.len(), 1, "{expr}: {errs:?}");
        assert_eq!(errs[0].code, "type-mismatch", "{expr}");
        assert!(
            errs[0].message(hegui_lang::diag::Lang::En).contains(why),
            "{expr}: {}",
            errs[0].message(hegui_lang::diag::Lang::En)
        );
        let start = src.find(expr).unwrap();
        assert_eq!(errs[0].location.span.start as usize, start, "{expr}");
    }
    // The allowed forms give no error.
    for expr in [
        "date_of(event.at) == event.day",
        "event.at + 1 hours > event.at",
        "event.at + 1 days > event.at",
        "event.day + 1 days > event.day",
        "hours_between(event.at, event.at) == 0",
    ] {
        let src = format!(
            "schema event as events {{ at: datetime  day: date }}\n\
             rule T-X \"x\" \"x\" {{\n  cite \"c\" \"c\"\n  severity error\n  for event\n  require {expr}\n  message \"m\" \"m\"\n}}\n"
        );
        let mut a = bare();
        a.set_file("t.hegui", &src);
        assert!(
            errors(&a, "t.hegui").is_empty(),
            "{expr}: {:?}",
            errors(&a, "t.hegui")
        );
    }
}

#[test]
fn the_formatter_keeps_date_times_and_comments() {
    let src = "// a comment\nschema event as events { at: datetime }\n\n/// doc\nevent e { at = 2025-11-01T09:30:05 } // trailing\n\nconst w \"w\" \"w\" = 2025-11-01T09:30 + 4 hours\n";
    let out = hegui_lang::fmt::format("t.hegui", src).expect("formats");
    assert_eq!(out, src);
}

#[test]
fn the_fast_path_and_the_grammar_agree_on_date_times() {
    // A well-formed date-time is the fast path's to take, and it reads the
    // same tree as the grammar.
    let src = "event e { at = 2025-11-01T09:30 }\nevent f { at = 2025-11-01T09:30:15 }\n";
    assert!(hegui_lang::syntax::fast_path_accepts(src));
    let a = hegui_lang::syntax::parse("t.hegui", src);
    let b = hegui_lang::syntax::parse_with_grammar("t.hegui", src);
    assert_eq!(a.ast, b.ast);
    assert!(a.diagnostics.is_empty());
    // What the grammar reports (a zone, a bad hour, one digit) is left to it.
    for bad in [
        "2025-11-01T09:30Z",
        "2025-11-01T09:30+08:00",
        "2025-11-01T25:00",
        "2025-11-01T9:30",
    ] {
        let src = format!("event e {{ at = {bad} }}\n");
        assert!(!hegui_lang::syntax::fast_path_accepts(&src), "{bad}");
        let a = hegui_lang::syntax::parse("t.hegui", &src);
        let b = hegui_lang::syntax::parse_with_grammar("t.hegui", &src);
        assert_eq!(a.ast, b.ast, "{bad}");
        assert!(!a.diagnostics.is_empty(), "{bad}");
    }
}
