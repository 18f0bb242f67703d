//! The reference scenarios of `shared/domain/scenarios.md`, each an example
//! workspace whose expected findings (rule ids, severities, subjects, lines)
//! are asserted here against the real binary.

mod common;
use common::*;

#[test]
fn s1_diabetes_trial_needs_filing_and_department_approval() {
    let (code, fs) = findings(&["examples/s1-diabetes-trial"]);
    assert_eq!(code, 1);
    assert_eq!(
        triples(&fs),
        vec![
            t("CAC-SC-7", "error", "trial_export"),
            t("GBT39725-7.p", "error", "trial_export")
        ]
    );
    let filing = fs
        .iter()
        .find(|f| f.rule == "CAC-SC-7")
        .expect("filing finding");
    // Signed 2026-02-10; ten working days across the 2026 Spring Festival.
    assert_eq!(filing.due.as_deref(), Some("2026-03-02"));
    assert_eq!(filing.line, 30, "points at the mechanism field");
}

#[test]
fn s1_same_conclusions_as_of_2023_and_2025() {
    for as_of in ["2023-09-01", "2025-01-01"] {
        let (_, fs) = findings(&["examples/s1-diabetes-trial", "--as-of", as_of]);
        let rules: Vec<&str> = fs.iter().map(|f| f.rule.as_str()).collect();
        assert!(
            !rules.contains(&"CAC-SA-4") && !rules.contains(&"CAC-2024-7"),
            "no assessment as of {as_of}: {rules:?}"
        );
        assert!(
            !rules.contains(&"PIPL-38"),
            "mechanism declared as of {as_of}"
        );
        assert!(rules.contains(&"GBT39725-7.p"));
    }
}

#[test]
fn s10_cumulative_2022_regime_requires_assessment_for_september() {
    let (code, fs) = findings(&["examples/s10-cumulative-2022"]);
    assert_eq!(code, 1);
    assert_eq!(triples(&fs), vec![t("CAC-SA-4", "error", "sep_export")]);
    assert_eq!(
        fs[0].related, 1,
        "the February flow is labelled as part of the sum"
    );
}

#[test]
fn s10_cumulative_2024_regime_needs_contract_and_february_is_exempt() {
    let (code, fs) = findings(&["examples/s10-cumulative-2024"]);
    assert_eq!(code, 0);
    assert_eq!(triples(&fs), vec![t("CAC-2024-5", "info", "feb_export")]);
}
