//! Workspace roots: one analysis per hegui workspace, never merged.
//!
//! Each editor workspace folder is a workspace: the nearest folder, from it
//! upwards, holding a `hegui.toml`, else the folder itself. Every folder
//! below it with its own `hegui.toml` is another workspace (a monorepo of
//! workspaces). A file belongs to the root nearest above it; a document
//! opened outside every root joins the workspace of its own `hegui.toml`, or
//! else a workspace of loose documents. Each root is loaded as `hegui check`
//! loads it: its `hegui.toml` (stdlib, as_of, lang, overrides, waivers), and
//! the loader's errors are diagnostics like any other.

use hegui_lang::diag::{Diagnostic, Lang, Text};
use hegui_lang::syntax::ast::Span;
use hegui_lang::Analysis;
use hegui_workspace::{Loaded, ROOT_FILE};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// What the command line of `hegui lsp` says; `hegui.toml` says the rest.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// `--lang`, which wins over `hegui.toml`.
    pub lang: Option<Lang>,
    /// The language without `--lang` or `lang =` (the locale's).
    pub fallback_lang: Lang,
    /// `--as-of`, which wins over `hegui.toml`.
    pub as_of: Option<Date>,
    /// `--today`: the evaluation date (`today` in policy: overdue
    /// obligations, waiver expiry) pinned. Without it the system date, as
    /// the CLI reads it, read again at every recheck: a server running over
    /// midnight moves on to the new day.
    pub today: Option<Date>,
}

/// The system's date, as the CLI reads it without `--today`.
pub fn system_today() -> Date {
    jiff::Zoned::now().date()
}

/// One hegui workspace and its analysis.
pub struct Root {
    /// Its folder; `None` for the documents outside every workspace.
    pub dir: Option<PathBuf>,
    pub analysis: Analysis,
    pub files: Loaded,
    /// The language of its messages.
    pub lang: Lang,
    /// A stand-in while the workspace loads in the background: open
    /// documents are served, nothing is published.
    pub loading: bool,
    /// The background load that will replace it (a stand-in's, or a
    /// reload's while this one goes on serving), by its number.
    pub pending: Option<u64>,
    /// Files changed on disk while it loads, read again once it is loaded.
    pub changed: BTreeSet<String>,
    /// How many of its files (in path order) have had their name
    /// occurrences computed in the background (see `worker::recheck`): the
    /// first references of a name otherwise walked every file, re-parsed,
    /// while the editor waited. A file added later may shift the order and
    /// be skipped: the first request that needs it computes it.
    pub warmed: Arc<AtomicUsize>,
}

impl Root {
    /// Loads the workspace at `dir` as the CLI does (`hegui check DIR`).
    pub fn open(dir: &Path, o: &Options, today: Date) -> Root {
        let (mut analysis, mut files) = match hegui_workspace::load(&[dir.to_path_buf()], None) {
            Ok(l) => l,
            // The stdlib `hegui.toml` names cannot be read: said there, and
            // the workspace judged by the embedded one meanwhile.
            Err(why) => fallback(dir, why),
        };
        files.today = Some(today);
        analysis.set_as_of(o.as_of.or(files.config.as_of));
        analysis.set_today(Some(today));
        analysis.set_waivers_enabled(true);
        Root {
            dir: Some(dir.to_path_buf()),
            lang: o.lang.or(files.config.lang).unwrap_or(o.fallback_lang),
            analysis,
            files,
            loading: false,
            pending: None,
            changed: BTreeSet::new(),
            warmed: Arc::default(),
        }
    }

    /// The workspace of documents outside every root.
    pub fn loose(o: &Options, today: Date) -> Root {
        let mut analysis = Analysis::new();
        analysis.set_as_of(o.as_of);
        analysis.set_today(Some(today));
        let mut files = Loaded::default();
        files.today = Some(today);
        Root {
            dir: None,
            analysis,
            files,
            lang: o.lang.unwrap_or(o.fallback_lang),
            loading: false,
            pending: None,
            changed: BTreeSet::new(),
            warmed: Arc::default(),
        }
    }

    /// The stand-in for the workspace at `dir` while it loads: the open
    /// documents alone.
    pub fn placeholder(dir: &Path, o: &Options, today: Date) -> Root {
        let mut r = Root::loose(o, today);
        r.dir = Some(dir.to_path_buf());
        r.loading = true;
        r
    }

    /// Moves the workspace to another evaluation date; true if it changed.
    pub fn set_today(&mut self, today: Date) -> bool {
        if self.files.today == Some(today) {
            return false;
        }
        self.files.today = Some(today);
        self.analysis.set_today(Some(today));
        true
    }

    /// Whether `path` (a workspace path) lies under this root's folder.
    pub fn holds(&self, path: &str) -> bool {
        self.dir
            .as_deref()
            .is_some_and(|d| Path::new(path).starts_with(d))
    }

    /// A file's diagnostics as `hegui check` gives them: the loader's errors
    /// in it and the analysis's, located in the original text, with the
    /// overrides of `hegui.toml` applied, sorted.
    pub fn diagnostics_of(&self, path: &str) -> Vec<Diagnostic> {
        self.finish(path, self.analysis.file_diagnostics(path))
    }

    /// [`Root::diagnostics_of`] from the analysis's diagnostics of the file
    /// (computed elsewhere, on a snapshot of this analysis).
    pub fn finish(&self, path: &str, analysed: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut d: Vec<Diagnostic> = self
            .files
            .errors
            .iter()
            .filter(|e| e.location.file == path)
            .cloned()
            .collect();
        d.extend(analysed);
        let mut d = self.files.finish(&self.analysis, d);
        hegui_lang::diag::sort(&mut d);
        d
    }

    /// Every file that may have diagnostics: the user files, and the files
    /// that could not join (a broken `hegui.toml` or YAML file).
    pub fn paths(&self) -> Vec<String> {
        let mut out = self.analysis.user_paths();
        out.extend(self.files.errors.iter().map(|e| e.location.file.clone()));
        out.extend(self.files.originals.keys().cloned());
        out.sort();
        out.dedup();
        out
    }

    /// Puts an open document's text into this root: typed in from now on,
    /// so each keystroke costs what read this file
    /// (`Analysis::set_editing`).
    pub fn set_open_text(&mut self, path: &str, text: &str) {
        self.files.set_text(&mut self.analysis, path, text);
        self.analysis.set_editing(path);
    }

    /// The text a file's diagnostics are shown against.
    pub fn text_of(&self, path: &str) -> Option<String> {
        match self.files.shown_text(path) {
            Some(t) => Some(t.to_string()),
            None => self.analysis.text(path).map(|t| t.to_string()),
        }
    }
}

/// The embedded stdlib, with the reason the named one was not used.
fn fallback(dir: &Path, why: Text) -> (Analysis, Loaded) {
    let mut analysis = Analysis::new();
    let mut files = Loaded::default();
    files.read_config(dir);
    files.load_folder(&mut analysis, dir);
    let toml = dir.join(ROOT_FILE).to_string_lossy().replace('\\', "/");
    files
        .errors
        .push(Diagnostic::error("config", &toml, Span::new(0, 0), why));
    (analysis, files)
}

/// The workspace folders of `folders`: each one's root and every nested
/// root below it, without duplicates.
pub fn discover(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in folders {
        let root = hegui_workspace::root_of(f);
        let top = if root.join(ROOT_FILE).is_file() {
            root
        } else {
            f.clone()
        };
        out.extend(hegui_workspace::roots_under(&top));
        out.push(top);
    }
    out.sort();
    out.dedup();
    out
}

/// The index of the root a path belongs to: the deepest folder holding it.
pub fn nearest(roots: &[Root], path: &str) -> Option<usize> {
    roots
        .iter()
        .enumerate()
        .filter(|(_, r)| r.holds(path))
        .max_by_key(|(_, r)| r.dir.as_ref().map(|d| d.components().count()))
        .map(|(i, _)| i)
}
