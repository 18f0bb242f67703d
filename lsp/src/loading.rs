//! Loading workspaces in the background, on a thread of their own, while the
//! analysis thread goes on serving. After `initialized` every root is a
//! stand-in holding only the open documents (it publishes nothing) until
//! its load is installed, with `$/progress`. When the roots change later (a
//! `hegui.toml` created, changed or deleted; the editor's folders) only the
//! roots concerned are loaded again, and each goes on serving its old
//! state meanwhile. A loaded root replaces the one waiting for it, taking
//! the open documents' texts and the files changed on disk meanwhile.

use crate::roots::{self, Root};
use crate::sync;
use crate::worker::{Progress, State, Worker};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Sets the editor's folders and starts loading their roots.
pub fn start(s: &mut State, worker: &Worker, folders: Vec<PathBuf>) {
    s.folders = folders;
    let dirs = roots::discover(&s.folders);
    // Documents opened before: into the stand-ins.
    let open = sync::open_texts(s);
    s.roots = dirs
        .iter()
        .map(|d| Root::placeholder(d, &s.options, s.today))
        .collect();
    sync::reopen(s, open);
    if dirs.is_empty() {
        return;
    }
    s.progress(Progress::Begin(match s.options.fallback_lang {
        hegui_lang::diag::Lang::Zh => "hegui：正在加载工作区".into(),
        hegui_lang::diag::Lang::En => "hegui: loading the workspace".into(),
    }));
    load(s, worker, dirs);
}

/// Finds the roots of the editor's folders again and loads, in the
/// background, those that changed: new roots, the roots in `touched` (their
/// `hegui.toml` changed), and the root above a root created or removed (its
/// files changed hands). The other roots stay as they are.
pub fn rediscover(s: &mut State, worker: &Worker, touched: &BTreeSet<PathBuf>) {
    let open = sync::open_texts(s);
    let before: Vec<Option<PathBuf>> = open
        .iter()
        .map(|(p, _)| s.root_index(p).and_then(|i| s.roots[i].dir.clone()))
        .collect();
    let dirs = roots::discover(&s.folders);
    let old: BTreeSet<PathBuf> = s.roots.iter().filter_map(|r| r.dir.clone()).collect();
    let new: BTreeSet<PathBuf> = dirs.iter().cloned().collect();
    let mut reload: BTreeSet<PathBuf> = new.difference(&old).cloned().collect();
    reload.extend(touched.iter().filter(|d| new.contains(*d)).cloned());
    for moved in new.symmetric_difference(&old) {
        let parent = new
            .iter()
            .filter(|d| *d != moved && moved.starts_with(d))
            .max_by_key(|d| d.components().count());
        reload.extend(parent.cloned());
    }
    // Roots gone, and the loose documents' workspace, leave; new ones wait
    // as stand-ins.
    s.roots
        .retain(|r| r.dir.as_ref().is_none_or(|d| new.contains(d)));
    for d in new.difference(&old) {
        let r = Root::placeholder(d, &s.options, s.today);
        s.roots.push(r);
    }
    // Open documents whose root changed: into the root they now belong to.
    for ((path, text), was) in open.into_iter().zip(before) {
        let i = s.root_for_new(&path);
        if s.roots[i].dir != was {
            s.roots[i].set_open_text(&path, &text);
            s.edited.insert(path);
        }
    }
    s.dirty = true;
    load(s, worker, reload.into_iter().collect());
}

/// Loads `dirs` on a thread of its own; each replaces, once loaded, the
/// root of its folder (a stand-in, or the old one).
fn load(s: &mut State, worker: &Worker, dirs: Vec<PathBuf>) {
    let mut jobs = Vec::new();
    for dir in dirs {
        let Some(r) = s.roots.iter_mut().find(|r| r.dir.as_ref() == Some(&dir)) else {
            continue;
        };
        s.next_load += 1;
        r.pending = Some(s.next_load);
        jobs.push((s.next_load, dir));
    }
    if jobs.is_empty() {
        return;
    }
    let (options, today, worker) = (s.options, s.today, worker.clone());
    let spawned = std::thread::Builder::new()
        .name("hegui-loader".into())
        .spawn(move || {
            let total = jobs.len();
            for (n, (token, dir)) in jobs.into_iter().enumerate() {
                let loaded = catch_unwind(AssertUnwindSafe(|| Root::open(&dir, &options, today)));
                let root = match loaded {
                    Ok(r) => r,
                    Err(_) => {
                        eprintln!("hegui lsp: loading {} failed", dir.display());
                        Root::loose(&options, today)
                    }
                };
                worker.send(move |s| install(s, token, &dir, root, n + 1, total));
            }
        });
    if let Err(e) = spawned {
        eprintln!("hegui lsp: cannot start the loader thread: {e}");
    }
}

/// Puts a loaded root in place of the one waiting for it.
fn install(s: &mut State, token: u64, dir: &Path, mut root: Root, done: usize, total: usize) {
    root.dir = Some(dir.to_path_buf());
    let Some(i) = s.roots.iter().position(|r| r.pending == Some(token)) else {
        // Replaced meanwhile (the roots changed again): this load is stale.
        return;
    };
    let old = std::mem::replace(&mut s.roots[i], root);
    // The open documents it serves (not those of a root nested in it).
    let open: Vec<(String, String)> = old
        .paths()
        .into_iter()
        .filter(|p| s.open.contains_key(p) && roots::nearest(&s.roots, p) == Some(i))
        .filter_map(|p| Some((p.clone(), old.text_of(&p)?)))
        .collect();
    let r = &mut s.roots[i];
    for path in &old.changed {
        if !s.open.contains_key(path) {
            r.files.read(&mut r.analysis, Path::new(path));
        }
    }
    for (path, text) in open {
        r.set_open_text(&path, &text);
        // Its open documents' diagnostics come first.
        s.edited.insert(path);
    }
    s.dirty = true;
    s.warm(i);
    // Only the first loading, of stand-ins, is shown as progress.
    if !old.loading {
        return;
    }
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
            hegui_lang::diag::Lang::En => {
                format!(
                    "{} loaded",
                    hegui_lang::english::count(files, "file", "files")
                )
            }
        }));
    }
}
