//! The verdict-equality check between hegui and the Rego mirrors has teeth:
//! each one-line change of a rule's meaning (a mutant) must make some verdict
//! differ on the test workspaces. Mutants are made here, at test time, by a
//! textual substitution on the current .rego files, so that they follow the
//! files as the rules change; a substitution that no longer applies fails the
//! test (rewrite the mutant for the new text, never drop it silently).
#[path = "../rego/harness.rs"]
mod harness;

use hegui_bench::Generated;
use std::collections::BTreeSet;

type Verdicts = BTreeSet<(String, String)>;

/// Which file a substitution is for.
#[derive(Clone, Copy, PartialEq)]
enum In {
    Naive,
    ByYear,
    Both,
}

/// A mutant: its name and its substitutions (file, text, replacement); each
/// text must occur exactly once in its file.
struct Mutant {
    name: &'static str,
    subs: &'static [(In, &'static str, &'static str)],
}

const MUTANTS: &[Mutant] = &[
    Mutant {
        name: "2022 window from two years back, not one",
        subs: &[
            (
                In::Naive,
                "[to_number(substring(start, 0, 4)) - 1]",
                "[to_number(substring(start, 0, 4)) - 2]",
            ),
            (
                In::ByYear,
                "to_number(substring(f.start, 0, 4)) - 1, 10)",
                "to_number(substring(f.start, 0, 4)) - 2, 10)",
            ),
        ],
    },
    Mutant {
        name: "2024 regime a day late",
        subs: &[(
            In::Both,
            "cac_2024_in_force := \"2024-03-22\"",
            "cac_2024_in_force := \"2024-03-23\"",
        )],
    },
    Mutant {
        name: "small-volume exemption up to 100,000 inclusive",
        subs: &[(
            In::Both,
            "cumulative_nonsensitive[name] < 100000",
            "cumulative_nonsensitive[name] <= 100000",
        )],
    },
    Mutant {
        name: "2024 non-sensitive threshold exclusive",
        subs: &[(
            In::Both,
            "cumulative_nonsensitive[name] >= 1000000",
            "cumulative_nonsensitive[name] > 1000000",
        )],
    },
    Mutant {
        name: "2024 sensitive threshold exclusive",
        subs: &[(
            In::Both,
            "over_2024(name, f) if {\n\tpersonal_info[name]\n\tcumulative_sensitive[name] >= 10000",
            "over_2024(name, f) if {\n\tpersonal_info[name]\n\tcumulative_sensitive[name] > 10000",
        )],
    },
    Mutant {
        name: "2022 sensitive threshold exclusive",
        subs: &[(
            In::Both,
            "over_2022(name, f) if {\n\tpersonal_info[name]\n\tcumulative_sensitive[name] >= 10000",
            "over_2022(name, f) if {\n\tpersonal_info[name]\n\tcumulative_sensitive[name] > 10000",
        )],
    },
    Mutant {
        name: "2022 persons threshold exclusive",
        subs: &[(
            In::Both,
            "cumulative_sensitive[name] + cumulative_nonsensitive[name] >= 100000",
            "cumulative_sensitive[name] + cumulative_nonsensitive[name] > 100000",
        )],
    },
    Mutant {
        name: "2022 processed-persons threshold exclusive",
        subs: &[(
            In::Both,
            "persons_processed >= 1000000",
            "persons_processed > 1000000",
        )],
    },
    Mutant {
        name: "CAC-SA-4 from the day after 2022-09-01",
        subs: &[(
            In::Both,
            "f.start >= \"2022-09-01\"",
            "f.start > \"2022-09-01\"",
        )],
    },
    Mutant {
        name: "CAC-SA-4 until the day before 2024-03-21",
        subs: &[(
            In::Both,
            "f.start <= \"2024-03-21\"",
            "f.start < \"2024-03-21\"",
        )],
    },
    Mutant {
        name: "Hong Kong counted as mainland",
        subs: &[(
            In::Both,
            "mainland_code(c) if c == \"CN\"\n",
            "mainland_code(c) if c == \"CN\"\n\nmainland_code(c) if c == \"HK\"\n",
        )],
    },
    Mutant {
        name: "remote access does not leave the mainland",
        subs: &[(
            In::Both,
            "leaves_mainland(f) if f.access == \"remote_access\"",
            "leaves_mainland(f) if f.access == \"remote_access_never\"",
        )],
    },
    Mutant {
        name: "minors do not make data sensitive",
        subs: &[(
            In::Both,
            "sensitive_content(ds) if ds.minors_under_14 == true",
            "sensitive_content(ds) if ds.minors_under_14 == \"never\"",
        )],
    },
    Mutant {
        name: "anonymised data still personal",
        subs: &[(
            In::Both,
            "ds.deidentification != \"anonymised\"",
            "ds.deidentification != \"anonymised_never\"",
        )],
    },
    Mutant {
        name: "legal-duty ground before the NDSR is in force",
        subs: &[(
            In::Both,
            "ndsr_in_force := \"2025-01-01\"",
            "ndsr_in_force := \"2021-01-01\"",
        )],
    },
    Mutant {
        name: "grade equal to the minimum is too low",
        subs: &[(
            In::Both,
            "ds.grade < min_grade(d)",
            "ds.grade <= min_grade(d)",
        )],
    },
    Mutant {
        name: "PIA on the start day is late",
        subs: &[(In::Both, "f.pia <= f.start", "f.pia < f.start")],
    },
    Mutant {
        name: "250 records need department approval",
        subs: &[(In::Both, "records[name] > 250", "records[name] >= 250")],
    },
];

/// The mutant of one policy file, or why the substitution did not apply.
fn mutate(policy: &str, file: In, m: &Mutant) -> Result<String, String> {
    let mut out = policy.to_string();
    let mut applied = 0;
    for (only, from, to) in m.subs {
        if *only != In::Both && *only != file {
            continue;
        }
        match out.matches(from).count() {
            1 => {
                out = out.replacen(from, to, 1);
                applied += 1;
            }
            n => return Err(format!("`{from}` occurs {n} times (expected once)")),
        }
    }
    if applied == 0 {
        return Err("no substitution is for this file".into());
    }
    Ok(out)
}

/// The workspaces and hegui's verdicts on them (the reference).
fn workspaces() -> Vec<(String, regorus::Value, Verdicts)> {
    let mut out = Vec::new();
    // Cheapest first: the search for a differing verdict stops at the first.
    let gens: Vec<(String, Generated)> = vec![
        (
            "generate_thresholds()".into(),
            hegui_bench::generate_thresholds(),
        ),
        (
            "generate_varied(300, 10, 42)".into(),
            hegui_bench::generate_varied(300, 10, 42),
        ),
        (
            "generate_varied(300, 10, 7)".into(),
            hegui_bench::generate_varied(300, 10, 7),
        ),
        (
            "generate(300, 10, 42)".into(),
            hegui_bench::generate(300, 10, 42),
        ),
    ];
    for (label, g) in gens {
        let a = hegui_bench::analysis_of(&g);
        let errors = hegui_bench::language_errors(&a);
        assert!(errors.is_empty(), "{label}: errors {errors:#?}");
        let verdicts = hegui_bench::hegui_verdicts(&a);
        let input = harness::input(&hegui_bench::model_json(&a));
        out.push((label, input, verdicts));
    }
    out
}

#[test]
fn every_mutant_of_both_rego_mirrors_is_caught() {
    let ws = workspaces();
    let mut failures = Vec::new();
    for (file, label, policy) in [
        (In::Naive, "crossborder.rego", harness::NAIVE_REGO),
        (
            In::ByYear,
            "crossborder_by_year.rego",
            harness::BY_YEAR_REGO,
        ),
    ] {
        // The unmutated policy agrees everywhere: otherwise nothing below means anything.
        for (w, input, expected) in &ws {
            let got = harness::verdicts(&mut harness::engine_with(policy), input.clone());
            assert_eq!(&got, expected, "{label} differs from hegui on {w}");
        }
        for m in MUTANTS {
            let mutant = match mutate(policy, file, m) {
                Ok(p) => p,
                Err(why) => {
                    failures.push(format!("{label}: mutant \"{}\" not applied: {why}", m.name));
                    continue;
                }
            };
            let caught = ws.iter().find(|(_, input, expected)| {
                harness::verdicts(&mut harness::engine_with(&mutant), input.clone()) != *expected
            });
            match caught {
                Some((w, _, _)) => eprintln!("{label}: \"{}\" caught on {w}", m.name),
                None => failures.push(format!(
                    "{label}: mutant \"{}\" gives the same verdicts as hegui on every workspace",
                    m.name
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
