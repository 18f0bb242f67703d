//! Regressions found by fuzzing (`fuzz/`, see HARDENING.md) and the resource
//! limits: inputs built to make the parser, checker, evaluator or formatter
//! recurse deeply, loop or explode must end with a result or a `limit`
//! diagnostic, on a test thread's default (2 MiB) stack, in bounded time.

use hegui_lang::diag::Diagnostic;
use hegui_lang::Analysis;
use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on a thread with the default stack and fails if it takes longer
/// than `secs` (a hang) or panics (a stack overflow aborts the process).
fn finishes<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {secs} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("panicked"),
    }
}

/// Everything the tools do with one file: diagnostics, tests, formatting.
fn everything(text: String) -> Vec<Diagnostic> {
    let _ = hegui_lang::fmt::format("x.hegui", &text);
    let mut a = Analysis::new();
    a.set_file("x.hegui", &text);
    let _ = a.run_tests(false);
    let _ = hegui_lang::ide::semantic_tokens(&a, "x.hegui");
    let _ = hegui_lang::ide::document_symbols(&a, "x.hegui", Default::default());
    a.diagnostics().to_vec()
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    d.iter()
        .filter(|d| d.location.file == "x.hegui")
        .map(|d| d.code.as_str())
        .collect()
}

const WORLD: &str = "party h { jurisdiction = \"CN-SH\" kind = hospital }\n\
party us { jurisdiction = \"US\" kind = pharma }\n\
dataset d { categories = [health_status] subjects = 100 }\n";

fn flow(i: usize) -> String {
    format!(
        "flow f{i} {{ from = h to = us data = [d] start = 2025-{:02}-{:02} }}\n",
        1 + i % 12,
        1 + i % 28
    )
}

#[test]
fn ten_thousand_nested_nots_are_a_limit() {
    let text = format!("const z = {}true\n", "not ".repeat(10_000));
    let d = finishes(120, move || everything(text));
    assert!(codes(&d).contains(&"limit"), "{:?}", codes(&d));
}

#[test]
fn ten_thousand_nested_nots_in_a_rule() {
    let text = format!(
        "{WORLD}{}rule X-1 \"x\" \"x\" {{\n  for flow\n  when {}flow.start != none\n  require true\n}}\n",
        flow(0),
        "not ".repeat(10_000)
    );
    let d = finishes(120, move || everything(text));
    assert!(codes(&d).contains(&"limit"), "{:?}", codes(&d));
}

#[test]
fn long_if_chains_terminate() {
    // `if … then … else if …` nests to the right, without brackets.
    let mut e = String::new();
    for i in 0..5_000 {
        e.push_str(&format!(
            "if flow.start == 2025-01-{:02} then {i} else ",
            1 + i % 28
        ));
    }
    e.push('0');
    let text = format!("{WORLD}{}derive flow.n = {e}\n", flow(0));
    let d = finishes(120, move || everything(text));
    assert!(codes(&d).contains(&"limit"), "{:?}", codes(&d));
}

#[test]
fn long_and_chains_terminate() {
    // 20,000 conjuncts: a flat chain, deeper than the expression limit if
    // lowered as a right- or left-leaning tree.
    let chain = vec!["flow.start != none"; 20_000].join(" and ");
    let text = format!(
        "{WORLD}{}rule X-2 \"x\" \"x\" {{\n  for flow\n  when {chain}\n  require false\n}}\n",
        flow(0)
    );
    let d = finishes(120, move || everything(text));
    let c = codes(&d);
    assert!(c.contains(&"limit") || c.contains(&"X-2"), "{c:?}");
}

#[test]
fn deeply_nested_lists_in_values_are_a_limit() {
    let text = format!(
        "{WORLD}dataset e {{ categories = {}health_status{} subjects = 1 }}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let d = finishes(120, move || everything(text));
    assert!(codes(&d).contains(&"limit"), "{:?}", codes(&d));
    // The other items are still parsed and checked.
    let mut a = Analysis::new();
    a.set_file(
        "x.hegui",
        &format!(
            "{WORLD}dataset e {{ categories = {}x{} }}\n",
            "[".repeat(70),
            "]".repeat(70)
        ),
    );
    assert!(a.entity("h").is_some());
}

#[test]
fn a_list_of_100_000_elements() {
    let list: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let text = format!(
        "{WORLD}{}const big = [{}]\nrule X-3 \"x\" \"x\" {{\n  for flow\n  when sum(x in big : x) > 0 and len(big) == 100000\n}}\n",
        flow(0),
        list.join(", ")
    );
    let d = finishes(300, move || everything(text));
    assert!(codes(&d).contains(&"X-3"), "{:?}", codes(&d));
}

#[test]
fn self_referential_derives_are_reported_not_looped() {
    let text = format!(
        "{WORLD}{}derive flow.a = flow.b + 1\nderive flow.b = flow.a\nderive flow.c = flow.c\n\
         rule X-4 \"x\" \"x\" {{\n  for flow\n  when flow.a > 0 or flow.c > 0\n}}\n",
        flow(0)
    );
    let d = finishes(120, move || everything(text));
    assert!(!codes(&d).is_empty());
}

#[test]
fn flows_times_flows_on_two_hundred_flows_terminates() {
    let mut text = WORLD.to_string();
    for i in 0..200 {
        text.push_str(&flow(i));
    }
    text.push_str(
        "derive flow.pairs = sum(f in flows where f.start <= flow.start : count(g in flows where g.start >= f.start))\n\
         rule X-5 \"x\" \"x\" {\n  for flow\n  when flow.pairs > 0\n}\n",
    );
    let d = finishes(600, move || everything(text));
    let c = codes(&d);
    assert!(c.contains(&"X-5") || c.contains(&"limit"), "{c:?}");
}

#[test]
fn an_exploding_aggregate_runs_out_of_fuel() {
    // 200⁴ = 1.6 × 10⁹ steps for one subject: far over the per-rule budget.
    let list: Vec<String> = (0..200).map(|i| i.to_string()).collect();
    let text = format!(
        "{WORLD}{}const l = [{}]\nrule X-6 \"x\" \"x\" {{\n  for flow\n  when count(a in l : count(b in l : count(c in l : count(d in l : 1)))) > 0\n}}\n",
        flow(0),
        list.join(", ")
    );
    let d = finishes(600, move || everything(text));
    assert!(codes(&d).contains(&"limit"), "{:?}", codes(&d));
}

#[test]
fn a_workspace_of_3000_small_files() {
    let d = finishes(600, || {
        let mut a = Analysis::new();
        a.set_file("w/world.hegui", WORLD);
        for i in 0..3_000 {
            let text = if i % 3 == 0 {
                flow(i)
            } else {
                format!("dataset d{i} {{ categories = [health_status] subjects = {i} }}\n")
            };
            a.set_file(&format!("w/{i:04}.hegui"), &text);
        }
        let n = a.diagnostics().len();
        // An edit of one file afterwards is cheap and consistent.
        a.set_file("w/0000.hegui", "flow f0 { from = h }\n");
        (n, a.diagnostics().len())
    });
    assert!(d.0 > 0 && d.1 > 0);
}

/// Found by the `lsp` fuzz target: completion after a multi-byte character
/// (`数.`, a full-width space, U+FFFD) sliced the line inside the character.
#[test]
fn completion_after_a_multibyte_character() {
    for text in [
        "flow f {\n  x = 数.",
        "flow f {\n  x = 数",
        "flow f {\n  from =\u{3000}",
        "rule X-1 \"x\" \"x\" {\n  when 个.",
        "人.",
        "test \"NDSR-12: PIPL-38 on y2\u{FFFD}\u{FFFD}\u{FFFD}\" {\n  party a { from = 院",
    ] {
        let mut a = Analysis::new();
        a.set_file("x.hegui", text);
        for off in 0..=text.len() {
            if text.is_char_boundary(off) {
                let _ = hegui_lang::ide::completions(&a, "x.hegui", off, Default::default());
            }
        }
    }
}

/// A rule that reads a cyclic derived fact is a `limit` finding on the
/// subject, labelled at the rule: the evaluator's definitions carry no
/// positions, so the label's position comes from the side table (it was the
/// file's first byte).
#[test]
fn a_cycle_finding_labels_the_rule_where_it_is_defined() {
    let text = format!(
        "{WORLD}{}derive flow.loop_a = flow.loop_b + 1\nderive flow.loop_b = flow.loop_a + 1\n\
         rule X-1 \"x\" \"x\" {{\n  for flow\n  when flow.loop_a > 3\n  require true\n}}\n",
        flow(0)
    );
    let rule_at = text.find("X-1").expect("the rule's id");
    let d = finishes(120, move || everything(text));
    let limit = d
        .iter()
        .find(|d| d.code == "limit")
        .unwrap_or_else(|| panic!("no limit finding: {:?}", codes(&d)));
    let label = limit.labels.first().expect("a label at the rule");
    assert_eq!(label.location.file, "x.hegui");
    assert_eq!(label.location.span.start as usize, rule_at, "{limit:?}");
}
