//! Embeds every `stdlib/**/*.hegui` file in the library, so the binary works
//! with no configuration.
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "hegui") {
            out.push(p);
        }
    }
}

fn main() {
    // Read at run time: `env!` would fix the folder when this script is compiled, and a
    // target folder seeded from another checkout reuses the compiled script (it then
    // listed the other checkout's stdlib files).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../stdlib");
    // Relative paths (to this package's root) and `CARGO_MANIFEST_DIR` in the generated
    // includes keep a target folder copied from another checkout reading this checkout's
    // stdlib: absolute paths would keep pointing at the other one.
    println!("cargo:rerun-if-changed=../stdlib");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut src = String::from(
        "/// The embedded standard library: (path, text).\npub const FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed=../stdlib/{rel}");
        src.push_str(&format!(
            "    ({:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),\n",
            format!("stdlib/{rel}"),
            format!("/../stdlib/{rel}")
        ));
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("stdlib_files.rs");
    std::fs::write(out, src).expect("write generated file");
}
