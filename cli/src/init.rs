//! `hegui init [DIR]`: a starter workspace — one party, one dataset, one flow
//! and a GitHub Actions workflow. Existing files are never overwritten.

use std::path::Path;

const STARTER: &str = r#"// A starter workspace: edit the declarations, then run `hegui check`.

/// The organisation that holds the data.
party hospital "示例医院" "Example hospital" {
  jurisdiction = "CN-SH"
  kind = hospital
  persons_processed = 50_000
}

/// The recipient abroad.
party sponsor "境外申办方" "Sponsor abroad" {
  jurisdiction = "US"
  kind = pharma
}

/// What is sent: GB/T 39725 categories, how many persons, de-identification.
dataset trial_data "试验数据" "Trial data" {
  categories = [personal.identity, health_status]
  subjects = 1_200
  deidentification = pseudonymised
  grade = 4
}

/// Who sends which data to whom, why, from when, under which mechanism.
flow trial_export "试验数据出境" "Trial data export" {
  from = hospital
  to = sponsor
  data = [trial_data]
  purpose = clinical_trial
  start = 2026-01-01
  mechanism = standard_contract { signed = 2025-11-01 filed = 2025-11-10 }
  consent = separate
  notice = true
  pia = 2025-10-01
}
"#;

const WORKFLOW: &str = include_str!("../../examples/ci/hegui.yml");

pub fn run(dir: Option<&Path>) -> u8 {
    let dir = dir.unwrap_or(Path::new("."));
    let files: [(&str, &str); 2] = [
        ("declarations.hegui", STARTER),
        (".github/workflows/hegui.yml", WORKFLOW),
    ];
    for (name, text) in files {
        let p = dir.join(name);
        if p.exists() {
            println!("exists, kept: {}", p.display());
            continue;
        }
        let made = p
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|_| std::fs::write(&p, text));
        match made {
            Ok(()) => println!("created {}", p.display()),
            Err(e) => {
                eprintln!("hegui init: cannot write {}: {e}", p.display());
                return 2;
            }
        }
    }
    0
}
