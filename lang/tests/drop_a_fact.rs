//! Dropping or corrupting any one declared fact (a value of the wrong type,
//! or an invalid date, in a record too) never produces a new pass or a new
//! exemption: what was not known (or is broken) gives an input error,
//! an undetermined finding, or a finding — never a conclusion the full
//! declarations did not already support.
//!
//! Over the example workspaces and generated ones. CI runs a deterministic
//! sample; `HEGUI_DROP_ALL=1` runs every mutation (`HEGUI_DROP_SEED=n` picks
//! another sample).

use hegui_lang::diag::{Severity, Status as DiagStatus};
use hegui_lang::eval::rules::Status;
use hegui_lang::Analysis;
use std::collections::BTreeMap;
use std::path::Path;

/// Mutations checked per run in CI (the rest with `HEGUI_DROP_ALL=1`).
const SAMPLE: usize = 60;

/// What each rule concluded about each entity.
type Conclusions = BTreeMap<(String, String), Class>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// An active finding (not a note).
    Finding,
    /// An active note: an exemption or other informational conclusion.
    Exempt,
    /// Applies and holds, or does not apply: it does not fire.
    Pass,
    Undetermined,
    /// It read a broken fact: nothing concluded.
    Blocked,
}

fn conclusions(a: &Analysis) -> Conclusions {
    let mut out = Conclusions::new();
    let index = a.entity_index();
    for names in index.by_kind.values() {
        for name in names.iter() {
            let Some((_, outcomes)) = a.explain(name) else {
                continue;
            };
            for o in outcomes {
                let class = match (&o.status, &o.finding) {
                    (Status::Satisfied | Status::NotApplicable, _) => Class::Pass,
                    (Status::Undetermined, _) => Class::Undetermined,
                    (Status::Blocked, _) => Class::Blocked,
                    (Status::Fired, Some(f)) if f.status == DiagStatus::Undetermined => {
                        Class::Undetermined
                    }
                    (Status::Fired, Some(f)) if f.severity == Severity::Info => Class::Exempt,
                    (Status::Fired, _) => Class::Finding,
                    (Status::NotInForce, _) => continue,
                };
                out.insert((name.to_string(), o.rule.clone()), class);
            }
        }
    }
    out
}

/// Whether the workspace has an input error (an error that is not a rule finding).
fn input_error(a: &Analysis) -> bool {
    let defs = a.defs();
    a.diagnostics()
        .iter()
        .any(|d| d.severity == Severity::Error && !defs.rules.contains_key(&d.code))
}

/// What a mutation concluded that the full declarations did not: a new
/// exemption, or a finding or open question turned into a pass — whatever
/// else the mutation caused (an input error elsewhere does not excuse a pass
/// drawn from what is left).
fn new_conclusions(base: &Conclusions, after: &Conclusions) -> Vec<String> {
    after
        .iter()
        .filter_map(|(k, c)| {
            let before = base.get(k).copied();
            let bad = match c {
                Class::Exempt => before != Some(Class::Exempt),
                Class::Pass => matches!(before, Some(Class::Finding | Class::Undetermined)),
                _ => false,
            };
            bad.then(|| format!("{} {} {:?} (was {:?})", k.0, k.1, c, before))
        })
        .collect()
}

/// One fact per line of an entity body: `  field = value` with balanced
/// brackets (a multi-line record is left alone), with the entity's kind.
fn fact_lines(text: &str) -> Vec<(usize, String, String)> {
    let mut depth = 0i32;
    let mut kind = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if depth == 0 && t.ends_with('{') {
            kind = t.split_whitespace().next().unwrap_or("").to_string();
        }
        let balanced = t.matches(['{', '[']).count() == t.matches(['}', ']']).count();
        if depth == 1 && balanced && !t.starts_with("//") {
            if let Some((field, _)) = t.split_once(" = ") {
                if field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push((i, kind.clone(), field.to_string()));
                }
            }
        }
        depth += t.matches('{').count() as i32 - t.matches('}').count() as i32;
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    Drop,
    Corrupt,
    /// The first date of the line (perhaps inside a record) made invalid.
    BadDate,
}

/// Where the first `YYYY-MM-DD` of a line starts.
fn first_date(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len().saturating_sub(9)).find(|&i| {
        let d = |j: usize| b[i + j].is_ascii_digit();
        (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (0..4).all(d)
            && b[i + 4] == b'-'
            && d(5)
            && d(6)
            && b[i + 7] == b'-'
            && d(8)
            && d(9)
    })
}

fn mutate(text: &str, line: usize, m: Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    match m {
        Mutation::Drop => {
            lines.remove(line);
        }
        Mutation::Corrupt => {
            let l = &lines[line];
            let (field, value) = l.split_once(" = ").expect("a fact line");
            // A value of the wrong type: a string for anything else, a number
            // for a string.
            let bad = if value.trim_start().starts_with('"') {
                "12345"
            } else {
                "\"corrupt\""
            };
            lines[line] = format!("{field} = {bad}");
        }
        Mutation::BadDate => {
            let at = first_date(&lines[line]).expect("a date");
            lines[line].replace_range(at..at + 10, "2025-02-30");
        }
    }
    lines.join("\n") + "\n"
}

/// The example workspaces: each folder of `examples/` with `.hegui` files.
fn examples() -> Vec<(String, BTreeMap<String, String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files = BTreeMap::new();
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "hegui"))
            .collect();
        entries.sort();
        for p in entries {
            let text = std::fs::read_to_string(&p).expect("read");
            files.insert(p.display().to_string(), text);
        }
        if !files.is_empty() {
            out.push((d.display().to_string(), files));
        }
    }
    out
}

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// A generated workspace: exporters, recipients, datasets and flows with
/// facts drawn from the stdlib's vocabulary, one fact a line.
fn generated(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut s = String::new();
    for p in 0..2 {
        s.push_str(&format!(
            "party p{p} {{\n  jurisdiction = \"{}\"\n  kind = {}\n  persons_processed = {}\n  ciio = {}\n  foreign_controlled = false\n}}\n",
            r.pick(&["CN-BJ", "CN-SH", "CN"]),
            r.pick(&["hospital", "health_app", "pharma", "cro"]),
            r.pick(&["5_000", "999_999", "1_000_000", "20_000_000"]),
            r.pick(&["false", "false", "true"]),
        ));
    }
    s.push_str(&format!(
        "party abroad {{\n  jurisdiction = \"{}\"\n  kind = {}\n  persons_processed = 50_000\n}}\n",
        r.pick(&["US", "SG", "CN-HK", "DE"]),
        r.pick(&["pharma", "analytics", "research"]),
    ));
    for d in 0..2 {
        s.push_str(&format!(
            "dataset d{d} {{\n  categories = [{}]\n  subjects = {}\n  records = {}\n  grade = {}\n  deidentification = {}\n}}\n",
            r.pick(&["personal.contact", "health_status", "medical_application", "personal.identity"]),
            r.pick(&["200", "9_999", "10_000", "99_999", "100_000", "1_500_000"]),
            r.pick(&["100", "250", "251", "40_000"]),
            r.pick(&["2", "3", "4"]),
            r.pick(&["identifiable", "pseudonymised", "anonymised"]),
        ));
    }
    for f in 0..3 {
        let data = r.pick(&["[d0]", "[d1]", "[d0, d1]"]);
        s.push_str(&format!(
            "flow f{f} {{\n  from = p{}\n  to = {}\n  data = {data}\n  start = {}\n  recipient_role = {}\n  purpose = {}\n  consent = {}\n  notice = {}\n  pia = 2022-01-10\n  mechanism = {}\n}}\n",
            r.next() % 2,
            r.pick(&["abroad", "abroad", "p0", "p1"]),
            r.pick(&["2023-03-01", "2024-03-21", "2024-03-22", "2025-06-01"]),
            r.pick(&["controller", "processor", "user"]),
            r.pick(&["purpose.research", "purpose.hr_management", "marketing", "treatment"]),
            r.pick(&["separate", "general", "written"]),
            r.pick(&["true", "false"]),
            r.pick(&[
                "standard_contract { signed = 2022-02-01 filed = 2022-02-03 }",
                "security_assessment { approved = 2022-01-20 }",
                "exempt",
            ]),
        ));
    }
    s
}

/// Checks the chosen mutations of one workspace, in `a` (one analysis for
/// all workspaces: the stdlib is parsed once; incremental results equal
/// from-scratch ones).
fn check_workspace(
    a: &mut Analysis,
    name: &str,
    files: &BTreeMap<String, String>,
    chosen: &dyn Fn(usize) -> bool,
    counter: &mut usize,
    failures: &mut Vec<String>,
) {
    // Dropping a fact whose absence the law gives a meaning (a legal default,
    // or evidence not given) is a different declaration, not a fact left
    // unknown: only facts without one (`deciding`, `required`) are dropped.
    // Any fact may be corrupted.
    let defs = a.defs();
    let droppable = |kind: &str, field: &str| {
        defs.schemas
            .get(kind)
            .and_then(|s| s.fields.get(field))
            .is_some_and(|f| f.deciding || f.required)
    };
    let mutations: Vec<(&String, &String, usize, Mutation)> = files
        .iter()
        .flat_map(|(p, t)| {
            fact_lines(t).into_iter().flat_map(move |(l, kind, field)| {
                let drop = droppable(&kind, &field).then_some((p, t, l, Mutation::Drop));
                let date = t
                    .lines()
                    .nth(l)
                    .and_then(first_date)
                    .map(|_| (p, t, l, Mutation::BadDate));
                drop.into_iter()
                    .chain([(p, t, l, Mutation::Corrupt)])
                    .chain(date)
            })
        })
        .filter(|_| {
            let n = *counter;
            *counter += 1;
            chosen(n)
        })
        .collect();
    if mutations.is_empty() {
        return;
    }
    for p in a.user_paths() {
        a.remove_file(&p);
    }
    a.set_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let base = conclusions(a);
    for (path, text, line, m) in mutations {
        let mutated = mutate(text, line, m);
        a.set_file(path, &mutated);
        let new = new_conclusions(&base, &conclusions(a));
        // A value of the wrong type, or an invalid date, is an input error,
        // never a value.
        if matches!(m, Mutation::Corrupt | Mutation::BadDate) && !input_error(a) {
            failures.push(format!(
                "{name}: corrupting `{}` ({path}:{}) gave no input error",
                text.lines().nth(line).unwrap_or("").trim(),
                line + 1
            ));
        }
        if !new.is_empty() {
            failures.push(format!(
                "{name}: {m:?} `{}` ({path}:{}) concluded {new:?}",
                text.lines().nth(line).unwrap_or("").trim(),
                line + 1
            ));
        }
        a.set_file(path, text);
    }
}

#[test]
fn dropping_or_corrupting_one_fact_never_concludes_more() {
    let all = std::env::var("HEGUI_DROP_ALL").is_ok_and(|v| v == "1");
    let seed: u64 = std::env::var("HEGUI_DROP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(11);
    let mut workspaces = examples();
    for g in 0..if all { 20 } else { 3 } {
        let mut files = BTreeMap::new();
        files.insert(format!("gen{g}.hegui"), generated(seed + g));
        workspaces.push((format!("generated #{g}"), files));
    }
    // Count the mutations first, then pick a spread-out sample of them.
    let total: usize = workspaces
        .iter()
        .flat_map(|(_, fs)| fs.values())
        .map(|t| fact_lines(t).len())
        .sum();
    assert!(total > 200, "the facts found: {total}");
    let step = (total / SAMPLE).max(1);
    let offset = (seed as usize) % step;
    let chosen = |n: usize| all || n % step == offset;
    let mut counter = 0;
    let mut failures = Vec::new();
    let mut a = Analysis::new();
    for (name, files) in &workspaces {
        check_workspace(&mut a, name, files, &chosen, &mut counter, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checker itself: a silenced finding, a decided open question or a new
/// exemption is caught; a finding replaced by an open question, another
/// finding or a blocked conclusion is not.
#[test]
fn the_checker_catches_a_silent_switch_off() {
    let k = |r: &str| ("f".to_string(), r.to_string());
    let base: Conclusions = [
        (k("SA"), Class::Finding),
        (k("SC"), Class::Pass),
        (k("OPEN"), Class::Undetermined),
    ]
    .into();
    let with = |rule: &str, c: Class| {
        let mut m = base.clone();
        m.insert(k(rule), c);
        m
    };
    assert_eq!(new_conclusions(&base, &with("SA", Class::Pass)).len(), 1);
    assert_eq!(new_conclusions(&base, &with("OPEN", Class::Pass)).len(), 1);
    assert_eq!(new_conclusions(&base, &with("SA", Class::Exempt)).len(), 1);
    assert_eq!(new_conclusions(&base, &with("SC", Class::Exempt)).len(), 1);
    assert!(new_conclusions(&base, &with("SA", Class::Undetermined)).is_empty());
    assert!(new_conclusions(&base, &with("SA", Class::Blocked)).is_empty());
    assert!(new_conclusions(&base, &with("OPEN", Class::Finding)).is_empty());
    assert!(new_conclusions(&base, &base).is_empty());
}
