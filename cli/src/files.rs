//! Reading a workspace from disk: folders are walked for `.hegui` files (other
//! files are ignored), in a stable order. Unreadable or non-UTF-8 files become
//! located diagnostics, not crashes.

use hegui_lang::diag::{Diagnostic, Text};
use hegui_lang::syntax::ast::Span;
use hegui_lang::Analysis;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files that could not join the workspace, with the text to show them by.
#[derive(Default)]
pub struct Loaded {
    pub errors: Vec<Diagnostic>,
    pub texts: BTreeMap<String, String>,
    /// JSON/YAML declaration files: their original text (what diagnostics are
    /// shown against) and the map from the generated `.hegui` text back to it.
    pub originals: BTreeMap<String, String>,
    pub maps: BTreeMap<String, Vec<(Span, Span)>>,
}

impl Loaded {
    /// Moves diagnostics in converted JSON/YAML files onto the original text.
    pub fn relocate(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.maps.is_empty() {
            return diags;
        }
        diags
            .into_iter()
            .map(|mut d| {
                if let Some(m) = self.maps.get(&d.location.file) {
                    d.location.span = crate::decl::relocate(m, d.location.span);
                    d.fixes.clear();
                }
                for l in &mut d.labels {
                    if let Some(m) = self.maps.get(&l.location.file) {
                        l.location.span = crate::decl::relocate(m, l.location.span);
                    }
                }
                d
            })
            .collect()
    }
}

/// Folders deeper than this are not walked (symlink loops, runaway trees).
const MAX_DEPTH: usize = 32;

/// The workspace files under PATHS (the current folder when none), sorted:
/// folders are walked for the files `wanted` accepts; named files are taken as
/// they are. A missing path or an unreadable folder is an error message.
pub fn list(paths: &[PathBuf], wanted: &dyn Fn(&str) -> bool) -> Result<Vec<PathBuf>, String> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for r in &roots {
        if r.is_dir() {
            walk(r, 0, wanted, &mut files)
                .map_err(|e| format!("cannot read folder {}: {e}", r.display()))?;
        } else if r.exists() {
            files.push(r.clone());
        } else {
            return Err(format!("no such file or folder: {}", r.display()));
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
    out: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
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
            walk(&p, depth + 1, wanted, out)?;
        } else if wanted(name) {
            out.push(p);
        }
    }
    Ok(())
}

pub fn load(paths: &[PathBuf]) -> Result<(Analysis, Loaded), String> {
    let files = list(paths, &|name| {
        name.ends_with(".hegui") || crate::decl::is_decl_file(name)
    })?;
    let mut analysis = Analysis::new();
    let mut loaded = Loaded::default();
    // `.hegui` files first: declaration files are typed against their schemas.
    let (decls, files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| crate::decl::is_decl_file(&f.to_string_lossy()));
    let mut decl_texts = Vec::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    for f in files.into_iter().chain(decls) {
        let is_decl = crate::decl::is_decl_file(&f.to_string_lossy());
        let path = f.to_string_lossy().replace('\\', "/");
        let path = path.strip_prefix("./").unwrap_or(&path).to_string();
        match std::fs::read(&f) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) if is_decl => decl_texts.push((path, text)),
                Ok(text) => texts.push((path, text)),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    loaded.errors.push(Diagnostic::error(
                        "encoding",
                        &path,
                        Span::new(at, at + 1),
                        Text::new(
                            format!("文件不是有效的 UTF-8（第 {at} 字节）",),
                            format!("the file is not valid UTF-8 (at byte {at})"),
                        ),
                    ));
                    loaded.texts.insert(path, lossy);
                }
            },
            Err(e) => {
                loaded.errors.push(Diagnostic::error(
                    "io",
                    &path,
                    Span::new(0, 0),
                    Text::new(
                        format!("无法读取文件：{e}"),
                        format!("cannot read the file: {e}"),
                    ),
                ));
                loaded.texts.insert(path, String::new());
            }
        }
    }
    analysis.set_files(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    if !decl_texts.is_empty() {
        let defs = analysis.defs();
        for (path, text) in decl_texts {
            match crate::decl::convert(&path, &text, &defs) {
                Ok(c) => {
                    analysis.set_file(&path, &c.text);
                    loaded.maps.insert(path.clone(), c.map);
                }
                Err(d) => {
                    loaded.errors.push(d);
                    loaded.texts.insert(path.clone(), text.clone());
                }
            }
            loaded.originals.insert(path, text);
        }
    }
    Ok((analysis, loaded))
}
