//! `cargo run -p hegui-bench --release --bin gen -- FLOWS DIR [SEED]`: writes a synthetic workspace.
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
    let g = hegui_bench::generate(flows, 10, seed);
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
