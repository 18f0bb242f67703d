//! Loading the workspace in the background after `initialized`: the roots
//! are read on a thread of their own while the analysis thread serves the
//! open documents (each root has a stand-in holding only them, which
//! publishes nothing); each loaded root replaces its stand-in, taking the
//! open documents' texts and the files changed on disk meanwhile.

use crate::roots::{self, Root};
use crate::sync;
use crate::worker::{Progress, State, Worker};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Sets the editor's folders and starts loading their roots.
pub fn start(s: &mut State, worker: Worker, folders: Vec<PathBuf>) {
    s.folders = folders;
    let dirs = roots::discover(&s.folders);
    // Documents opened before: into the stand-ins.
    let open = sync::open_texts(s);
    s.roots = dirs
        .iter()
        .map(|d| Root::placeholder(d, &s.options))
        .collect();
    sync::reopen(s, open);
    if dirs.is_empty() {
        return;
    }
    s.progress(Progress::Begin(match s.options.fallback_lang {
        hegui_lang::diag::Lang::Zh => "hegui：正在加载工作区".into(),
        hegui_lang::diag::Lang::En => "hegui: loading the workspace".into(),
    }));
    let options = s.options;
    let spawned = std::thread::Builder::new()
        .name("hegui-loader".into())
        .spawn(move || {
            let total = dirs.len();
            for (n, dir) in dirs.into_iter().enumerate() {
                let loaded = catch_unwind(AssertUnwindSafe(|| Root::open(&dir, &options)));
                let root = match loaded {
                    Ok(r) => r,
                    Err(_) => {
                        eprintln!("hegui lsp: loading {} failed", dir.display());
                        Root::loose(&options)
                    }
                };
                worker.send(move |s| install(s, &dir, root, n + 1, total));
            }
        });
    if let Err(e) = spawned {
        eprintln!("hegui lsp: cannot start the loader thread: {e}");
    }
}

/// Puts a loaded root in place of its stand-in.
fn install(s: &mut State, dir: &Path, mut root: Root, done: usize, total: usize) {
    root.dir = Some(dir.to_path_buf());
    root.loading = false;
    let Some(i) = s
        .roots
        .iter()
        .position(|r| r.loading && r.dir.as_deref() == Some(dir))
    else {
        // Replaced meanwhile (the folders changed): this load is stale.
        return;
    };
    let old = std::mem::replace(&mut s.roots[i], root);
    let r = &mut s.roots[i];
    for path in &old.changed {
        if !s.open.contains_key(path) {
            r.files.read(&mut r.analysis, Path::new(path));
        }
    }
    for path in old.paths() {
        if s.open.contains_key(&path) {
            if let Some(text) = old.text_of(&path) {
                r.files.set_text(&mut r.analysis, &path, &text);
            }
        }
    }
    s.dirty = true;
    let files: usize = s.roots[i].analysis.user_paths().len();
    let message = format!("{done}/{total}: {} ({files})", dir.display());
    s.progress(Progress::Report {
        message,
        percent: (done * 100 / total.max(1)) as u32,
    });
    if !s.roots.iter().any(|r| r.loading) {
        let files: usize = s.roots.iter().map(|r| r.analysis.user_paths().len()).sum();
        s.progress(Progress::End(match s.options.fallback_lang {
            hegui_lang::diag::Lang::Zh => format!("已加载 {files} 个文件"),
            hegui_lang::diag::Lang::En => format!("{files} files loaded"),
        }));
    }
}
