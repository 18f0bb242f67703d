//! hegui and the Rego mirror of its cross-border rules (rego/crossborder.rego,
//! evaluated by regorus) give the same verdicts on the same generated data.
#[path = "../rego/harness.rs"]
mod harness;

use hegui_bench::Generated;
use std::collections::BTreeSet;

type Verdicts = BTreeSet<(String, String)>;

fn compare(label: &str, g: &Generated) -> (Verdicts, Verdicts) {
    compare_with(label, g, harness::engine())
}

fn compare_with(label: &str, g: &Generated, mut engine: regorus::Engine) -> (Verdicts, Verdicts) {
    let a = hegui_bench::analysis_of(g);
    let errors = hegui_bench::language_errors(&a);
    assert!(
        errors.is_empty(),
        "{label}: generated workspace has errors: {errors:#?}"
    );
    let hegui = hegui_bench::hegui_verdicts(&a);
    let json = hegui_bench::model_json(&a);
    let rego = harness::verdicts(&mut engine, harness::input(&json));
    (hegui, rego)
}

fn assert_same(label: &str, g: &Generated) -> usize {
    let (hegui, rego) = compare(label, g);
    let only_hegui: Vec<_> = hegui.difference(&rego).take(20).collect();
    let only_rego: Vec<_> = rego.difference(&hegui).take(20).collect();
    assert!(
        only_hegui.is_empty() && only_rego.is_empty(),
        "{label}: {} verdicts only in hegui, {} only in Rego\nonly hegui: {only_hegui:?}\nonly rego: {only_rego:?}",
        hegui.difference(&rego).count(),
        rego.difference(&hegui).count(),
    );
    // Every mirrored rule should be seen firing somewhere, or the test proves little.
    let mut by_rule = std::collections::BTreeMap::new();
    for (rule, _) in &hegui {
        *by_rule.entry(rule.clone()).or_insert(0usize) += 1;
    }
    eprintln!(
        "{label}: {} verdicts, identical; per rule {by_rule:?}",
        hegui.len()
    );
    hegui.len()
}

/// The ratio benchmark (`examples/rego_ratio.rs`) times hegui with only the
/// stdlib files of the mirrored rules: that subset must stand alone (no
/// unknown names) and give the whole stdlib's verdicts, or the ratio compares
/// different work.
#[test]
fn the_mirrored_stdlib_subset_gives_the_whole_stdlibs_verdicts() {
    let g = hegui_bench::generate(1_000, 10, 42);
    let same = hegui_bench::analysis_same_rules(&g);
    let errors = hegui_bench::language_errors(&same);
    assert!(errors.is_empty(), "mirrored subset has errors: {errors:#?}");
    let whole = hegui_bench::hegui_verdicts(&hegui_bench::analysis_of(&g));
    let subset = hegui_bench::hegui_verdicts(&same);
    assert!(!whole.is_empty());
    assert_eq!(subset, whole);
}

#[test]
fn same_verdicts_on_the_benchmark_workspaces() {
    for flows in [200, 1_000] {
        for seed in [42, 7] {
            let g = hegui_bench::generate(flows, 10, seed);
            let n = assert_same(&format!("generate({flows}, 10, {seed})"), &g);
            assert!(n > 0);
        }
    }
}

#[test]
fn same_verdicts_on_the_threshold_cases() {
    let g = hegui_bench::generate_thresholds();
    let n = assert_same("generate_thresholds()", &g);
    for policy in [harness::NAIVE_REGO, harness::BY_YEAR_REGO] {
        let (hegui, rego) = compare_with("thresholds", &g, harness::engine_with(policy));
        assert_eq!(hegui, rego);
    }
    assert!(n >= g.flows, "only {n} verdicts on {} flows", g.flows);
}

#[test]
fn same_verdicts_on_varied_workspaces() {
    let mut fired = BTreeSet::new();
    for flows in [200, 1_000] {
        for seed in [42, 7] {
            let g = hegui_bench::generate_varied(flows, 10, seed);
            let label = format!("generate_varied({flows}, 10, {seed})");
            assert_same(&label, &g);
            let (hegui, _) = compare(&label, &g);
            fired.extend(hegui.into_iter().map(|(r, _)| r));
        }
    }
    for rule in hegui_bench::REGO_RULE_IDS {
        assert!(
            fired.contains(*rule),
            "{rule} never fires on the varied workspaces"
        );
    }
}

#[test]
fn by_year_variant_gives_the_same_verdicts() {
    for seed in [42, 7] {
        for g in [
            hegui_bench::generate(1_000, 10, seed),
            hegui_bench::generate_varied(1_000, 10, seed),
        ] {
            let (hegui, rego) =
                compare_with("by_year", &g, harness::engine_with(harness::BY_YEAR_REGO));
            assert_eq!(
                hegui, rego,
                "crossborder_by_year.rego differs (seed {seed})"
            );
        }
    }
}
