//! Finding a workspace's files and its root on disk.

use hegui_lang::diag::Text;
use std::path::{Path, PathBuf};

/// The file that marks a workspace root.
pub const ROOT_FILE: &str = "hegui.toml";

/// Folders deeper than this are not walked (symlink loops, runaway trees).
const MAX_DEPTH: usize = 32;

/// A file that belongs to a workspace: `.hegui` or a JSON/YAML declaration file.
pub fn is_workspace_file(name: &str) -> bool {
    name.ends_with(".hegui") || crate::decl::is_decl_file(name)
}

/// How [`list`] walks folders.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Walk {
    /// A folder below a walked one that holds a `hegui.toml` is another
    /// workspace: it is left out (what checking does).
    OneWorkspace,
    /// Every folder is walked (what formatting does: layout is per file).
    AllFolders,
}

/// The files under PATHS (the current folder when none), sorted and without
/// duplicates: folders are walked for the files `wanted` accepts; named files
/// are taken as they are. A missing path or an unreadable folder is an error
/// message.
pub fn list(
    paths: &[PathBuf],
    wanted: &dyn Fn(&str) -> bool,
    how: Walk,
) -> Result<Vec<PathBuf>, Text> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for r in &roots {
        if r.is_dir() {
            walk(r, 0, wanted, how, &mut files).map_err(|e| {
                Text::new(
                    format!("无法读取文件夹 {}：{e}", r.display()),
                    format!("cannot read folder {}: {e}", r.display()),
                )
            })?;
        } else if r.exists() {
            files.push(r.clone());
        } else {
            return Err(Text::new(
                format!("没有这个文件或文件夹：{}", r.display()),
                format!("no such file or folder: {}", r.display()),
            ));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(
    dir: &Path,
    depth: usize,
    wanted: &dyn Fn(&str) -> bool,
    how: Walk,
    out: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if depth > 0 && how == Walk::OneWorkspace && dir.join(ROOT_FILE).is_file() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if p.is_dir() {
            walk(&p, depth + 1, wanted, how, out)?;
        } else if wanted(name) {
            out.push(p);
        }
    }
    Ok(())
}

/// The folders below `dir` (not `dir` itself) holding a `hegui.toml`: the
/// nested workspaces a folder walk leaves out, each its own workspace (what
/// the language server analyses one by one). Sorted; hidden folders,
/// `target/` and `node_modules/` are not walked.
pub fn roots_under(dir: &Path) -> Vec<PathBuf> {
    fn go(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        if depth > MAX_DEPTH {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                !(name.starts_with('.') || name == "target" || name == "node_modules") && p.is_dir()
            })
            .collect();
        subs.sort();
        for s in subs {
            if s.join(ROOT_FILE).is_file() {
                out.push(s.clone());
            }
            go(&s, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    go(dir, 0, &mut out);
    out
}

/// The workspace root of a file or folder: the nearest folder, from it
/// upwards, that holds a `hegui.toml`; without one, the folder itself (a
/// file's own folder). The answer is relative when `path` is and the root is
/// inside the current folder.
pub fn root_of(path: &Path) -> PathBuf {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let abs = std::path::absolute(&start).unwrap_or_else(|_| start.clone());
    for dir in abs.ancestors() {
        if dir.join(ROOT_FILE).is_file() {
            if start.is_absolute() {
                return dir.to_path_buf();
            }
            let cwd = std::env::current_dir().unwrap_or_default();
            return match dir.strip_prefix(&cwd) {
                Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
                Ok(rel) => rel.to_path_buf(),
                Err(_) => dir.to_path_buf(),
            };
        }
    }
    start
}

/// A workspace path: `/`-separated, without a leading `./`.
pub fn path_key(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}
