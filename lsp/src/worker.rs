//! The analysis thread. It alone owns the `Analysis` (and so the salsa
//! database): request and notification handlers hand it jobs, synchronously
//! and in the order the client sent them, over one channel; requests await
//! the job's answer on a oneshot. After a batch of queued jobs that edited
//! the workspace, it publishes the diagnostics of the open documents, then,
//! while no job waits, those of the closed workspace files (an edit of one
//! file changes findings in others: the Problems panel shows them all).
//!
//! No clone of the database ever leaves this thread, so a write never waits
//! for a reader and salsa never cancels anything; a panicking job (a bug, or
//! `salsa::Cancelled`) is caught, its request answers with an error, and the
//! thread goes on.

use crate::diagnostics::to_lsp;
use crate::files::Paths;
use crate::position::{Encoding, Lines};
use crate::roots::{self, Options, Root};
use hegui_lang::diag::Lang;
use hegui_lang::Analysis;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
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
    /// One analysis per hegui workspace (see `roots`).
    pub roots: Vec<Root>,
    /// The editor's workspace folders, the roots are found from.
    pub folders: Vec<PathBuf>,
    pub options: Options,
    /// The evaluation date (waiver and override expiry): read once.
    pub today: Date,
    pub paths: Paths,
    pub enc: Encoding,
    /// Open documents by workspace path.
    pub open: BTreeMap<String, OpenDoc>,
    /// Set by jobs that change the workspace; cleared by publishing.
    pub dirty: bool,
    /// What was last published per file, as sent: an edit that keeps every
    /// byte span can still move a range (a newline moved, CJK swapped for
    /// ASCII), so the converted ranges are compared, not the spans.
    published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    /// Closed workspace files still to publish after the last change,
    /// worked through while no job waits.
    closed_queue: Vec<String>,
    publish: tmpsc::UnboundedSender<Publish>,
}

/// What a request reads: one workspace, and how to speak to the client.
pub struct View<'a> {
    pub analysis: &'a Analysis,
    pub paths: &'a Paths,
    pub enc: Encoding,
    pub lang: Lang,
}

impl State {
    /// The root a path belongs to, if any.
    pub fn root_index(&self, path: &str) -> Option<usize> {
        roots::nearest(&self.roots, path).or_else(|| {
            // Stdlib documents, and loose ones: the workspace that has them.
            self.roots
                .iter()
                .position(|r| r.analysis.text(path).is_some() || r.files.shown_text(path).is_some())
        })
    }

    /// The root a newly opened document joins: the nearest root; else the
    /// workspace of its own `hegui.toml`, loaded now; else the loose one.
    pub fn root_for_new(&mut self, path: &str) -> usize {
        if let Some(i) = self.root_index(path) {
            return i;
        }
        let p = std::path::Path::new(path);
        if p.is_absolute() {
            let root = hegui_workspace::root_of(p);
            if root.join(hegui_workspace::ROOT_FILE).is_file() {
                let r = Root::open(&root, &self.options, self.today);
                self.roots.push(r);
                return self.roots.len() - 1;
            }
        }
        if let Some(i) = self.roots.iter().position(|r| r.dir.is_none()) {
            return i;
        }
        self.roots.push(Root::loose(&self.options, self.today));
        self.roots.len() - 1
    }

    /// What a request about `path` reads.
    pub fn view(&self, path: &str) -> Option<View<'_>> {
        let r = &self.roots[self.root_index(path)?];
        Some(self.view_of(r))
    }

    pub fn view_of<'a>(&'a self, r: &'a Root) -> View<'a> {
        View {
            analysis: &r.analysis,
            paths: &self.paths,
            enc: self.enc,
            lang: r.lang,
        }
    }

    /// Sends the diagnostics of every open document whose diagnostics
    /// changed, then queues the closed files for the idle time.
    fn publish_open(&mut self) {
        self.dirty = false;
        let paths: Vec<String> = self.open.keys().cloned().collect();
        for path in &paths {
            self.publish_file(path);
        }
        let known: BTreeSet<String> = self.roots.iter().flat_map(|r| r.paths()).collect();
        // Files that left the workspace lose their diagnostics.
        let gone: Vec<String> = self
            .published
            .keys()
            .filter(|p| !self.open.contains_key(*p) && !known.contains(*p))
            .cloned()
            .collect();
        for path in gone {
            self.published.remove(&path);
            let uri = self
                .roots
                .first()
                .and_then(|r| self.paths.uri_of(&r.analysis, &path))
                .or_else(|| path.parse().ok());
            if let Some(uri) = uri {
                let _ = self.publish.send(Publish {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
        let mut closed: Vec<String> = known
            .into_iter()
            .filter(|p| !self.open.contains_key(p))
            .collect();
        // Popped from the end: in path order.
        closed.reverse();
        self.closed_queue = closed;
    }

    /// Publishes the next closed file of the queue; false when it is empty.
    fn publish_next_closed(&mut self) -> bool {
        match self.closed_queue.pop() {
            Some(path) => {
                if !self.open.contains_key(&path) {
                    self.publish_file(&path);
                }
                true
            }
            None => false,
        }
    }

    /// Sends a file's diagnostics if they differ from what was last sent.
    fn publish_file(&mut self, path: &str) {
        let Some(i) = self.root_index(path) else {
            return;
        };
        let r = &self.roots[i];
        let diags = r.diagnostics_of(path);
        let text = r.text_of(path).unwrap_or_default();
        let lines = Lines::new(&text, self.enc);
        let a = &r.analysis;
        let converted: Vec<lsp::Diagnostic> = diags
            .iter()
            .map(|d| to_lsp(a, &self.paths, d, &lines, self.enc, r.lang))
            .collect();
        if self.published.get(path) == Some(&converted) {
            return;
        }
        let (uri, version) = match self.open.get(path) {
            Some(doc) => (doc.uri.clone(), Some(doc.version)),
            None => match self.paths.uri_of(a, path) {
                Some(uri) => (uri, None),
                None => return,
            },
        };
        let _ = self.publish.send(Publish {
            uri,
            diagnostics: converted.clone(),
            version,
        });
        self.published.insert(path.to_string(), converted);
    }

    /// Forgets a closed document; the next publish sends what its text on
    /// disk gives (or clears it, if it left the workspace).
    pub fn close(&mut self, path: &str) {
        if self.open.remove(path).is_some() {
            self.published.remove(path);
            self.dirty = true;
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
    pub fn spawn(
        options: Options,
        today: Date,
        publish: tmpsc::UnboundedSender<Publish>,
    ) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("hegui-analysis".into())
            .spawn(move || {
                let mut state = State {
                    roots: Vec::new(),
                    folders: Vec::new(),
                    options,
                    today,
                    paths: Paths::default(),
                    enc: Encoding::Utf16,
                    open: BTreeMap::new(),
                    dirty: false,
                    published: BTreeMap::new(),
                    closed_queue: Vec::new(),
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
            // A request cancelled (`$/cancelRequest`) or abandoned while
            // queued is not computed.
            if !tx.is_closed() {
                let _ = tx.send(f(s));
            }
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

impl Worker {
    /// Asks about one document, in the workspace it belongs to; nothing for
    /// a document no workspace has.
    pub fn ask_doc<R: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&View) -> Option<R> + Send + 'static,
    ) -> impl Future<Output = jsonrpc::Result<Option<R>>> {
        self.ask(move |s| {
            let path = s.paths.path_of(&uri);
            f(&s.view(&path)?)
        })
    }
}

fn run(state: &mut State, rx: mpsc::Receiver<Job>) {
    loop {
        // With closed files left to publish, work on them while no job waits.
        let job = if state.closed_queue.is_empty() {
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        } else {
            match rx.try_recv() {
                Ok(job) => job,
                Err(mpsc::TryRecvError::Empty) => {
                    guarded(
                        state,
                        Box::new(|s| {
                            s.publish_next_closed();
                        }),
                    );
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        };
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
