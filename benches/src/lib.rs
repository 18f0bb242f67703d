//! A deterministic generator of synthetic workspaces for benchmarks: hospital
//! groups exporting to foreign recipients, with several exporters owning many
//! flows each so that the cumulative per-exporter sums are exercised.

/// xorshift64*: small, seeded, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A generated workspace: (file name, text) pairs.
pub struct Generated {
    pub files: Vec<(String, String)>,
    pub flows: usize,
}

const REGIONS: &[&str] = &["CN-SH", "CN-BJ", "CN-GD", "CN-ZJ", "CN-JS", "CN-SC"];
const ABROAD: &[&str] = &["US", "SG", "HK", "DE", "JP", "GB", "MO"];
const CATEGORIES: &[&str] = &[
    "[health_status]",
    "[personal.identity, health_status, medical_application]",
    "[personal.demographic, personal.contact]",
    "[medical_payment.insurance]",
    "[public_health]",
    "[personal.biometric]",
];
const PURPOSES: &[&str] = &[
    "research",
    "clinical_trial",
    "outsourcing",
    "treatment",
    "hr_management",
    "academic_exchange",
];

/// `flows` flows in files of `per_file` flows; parties and datasets in their own files.
pub fn generate(flows: usize, per_file: usize, seed: u64) -> Generated {
    let mut r = Rng::new(seed);
    let exporters = (flows / 20).max(2);
    let recipients = (flows / 50).max(2);
    let mut files = Vec::new();

    let mut parties = String::new();
    for i in 0..exporters {
        let region = r.pick(REGIONS);
        let ciio = r.below(20) == 0;
        let processed = [50_000, 400_000, 2_400_000][r.below(3) as usize];
        parties.push_str(&format!(
            "party h{i} \"医院{i}\" \"Hospital {i}\" {{\n  jurisdiction = \"{region}\"\n  kind = hospital\n  ciio = {ciio}\n  persons_processed = {processed}\n}}\n"
        ));
    }
    for i in 0..recipients {
        let abroad = r.below(10) < 8;
        let j = if abroad {
            r.pick(ABROAD)
        } else {
            r.pick(REGIONS)
        };
        parties.push_str(&format!("party r{i} \"接收方{i}\" \"Recipient {i}\" {{ jurisdiction = \"{j}\" kind = pharma }}\n"));
    }
    files.push(("parties.hegui".to_string(), parties));

    let mut datasets = String::new();
    let n_datasets = (flows / 2).max(1);
    for i in 0..n_datasets {
        let cats = r.pick(CATEGORIES);
        let subjects = [120, 3_200, 9_999, 10_000, 60_000, 150_000][r.below(6) as usize];
        let records = subjects * (1 + r.below(20));
        let deid = ["identifiable", "pseudonymised", "anonymised"][r.below(3) as usize];
        let grade = 2 + r.below(4);
        datasets.push_str(&format!(
            "dataset d{i} {{\n  categories = {cats}\n  subjects = {subjects}\n  records = {records}\n  deidentification = {deid}\n  grade = {grade}\n}}\n"
        ));
    }
    files.push(("datasets.hegui".to_string(), datasets));

    // A few exporters own most flows (Zipf-like), so cumulative sums have big groups.
    let mut body = String::new();
    let mut file_no = 0;
    for i in 0..flows {
        let exporter = if r.below(2) == 0 {
            r.below(exporters.min(5) as u64)
        } else {
            r.below(exporters as u64)
        };
        let to = r.below(recipients as u64);
        let d = r.below(n_datasets as u64);
        let year = 2023 + r.below(4);
        let month = 1 + r.below(12);
        let day = 1 + r.below(28);
        let purpose = r.pick(PURPOSES);
        let mechanism = match r.below(4) {
            0 => String::new(),
            1 => format!("  mechanism = standard_contract {{ signed = {year}-{month:02}-01 filed = {year}-{month:02}-{:02} }}\n", 2 + r.below(20)),
            2 => format!("  mechanism = security_assessment {{ approved = {}-{month:02}-01 }}\n", year - 1),
            _ => format!("  mechanism = standard_contract {{ signed = {year}-{month:02}-01 }}\n"),
        };
        let consent = if r.below(3) == 0 {
            "general"
        } else {
            "separate"
        };
        body.push_str(&format!(
            "flow f{i} \"数据流{i}\" \"Flow {i}\" {{\n  from = h{exporter}\n  to = r{to}\n  data = [d{d}]\n  purpose = {purpose}\n  start = {year}-{month:02}-{day:02}\n{mechanism}  consent = {consent}\n  notice = true\n  pia = {year}-{month:02}-01\n}}\n"
        ));
        if (i + 1) % per_file == 0 || i + 1 == flows {
            files.push((
                format!("flows/f{file_no:05}.hegui"),
                std::mem::take(&mut body),
            ));
            file_no += 1;
        }
    }
    Generated { files, flows }
}

/// Writes a generated workspace under `dir`.
pub fn write(g: &Generated, dir: &std::path::Path) -> std::io::Result<()> {
    for (name, text) in &g.files {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, text)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Side by side with Rego (issue 6, part 3): the same data for both engines.
// ---------------------------------------------------------------------------

use hegui_lang::model::value::Value;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeSet;

/// The rules mirrored in `rego/crossborder.rego`: flow rules, then the dataset rule.
pub const REGO_RULE_IDS: &[&str] = &[
    "PIPL-38",
    "PIPL-55",
    "CAC-SA-4",
    "CAC-2024-7",
    "CAC-2024-8",
    "GBT39725-7.p",
    "GBT39725-6.2",
];

/// The Rego policy (package `hegui.crossborder`; its verdicts are `findings`).
pub const CROSSBORDER_REGO: &str = include_str!("../rego/crossborder.rego");

/// A fresh analysis with the embedded stdlib and the generated files.
pub fn analysis_of(g: &Generated) -> hegui_lang::Analysis {
    let mut a = hegui_lang::Analysis::new();
    for (path, text) in &g.files {
        a.set_file(path, text);
    }
    a
}

/// The stdlib files the mirrored rules need: the vocabulary, the derived
/// facts, and the files that hold those rules (with their neighbours).
pub const MIRRORED_STDLIB: &[&str] = &[
    "stdlib/core/",
    "stdlib/gbt39725/categories.hegui",
    "stdlib/gbt39725/grades.hegui",
    "stdlib/cac/volumes.hegui",
    "stdlib/cac/mechanism.hegui",
    "stdlib/pipl/export.hegui",
];

/// Like `analysis_of`, with only the stdlib files of the mirrored rules, and
/// every file already parsed: what is left to time is lowering and evaluation.
pub fn analysis_same_rules(g: &Generated) -> hegui_lang::Analysis {
    let stdlib: Vec<(&str, &str)> = hegui_lang::stdlib::FILES
        .iter()
        .filter(|(p, _)| MIRRORED_STDLIB.iter().any(|m| p.starts_with(m)))
        .copied()
        .collect();
    let mut a = hegui_lang::Analysis::with_stdlib(&stdlib);
    for (path, text) in &g.files {
        a.set_file(path, text);
    }
    for p in a.all_paths() {
        std::hint::black_box(a.parsed(&p));
    }
    a
}

/// hegui's findings for the mirrored rules, as (rule id, subject) pairs.
pub fn hegui_verdicts(a: &hegui_lang::Analysis) -> BTreeSet<(String, String)> {
    a.diagnostics()
        .iter()
        .filter(|d| REGO_RULE_IDS.contains(&d.code.as_str()))
        .filter_map(|d| Some((d.code.clone(), d.subject.clone()?)))
        .collect()
}

/// Diagnostics that are not rule findings (syntax, unknown names, …): a
/// generated workspace must have none, or the comparison means nothing.
pub fn language_errors(a: &hegui_lang::Analysis) -> Vec<String> {
    let defs = a.defs();
    a.diagnostics()
        .iter()
        .filter(|d| !defs.rules.contains_key(&d.code))
        .map(|d| format!("{}: {} ({})", d.code, d.message.en, d.location.file))
        .collect()
}

/// hegui's lowered model of the user's parties, datasets and flows as JSON:
/// `{"parties": {name: {field: value}}, "datasets": {…}, "flows": {…}}`.
/// Only declared fields (and schema defaults) — no derived facts.
pub fn model_json(a: &hegui_lang::Analysis) -> Json {
    let index = a.entity_index();
    let mut out = Map::new();
    for (kind, key) in [
        ("party", "parties"),
        ("dataset", "datasets"),
        ("flow", "flows"),
    ] {
        let mut entities = Map::new();
        for name in index.by_kind.get(kind).into_iter().flatten() {
            let Some(e) = a.entity(name) else { continue };
            if a.is_stdlib(&e.file) {
                continue;
            }
            let mut fields = Map::new();
            for (f, fd) in &e.fields {
                if let Some(v) = value_json(&fd.value) {
                    fields.insert(f.clone(), v);
                }
            }
            entities.insert(name.to_string(), Json::Object(fields));
        }
        out.insert(key.to_string(), Json::Object(entities));
    }
    Json::Object(out)
}

/// A lowered value as JSON: `none` is absent; dates are "YYYY-MM-DD"; category
/// nodes are dotted paths ("personal.biometric"); references are names; enum
/// members are their name, or `{"member": name, field: value …}` when they carry fields.
pub fn value_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::None | Value::Unknown(_) => return None,
        Value::Bool(b) => json!(b),
        Value::Int(n) => json!(n),
        Value::Str(s) => json!(&**s),
        Value::Date(d) => json!(d.to_string()),
        Value::Duration(n, u) => json!({ "duration": n, "unit": format!("{u:?}") }),
        Value::Range(a, b) => json!([a.to_string(), b.to_string()]),
        Value::Member { name, fields, .. } => match fields {
            None => json!(&**name),
            Some(fs) => {
                let mut m = Map::new();
                m.insert("member".into(), json!(&**name));
                for (k, v) in fs.iter() {
                    if let Some(v) = value_json(v) {
                        m.insert(k.clone(), v);
                    }
                }
                Json::Object(m)
            }
        },
        Value::Node { path, .. } => json!(path.join(".")),
        Value::Entity(n) => json!(&**n),
        Value::List(items) => Json::Array(items.iter().filter_map(value_json).collect()),
        Value::Record(r) => Json::Object(
            r.iter()
                .filter_map(|(k, v)| Some((k.clone(), value_json(v)?)))
                .collect(),
        ),
    })
}

/// A workspace that exercises more of the mirrored semantics than [`generate`]:
/// every access kind, HK/MO/TW and "CN" jurisdictions, minors, human genetic
/// resources, anonymised data, important data, missing or late PIAs, department
/// approvals, every purpose, start dates on the regime boundaries, subject and
/// record counts on the thresholds, and missing optional fields. Few exporters,
/// so the cumulative sums cross the thresholds part-way through each group.
pub fn generate_varied(flows: usize, per_file: usize, seed: u64) -> Generated {
    const FROM: &[&str] = &["CN", "CN-SH", "CN-BJ", "CN-GD", "HK", "CN-ZJ"];
    const TO: &[&str] = &["US", "HK", "MO", "TW", "CN", "CN-GD", "SG", "DE"];
    const CATS: &[&str] = &[
        "[health_status]",
        "[personal.identity, health_status, medical_application]",
        "[personal.demographic, personal.contact]",
        "[medical_payment.insurance]",
        "[public_health]",
        "[personal.biometric]",
        "[gene]",
        "[health_resources]",
        "[personal.device_id]",
        "[public_health, personal.contact]",
        "[medical_application]",
        "[transaction, health_resources]",
    ];
    const SUBJECTS: &[u64] = &[
        1, 120, 3_200, 9_999, 10_000, 50_000, 99_999, 100_000, 400_000, 999_999, 1_000_000,
    ];
    const PURPOSES: &[&str] = &[
        "treatment",
        "payment",
        "public_interest",
        "research",
        "clinical_trial",
        "academic_exchange",
        "marketing",
        "outsourcing",
        "hr_management",
        "contract_performance",
        "emergency",
        "legal_duty",
        "judicial",
    ];
    const BOUNDARIES: &[&str] = &[
        "2021-11-01",
        "2022-08-31",
        "2022-09-01",
        "2023-01-01",
        "2023-12-31",
        "2024-01-01",
        "2024-03-21",
        "2024-03-22",
        "2024-12-31",
        "2025-01-01",
        "2026-01-01",
    ];
    let mut r = Rng::new(seed);
    let exporters = (flows / 40).max(3);
    let recipients = (flows / 50).max(3);
    let mut files = Vec::new();

    let mut parties = String::new();
    for i in 0..exporters {
        let j = r.pick(FROM);
        let ciio = r.below(15) == 0;
        let processed = [0, 50_000, 999_999, 1_000_000, 2_400_000][r.below(5) as usize];
        let processed = if processed == 0 {
            String::new()
        } else {
            format!(" persons_processed = {processed}")
        };
        parties.push_str(&format!(
            "party h{i} {{ jurisdiction = \"{j}\" kind = hospital ciio = {ciio}{processed} }}\n"
        ));
    }
    for i in 0..recipients {
        let j = r.pick(TO);
        parties.push_str(&format!(
            "party r{i} {{ jurisdiction = \"{j}\" kind = pharma }}\n"
        ));
    }
    files.push(("parties.hegui".to_string(), parties));

    let mut datasets = String::new();
    let n_datasets = (flows / 2).max(4);
    for i in 0..n_datasets {
        let cats = r.pick(CATS);
        let subjects = *r.pick(SUBJECTS);
        let mut extra = String::new();
        match r.below(5) {
            0 => {}
            1 => extra.push_str(&format!(" records = {}", [250, 251][r.below(2) as usize])),
            _ => extra.push_str(&format!(" records = {}", subjects * (1 + r.below(5)))),
        }
        if r.below(4) != 0 {
            let deid = [
                "identifiable",
                "pseudonymised",
                "limited_data_set",
                "anonymised",
            ][r.below(4) as usize];
            extra.push_str(&format!(" deidentification = {deid}"));
        }
        if r.below(8) == 0 {
            extra.push_str(" minors_under_14 = true");
        }
        if r.below(8) == 0 {
            extra.push_str(" special_diseases = true");
        }
        if r.below(10) == 0 {
            extra.push_str(" hgr = [information]");
        }
        if r.below(25) == 0 {
            extra.push_str(" important_data = true");
        }
        if r.below(5) != 0 {
            extra.push_str(&format!(" grade = {}", 1 + r.below(5)));
        }
        datasets.push_str(&format!(
            "dataset d{i} {{ categories = {cats} subjects = {subjects}{extra} }}\n"
        ));
    }
    files.push(("datasets.hegui".to_string(), datasets));

    let mut body = String::new();
    let mut file_no = 0;
    for i in 0..flows {
        let exporter = r.below(exporters as u64);
        let to = r.below(recipients as u64);
        let n_data = 1 + r.below(3);
        let mut data: Vec<u64> = Vec::new();
        while (data.len() as u64) < n_data {
            let d = r.below(n_datasets as u64);
            if !data.contains(&d) {
                data.push(d);
            }
        }
        let data = data
            .iter()
            .map(|d| format!("d{d}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (year, month, day) = if r.below(4) == 0 {
            let b = r.pick(BOUNDARIES);
            (
                b[0..4].parse::<u64>().unwrap_or(2024),
                b[5..7].parse::<u64>().unwrap_or(1),
                b[8..10].parse::<u64>().unwrap_or(1),
            )
        } else {
            (2021 + r.below(6), 1 + r.below(12), 1 + r.below(28))
        };
        let start = format!("{year}-{month:02}-{day:02}");
        let mut f = format!(
            "flow f{i} {{\n  from = h{exporter}  to = r{to}  data = [{data}]\n  start = {start}\n"
        );
        if r.below(8) != 0 {
            f.push_str(&format!("  purpose = {}\n", r.pick(PURPOSES)));
        }
        match r.below(8) {
            0 => f.push_str("  access = storage_abroad\n"),
            1 => f.push_str("  access = remote_access\n"),
            2 => f.push_str("  access = domestic\n"),
            3 => f.push_str("  access = transfer\n"),
            _ => {}
        }
        match r.below(6) {
            0 | 1 => {}
            2 => f.push_str(&format!(
                "  mechanism = standard_contract {{ signed = {start} filed = {start} }}\n"
            )),
            3 => f.push_str(&format!(
                "  mechanism = security_assessment {{ approved = {start} }}\n"
            )),
            4 => f.push_str(&format!(
                "  mechanism = certification {{ issued = {start} }}\n"
            )),
            _ => f.push_str("  mechanism = exempt { ground = small_volume }\n"),
        }
        match r.below(5) {
            0 => {}
            1 => f.push_str(&format!("  pia = {start}\n")),
            2 => f.push_str(&format!("  pia = {}-{month:02}-{:02}\n", year + 1, day)),
            _ => f.push_str(&format!("  pia = {}-{month:02}-{day:02}\n", year - 1)),
        }
        if r.below(4) == 0 {
            f.push_str("  department_approval = true\n");
        }
        f.push_str("}\n");
        body.push_str(&f);
        if (i + 1) % per_file == 0 || i + 1 == flows {
            files.push((
                format!("flows/f{file_no:05}.hegui"),
                std::mem::take(&mut body),
            ));
            file_no += 1;
        }
    }
    Generated { files, flows }
}
