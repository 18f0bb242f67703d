//! The evaluation date readable by policy as `today`: set by the caller (the
//! CLI's `--today`), never a clock; `none` when not set; an input of the
//! incremental database like `as_of`.

use hegui_lang::Analysis;
use jiff::civil::date;

const POLICY: &str = r#"
schema thing as things {
  due: date required
}
rule T-1 "到期" "Past due" {
  cite "测试" "Test"
  severity error
  for thing
  when today > thing.due
  require false
  message "已逾期" "overdue"
}
thing a { due = 2026-03-02 }
test "past due on the evaluation date" {
  today 2026-03-03
  thing b { due = 2026-03-02 }
  expect T-1 on b
}
test "due on the evaluation date" {
  today 2026-03-02
  thing b { due = 2026-03-02 }
  expect no T-1 on b
}
test "no evaluation date" {
  thing b { due = 2026-03-02 }
  expect no T-1 on b
}
"#;

fn fired(a: &Analysis, rule: &str) -> usize {
    a.diagnostics().iter().filter(|d| d.code == rule).count()
}

#[test]
fn today_is_read_by_policy_and_none_when_unset() {
    let mut a = Analysis::new();
    a.set_file("t.hegui", POLICY);
    assert_eq!(
        a.file_diagnostics("t.hegui")
            .iter()
            .filter(|d| !d.code.starts_with("T-"))
            .count(),
        0
    );
    assert_eq!(
        fired(&a, "T-1"),
        0,
        "no evaluation date: nothing is past due"
    );
    a.set_today(Some(date(2026, 3, 3)));
    assert_eq!(fired(&a, "T-1"), 1);
    a.set_today(Some(date(2026, 3, 2)));
    assert_eq!(fired(&a, "T-1"), 0, "incremental: the new date is seen");
    a.set_today(Some(date(2026, 3, 3)));
    let mut fresh = Analysis::new();
    fresh.set_today(Some(date(2026, 3, 3)));
    fresh.set_file("t.hegui", POLICY);
    assert_eq!(
        *a.diagnostics(),
        *fresh.diagnostics(),
        "incremental equals fresh"
    );
}

#[test]
fn policy_tests_set_today() {
    let mut a = Analysis::new();
    a.set_file("t.hegui", POLICY);
    let results = a.run_tests(false);
    assert_eq!(results.len(), 3);
    for r in &results {
        assert!(r.failures.is_empty(), "{}: {:?}", r.name, r.failures);
    }
}

#[test]
fn cac_sc_7_says_overdue_only_past_the_deadline() {
    let src = r#"
party h { jurisdiction = "CN-SH" kind = hospital }
party us { jurisdiction = "US" kind = pharma }
dataset d { categories = [health_status] subjects = 100 grade = 4 }
flow f { from = h to = us data = [d] start = 2026-03-01
  mechanism = standard_contract { signed = 2026-02-10 } }
"#;
    let message = |today| {
        let mut a = Analysis::new();
        a.set_today(today);
        a.set_file("t.hegui", src);
        let d = a.diagnostics();
        let sc7 = d.iter().find(|d| d.code == "CAC-SC-7").expect("CAC-SC-7");
        (
            sc7.message(hegui_lang::diag::Lang::En).into_owned(),
            sc7.message(hegui_lang::diag::Lang::Zh).into_owned(),
        )
    };
    for today in [None, Some(date(2026, 3, 2))] {
        let (en, zh) = message(today);
        assert!(
            !en.contains("overdue") && !zh.contains("逾期"),
            "{today:?}: {en} / {zh}"
        );
    }
    let (en, zh) = message(Some(date(2026, 3, 3)));
    assert!(en.contains("overdue") && zh.contains("逾期"), "{en} / {zh}");
}
