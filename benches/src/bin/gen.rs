//! `cargo run -p hegui-bench --release --bin gen -- FLOWS DIR [SEED] [PER_FILE] [varied]`:
//! writes a synthetic workspace (the seeded generator, files of PER_FILE flows,
//! default 10; `varied` for `generate_varied_real`, the shapes of real workspaces;
//! `split` for the seeded workspace with its parties and datasets in files of
//! 10,000 entities, `split_entity_files`).
/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flows: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1_000);
    let dir = std::path::PathBuf::from(
        args.get(2)
            .cloned()
            .unwrap_or_else(|| "target/generated".into()),
    );
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let per_file: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut g = if args.get(5).is_some_and(|a| a == "varied") {
        hegui_bench::generate_varied_real(flows, per_file, seed)
    } else {
        hegui_bench::generate(flows, per_file, seed)
    };
    if args.get(5).is_some_and(|a| a == "split") {
        hegui_bench::split_entity_files(&mut g, 10_000);
    }
    if let Err(e) = hegui_bench::write(&g, &dir) {
        eprintln!("cannot write {}: {e}", dir.display());
        std::process::exit(2);
    }
    println!(
        "{} flows in {} files under {}",
        g.flows,
        g.files.len(),
        dir.display()
    );
}
