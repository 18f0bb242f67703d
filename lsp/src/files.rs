//! Documents and paths: URIs ↔ workspace paths, the workspace folders read
//! from disk, and the standard library materialised read-only on disk so
//! every editor can open it by a `file:` URI.

use hegui_lang::Analysis;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::Uri;

/// Where the embedded stdlib is shown: a folder holding `stdlib/…`, or, when
/// it could not be written, URIs `hegui-stdlib:///stdlib/…`.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    pub stdlib_dir: Option<PathBuf>,
}

const STDLIB_SCHEME: &str = "hegui-stdlib://";

impl Paths {
    /// The workspace path of a document.
    pub fn path_of(&self, uri: &Uri) -> String {
        let s = uri.as_str();
        if let Some(rest) = s.strip_prefix(STDLIB_SCHEME) {
            return rest.trim_start_matches('/').to_string();
        }
        if s.starts_with("file:") {
            if let Some(p) = uri.to_file_path() {
                if let Some(dir) = &self.stdlib_dir {
                    if let Ok(rel) = p.strip_prefix(dir) {
                        return rel.to_string_lossy().replace('\\', "/");
                    }
                }
                return p.to_string_lossy().into_owned();
            }
        }
        s.to_string()
    }

    /// The URI of a workspace path.
    pub fn uri_of(&self, a: &Analysis, path: &str) -> Option<Uri> {
        if a.is_stdlib(path) {
            return match &self.stdlib_dir {
                Some(dir) => Uri::from_file_path(dir.join(path)),
                None => format!("{STDLIB_SCHEME}/{path}").parse().ok(),
            };
        }
        if Path::new(path).is_absolute() {
            return Uri::from_file_path(path);
        }
        path.parse().ok()
    }
}

/// Writes the stdlib under the temp folder (once per content), read-only.
pub fn materialise_stdlib() -> Option<PathBuf> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (p, t) in hegui_lang::stdlib::FILES {
        for b in p.bytes().chain(t.bytes()) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let dir = std::env::temp_dir().join(format!("hegui-stdlib-{hash:016x}"));
    for (p, t) in hegui_lang::stdlib::FILES {
        let file = dir.join(p);
        if std::fs::read_to_string(&file).is_ok_and(|old| old == *t) {
            continue;
        }
        std::fs::create_dir_all(file.parent()?).ok()?;
        let _ = std::fs::remove_file(&file);
        std::fs::write(&file, t).ok()?;
        let mut perm = std::fs::metadata(&file).ok()?.permissions();
        perm.set_readonly(true);
        let _ = std::fs::set_permissions(&file, perm);
    }
    Some(dir)
}

/// Folders deeper than this are not walked (symlink loops, runaway trees).
const MAX_DEPTH: usize = 32;

/// The `.hegui` files under a folder, sorted; hidden folders, `target` and
/// `node_modules` are skipped.
pub fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if p.is_dir() {
            walk(&p, depth + 1, out);
        } else if name.ends_with(".hegui") {
            out.push(p);
        }
    }
}

/// A copy of an embedded stdlib file (the hegui repository itself, or a
/// vendored copy): loading it again would define everything twice.
pub fn is_stdlib_copy(path: &Path, text: &str) -> bool {
    let p = path.to_string_lossy().replace('\\', "/");
    hegui_lang::stdlib::FILES
        .iter()
        .any(|(sp, st)| p.ends_with(&format!("/{sp}")) && *st == text)
}

/// Adds every `.hegui` file under the roots to the analysis; returns how many.
pub fn load_roots(a: &mut Analysis, roots: &[PathBuf]) -> usize {
    let mut files = Vec::new();
    for r in roots {
        walk(r, 0, &mut files);
    }
    files.sort();
    files.dedup();
    let mut texts: Vec<(String, String)> = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if is_stdlib_copy(&f, &text) {
            continue;
        }
        texts.push((f.to_string_lossy().into_owned(), text));
    }
    a.set_files(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    texts.len()
}
