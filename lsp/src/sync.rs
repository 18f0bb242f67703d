//! Document synchronisation and workspace loading, run on the analysis thread.

use crate::loading;
use crate::position::Lines;
use crate::roots;
use crate::worker::{OpenDoc, State, Worker};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types as lsp;

/// Sets the editor's workspace folders; the roots that changed load in the
/// background.
pub fn set_folders(s: &mut State, worker: &Worker, folders: Vec<PathBuf>) {
    s.folders = folders;
    loading::rediscover(s, worker, &BTreeSet::new());
}

/// The open documents' texts (the stdlib's aside).
pub fn open_texts(s: &State) -> Vec<(String, String)> {
    s.open
        .keys()
        .filter_map(|p| {
            let r = &s.roots[s.root_index(p)?];
            if r.analysis.is_stdlib(p) {
                return None;
            }
            Some((p.clone(), r.text_of(p)?))
        })
        .collect()
}

/// Puts the open documents' texts into the roots they now belong to.
pub fn reopen(s: &mut State, open: Vec<(String, String)>) {
    for (path, text) in open {
        let i = s.root_for_new(&path);
        s.roots[i].set_open_text(&path, &text);
        s.edited.insert(path);
    }
    s.dirty = true;
}

pub fn did_open(s: &mut State, doc: lsp::TextDocumentItem) {
    let path = s.paths.path_of(&doc.uri);
    let i = s.root_for_new(&path);
    // Stdlib documents are read-only: their text stays the embedded one.
    s.roots[i].set_open_text(&path, &doc.text);
    s.edited.insert(path.clone());
    s.open.insert(
        path,
        OpenDoc {
            uri: doc.uri,
            version: doc.version,
        },
    );
    s.dirty = true;
}

/// Applies the changes in order (ranges, in the negotiated encoding, refer to
/// the text after the previous change). Changes older than the document are
/// dropped.
pub fn did_change(s: &mut State, params: lsp::DidChangeTextDocumentParams) {
    let path = s.paths.path_of(&params.text_document.uri);
    let version = params.text_document.version;
    let Some(i) = s.root_index(&path) else {
        return;
    };
    let Some(doc) = s.open.get_mut(&path) else {
        return;
    };
    let r = &mut s.roots[i];
    if version < doc.version || r.analysis.is_stdlib(&path) {
        return;
    }
    doc.version = version;
    let _span = crate::trace::span("edit");
    let mut text = r.text_of(&path).unwrap_or_default();
    for ch in params.content_changes {
        match ch.range {
            None => text = ch.text,
            Some(range) => {
                let lines = Lines::new(&text, s.enc);
                let start = lines.offset_clamped(range.start) as usize;
                let end = (lines.offset_clamped(range.end) as usize).max(start);
                text.replace_range(start..end, &ch.text);
            }
        }
    }
    r.files.set_text(&mut r.analysis, &path, &text);
    s.edited.insert(path);
    s.dirty = true;
}

/// A closed document falls back to its text on disk, or leaves the workspace.
pub fn did_close(s: &mut State, uri: &lsp::Uri) {
    let path = s.paths.path_of(uri);
    s.close(&path);
    let Some(i) = s.root_index(&path) else {
        return;
    };
    let r = &mut s.roots[i];
    if r.analysis.is_stdlib(&path) {
        return;
    }
    if r.pending.is_some() {
        // The root being loaded reads it from disk.
        r.changed.insert(path.clone());
    }
    if r.loading {
        r.files.remove(&mut r.analysis, &path);
    } else if r.dir.is_none() {
        // A loose document was the editor's alone.
        r.files.remove(&mut r.analysis, &path);
    } else {
        r.files.read(&mut r.analysis, Path::new(&path));
    }
    s.dirty = true;
}

/// Files changed on disk: open documents keep the editor's text; a
/// `hegui.toml` created, changed or deleted loads its root (and the one
/// above, when a root comes or goes) again, in the background.
pub fn watched_files(s: &mut State, worker: &Worker, changes: Vec<lsp::FileEvent>) {
    let mut touched = BTreeSet::new();
    for c in changes {
        let path = s.paths.path_of(&c.uri);
        let p = Path::new(&path);
        if p.file_name().and_then(|n| n.to_str()) == Some(hegui_workspace::ROOT_FILE) {
            touched.extend(p.parent().map(Path::to_path_buf));
            continue;
        }
        if s.open.contains_key(&path) {
            continue;
        }
        let Some(i) = roots::nearest(&s.roots, &path) else {
            continue;
        };
        let r = &mut s.roots[i];
        if r.analysis.is_stdlib(&path) {
            continue;
        }
        if r.pending.is_some() {
            r.changed.insert(path.clone());
        }
        if r.loading {
            continue;
        }
        r.files.read(&mut r.analysis, p);
        s.dirty = true;
    }
    if !touched.is_empty() {
        loading::rediscover(s, worker, &touched);
    }
}
