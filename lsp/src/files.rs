//! Documents and paths: URIs ↔ workspace paths, and the standard library
//! materialised read-only on disk so every editor can open it by a `file:`
//! URI. Which files make the workspace is the shared loader's business
//! (`hegui-workspace`).

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
