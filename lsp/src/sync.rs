//! Document synchronisation and workspace loading, run on the analysis thread.

use crate::position::Lines;
use crate::worker::{OpenDoc, State};
use std::path::PathBuf;
use tower_lsp_server::ls_types as lsp;

pub fn load_workspace(s: &mut State, roots: Vec<PathBuf>) {
    let mut n = 0;
    for root in roots {
        n += s.files.load_folder(&mut s.analysis, &root);
    }
    if n > 0 {
        s.dirty = true;
    }
}

pub fn did_open(s: &mut State, doc: lsp::TextDocumentItem) {
    let path = s.paths.path_of(&doc.uri);
    // Stdlib documents are read-only: their text stays the embedded one.
    s.files.set_text(&mut s.analysis, &path, &doc.text);
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
    let Some(doc) = s.open.get_mut(&path) else {
        return;
    };
    if version < doc.version || s.analysis.is_stdlib(&path) {
        return;
    }
    doc.version = version;
    let mut text = match s.files.shown_text(&path) {
        Some(t) => t.to_string(),
        None => s
            .analysis
            .text(&path)
            .map(|t| t.to_string())
            .unwrap_or_default(),
    };
    for ch in params.content_changes {
        match ch.range {
            None => text = ch.text,
            Some(r) => {
                let lines = Lines::new(&text, s.enc);
                let start = lines.offset_clamped(r.start) as usize;
                let end = (lines.offset_clamped(r.end) as usize).max(start);
                text.replace_range(start..end, &ch.text);
            }
        }
    }
    s.files.set_text(&mut s.analysis, &path, &text);
    s.dirty = true;
}

/// A closed document falls back to its text on disk, or leaves the workspace.
pub fn did_close(s: &mut State, uri: &lsp::Uri) {
    let path = s.paths.path_of(uri);
    s.close(&path);
    if s.analysis.is_stdlib(&path) {
        return;
    }
    reload_from_disk(s, &path);
}

fn reload_from_disk(s: &mut State, path: &str) {
    s.files.read(&mut s.analysis, std::path::Path::new(path));
    s.dirty = true;
}

/// Files changed on disk: open documents keep the editor's text.
pub fn watched_files(s: &mut State, changes: Vec<lsp::FileEvent>) {
    for c in changes {
        let path = s.paths.path_of(&c.uri);
        if s.open.contains_key(&path) || s.analysis.is_stdlib(&path) {
            continue;
        }
        reload_from_disk(s, &path);
    }
}
