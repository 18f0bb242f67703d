#![allow(
    dead_code,
    reason = "each includer (tests, benches, examples) uses a part"
)]
//! The regorus side of the Rego comparison, shared by `tests/rego_equivalence.rs`,
//! `benches/rego.rs` and `examples/rego_ratio.rs` (regorus is a dev-dependency,
//! so this cannot live in the library).
use std::collections::BTreeSet;

/// An engine with `crossborder.rego` loaded (parsing the policy is setup, not
/// evaluation). `HEGUI_REGO_POLICY=path` loads another policy instead (to try a
/// variant, or to check that the comparison notices a changed rule).
pub fn engine() -> regorus::Engine {
    let policy = match std::env::var("HEGUI_REGO_POLICY") {
        Ok(path) => std::fs::read_to_string(&path).expect("HEGUI_REGO_POLICY is readable"),
        Err(_) => hegui_bench::CROSSBORDER_REGO.to_string(),
    };
    engine_with(&policy)
}

/// `rego/crossborder.rego`: the direct mirror (each flow scans its exporter's flows).
pub const NAIVE_REGO: &str = include_str!("crossborder.rego");

/// `rego/crossborder_by_year.rego`: the same rules with a cheaper cumulative sum.
pub const BY_YEAR_REGO: &str = include_str!("crossborder_by_year.rego");

/// An engine with the given policy (package `hegui.crossborder`) loaded.
pub fn engine_with(policy: &str) -> regorus::Engine {
    let mut e = regorus::Engine::new();
    e.add_policy("crossborder.rego".to_string(), policy.to_string())
        .expect("the policy parses");
    e
}

/// An engine with the policy parsed *and prepared*: regorus analyses and
/// schedules the policy on its first evaluation and keeps that across inputs
/// (`set_input` does not reset it), so one evaluation on an empty input takes
/// the policy's compilation out of what is timed afterwards.
pub fn prepared_engine(policy: &str) -> regorus::Engine {
    let mut e = engine_with(policy);
    let empty = serde_json::json!({ "parties": {}, "datasets": {}, "flows": {} });
    let none = verdicts(&mut e, input(&empty));
    assert!(none.is_empty(), "findings on an empty input: {none:?}");
    e
}

/// The input document: hegui's lowered model as a regorus value. It goes through
/// JSON text (`Value::from_json_str`, what `Engine::set_input_json` does), which
/// gives regorus its compact frozen storage: ~15% faster to evaluate than a
/// `Value::from(serde_json::Value)`.
pub fn input(json: &serde_json::Value) -> regorus::Value {
    regorus::Value::from_json_str(&json.to_string()).expect("model JSON reads back")
}

/// Evaluates `findings` on `input` and returns its (rule id, subject) pairs.
pub fn verdicts(engine: &mut regorus::Engine, input: regorus::Value) -> BTreeSet<(String, String)> {
    engine.set_input(input);
    let v = engine
        .eval_rule("data.hegui.crossborder.findings".to_string())
        .expect("findings evaluates");
    let mut out = BTreeSet::new();
    if let Ok(set) = v.as_set() {
        for pair in set.iter() {
            let a = pair.as_array().expect("[rule, subject]");
            out.insert((
                a[0].as_string().expect("rule id").to_string(),
                a[1].as_string().expect("subject").to_string(),
            ));
        }
    }
    out
}
