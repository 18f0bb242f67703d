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
            "dataset d{i} {{\n  categories = {cats}\n  subjects = {subjects}\n  records = {records}\n  deidentification = {deid}\n  minors_under_14 = false\n  grade = {grade}\n}}\n"
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

/// The same workspace with its parties and datasets files cut into files of
/// at most `per_file` entities (the same entities in the same order, under
/// `parties/` and `datasets/`): at 1,000,000 flows the seeded datasets file
/// is ~86 MB, over the 16 MiB an input file may have (`syntax::limits`), so
/// every flow would name unknown datasets.
pub fn split_entity_files(g: &mut Generated, per_file: usize) {
    let per_file = per_file.max(1);
    let mut files = Vec::with_capacity(g.files.len());
    for (name, text) in std::mem::take(&mut g.files) {
        let dir = match name.as_str() {
            "parties.hegui" => "parties",
            "datasets.hegui" => "datasets",
            _ => {
                files.push((name, text));
                continue;
            }
        };
        let (mut part, mut count) = (String::new(), 0);
        for line in text.split_inclusive('\n') {
            let starts = line.starts_with("party ") || line.starts_with("dataset ");
            if starts && count == per_file {
                files.push((
                    format!("{dir}/{:05}.hegui", files.len()),
                    std::mem::take(&mut part),
                ));
                count = 0;
            }
            count += usize::from(starts);
            part.push_str(line);
        }
        if !part.is_empty() {
            files.push((format!("{dir}/{:05}.hegui", files.len()), part));
        }
    }
    g.files = files;
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
use std::sync::Arc;

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
    // GBT39725-7.p's record limit is declared here (`gbt_record_limit`).
    "stdlib/gbt39725/use.hegui",
    "stdlib/cac/volumes.hegui",
    "stdlib/cac/mechanism.hegui",
    "stdlib/pipl/export.hegui",
    // What those files read: the free-trade-zone facts, the NDSR date, the
    // filing checklist and the important-data processor (without them the
    // subset has unknown names; their own rules are evaluated too).
    "stdlib/cac/zones.hegui",
    "stdlib/cac/filing.hegui",
    "stdlib/ndsr/ndsr.hegui",
    "stdlib/dsl/dsl.hegui",
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

/// Everything before evaluation, done and kept: every file parsed, the
/// definitions merged and checked (the policy "compiled"), every entity
/// lowered. What is left to time is rule evaluation, as for regorus once its
/// policy is prepared and its input built. `whole_stdlib`: every stdlib rule,
/// not only the mirrored files.
pub fn prepared(g: &Generated, whole_stdlib: bool) -> hegui_lang::Analysis {
    let a = if whole_stdlib {
        analysis_of(g)
    } else {
        analysis_same_rules(g)
    };
    for p in a.all_paths() {
        std::hint::black_box(a.parsed(&p));
    }
    std::hint::black_box(hegui_lang::db::def_checks(&a.db, a.ws));
    let index = a.entity_index();
    for name in index.by_name.keys() {
        std::hint::black_box(a.entity(name));
    }
    a
}

/// Every diagnostic, computed on the calling thread only (`Analysis::diagnostics`
/// first warms the entities on every core).
pub fn diagnostics_one_thread(a: &hegui_lang::Analysis) -> Arc<Vec<hegui_lang::diag::Diagnostic>> {
    hegui_lang::db::workspace_diagnostics(&a.db, a.ws)
}

/// hegui's findings for the mirrored rules, as (rule id, subject) pairs.
pub fn hegui_verdicts(a: &hegui_lang::Analysis) -> BTreeSet<(String, String)> {
    verdicts_of(&a.diagnostics())
}

/// The mirrored rules' findings among diagnostics, as (rule id, subject) pairs.
pub fn verdicts_of(diagnostics: &[hegui_lang::diag::Diagnostic]) -> BTreeSet<(String, String)> {
    diagnostics
        .iter()
        .filter(|d| REGO_RULE_IDS.contains(&d.code.as_str()))
        // Undetermined findings are not verdicts (the Rego mirror has no unknowns).
        .filter(|d| d.status == hegui_lang::diag::Status::Active)
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
        .map(|d| {
            format!(
                "{}: {} ({})",
                d.code,
                d.message(hegui_lang::diag::Lang::En),
                d.location.file
            )
        })
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
            for (f, fd) in e.fields() {
                if let Some(v) = value_json(fd.value) {
                    fields.insert(f.to_string(), v);
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
        Value::DateTime(_) => json!(v.to_string()),
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
/// Shaped like real workspaces: one to three datasets per flow, mixed files
/// (a quarter of the datasets and a fifth of the recipients are declared in the
/// flow files that happen to come next, not in `datasets.hegui`/`parties.hegui`),
/// optional facts (purpose, access, mechanism, PIA, consent, notice, records,
/// de-identification, grade, persons processed) often missing. No input errors:
/// see [`generate_varied_real`].
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
    let n_files = flows.div_ceil(per_file.max(1)).max(1);
    // Declarations that go into flow files (by file number), not their own file.
    let mut mixed: Vec<String> = vec![String::new(); n_files];
    for i in 0..recipients {
        let j = r.pick(TO);
        let decl = format!("party r{i} {{ jurisdiction = \"{j}\" kind = pharma }}\n");
        if i % 5 == 4 {
            mixed[i % n_files].push_str(&decl);
        } else {
            parties.push_str(&decl);
        }
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
        // A deciding fact (PIPL Art. 28): always declared, so both engines judge it.
        if r.below(8) == 0 {
            extra.push_str(" minors_under_14 = true");
        } else {
            extra.push_str(" minors_under_14 = false");
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
        let decl = format!("dataset d{i} {{ categories = {cats} subjects = {subjects}{extra} }}\n");
        if i % 4 == 3 {
            mixed[(i / 4) % n_files].push_str(&decl);
        } else {
            datasets.push_str(&decl);
        }
    }
    files.push(("datasets.hegui".to_string(), datasets));

    let mut consent_rng = Rng::new(seed ^ 0xc0_45e7);
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
        // From a stream of its own, so that every other draw (and so the
        // workspaces the Rego comparison was validated on) stays as it was.
        match consent_rng.below(3) {
            0 => {}
            1 => f.push_str("  consent = separate  notice = true\n"),
            _ => f.push_str("  consent = general\n"),
        }
        f.push_str("}\n");
        body.push_str(&f);
        if (i + 1) % per_file == 0 || i + 1 == flows {
            let decls = std::mem::take(&mut mixed[file_no.min(n_files - 1)]);
            files.push((
                format!("flows/f{file_no:05}.hegui"),
                decls + &std::mem::take(&mut body),
            ));
            file_no += 1;
        }
    }
    Generated { files, flows }
}

/// [`generate_varied`] with a few input errors, as real workspaces have them:
/// about one flow file in 50 gets one of an unknown reference, a value of the
/// wrong type, an unknown field, a duplicate entity or a missing brace (a
/// syntax error: the rest of that file is then read as the parser recovers).
/// Not for verdict comparisons (those need clean input).
pub fn generate_varied_real(flows: usize, per_file: usize, seed: u64) -> Generated {
    let mut g = generate_varied(flows, per_file, seed);
    let mut r = Rng::new(seed ^ 0x5eed);
    let mut k = 0;
    for (path, text) in g.files.iter_mut() {
        if !path.starts_with("flows/") || r.below(50) != 0 {
            continue;
        }
        let error = match k % 5 {
            0 => "flow bad_ref{k} { from = nobody to = r0 data = [d0] start = 2024-05-01 }\n",
            1 => "flow bad_type{k} { from = h0 to = r0 data = [d0] start = \"2024-05-01\" }\n",
            2 => "flow bad_field{k} { from = h0 to = r0 data = [d0] start = 2024-05-01 colour = blue }\n",
            3 => "party h0 { jurisdiction = \"CN-SH\" kind = hospital }\n",
            _ => "flow bad_brace{k} { from = h0 to = r0 data = [d0] start = 2024-05-01\n",
        };
        text.push_str(&error.replace("{k}", &k.to_string()));
        k += 1;
    }
    g
}

/// A small workspace whose flows sit exactly on the thresholds and boundaries
/// of the mirrored rules, so that changing a `<` into `<=` (or a date, or a
/// category's sensitivity) changes a verdict: the cases random data hits rarely.
/// Each exporter owns one case, so the cumulative sums do not mix.
pub fn generate_thresholds() -> Generated {
    // (exporter, persons processed, [(start, dataset)])
    type Case<'a> = (&'a str, u64, &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        // 2022 measures: persons processed exactly 1,000,000.
        ("e1", 1_000_000, &[("2023-03-01", "small")]),
        // 2022 measures: cumulative persons exactly 100,000.
        ("e2", 50_000, &[("2023-05-01", "general_100k")]),
        // 2024 provisions: non-sensitive exactly 100,000 (no small-volume exemption).
        ("e3", 50_000, &[("2024-06-01", "general_100k")]),
        // 2024 provisions: 1,000,000 non-sensitive.
        ("e4", 50_000, &[("2024-06-01", "general_1m")]),
        // Sensitive only because of minors: exactly 10,000 persons.
        ("e5", 50_000, &[("2024-06-01", "minors_10k")]),
        ("e6", 50_000, &[("2023-06-01", "minors_10k")]),
        // 2022 window: since 1 January of the previous year, not two years back
        // (two datasets: one dataset's persons count once per window).
        (
            "e7",
            50_000,
            &[
                ("2021-06-01", "sensitive_6k"),
                ("2023-06-01", "sensitive_6k_b"),
            ],
        ),
        // 2024 window: since 1 January of this year, not the previous one.
        (
            "e8",
            50_000,
            &[
                ("2023-12-01", "sensitive_6k"),
                ("2024-06-01", "sensitive_6k_b"),
            ],
        ),
    ];
    let mut parties = String::from("party abroad { jurisdiction = \"US\" kind = pharma }\n");
    let datasets = "dataset small { categories = [personal.contact] subjects = 500 minors_under_14 = false grade = 4 }\n\
dataset general_100k { categories = [personal.demographic, personal.contact] subjects = 100_000 minors_under_14 = false grade = 4 }\n\
dataset general_1m { categories = [personal.demographic, personal.contact] subjects = 1_000_000 minors_under_14 = false grade = 4 }\n\
dataset minors_10k { categories = [personal.contact] subjects = 10_000 minors_under_14 = true grade = 4 }\n\
dataset sensitive_6k { categories = [health_status] subjects = 6_000 grade = 4 }\n\
dataset sensitive_6k_b { categories = [health_status] subjects = 6_000 grade = 4 }\n"
        .to_string();
    let mut flows = String::new();
    let mut n = 0;
    for (ex, processed, fs) in cases {
        parties.push_str(&format!(
            "party {ex} {{ jurisdiction = \"CN-SH\" kind = hospital persons_processed = {processed} }}\n"
        ));
        for (start, data) in fs.iter() {
            flows.push_str(&format!(
                "flow t{n} {{ from = {ex} to = abroad data = [{data}] purpose = research start = {start} pia = {start} }}\n"
            ));
            n += 1;
        }
    }
    Generated {
        files: vec![
            ("parties.hegui".into(), parties),
            ("datasets.hegui".into(), datasets),
            ("flows/thresholds.hegui".into(), flows),
        ],
        flows: n,
    }
}
