//! The analysis thread, the single writer. It alone changes the roots'
//! analyses: notification handlers hand it jobs, synchronously and in the
//! order the client sent them, over one channel. A request's job takes a
//! snapshot of its workspace and passes it to the reader pool, which answers
//! on a oneshot; an edit then cancels the reads still computing (salsa's
//! `Cancelled`, caught in `read`: the answer is `ContentModified`). After a
//! batch of queued jobs that edited a workspace, the thread publishes the
//! diagnostics of the documents just edited, then starts a workspace-wide
//! pass over the other open documents and the closed files (an edit of one
//! file changes findings in others: the Problems panel shows them all),
//! computed on a thread of its own from snapshots, published from here; the
//! next edit cancels it and starts another. Each publishing starts by
//! reading the evaluation date again (`--today`, else the clock), and an
//! idle thread looks at the clock once a minute: a server running over
//! midnight moves on to the new day. A panicking job is caught and the
//! thread goes on. (The pass's way back to the thread keeps it alive until
//! the process ends.)

use crate::diagnostics::to_lsp;
use crate::files::Paths;
use crate::position::{Encoding, Lines};
use crate::roots::{self, Options, Root};
use crate::trace;
use hegui_lang::diag::{Diagnostic, Lang};
use hegui_lang::Analysis;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc as tmpsc, oneshot};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// What the analysis thread sends the client, in order.
pub enum Out {
    Diagnostics(Publish),
    Progress(Progress),
}

/// The workspace's loading, as `$/progress` shows it.
pub enum Progress {
    Begin(String),
    Report { message: String, percent: u32 },
    End(String),
}

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
    /// The evaluation date of the last recheck.
    pub today: Date,
    /// Where the date comes from without `--today`: the system's (a test's
    /// own clock in the unit tests).
    clock: fn() -> Date,
    /// The number of the last background load started.
    pub next_load: u64,
    pub paths: Paths,
    pub enc: Encoding,
    /// Open documents by workspace path.
    pub open: BTreeMap<String, OpenDoc>,
    /// Set by jobs that change the workspace; cleared by publishing.
    pub dirty: bool,
    /// What was last published per file, as sent: an edit that keeps every
    /// byte span can still move a range (a newline moved, CJK swapped for
    /// ASCII), so the converted ranges are compared, not the spans.
    /// An open document's are sent again after each of its edits (with
    /// its version), so the client knows they are of the text it has.
    published: BTreeMap<String, (Option<i32>, Vec<lsp::Diagnostic>)>,
    /// Open documents edited (or opened) since the last publishing: theirs
    /// are sent first, before any other file's.
    pub edited: BTreeSet<String>,
    /// The number of the last workspace-wide pass started (see `recheck`).
    pass: Arc<AtomicU64>,
    /// The requests being computed, which the pass makes way for.
    reads: Arc<Reads>,
    /// The way back to this thread, for the pass's results (none in the
    /// unit tests).
    jobs: Option<mpsc::Sender<Msg>>,
    publish: tmpsc::UnboundedSender<Out>,
}

/// What a request reads: one workspace, and how to speak to the client.
pub struct View<'a> {
    pub analysis: &'a Analysis,
    pub paths: &'a Paths,
    pub enc: Encoding,
    pub lang: Lang,
}

/// A request's own copy of one workspace, read on the pool while the
/// analysis thread goes on.
pub struct Snapshot {
    analysis: Analysis,
    paths: Paths,
    enc: Encoding,
    lang: Lang,
}

impl Snapshot {
    pub fn view(&self) -> View<'_> {
        View {
            analysis: &self.analysis,
            paths: &self.paths,
            enc: self.enc,
            lang: self.lang,
        }
    }
}

impl State {
    fn snapshot_of(&self, r: &Root) -> Snapshot {
        Snapshot {
            analysis: r.analysis.snapshot(),
            paths: self.paths.clone(),
            enc: self.enc,
            lang: r.lang,
        }
    }

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

    /// After a change: sends the diagnostics of the documents just edited
    /// first (their own file's evaluation reads the other files' memoised
    /// parts), then starts the pass over every other file, open ones first.
    fn publish_changes(&mut self) {
        self.dirty = false;
        let _span = trace::span("publish_changes");
        self.refresh_today();
        for path in std::mem::take(&mut self.edited) {
            if self.open.contains_key(&path) {
                self.publish_file(&path);
            }
        }
        let _rest = trace::span("publish_rest");
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
                let _ = self.publish.send(Out::Diagnostics(Publish {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                }));
            }
        }
        let closed = known.into_iter().filter(|p| !self.open.contains_key(p));
        // The other open documents first, then in path order.
        let rest: Vec<String> = self.open.keys().cloned().chain(closed).collect();
        self.recheck(rest);
    }

    /// The workspace-wide pass: the diagnostics of `paths` computed on a
    /// thread of its own, on snapshots, each sent back to be published if
    /// nothing changed meanwhile. The next change ends it: its first write
    /// cancels the snapshots' queries (salsa's `Cancelled`), and a newer
    /// pass's number stops it between files. Without a way back (the unit
    /// tests), the files are published here and now.
    fn recheck(&mut self, paths: Vec<String>) {
        let pass = self.pass.fetch_add(1, Ordering::SeqCst) + 1;
        let Some(jobs) = self.jobs.clone() else {
            for path in &paths {
                self.publish_file(path);
            }
            return;
        };
        // Per root: a snapshot of its analysis and its files, in order.
        let mut work: Vec<(usize, Analysis, Vec<String>)> = Vec::new();
        for path in paths {
            let Some(i) = self.root_index(&path) else {
                continue;
            };
            // Half a workspace would give findings the whole one has not.
            if self.roots[i].loading {
                continue;
            }
            match work.iter_mut().find(|(j, _, _)| *j == i) {
                Some((_, _, list)) => list.push(path),
                None => work.push((i, self.roots[i].analysis.snapshot(), vec![path])),
            }
        }
        // A thread per root: a snapshot held idle would keep its root's
        // next write waiting.
        for (i, analysis, paths) in work {
            let (current, jobs) = (self.pass.clone(), jobs.clone());
            let (reads, warmed) = (self.reads.clone(), self.roots[i].warmed.clone());
            let spawned = std::thread::Builder::new()
                .name("hegui-recheck".into())
                .spawn(move || {
                    let live = || current.load(Ordering::SeqCst) == pass;
                    let mut warm = Warm::new(&analysis, warmed);
                    for path in paths {
                        reads.wait_idle();
                        if !live() {
                            return;
                        }
                        let _span = trace::span("recheck");
                        let found =
                            catch_unwind(AssertUnwindSafe(|| analysis.file_diagnostics(&path)));
                        match found {
                            Ok(d) => {
                                let _ = jobs.send(Msg::Pass(Box::new(move |s: &mut State| {
                                    s.publish_checked(pass, &path, d)
                                })));
                            }
                            // An edit came: the pass is over.
                            Err(p) if p.is::<salsa::Cancelled>() => return,
                            Err(_) => {
                                eprintln!("hegui lsp: checking {path} panicked; the server goes on")
                            }
                        }
                        // One file's occurrences per file checked: passes
                        // cut short by typing still get through them all.
                        if warm.step(&analysis).is_none() {
                            return;
                        }
                    }
                    while live() && warm.step(&analysis) == Some(true) {
                        reads.wait_idle();
                    }
                });
            if let Err(e) = spawned {
                eprintln!("hegui lsp: cannot start the recheck thread: {e}");
            }
        }
    }

    /// Computes the name occurrences of root `i`'s files on a thread of its
    /// own, from a snapshot, right after the root is loaded: beside the first
    /// diagnostics, before anyone types. An edit cancels it; the passes go on
    /// from where it stopped (see [`Warm`]).
    pub fn warm(&self, i: usize) {
        let Some(r) = self.roots.get(i) else {
            return;
        };
        let (analysis, reads) = (r.analysis.snapshot(), self.reads.clone());
        let mut warm = Warm::new(&analysis, r.warmed.clone());
        let spawned = std::thread::Builder::new()
            .name("hegui-warm".into())
            .spawn(move || {
                let mut span = trace::span("warm");
                let from = warm.done.load(Ordering::SeqCst);
                loop {
                    reads.wait_idle();
                    if warm.step(&analysis) != Some(true) {
                        break;
                    }
                }
                let to = warm.done.load(Ordering::SeqCst);
                span.note(|| format!("files {from}..{to} of {}", warm.paths.len()));
            });
        if let Err(e) = spawned {
            eprintln!("hegui lsp: cannot start the warming thread: {e}");
        }
    }

    /// Publishes what the recheck `pass` found in `path`, unless the
    /// workspace changed since (a newer pass, or a change not yet published).
    fn publish_checked(&mut self, pass: u64, path: &str, found: Vec<Diagnostic>) {
        if self.dirty || self.pass.load(Ordering::SeqCst) != pass {
            return;
        }
        let Some(i) = self.root_index(path) else {
            return;
        };
        let diags = self.roots[i].finish(path, found);
        self.send_file(i, path, diags);
    }

    /// Sends a file's diagnostics if they differ from what was last sent.
    fn publish_file(&mut self, path: &str) {
        let Some(i) = self.root_index(path) else {
            return;
        };
        let r = &self.roots[i];
        // Half a workspace would give findings the whole one has not.
        if r.loading {
            return;
        }
        let mut span = trace::span("diagnostics");
        span.note(|| path.to_string());
        let diags = r.diagnostics_of(path);
        drop(span);
        self.send_file(i, path, diags);
    }

    /// Sends a file's diagnostics (of the root `i`) if they differ from
    /// what was last sent.
    fn send_file(&mut self, i: usize, path: &str, diags: Vec<Diagnostic>) {
        let r = &self.roots[i];
        let _span = trace::span("convert");
        let text = r.text_of(path).unwrap_or_default();
        let lines = Lines::new(&text, self.enc);
        let a = &r.analysis;
        let converted = to_lsp(a, &self.paths, &diags, &lines, self.enc, r.lang);
        let (uri, version) = match self.open.get(path) {
            Some(doc) => (doc.uri.clone(), Some(doc.version)),
            None => match self.paths.uri_of(a, path) {
                Some(uri) => (uri, None),
                None => return,
            },
        };
        if self
            .published
            .get(path)
            .is_some_and(|(v, d)| *v == version && *d == converted)
        {
            return;
        }
        let _ = self.publish.send(Out::Diagnostics(Publish {
            uri,
            diagnostics: converted.clone(),
            version,
        }));
        self.published
            .insert(path.to_string(), (version, converted));
    }

    /// Reads the evaluation date again (`--today` pins it) and moves every
    /// workspace to it; true if it changed.
    fn refresh_today(&mut self) -> bool {
        self.today = self.options.today.unwrap_or_else(self.clock);
        let mut changed = false;
        for r in &mut self.roots {
            changed |= r.set_today(self.today);
        }
        changed
    }

    /// An idle minute: past midnight, every finding is of another day.
    fn clock_tick(&mut self) {
        if self.refresh_today() {
            // Every finding may be of another day: the open documents first.
            self.edited.extend(self.open.keys().cloned());
            self.publish_changes();
        }
    }

    /// Tells the client how the loading goes.
    pub fn progress(&self, p: Progress) {
        let _ = self.publish.send(Out::Progress(p));
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

/// The requests being computed on the pool. The workspace-wide pass waits
/// for none to be, between files: on a machine of two cores the pass beside
/// a read took half its CPU (the first references of the largest exporter
/// waited 1.2 s for 0.25 s of work). The wait is bounded, so that a stream
/// of requests cannot stop the pass; a read holding its snapshot does not
/// wait for the pass, so neither waits for the other.
#[derive(Default)]
pub struct Reads {
    n: Mutex<usize>,
    idle: Condvar,
}

/// The longest the pass makes way for reads before checking one more file.
const MAKE_WAY: Duration = Duration::from_millis(250);

impl Reads {
    fn begin(self: &Arc<Self>) -> Reading {
        *self.n.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Reading(self.clone())
    }

    fn wait_idle(&self) {
        let n = self.n.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.idle.wait_timeout_while(n, MAKE_WAY, |n| *n > 0);
    }
}

/// One read being computed; its end lets the pass go on.
struct Reading(Arc<Reads>);

impl Drop for Reading {
    fn drop(&mut self) {
        let mut n = self.0.n.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.0.idle.notify_all();
        }
    }
}

/// The pass's background computing of name occurrences (references,
/// rename, semantic tokens read them), one file a step, from where the
/// root's last pass stopped (`Root::warmed`).
struct Warm {
    paths: Vec<String>,
    done: Arc<AtomicUsize>,
}

impl Warm {
    fn new(a: &Analysis, done: Arc<AtomicUsize>) -> Warm {
        Warm {
            paths: a.all_paths(),
            done,
        }
    }

    /// Computes the next file's: `Some(true)` if there was one, `Some(false)`
    /// once every file is done, `None` once cancelled (an edit came).
    fn step(&mut self, a: &Analysis) -> Option<bool> {
        let i = self.done.load(Ordering::SeqCst);
        let Some(path) = self.paths.get(i) else {
            return Some(false);
        };
        match catch_unwind(AssertUnwindSafe(|| hegui_lang::ide::occurrences(a, path))) {
            Err(p) if p.is::<salsa::Cancelled>() => None,
            // A file whose walk panics is left to the request (which says so).
            _ => {
                self.done.fetch_max(i + 1, Ordering::SeqCst);
                Some(true)
            }
        }
    }
}

type Job = Box<dyn FnOnce(&mut State) + Send>;
type Read = Box<dyn FnOnce() + Send>;

/// What the analysis thread is handed. The client's jobs (edits, and the
/// snapshots of requests) go before the pass's results: a pass over 1,000
/// files sends 1,000 results at once, and a hover queued behind them waited
/// for all their conversions.
enum Msg {
    Client(Job),
    Pass(Job),
}

#[derive(Clone)]
pub struct Worker {
    tx: mpsc::Sender<Msg>,
    pool: mpsc::Sender<Read>,
    reads: Arc<Reads>,
}

/// How often an idle analysis thread looks at the clock (the date may change).
const CLOCK_TICK: Duration = Duration::from_secs(60);

/// Threads that answer requests from snapshots.
const READERS: usize = 2;

fn spawn_pool() -> mpsc::Sender<Read> {
    let (tx, rx) = mpsc::channel::<Read>();
    let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
    for n in 0..READERS {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("hegui-reader-{n}"))
            .spawn(move || loop {
                let job = match rx.lock() {
                    Ok(guard) => guard.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
        if let Err(e) = spawned {
            eprintln!("hegui lsp: cannot start a reader thread: {e}");
        }
    }
    tx
}

fn internal_error() -> jsonrpc::Error {
    let mut e = jsonrpc::Error::internal_error();
    e.message = "hegui: the request failed (internal error); see the server log".into();
    e
}

/// The answer of a read that an edit overtook: its positions are stale
/// (`ContentModified`; the client asks again).
fn content_modified() -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32801),
        message: "hegui: the document changed while the request was computed".into(),
        data: None,
    }
}

/// Runs a read, catching salsa's cancellation (an edit came) and panics.
fn read<R>(f: impl FnOnce() -> R) -> jsonrpc::Result<R> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        if p.is::<salsa::Cancelled>() {
            content_modified()
        } else {
            eprintln!("hegui lsp: a request panicked; the server goes on");
            internal_error()
        }
    })
}

impl Worker {
    /// Starts the thread; published diagnostics come out of `publish`.
    pub fn spawn(options: Options, publish: tmpsc::UnboundedSender<Out>) -> Worker {
        let (tx, rx) = mpsc::channel::<Msg>();
        let jobs = tx.clone();
        let reads = Arc::<Reads>::default();
        let shared = reads.clone();
        let spawned = std::thread::Builder::new()
            .name("hegui-analysis".into())
            .spawn(move || {
                let mut state = State::new(options, roots::system_today, publish);
                state.jobs = Some(jobs);
                state.reads = shared;
                run(&mut state, rx);
            });
        if let Err(e) = spawned {
            eprintln!("hegui lsp: cannot start the analysis thread: {e}");
        }
        Worker {
            tx,
            pool: spawn_pool(),
            reads,
        }
    }
}

impl State {
    fn new(options: Options, clock: fn() -> Date, publish: tmpsc::UnboundedSender<Out>) -> State {
        State {
            roots: Vec::new(),
            folders: Vec::new(),
            options,
            today: options.today.unwrap_or_else(clock),
            clock,
            next_load: 0,
            paths: Paths::default(),
            enc: Encoding::Utf16,
            open: BTreeMap::new(),
            dirty: false,
            published: BTreeMap::new(),
            edited: BTreeSet::new(),
            pass: Arc::new(AtomicU64::new(0)),
            reads: Arc::default(),
            jobs: None,
            publish,
        }
    }
}

impl Worker {
    /// Queues a job (a notification's work).
    pub fn send(&self, job: impl FnOnce(&mut State) + Send + 'static) {
        let _ = self.tx.send(Msg::Client(Box::new(job)));
    }
}

impl Worker {
    /// Asks about one document, in the workspace it belongs to (nothing for
    /// a document no workspace has). The analysis thread only takes a
    /// snapshot, after every edit sent before; the pool computes the answer.
    pub fn ask_doc<R: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&View) -> Option<R> + Send + 'static,
    ) -> impl Future<Output = jsonrpc::Result<Option<R>>> {
        self.ask_snapshots(
            move |s| {
                let path = s.paths.path_of(&uri);
                let i = s.root_index(&path);
                i.map(|i| s.snapshot_of(&s.roots[i])).into_iter().collect()
            },
            move |snaps| f(&snaps.first()?.view()),
        )
    }

    /// Asks about every workspace at once (workspace symbols).
    pub fn ask_all<R: Send + 'static>(
        &self,
        f: impl FnOnce(&[Snapshot]) -> R + Send + 'static,
    ) -> impl Future<Output = jsonrpc::Result<R>> {
        self.ask_snapshots(|s| s.roots.iter().map(|r| s.snapshot_of(r)).collect(), f)
    }

    fn ask_snapshots<R: Send + 'static>(
        &self,
        take: impl FnOnce(&State) -> Vec<Snapshot> + Send + 'static,
        f: impl FnOnce(&[Snapshot]) -> R + Send + 'static,
    ) -> impl Future<Output = jsonrpc::Result<R>> {
        let (tx, rx) = oneshot::channel();
        let (pool, reads) = (self.pool.clone(), self.reads.clone());
        let asked = trace::Waited::now();
        self.send(move |s| {
            // Cancelled (`$/cancelRequest`) or abandoned while queued: not computed.
            if tx.is_closed() {
                return;
            }
            let snaps = take(s);
            let taken = asked.since();
            // Counted from here, not from the asking: a read queued behind
            // an edit waits for the writer, which may wait for the pass.
            let reading = reads.begin();
            let _ = pool.send(Box::new(move || {
                let _reading = reading;
                if tx.is_closed() {
                    return;
                }
                let mut span = trace::span("read");
                let pooled = asked.since();
                span.note(|| {
                    let what = std::any::type_name::<R>();
                    format!("{what} snapshot after {taken}us, on the pool after {pooled}us")
                });
                let answer = read(|| f(&snaps));
                drop(span);
                // The snapshot goes before the answer: a waiting write may proceed.
                drop(snaps);
                let _ = tx.send(answer);
            }));
        });
        async move { rx.await.map_err(|_| internal_error())? }
    }
}

fn run(state: &mut State, rx: mpsc::Receiver<Msg>) {
    let (mut client, mut pass) = (VecDeque::new(), VecDeque::new());
    fn take(msg: Msg, client: &mut VecDeque<Job>, pass: &mut VecDeque<Job>) {
        match msg {
            Msg::Client(job) => client.push_back(job),
            Msg::Pass(job) => pass.push_back(job),
        }
    }
    loop {
        while let Ok(msg) = rx.try_recv() {
            take(msg, &mut client, &mut pass);
        }
        // Every queued client job (edits typed in a burst) before publishing.
        if let Some(job) = client.pop_front() {
            guarded(state, job);
            continue;
        }
        if state.dirty {
            guarded(state, Box::new(State::publish_changes));
            continue;
        }
        // One result, then a look for the client's jobs again.
        if let Some(job) = pass.pop_front() {
            guarded(state, job);
            continue;
        }
        match rx.recv_timeout(CLOCK_TICK) {
            Ok(msg) => take(msg, &mut client, &mut pass),
            Err(mpsc::RecvTimeoutError::Timeout) => guarded(state, Box::new(State::clock_tick)),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn guarded(state: &mut State, job: Job) {
    if catch_unwind(AssertUnwindSafe(|| job(state))).is_err() {
        eprintln!("hegui lsp: a request panicked; the server goes on");
        state.dirty = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hegui_lang::diag::Lang;
    use std::sync::Mutex;

    /// The unit tests' clock: the date they set.
    static NOW: Mutex<Option<Date>> = Mutex::new(None);

    fn clock() -> Date {
        NOW.lock().ok().and_then(|d| *d).expect("a date set")
    }

    fn set_clock(d: &str) {
        *NOW.lock().expect("clock") = Some(d.parse().expect("date"));
    }

    /// The message of the last `code` published since the last call.
    fn last_message(rx: &mut tmpsc::UnboundedReceiver<Out>, code: &str) -> Option<String> {
        let mut last = None;
        while let Ok(out) = rx.try_recv() {
            if let Out::Diagnostics(p) = out {
                let d = p
                    .diagnostics
                    .iter()
                    .find(|d| d.code == Some(lsp::NumberOrString::String(code.into())));
                last = d.map(|d| d.message.clone()).or(last);
            }
        }
        last
    }

    /// S1's unfiled standard contract (CAC-SC-7) is overdue once the
    /// evaluation date passes its deadline (2026-03-02): a server started
    /// before it and running past it says so at the next recheck, and at
    /// the next idle tick without any edit; `--today` pins the date.
    #[test]
    fn the_evaluation_date_moves_with_the_clock_unless_pinned() {
        let text = include_str!("../../examples/s1-diabetes-trial/trial.hegui");
        let doc = |version| lsp::TextDocumentItem {
            uri: "file:///hegui-unit/trial.hegui".parse().expect("uri"),
            language_id: "hegui".into(),
            version,
            text: text.into(),
        };
        for pinned in [None, Some("2026-02-11")] {
            set_clock("2026-02-11");
            let (tx, mut rx) = tmpsc::unbounded_channel();
            let options = Options {
                lang: Some(Lang::En),
                fallback_lang: Lang::En,
                as_of: None,
                today: pinned.map(|d| d.parse().expect("date")),
            };
            let mut s = State::new(options, clock, tx);
            crate::sync::did_open(&mut s, doc(1));
            s.publish_changes();
            let before = last_message(&mut rx, "CAC-SC-7").expect("CAC-SC-7");
            // Past the deadline, with no edit: the idle tick.
            set_clock("2026-12-01");
            s.clock_tick();
            let after_tick = last_message(&mut rx, "CAC-SC-7");
            // And with an edit (the document opened again): the recheck.
            crate::sync::did_open(&mut s, doc(2));
            s.publish_changes();
            let after_edit = last_message(&mut rx, "CAC-SC-7").expect("CAC-SC-7");
            match pinned {
                None => {
                    let after_tick = after_tick.expect("published again at the tick");
                    assert_ne!(before, after_tick);
                    assert_eq!(after_tick, after_edit);
                    assert_eq!(s.today.to_string(), "2026-12-01");
                }
                Some(_) => {
                    assert_eq!(after_tick, None, "nothing changed at the tick");
                    assert_eq!(before, after_edit);
                    assert_eq!(s.today.to_string(), "2026-02-11");
                }
            }
        }
    }

    /// The background warming goes through every file once, from where the
    /// last one stopped, and then says it is done.
    #[test]
    fn warming_goes_on_from_where_it_stopped() {
        let mut a = Analysis::new();
        a.set_file("a.hegui", "const LIMIT = 3\n");
        a.set_file("b.hegui", "const OTHER = LIMIT\n");
        let done = Arc::new(AtomicUsize::new(0));
        let n = a.all_paths().len();
        let mut first = Warm::new(&a, done.clone());
        assert_eq!(first.step(&a), Some(true));
        assert_eq!(done.load(Ordering::SeqCst), 1);
        // Another pass, with the same cursor, goes on from the second file.
        let mut next = Warm::new(&a, done.clone());
        let mut steps = 0;
        while next.step(&a) == Some(true) {
            steps += 1;
        }
        assert_eq!(steps, n - 1);
        assert_eq!(done.load(Ordering::SeqCst), n);
        assert_eq!(next.step(&a), Some(false));
        let warmed = hegui_lang::ide::occurrences(&a, "b.hegui");
        let limit = hegui_lang::ide::Target::Const("LIMIT".into());
        assert!(warmed.iter().any(|o| o.target == limit && !o.decl));
    }
}
