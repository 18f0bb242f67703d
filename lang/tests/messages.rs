//! A fired finding's message renders a hole whose value is unknown (a deciding
//! fact not declared) as a word of the message's language, never as `?`.

use hegui_lang::Analysis;

#[test]
fn an_unknown_hole_reads_unknown_in_each_language() {
    let src = r#"
party h { jurisdiction = "CN" kind = hospital }
party us { jurisdiction = "US" kind = pharma }
dataset d { categories = [health_status] subjects = 10 grade = 4 }
flow f { from = h to = us data = [d] start = 2025-03-01 }
rule T-MSG "标题" "Title" {
  cite "某法第一条" "Some Act Art. 1"
  severity error
  when flow.cross_border
  require false
  message "共 {flow.records} 条，{flow.persons} 人" "{flow.records} records, {flow.persons} persons"
}
"#;
    let mut a = Analysis::new();
    a.set_file("t.hegui", src);
    let all = a.file_diagnostics("t.hegui");
    let d = all
        .iter()
        .find(|d| d.code == "T-MSG")
        .unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(
        d.message(hegui_lang::diag::Lang::En),
        "unknown records, 10 persons"
    );
    assert_eq!(d.message(hegui_lang::diag::Lang::Zh), "共 未知 条，10 人");
}
