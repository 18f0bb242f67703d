//! `hegui init [DIR]`: a starter workspace — one party, one dataset, one flow
//! and a GitHub Actions workflow. Existing files are never overwritten.

use std::path::Path;

/// The starter declarations: the example workspace `examples/starter/`, which
/// passes its own check (the tests hold it to that).
const STARTER: &str = include_str!("../../examples/starter/declarations.hegui");

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
