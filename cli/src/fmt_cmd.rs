//! `hegui fmt [PATHS] [--check]`: rewrites `.hegui` files in their canonical
//! layout (see `hegui_lang::fmt`). With `--check` nothing is written: the files
//! that would change are listed and the exit code is 1 if there are any.

use crate::render::{self, SourceLookup};
use hegui_lang::diag::Lang;
use std::collections::BTreeMap;
use std::path::PathBuf;

struct One<'a>(&'a BTreeMap<String, String>);
impl SourceLookup for One<'_> {
    fn text_of(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(|s| s.as_str())
    }
}

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let files = match hegui_workspace::list(
        paths,
        &|name| name.ends_with(".hegui"),
        hegui_workspace::Walk::AllFolders,
    ) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("hegui fmt: {}", e.get(crate::lang_of(None)));
            return 2;
        }
    };
    let mut broken = false;
    let mut changed = Vec::new();
    for f in &files {
        let path = f.to_string_lossy().replace('\\', "/");
        let path = path.strip_prefix("./").unwrap_or(&path).to_string();
        let text = match std::fs::read(f).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            _ => {
                eprintln!("hegui fmt: {path}: cannot read the file as UTF-8 text");
                broken = true;
                continue;
            }
        };
        match hegui_lang::fmt::format(&path, &text) {
            Ok(out) if out == text => {}
            Ok(out) => {
                if !check {
                    if let Err(e) = std::fs::write(f, &out) {
                        eprintln!("hegui fmt: {path}: cannot write: {e}");
                        broken = true;
                        continue;
                    }
                }
                changed.push(path);
            }
            Err(diags) => {
                let texts = BTreeMap::from([(path.clone(), text.clone())]);
                eprint!(
                    "{}",
                    render::to_string(&diags, &One(&texts), Lang::En, false)
                );
                eprintln!("hegui fmt: {path}: not formatted (syntax errors)");
                broken = true;
            }
        }
    }
    for c in &changed {
        if check {
            println!("would reformat {c}");
        } else {
            println!("formatted {c}");
        }
    }
    if broken {
        2
    } else if check && !changed.is_empty() {
        1
    } else {
        0
    }
}
