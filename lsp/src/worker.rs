//! The analysis thread. It alone owns the `Analysis` (and so the salsa
//! database): request and notification handlers hand it jobs, synchronously
//! and in the order the client sent them, over one channel; requests await
//! the job's answer on a oneshot. After a batch of queued jobs that edited
//! the workspace, it publishes the diagnostics of the open documents.
//!
//! No clone of the database ever leaves this thread, so a write never waits
//! for a reader and salsa never cancels anything; a panicking job (a bug, or
//! `salsa::Cancelled`) is caught, its request answers with an error, and the
//! thread goes on.

use crate::diagnostics::to_lsp;
use crate::files::Paths;
use crate::position::{Encoding, Lines};
use hegui_lang::diag::{Diagnostic, Lang};
use hegui_lang::Analysis;
use hegui_workspace::Loaded;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use tokio::sync::{mpsc as tmpsc, oneshot};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// Diagnostics to send to the client for one document.
pub struct Publish {
    pub uri: Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
}

pub struct OpenDoc {
    pub uri: Uri,
    pub version: i32,
}

/// Everything the analysis thread owns.
pub struct State {
    pub analysis: Analysis,
    /// The workspace loader's side of it (declaration files, load errors).
    pub files: Loaded,
    pub paths: Paths,
    pub enc: Encoding,
    pub lang: Lang,
    /// Open documents by workspace path.
    pub open: BTreeMap<String, OpenDoc>,
    /// Set by jobs that change the workspace; cleared by publishing.
    pub dirty: bool,
    /// What was last published per open document.
    published: BTreeMap<String, Vec<Diagnostic>>,
    publish: tmpsc::UnboundedSender<Publish>,
}

impl State {
    /// Sends the diagnostics of every open document whose diagnostics changed.
    fn publish_open(&mut self) {
        self.dirty = false;
        let paths: Vec<String> = self.open.keys().cloned().collect();
        for path in paths {
            let diags = self.files.relocate(self.analysis.file_diagnostics(&path));
            if self.published.get(&path) == Some(&diags) {
                continue;
            }
            self.send_diagnostics(&path, &diags);
            self.published.insert(path, diags);
        }
    }

    fn send_diagnostics(&self, path: &str, diags: &[Diagnostic]) {
        let Some(doc) = self.open.get(path) else {
            return;
        };
        let text = match self.files.shown_text(path) {
            Some(t) => t.into(),
            None => self.analysis.text(path).unwrap_or_default(),
        };
        let lines = Lines::new(&text, self.enc);
        let a = &self.analysis;
        let diagnostics = diags
            .iter()
            .map(|d| to_lsp(a, &self.paths, d, &lines, self.enc, self.lang))
            .collect();
        let _ = self.publish.send(Publish {
            uri: doc.uri.clone(),
            diagnostics,
            version: Some(doc.version),
        });
    }

    /// Forgets a closed document and clears its diagnostics in the client.
    pub fn close(&mut self, path: &str) {
        if let Some(doc) = self.open.remove(path) {
            self.published.remove(path);
            let _ = self.publish.send(Publish {
                uri: doc.uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }
}

type Job = Box<dyn FnOnce(&mut State) + Send>;

#[derive(Clone)]
pub struct Worker {
    tx: mpsc::Sender<Job>,
}

impl Worker {
    /// Starts the thread; published diagnostics come out of `publish`.
    pub fn spawn(lang: Lang, publish: tmpsc::UnboundedSender<Publish>) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("hegui-analysis".into())
            .spawn(move || {
                let mut state = State {
                    analysis: Analysis::new(),
                    files: Loaded::default(),
                    paths: Paths::default(),
                    enc: Encoding::Utf16,
                    lang,
                    open: BTreeMap::new(),
                    dirty: false,
                    published: BTreeMap::new(),
                    publish,
                };
                run(&mut state, rx);
            });
        if let Err(e) = spawned {
            eprintln!("hegui lsp: cannot start the analysis thread: {e}");
        }
        Worker { tx }
    }

    /// Queues a job (a notification's work).
    pub fn send(&self, job: impl FnOnce(&mut State) + Send + 'static) {
        let _ = self.tx.send(Box::new(job));
    }

    /// Queues a job now and returns its answer later. Not `async`: the job is
    /// queued when this is called, not when the future is first polled.
    pub fn ask<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut State) -> R + Send + 'static,
    ) -> impl Future<Output = jsonrpc::Result<R>> {
        let (tx, rx) = oneshot::channel();
        self.send(move |s| {
            let _ = tx.send(f(s));
        });
        async move {
            rx.await.map_err(|_| {
                let mut e = jsonrpc::Error::internal_error();
                e.message = "hegui: the request failed (internal error); see the server log".into();
                e
            })
        }
    }
}

fn run(state: &mut State, rx: mpsc::Receiver<Job>) {
    while let Ok(job) = rx.recv() {
        guarded(state, job);
        // Take every queued job (edits typed in a burst) before publishing.
        while let Ok(job) = rx.try_recv() {
            guarded(state, job);
        }
        if state.dirty {
            guarded(state, Box::new(State::publish_open));
        }
    }
}

fn guarded(state: &mut State, job: Job) {
    if catch_unwind(AssertUnwindSafe(|| job(state))).is_err() {
        eprintln!("hegui lsp: a request panicked; the server goes on");
        state.dirty = false;
    }
}
