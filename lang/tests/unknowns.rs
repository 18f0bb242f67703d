//! Know what you don't know: an absent deciding fact gives undetermined
//! findings naming it; an input error stops every conclusion that read it.
//! Asserted by rule ids, statuses and spans, never wording.

use hegui_lang::diag::{Diagnostic, Severity, Status};
use hegui_lang::Analysis;

/// A small law: parties process persons; above 1,000 a duty applies; below,
/// an exemption note. Flows need a mechanism (evidence: absent means not done).
const LAW: &str = r#"
enum mechanism { contract { signed: date }, exempt }
schema party as parties {
  jurisdiction: string required
  persons: int deciding
  small: bool = false
}
schema dataset as datasets {
  subjects: int required
  records: int deciding
}
schema flow as flows {
  from: party required
  data: [dataset] required
  start: date required subject_date
  mechanism: mechanism
  purpose: string
}
derive flow.persons = sum(d in flow.data: d.subjects)
rule BIG "big processor" "big processor" {
  for party
  cite "Art. 1" "Art. 1"
  when not party.small and party.persons >= 1000
  require false
}
rule EXEMPT "exempt" "exempt" {
  for party
  cite "Art. 2" "Art. 2"
  severity info
  when party.persons < 1000
}
rule MECH "mechanism" "mechanism" {
  for flow
  cite "Art. 3" "Art. 3"
  require exists(flow.mechanism)
}
rule SIGNED "signed in time" "signed in time" {
  for flow
  cite "Art. 4" "Art. 4"
  when exists(flow.mechanism)
  require flow.mechanism.signed <= flow.start
}
rule VOLUME "volume note" "volume note" {
  for flow
  cite "Art. 5" "Art. 5"
  severity info
  when flow.persons < 100
}
rule PURPOSE "purpose note" "purpose note" {
  for flow
  cite "Art. 6" "Art. 6"
  severity info
  when flow.purpose == "research"
}
rule RECORDS "many records" "many records" {
  for flow
  cite "Art. 7" "Art. 7"
  when sum(d in flow.data: d.records) > 10
  require false
}
"#;

fn analyse(src: &str) -> Vec<Diagnostic> {
    let mut a = Analysis::with_stdlib(&[("law.hegui", LAW)]);
    a.set_file("t.hegui", src);
    let all = a.diagnostics();
    assert!(
        all.iter().all(|d| d.location.file == "t.hegui"),
        "the law itself is clean: {all:?}"
    );
    all.to_vec()
}

/// `code@underlined text[status]` for each diagnostic about `subject` (or
/// every language diagnostic when `subject` is empty).
fn about(src: &str, ds: &[Diagnostic], subject: &str) -> Vec<String> {
    ds.iter()
        .filter(|d| d.subject.as_deref().unwrap_or("") == subject)
        .map(|d| {
            format!(
                "{}@{}[{}]",
                d.code,
                &src[d.location.span.range()],
                d.status.as_str()
            )
        })
        .collect()
}

#[test]
fn an_absent_deciding_fact_is_undetermined_and_named() {
    let src = "party p { jurisdiction = \"CN\" }\n";
    let ds = analyse(src);
    assert_eq!(
        about(src, &ds, "p"),
        ["BIG@p[undetermined]", "EXEMPT@p[undetermined]"],
        "neither the duty nor the exemption is concluded"
    );
    let big = ds.iter().find(|d| d.code == "BIG").expect("finding");
    assert_eq!(
        big.severity,
        Severity::Info,
        "an open question, not a failure"
    );
    assert!(
        big.message(hegui_lang::diag::Lang::En)
            .contains("`persons`"),
        "{:?}",
        big.message_text()
    );
    assert!(
        big.message(hegui_lang::diag::Lang::Zh)
            .contains("`persons`"),
        "{:?}",
        big.message_text()
    );
}

#[test]
fn declared_facts_decide_and_false_decides_alone() {
    let src = "party p { jurisdiction = \"CN\" persons = 5000 }\n\
               party q { jurisdiction = \"CN\" persons = 10 }\n\
               party s { jurisdiction = \"CN\" small = true }\n";
    let ds = analyse(src);
    assert_eq!(about(src, &ds, "p"), ["BIG@p[active]"]);
    assert_eq!(about(src, &ds, "q"), ["EXEMPT@q[active]"]);
    // `not small` is false: BIG does not apply whatever `persons` is.
    assert_eq!(about(src, &ds, "s"), ["EXEMPT@s[undetermined]"]);
}

#[test]
fn a_wrong_type_is_an_input_error_never_an_exemption() {
    let src = "party p { jurisdiction = \"CN\" persons = \"30000\" }\n";
    let ds = analyse(src);
    assert_eq!(about(src, &ds, ""), ["type-mismatch@\"30000\"[active]"]);
    assert_eq!(about(src, &ds, "p"), Vec::<String>::new());
}

const BASE: &str = "party p { jurisdiction = \"CN\" persons = 10 }\n\
                    dataset d { subjects = 10 records = 1 }\n";

#[test]
fn a_misspelt_field_reports_the_error_not_its_symptoms() {
    let src = format!(
        "{BASE}flow f {{ from = p data = [d] start = 2025-01-01 mechansim = exempt purpose = \"x\" }}\n"
    );
    let ds = analyse(&src);
    assert_eq!(about(&src, &ds, ""), ["unknown-field@mechansim[active]"]);
    // MECH and SIGNED read the mechanism: no "without a mechanism" finding.
    // VOLUME read only the data: its note stands.
    assert_eq!(about(&src, &ds, "f"), ["VOLUME@f[active]"]);
}

#[test]
fn an_invalid_date_is_an_error_and_never_a_date() {
    let src = format!(
        "{BASE}flow f {{ from = p data = [d] start = 2025-01-01 mechanism = contract {{ signed = 2025-02-30 }} }}\n"
    );
    let ds = analyse(&src);
    assert_eq!(about(&src, &ds, ""), ["invalid-date@2025-02-30[active]"]);
    assert_eq!(about(&src, &ds, "f"), ["VOLUME@f[active]"]);
    assert!(
        ds.iter().all(|d| !format!("{d:?}").contains("1970")),
        "no invented date: {ds:?}"
    );
}

#[test]
fn taint_follows_what_a_conclusion_read() {
    let src = "party p { jurisdiction = \"CN\" persons = 10 }\n\
               dataset bad { subjects = \"many\" records = 1 }\n\
               flow f { from = p data = [bad] start = 2025-01-01 mechanism = contract { signed = 2024-12-01 } purpose = \"research\" }\n";
    let ds = analyse(src);
    assert_eq!(about(src, &ds, ""), ["type-mismatch@\"many\"[active]"]);
    // VOLUME read the broken `subjects` through a derived fact: not drawn.
    // PURPOSE read only the flow's purpose: drawn.
    assert_eq!(about(src, &ds, "f"), ["PURPOSE@f[active]"]);
}

#[test]
fn a_missing_required_field_stops_what_reads_it() {
    let src = "party p { jurisdiction = \"CN\" persons = 10 }\n\
               flow f { from = p data = [] mechanism = exempt purpose = \"research\" }\n";
    let ds = analyse(src);
    assert_eq!(about(src, &ds, ""), ["missing-field@f[active]"]);
    // Without its date, no rule about the flow can be judged.
    assert_eq!(about(src, &ds, "f"), Vec::<String>::new());
}

#[test]
fn an_aggregate_is_unknown_only_when_an_unknown_element_could_matter() {
    let src = "party p { jurisdiction = \"CN\" persons = 10 }\n\
               dataset a { subjects = 1 records = 20 }\n\
               dataset b { subjects = 1 }\n\
               dataset c { subjects = 1 records = 2 }\n\
               flow f { from = p data = [a, b] start = 2025-01-01 mechanism = exempt }\n\
               flow g { from = p data = [c, b] start = 2025-01-01 mechanism = exempt }\n";
    let ds = analyse(src);
    // 20 + b's records > 10 whatever b holds.
    assert!(about(src, &ds, "f").contains(&"RECORDS@f[active]".to_string()));
    // 2 + b's records: undetermined, and it names b's records.
    assert!(about(src, &ds, "g").contains(&"RECORDS@g[undetermined]".to_string()));
    let g = ds
        .iter()
        .find(|d| d.code == "RECORDS" && d.subject.as_deref() == Some("g"))
        .expect("finding");
    assert_eq!(g.status, Status::Undetermined);
    assert!(
        g.message(hegui_lang::diag::Lang::En)
            .contains("`b.records`"),
        "{:?}",
        g.message_text()
    );
    assert_eq!(g.labels.len(), 1, "labelled where b is declared");
}

#[test]
fn the_body_of_a_duplicated_entity_is_still_checked() {
    let src = "party p { jurisdiction = \"CN\" persons = 10 }\n\
               party p { jurisdiction = 86 persons = 10 }\n";
    let ds = analyse(src);
    assert_eq!(
        about(src, &ds, ""),
        ["duplicate-definition@p[active]", "type-mismatch@86[active]"]
    );
}
