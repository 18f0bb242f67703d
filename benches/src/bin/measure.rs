//! `measure DIR`: loads every .hegui file under DIR and times a full check, then
//! a one-flow edit and re-check — a quick figure outside criterion.
/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/generated".into()),
    );
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    if std::env::var("PARSE_ONLY").is_ok() {
        let texts: Vec<String> = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let t = Instant::now();
        let items: usize = texts
            .iter()
            .map(|x| hegui_lang::syntax::parse("x.hegui", x).ast.items.len())
            .sum();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "parsed {items} items, {:.1} MB in {secs:.3} s: {:.1} MB/s",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs
        );
        return;
    }
    let t0 = Instant::now();
    let mut a = if std::env::var("HEGUI_LOG").is_ok() {
        let a = hegui_lang::Analysis::with_query_log();
        a.db.start_log();
        a
    } else {
        hegui_lang::Analysis::new()
    };
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                p.to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap_or_default(),
            )
        })
        .collect();
    a.set_files(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let n = a.diagnostics().len();
    let full = t0.elapsed();
    if std::env::var("HEGUI_LOG").is_ok() {
        let mut counts = std::collections::BTreeMap::new();
        for l in a.db.take_log() {
            *counts
                .entry(l.split('(').next().unwrap_or("").to_string())
                .or_insert(0usize) += 1;
        }
        println!("{counts:?}");
    }
    // Edit the first flow file: change one start date.
    let first = files
        .iter()
        .find(|p| p.to_string_lossy().contains("/flows/"))
        .cloned();
    let mut edit = std::time::Duration::ZERO;
    if let Some(p) = first {
        let path = p.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        // Move the first flow's start by one day (same length, same layout).
        let changed = match text.find("start = ") {
            Some(i) => {
                let day = &text[i + 16..i + 18];
                let next = if day == "01" { "02" } else { "01" };
                format!("{}{}{}", &text[..i + 16], next, &text[i + 18..])
            }
            None => text.clone(),
        };
        if std::env::var("HEGUI_LOG").is_ok() {
            a.db.start_log();
        }
        if std::env::var("STAGES").is_ok() {
            for (i, t) in [&changed, &text].into_iter().enumerate() {
                let t0 = Instant::now();
                a.set_file(&path, t);
                let s0 = t0.elapsed();
                let _ = a.parsed(&path);
                let s1 = t0.elapsed();
                let _ = a.defs();
                let s2 = t0.elapsed();
                let _ = a.entity_index();
                let s3 = t0.elapsed();
                let key = hegui_lang::db::GroupKey::new(
                    &a.db,
                    a.ws,
                    "flow".to_string(),
                    "from".to_string(),
                );
                let _ = hegui_lang::db::group_index(&a.db, key);
                let s4 = t0.elapsed();
                let _ = a.file_diagnostics(&path);
                let s5 = t0.elapsed();
                println!("stages {i}: set {s0:?} parse {s1:?} defs {s2:?} index {s3:?} groups {s4:?} file {s5:?}");
            }
        }
        let t1 = Instant::now();
        a.set_file(&path, &changed);
        let own = a.file_diagnostics(&path).len();
        let own_t = t1.elapsed();
        let _ = a.diagnostics().len();
        edit = t1.elapsed();
        println!("edited file's diagnostics ({own}) after {own_t:?}");
        // Repeat to measure steadily (for profiling).
        let reps: usize = std::env::var("REPS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let t2 = Instant::now();
        for i in 0..reps {
            a.set_file(&path, if i % 2 == 0 { &text } else { &changed });
            let _ = a.file_diagnostics(&path).len();
        }
        if reps > 0 {
            println!(
                "per edit (file diagnostics): {:?}",
                t2.elapsed() / reps as u32
            );
        }
        if std::env::var("HEGUI_LOG").is_ok() {
            let mut counts = std::collections::BTreeMap::new();
            for l in a.db.take_log() {
                *counts
                    .entry(l.split('(').next().unwrap_or("").to_string())
                    .or_insert(0usize) += 1;
            }
            println!("edit: {counts:?}");
        }
    }
    println!(
        "files {} diagnostics {} full {:?} edit {:?}",
        files.len(),
        n,
        full,
        edit
    );
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else if p.extension().is_some_and(|x| x == "hegui") {
                out.push(p);
            }
        }
    }
}
