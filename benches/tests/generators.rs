//! The generators are what the figures stand on: the seeded one must stay as
//! it is (figures compare across versions), the varied one must have the
//! shapes real workspaces have.

use hegui_bench::{generate, generate_varied, generate_varied_real};

/// FNV-1a over every (path, text): a change of the seeded generator's output
/// changes it.
fn fingerprint(files: &[(String, String)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (p, t) in files {
        for b in p.bytes().chain([0]).chain(t.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

#[test]
fn the_seeded_generator_stays_as_it_is() {
    let g = generate(1_000, 10, 42);
    assert_eq!(g.files.len(), 102);
    assert_eq!(
        fingerprint(&g.files),
        SEEDED_1000_10_42,
        "generate(1000, 10, 42) changed: figures measured on it no longer compare across versions"
    );
}

/// `fingerprint(generate(1000, 10, 42))` as of 2026-12-01 (the generator of
/// every figure in BENCHMARKS.md).
const SEEDED_1000_10_42: u64 = 15_798_108_174_875_177_885;

/// Flow blocks of the flow files: (file, block text).
fn flow_blocks(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .filter(|(p, _)| p.starts_with("flows/"))
        .flat_map(|(p, t)| {
            t.split("\nflow ")
                .filter(|b| b.contains("from = "))
                .map(move |b| (p.as_str(), b))
        })
        .collect()
}

#[test]
fn the_varied_generator_has_the_shapes_of_real_workspaces() {
    let g = generate_varied(1_000, 10, 42);
    let flows = flow_blocks(&g.files);
    let data_lists: Vec<usize> = flows
        .iter()
        .map(|(_, b)| {
            let d = b.split("data = [").nth(1).and_then(|s| s.split(']').next());
            d.map_or(0, |d| d.split(',').count())
        })
        .collect();
    let several = data_lists.iter().filter(|n| **n >= 2).count();
    assert!(
        several * 5 >= flows.len(),
        "several datasets per flow: {several} of {}",
        flows.len()
    );
    // Mixed files: flow files that also declare datasets or parties.
    let mixed = g
        .files
        .iter()
        .filter(|(p, t)| {
            p.starts_with("flows/") && (t.contains("dataset d") || t.contains("party r"))
        })
        .count();
    assert!(mixed >= 10, "mixed files: {mixed}");
    // Optional facts left out.
    for field in ["pia = ", "purpose = ", "mechanism = ", "consent = "] {
        let without = flows.iter().filter(|(_, b)| !b.contains(field)).count();
        assert!(
            without * 20 >= flows.len() && without < flows.len(),
            "flows without `{field}`: {without} of {}",
            flows.len()
        );
    }
}

/// The varied workspace with input errors: each kind of error shows as its
/// diagnostic, located in a flow file, and nothing else breaks (the other
/// flows are still judged).
#[test]
fn the_varied_generator_with_errors_has_a_few_input_errors() {
    let g = generate_varied_real(2_500, 10, 42);
    let mut a = hegui_lang::Analysis::new();
    a.set_files(g.files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let d = a.diagnostics();
    let defs = a.defs();
    let errors: Vec<_> = d
        .iter()
        .filter(|d| d.location.file.starts_with("flows/"))
        .filter(|d| !defs.rules.contains_key(&d.code))
        .collect();
    let codes: std::collections::BTreeSet<&str> = errors.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.len() >= 4,
        "the kinds of input error (unknown reference, type, field, duplicate, syntax): {codes:?}"
    );
    let flow_files = g
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("flows/"))
        .count();
    let files_with_errors: std::collections::BTreeSet<&str> =
        errors.iter().map(|d| d.location.file.as_str()).collect();
    assert!(
        files_with_errors.len() * 10 <= flow_files,
        "a few, not many: {} of {flow_files} flow files",
        files_with_errors.len()
    );
    let judged: std::collections::BTreeSet<&str> = d
        .iter()
        .filter(|d| defs.rules.contains_key(&d.code))
        .filter_map(|d| d.subject.as_deref())
        .collect();
    assert!(judged.len() >= 2_000, "flows judged: {}", judged.len());
}
