//! Reading files into an `Analysis`, and what the loader keeps beside it:
//! the errors of files that could not join, and for JSON/YAML declaration
//! files their original text and the map back into it.

use crate::archive;
use crate::config::{Config, StdlibChoice};
use crate::decl;
use crate::files::{self, path_key, Walk, ROOT_FILE};
use hegui_lang::diag::{Diagnostic, Text};
use hegui_lang::model::defs::Defs;
use hegui_lang::syntax::ast::Span;
use hegui_lang::Analysis;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the loader knows beside the analysis: files that could not join the
/// workspace, with the text to show them by, and the declaration files.
#[derive(Default)]
pub struct Loaded {
    /// Diagnostics of files that could not be read or converted.
    pub errors: Vec<Diagnostic>,
    /// The text to show a load error against, for files not in the analysis.
    pub texts: BTreeMap<String, String>,
    /// JSON/YAML declaration files: their original text (what diagnostics are
    /// shown against)…
    pub originals: BTreeMap<String, String>,
    /// …and the map from the generated `.hegui` text back to it.
    pub maps: BTreeMap<String, Vec<(Span, Span)>>,
    /// Notes for diagnostics inside a generated field ("did you mean …").
    hints: BTreeMap<String, Vec<(Span, Text)>>,
    /// The definitions the declaration files were last typed against (only
    /// their schemas, enumerations and plurals matter).
    defs_seen: Option<Arc<Defs>>,
    /// What the workspace's `hegui.toml` says (empty without one).
    pub config: Config,
    /// The evaluation date, against which override expiries are judged.
    pub today: Option<jiff::civil::Date>,
}

/// Loads the workspace of PATHS (the current folder when none): its
/// `hegui.toml` (in the root of the paths, see [`crate::root_of`]), its
/// standard library (`stdlib`, the `--stdlib DIR` of the command line, wins
/// over the file's; else the embedded one), and every workspace file under
/// the paths, folders with their own `hegui.toml` below them left out.
/// A missing path, paths in different workspaces or a stdlib folder that
/// cannot be read are an error message; files that cannot be read are
/// diagnostics in [`Loaded::errors`].
pub fn load(paths: &[PathBuf], stdlib: Option<&Path>) -> Result<(Analysis, Loaded), Text> {
    let files = files::list(paths, &files::is_workspace_file, Walk::OneWorkspace)?;
    let mut loaded = Loaded::default();
    if let Some(root) = workspace_root(paths)? {
        loaded.read_config(&root);
    }
    let choice = match stdlib {
        Some(dir) => StdlibChoice::Path(dir.to_path_buf()),
        None => loaded.config.stdlib.clone(),
    };
    let mut analysis = analysis_over(&choice)?;
    loaded.add_files(&mut analysis, &files);
    let problems = loaded.config.check_rules(&analysis.defs());
    loaded.errors.extend(problems);
    Ok((analysis, loaded))
}

/// An analysis with a stdlib and no user files.
fn analysis_over(choice: &StdlibChoice) -> Result<Analysis, Text> {
    Ok(match choice {
        StdlibChoice::Embedded => Analysis::new(),
        StdlibChoice::Path(dir) => {
            let texts = read_stdlib(dir)?;
            Analysis::with_stdlib(
                &texts
                    .iter()
                    .map(|(p, t)| (p.as_str(), t.as_str()))
                    .collect::<Vec<_>>(),
            )
        }
    })
}

/// The stdlib alone (for its catalogue, schema or own tests): the one in
/// `dir` (`--stdlib DIR`), else the one the current folder's `hegui.toml`
/// names, else the embedded one.
pub fn load_stdlib(dir: Option<&Path>) -> Result<Analysis, Text> {
    let choice = match dir {
        Some(d) => StdlibChoice::Path(d.to_path_buf()),
        None => match workspace_root(&[])? {
            Some(root) => {
                let mut l = Loaded::default();
                l.read_config(&root);
                l.config.stdlib
            }
            None => StdlibChoice::Embedded,
        },
    };
    analysis_over(&choice)
}

/// The root with a `hegui.toml` that PATHS belong to, if any; paths in two
/// such workspaces are an error (a repository of workspaces is never merged).
fn workspace_root(paths: &[PathBuf]) -> Result<Option<PathBuf>, Text> {
    let dot = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &dot[..] } else { paths };
    let mut found: Option<PathBuf> = None;
    for p in paths {
        let root = files::root_of(p);
        if !root.join(ROOT_FILE).is_file() {
            continue;
        }
        match &found {
            Some(r) if *r != root => {
                return Err(Text::new(
                    format!(
                        "这些路径属于不同的工作区（{} 与 {}）：请分别检查，或用 check --each",
                        r.display(),
                        root.display()
                    ),
                    format!(
                        "these paths belong to different workspaces ({} and {}): check them one at a time, or with check --each",
                        r.display(),
                        root.display()
                    ),
                ))
            }
            _ => found = Some(root),
        }
    }
    Ok(found)
}

/// The policy files of a stdlib folder or archive, under their paths.
fn read_stdlib(dir: &Path) -> Result<Vec<(String, String)>, Text> {
    let cannot = |zh: &str, en: String| {
        Text::new(
            format!("无法读取标准库 {}：{zh}", dir.display()),
            format!("cannot read the stdlib {}: {en}", dir.display()),
        )
    };
    if dir.is_file() && archive::is_archive(dir) {
        return archive::read(dir, &path_key(dir));
    }
    if !dir.is_dir() {
        return Err(cannot(
            "不是文件夹，也不是 .tar.gz、.tgz 或 .zip 归档",
            "not a folder, nor a .tar.gz, .tgz or .zip archive".into(),
        ));
    }
    let files = files::list(
        &[dir.to_path_buf()],
        &|n| n.ends_with(".hegui"),
        Walk::AllFolders,
    )?;
    if files.is_empty() {
        return Err(cannot("没有 .hegui 文件", "no .hegui files".into()));
    }
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| {
                let why = format!("{}: {e}", f.display());
                cannot(&why, why.clone())
            })?;
            Ok((path_key(f), text))
        })
        .collect()
}

impl Loaded {
    /// Reads `hegui.toml` in `root` into [`Loaded::config`]; what is wrong
    /// in it joins the errors.
    pub fn read_config(&mut self, root: &Path) {
        let file = root.join(ROOT_FILE);
        let path = path_key(&file);
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let (config, errors) = Config::read(root, &path, &text);
                self.config = config;
                self.errors.extend(errors);
                // What its diagnostics, now or after the rules are known, are shown against.
                self.texts.insert(path, text);
            }
            Err(e) => self.errors.push(Diagnostic::error(
                "io",
                &path,
                Span::new(0, 0),
                Text::new(
                    format!("无法读取文件：{e}"),
                    format!("cannot read the file: {e}"),
                ),
            )),
        }
    }

    /// The workspace's last word on its diagnostics: located in the files
    /// they came from ([`Loaded::relocate`]), with the severity overrides of
    /// `hegui.toml` applied (a lowering waives the rule's findings).
    pub fn finish(&self, a: &Analysis, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut diags = self.relocate(diags);
        if !self.config.overrides.is_empty() {
            self.config
                .apply(&mut diags, &a.defs(), self.today, a.waivers_enabled());
        }
        diags
    }

    /// Adds every workspace file under the folder `root` (what the language
    /// server does for each workspace root); returns how many joined.
    pub fn load_folder(&mut self, a: &mut Analysis, root: &Path) -> usize {
        let files = files::list(
            std::slice::from_ref(&root.to_path_buf()),
            &files::is_workspace_file,
            Walk::OneWorkspace,
        )
        .unwrap_or_default();
        self.add_files(a, &files)
    }

    /// Reads files into the analysis: `.hegui` files at once, then the
    /// declaration files (typed against the definitions those give).
    fn add_files(&mut self, a: &mut Analysis, files: &[PathBuf]) -> usize {
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut decls: Vec<(String, String)> = Vec::new();
        for f in files {
            let path = path_key(f);
            let Some(text) = self.read_text(a, f, &path) else {
                continue;
            };
            if decl::is_decl_file(&path) {
                decls.push((path, text));
            } else {
                texts.push((path, text));
            }
        }
        let n = texts.len() + decls.len();
        a.set_files(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        for (path, text) in decls {
            self.originals.insert(path, text);
        }
        self.convert_decls(a);
        n
    }

    /// The text of a file on disk, or `None` with the reason in `errors`
    /// (or silently, for a copy of the stdlib in use).
    fn read_text(&mut self, a: &Analysis, f: &Path, path: &str) -> Option<String> {
        self.forget(path);
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                self.errors.push(Diagnostic::error(
                    "io",
                    path,
                    Span::new(0, 0),
                    Text::new(
                        format!("无法读取文件：{e}"),
                        format!("cannot read the file: {e}"),
                    ),
                ));
                self.texts.insert(path.to_string(), String::new());
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) if is_stdlib_copy(a, f, &text) => None,
            Ok(text) => Some(text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
                let end = lossy
                    .char_indices()
                    .map(|(i, _)| i)
                    .find(|&i| i > at)
                    .unwrap_or(lossy.len());
                self.errors.push(Diagnostic::error(
                    "encoding",
                    path,
                    Span::new(at, end.max(at)),
                    Text::new(
                        format!(
                            "文件不是 UTF-8 编码（第 {line} 行，第 {at} 字节；可能是 GBK 等旧编码）：请另存为 UTF-8"
                        ),
                        format!(
                            "not UTF-8 (line {line}, byte {at}; perhaps GBK or another legacy encoding): re-save the file as UTF-8"
                        ),
                    ),
                ));
                self.texts.insert(path.to_string(), lossy);
                None
            }
        }
    }

    /// Reads one file from disk again (it changed there); a file that is gone,
    /// unreadable, not a workspace file or a stdlib copy leaves the analysis.
    /// Returns whether it is in the workspace now.
    pub fn read(&mut self, a: &mut Analysis, file: &Path) -> bool {
        let path = path_key(file);
        if a.is_stdlib(&path) {
            return false;
        }
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !files::is_workspace_file(name) || !file.is_file() {
            self.remove(a, &path);
            return false;
        }
        match self.read_text(a, file, &path) {
            Some(text) => {
                self.set_text(a, &path, &text);
                true
            }
            None => {
                a.remove_file(&path);
                false
            }
        }
    }

    /// Sets the text of a user file (an editor's unsaved text, or the disk's).
    /// A declaration file is converted; when the definitions change, every
    /// declaration file is typed against them again, so the result equals a
    /// load from scratch.
    pub fn set_text(&mut self, a: &mut Analysis, path: &str, text: &str) {
        if a.is_stdlib(path) {
            return;
        }
        self.forget(path);
        if decl::is_decl_file(path) {
            self.originals.insert(path.to_string(), text.to_string());
            self.defs_seen = None;
        } else {
            a.set_file(path, text);
        }
        self.convert_decls(a);
    }

    /// Takes a user file out of the workspace.
    pub fn remove(&mut self, a: &mut Analysis, path: &str) {
        self.forget(path);
        a.remove_file(path);
        self.convert_decls(a);
    }

    fn forget(&mut self, path: &str) {
        self.errors.retain(|d| d.location.file != path);
        self.texts.remove(path);
        self.originals.remove(path);
        self.maps.remove(path);
        self.hints.remove(path);
    }

    /// (Re)converts the declaration files when the definitions they are typed
    /// against changed since their last conversion.
    fn convert_decls(&mut self, a: &mut Analysis) {
        if self.originals.is_empty() {
            self.defs_seen = None;
            return;
        }
        let defs = a.defs();
        let same = |d: &Defs| {
            d.schemas == defs.schemas && d.enums == defs.enums && d.plurals == defs.plurals
        };
        if self.defs_seen.as_deref().is_some_and(same) {
            return;
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for (path, text) in &self.originals {
            self.errors.retain(|d| d.location.file != *path);
            match decl::convert(path, text, &defs) {
                Ok(c) => {
                    self.maps.insert(path.clone(), c.map);
                    self.hints.insert(path.clone(), c.hints);
                    out.push((path.clone(), c.text));
                }
                Err(d) => {
                    self.errors.push(*d);
                    self.maps.remove(path);
                    self.hints.remove(path);
                    a.remove_file(path);
                }
            }
        }
        a.set_files(out.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        self.defs_seen = Some(defs);
    }

    /// Whether a path is a declaration file of this workspace.
    pub fn is_declaration(&self, path: &str) -> bool {
        self.originals.contains_key(path)
    }

    /// The text a diagnostic in `path` is shown against: a declaration file's
    /// original, or the text of a file that could not join.
    pub fn shown_text(&self, path: &str) -> Option<&str> {
        self.originals
            .get(path)
            .or_else(|| self.texts.get(path))
            .map(|s| s.as_str())
    }

    /// Moves diagnostics in converted JSON/YAML files onto the original text
    /// (with their "did you mean" notes); others are returned as they are.
    pub fn relocate(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.maps.is_empty() {
            return diags;
        }
        diags
            .into_iter()
            .map(|mut d| {
                if let Some(m) = self.maps.get(&d.location.file) {
                    let at = d.location.span;
                    if let Some(hints) = self.hints.get(&d.location.file) {
                        for (g, note) in hints {
                            if g.start <= at.start && at.start < g.end {
                                d.notes.push(note.clone());
                            }
                        }
                    }
                    d.location.span = decl::relocate(m, at);
                    d.fixes.clear();
                }
                for l in &mut d.labels {
                    if let Some(m) = self.maps.get(&l.location.file) {
                        l.location.span = decl::relocate(m, l.location.span);
                    }
                }
                d
            })
            .collect()
    }
}

/// A copy of a file of the standard library in use (the hegui repository
/// itself, or a vendored copy): the same file name and the same text.
fn is_stdlib_copy(a: &Analysis, file: &Path, text: &str) -> bool {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if !name.ends_with(".hegui") {
        return false;
    }
    a.all_paths().iter().any(|p| {
        a.is_stdlib(p)
            && Path::new(p).file_name().and_then(|n| n.to_str()) == Some(name)
            && a.text(p).is_some_and(|t| &*t == text)
    })
}
