//! A finding on a cumulative sum labels the other entities that made it up:
//! the first ten by name, and counts the rest. The labels come from the
//! prefix-sum tables' name index (one range) or a set (several ranges); both
//! must answer what a plain count over the declared flows answers.

use hegui_lang::diag::Diagnostic;
use hegui_lang::Analysis;

const LAW: &str = r#"
schema party as parties {
  jurisdiction: string required
}
schema flow as flows {
  from: party required
  start: date required subject_date
  n: int required
  m: int required
}
derive flow.total_n = sum(f in flows where f.from == flow.from and f.start <= flow.start: f.n)
derive flow.total_m = sum(f in flows where f.from == flow.from and f.start <= flow.start: f.m)
rule ONE "one" "one" {
  for flow
  cite "Art. 1" "Art. 1"
  require flow.total_n < 3
}
rule BOTH "both" "both" {
  for flow
  cite "Art. 2" "Art. 2"
  require flow.total_n + flow.total_m < 3
}
"#;

const FLOWS: usize = 24;

/// Flow `f{i}` starts on day `FLOWS - i` (so name order is not date order),
/// from `p`, with `n = i % 2` and `m = 1 - i % 2`; one flow from `q` besides.
fn workspace() -> (String, Vec<(String, u32, usize, usize)>) {
    let mut src = String::from(
        "party p { jurisdiction = \"CN\" }\nparty q { jurisdiction = \"CN\" }\n\
         flow other { from = q start = 2025-01-01 n = 1 m = 1 }\n",
    );
    let mut flows = Vec::new();
    for i in 0..FLOWS {
        let day = (FLOWS - i) as u32;
        let (n, m) = (i % 2, 1 - i % 2);
        src.push_str(&format!(
            "flow f{i} {{ from = p start = 2025-03-{day:02} n = {n} m = {m} }}\n"
        ));
        flows.push((format!("f{i}"), day, n, m));
    }
    (src, flows)
}

/// The other flows of `p` up to `subject`'s day with a part in the sum, by name.
fn expected(flows: &[(String, u32, usize, usize)], subject: &str, both: bool) -> Vec<String> {
    let day = flows.iter().find(|f| f.0 == subject).expect("subject").1;
    let mut names: Vec<String> = flows
        .iter()
        .filter(|f| f.0 != subject && f.1 <= day && (f.2 != 0 || (both && f.3 != 0)))
        .map(|f| f.0.clone())
        .collect();
    names.sort();
    names
}

fn labelled(src: &str, d: &Diagnostic) -> Vec<String> {
    d.labels
        .iter()
        .map(|l| {
            let s = &src[l.location.span.start as usize..l.location.span.end as usize];
            s.to_string()
        })
        .collect()
}

#[test]
fn labels_name_the_first_ten_contributors_and_count_the_rest() {
    let (src, flows) = workspace();
    let mut a = Analysis::with_stdlib(&[("law.hegui", LAW)]);
    a.set_file("t.hegui", &src);
    let all = a.diagnostics();
    let mut checked = 0;
    for d in all.iter() {
        let Some(subject) = d.subject.as_deref() else {
            continue;
        };
        if subject == "other" {
            continue;
        }
        let both = match d.code.as_str() {
            "ONE" => false,
            "BOTH" => true,
            _ => continue,
        };
        let want = expected(&flows, subject, both);
        let first: Vec<String> = want.iter().take(10).cloned().collect();
        assert_eq!(labelled(&src, d), first, "{} of {subject}", d.code);
        let rest = want.len().saturating_sub(10);
        let more: Vec<&str> = d
            .notes
            .iter()
            .map(|n| n.en.as_str())
            .filter(|n| n.contains("more"))
            .collect();
        if rest == 0 {
            assert!(more.is_empty(), "{} of {subject}: {more:?}", d.code);
        } else {
            assert_eq!(more.len(), 1, "{} of {subject}", d.code);
            assert!(
                more[0].contains(&format!(" {rest} ")),
                "{} of {subject}: {rest} more, {more:?}",
                d.code
            );
        }
        checked += 1;
    }
    // Most flows fire both rules (the sums pass 3 early in date order).
    assert!(checked > FLOWS, "only {checked} findings checked");
}
