//! `cargo run -p hegui-bench --release --bin scaling -- [N ...]`: full check of
//! generated workspaces of N flows (default 1k, 10k, 100k), one process per
//! size so peak memory is per size; prints a Markdown table row per N.
/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|s| s.parse().ok())
        .collect();
    if args.len() == 1 {
        let n = args[0];
        let g = hegui_bench::generate(n, 10, 42);
        let bytes: usize = g.files.iter().map(|(_, t)| t.len()).sum();
        let t0 = Instant::now();
        let mut a = hegui_lang::Analysis::new();
        a.set_files(g.files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        if std::env::var("MEM_STAGES").is_ok() {
            // Where the memory goes: after parsing, after lowering, after evaluating.
            let rss = || {
                let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
                status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .map(|l| l.to_string())
                    .unwrap_or_default()
            };
            for p in a.all_paths() {
                std::hint::black_box(a.parsed(&p));
            }
            eprintln!("parsed: {}", rss());
            let index = a.entity_index();
            for name in index.by_name.keys() {
                std::hint::black_box(a.entity(name));
            }
            eprintln!("lowered: {}", rss());
        }
        let diags = a.diagnostics().len();
        if std::env::var("MEM_STAGES").is_ok() {
            eprintln!("evaluated: {}", {
                let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
                status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .map(|l| l.to_string())
                    .unwrap_or_default()
            });
        }
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "| {n} | {:.1} | {:.3} | {:.1} | {:.0} | {diags} |",
            bytes as f64 / 1e6,
            secs,
            secs * 1e6 / n as f64,
            peak_rss_mib()
        );
        return;
    }
    let sizes = if args.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        args
    };
    println!(
        "| flows | MB of text | full check (s) | µs per flow | peak RSS (MiB) | diagnostics |"
    );
    println!("|---|---|---|---|---|---|");
    let me = std::env::current_exe().expect("own path");
    for n in sizes {
        let out = std::process::Command::new(&me)
            .arg(n.to_string())
            .output()
            .expect("run child");
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}
