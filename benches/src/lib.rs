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
