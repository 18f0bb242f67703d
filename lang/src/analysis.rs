//! The API the CLI and the language server share: a workspace of texts (the
//! embedded stdlib plus the user's files) over the incremental database.

use crate::affected::{self, Before, Readers};
use crate::db::{self, Database, EntityKey, SourceFile, Workspace};
use crate::diag::Diagnostic;
use crate::eval::rules::{self, Outcome};
use crate::eval::tests::{self as policy_tests, TestResult};
use crate::model::defs::Defs;
use crate::model::{EntityData, EntityIndex};
use crate::shared_tables::Stale;
use crate::syntax::Parsed;
use crate::waiver::{self, Waivers};
use jiff::civil::Date;
use salsa::{Durability, Setter};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub struct Analysis {
    pub db: Database,
    pub ws: Workspace,
    files: BTreeMap<String, SourceFile>,
    /// `false` with `--no-waivers`: every finding is shown as computed.
    waivers_on: bool,
    /// Each file's diagnostics as [`Analysis::changed_diagnostics`] last
    /// returned them (files without any are absent).
    reported: BTreeMap<String, Arc<Vec<Diagnostic>>>,
    /// Who read what, as of the last `changed_diagnostics` (`None` before
    /// the first): which files an edit can change ([`crate::affected`]).
    readers: Option<Readers>,
    /// What the files edited since then looked like to their readers before.
    before: Vec<(SourceFile, Before)>,
    /// A change since then that the readers do not cover (a file added or
    /// removed, the dates, the waivers switched): every file is asked again.
    everything: bool,
    /// The user files being typed in ([`Analysis::set_editing`]): their
    /// texts have low durability, every other user file's medium.
    editing: BTreeSet<String>,
    /// What changed since the workspace's shared tables were made equal to
    /// the files ([`crate::shared_tables`]): shared after every change.
    stale: Stale,
}

/// One file whose diagnostics an edit changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    /// Every diagnostic of the file now, sorted (empty when it has none or was removed).
    pub diagnostics: Arc<Vec<Diagnostic>>,
    /// Diagnostics it has now and did not have before (a multiset difference).
    pub added: Vec<Diagnostic>,
    /// Diagnostics it had before and has no longer.
    pub removed: Vec<Diagnostic>,
}

/// A file's diagnostics, memoised whole: an edit re-runs only the files whose
/// parts changed, and the others are known unchanged without being copied.
/// Only [`Analysis::changed_diagnostics`] keeps these (a second copy of each
/// file's diagnostics beside the entities' findings); a one-shot check does not.
#[salsa::tracked(returns(clone))]
fn file_diagnostics_memo(db: &dyn db::Db, ws: Workspace, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    Arc::new(db::file_diagnostics(db, ws, file))
}

/// `after` minus `before` and `before` minus `after`, as multisets, each in
/// the order of the list it comes from (so sorted, as they are).
fn difference(before: &[Diagnostic], after: &[Diagnostic]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut unmatched: std::collections::HashMap<&Diagnostic, usize> =
        std::collections::HashMap::with_capacity(before.len());
    for d in before {
        *unmatched.entry(d).or_default() += 1;
    }
    let mut added = Vec::new();
    for d in after {
        match unmatched.get_mut(d) {
            Some(n) if *n > 0 => *n -= 1,
            _ => added.push(d.clone()),
        }
    }
    let mut removed = Vec::new();
    for d in before {
        if let Some(n) = unmatched.get_mut(d).filter(|n| **n > 0) {
            *n -= 1;
            removed.push(d.clone());
        }
    }
    (added, removed)
}

impl Analysis {
    /// A workspace with the embedded standard library and no user files.
    pub fn new() -> Analysis {
        Analysis::with_stdlib(crate::stdlib::FILES)
    }

    pub fn with_stdlib(stdlib: &[(&str, &str)]) -> Analysis {
        Analysis::on(Database::default(), stdlib)
    }

    /// The embedded standard library on a database that can record which
    /// queries execute (`db.start_log()`): for tests and benchmarks of reuse.
    pub fn with_query_log() -> Analysis {
        Analysis::on(Database::with_log(), crate::stdlib::FILES)
    }

    fn on(db: Database, stdlib: &[(&str, &str)]) -> Analysis {
        let mut files = BTreeMap::new();
        for (path, text) in stdlib {
            let f = SourceFile::builder(path.to_string(), Arc::from(*text), true)
                .durability(Durability::HIGH)
                .new(&db);
            files.insert(path.to_string(), f);
        }
        // Medium, as the user's files not being typed in: what every entity
        // reads of the workspace changes only when they do.
        let ws = Workspace::builder(Vec::new(), None, None, None, None)
            .durability(Durability::MEDIUM)
            .new(&db);
        let mut a = Analysis {
            db,
            ws,
            files,
            waivers_on: true,
            reported: BTreeMap::new(),
            readers: None,
            before: Vec::new(),
            everything: false,
            editing: BTreeSet::new(),
            stale: Stale::All,
        };
        a.sync_file_list();
        a.stale.share(&mut a.db, a.ws);
        a
    }

    /// A read-only handle for another thread (the language server's request
    /// pool): it sees the workspace as it is now. The next write here
    /// cancels its queries (they unwind with `salsa::Cancelled`) and waits
    /// until it is dropped; do not write through it.
    pub fn snapshot(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
            ws: self.ws,
            files: self.files.clone(),
            waivers_on: self.waivers_on,
            // What was reported is the writer's: a snapshot reports from scratch.
            reported: BTreeMap::new(),
            readers: None,
            before: Vec::new(),
            everything: false,
            // The writer keeps durabilities and the shared tables; a snapshot
            // never writes (and is taken per request: nothing is copied).
            editing: BTreeSet::new(),
            stale: Stale::No,
        }
    }

    /// Stdlib first, then user files by path: the order definitions are read in.
    fn sync_file_list(&mut self) {
        let mut list: Vec<SourceFile> = self.files.values().copied().collect();
        let db = &self.db;
        list.sort_by(|a, b| (!a.stdlib(db), a.path(db)).cmp(&(!b.stdlib(db), b.path(db))));
        if *self.ws.files(&self.db) != list {
            self.ws.set_files(&mut self.db).to(list);
        }
    }

    /// Adds or replaces many user files at once (the file list is rebuilt once,
    /// not once per file).
    pub fn set_files<'a>(&mut self, files: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut added = false;
        for (path, text) in files {
            match self.files.get(path).copied() {
                Some(f) => {
                    if &**f.text(&self.db) != text {
                        self.keep_before(f);
                        self.stale.text_changing(&self.db, f);
                        f.set_text(&mut self.db).to(Arc::from(text));
                    }
                }
                None => {
                    let f = SourceFile::builder(path.to_string(), Arc::from(text), false)
                        .durability(self.durability_of(path))
                        .new(&self.db);
                    self.files.insert(path.to_string(), f);
                    added = true;
                }
            }
        }
        if added {
            self.everything = true;
            self.sync_file_list();
            self.stale.files_changed(&mut self.db, self.ws);
        }
        self.stale.share(&mut self.db, self.ws);
    }

    /// Low for the files being typed in, medium for the other user files
    /// (the stdlib's are high).
    fn durability_of(&self, path: &str) -> Durability {
        if self.editing.contains(path) {
            Durability::LOW
        } else {
            Durability::MEDIUM
        }
    }

    /// Marks a user file as being typed in (an editor opened it). Salsa then
    /// verifies a memo that read only the other user files by its durability
    /// alone, instead of walking its dependencies on every keystroke: an
    /// edit costs what read the file, not the workspace. The first analysis
    /// after this recomputes what read the file (a value that became less
    /// durable is never reused as unchanged), so call it when a file is
    /// opened, not per edit. The results are the same either way.
    pub fn set_editing(&mut self, path: &str) {
        if !self.editing.insert(path.to_string()) {
            return;
        }
        let Some(f) = self.files.get(path).copied() else {
            return;
        };
        if f.stdlib(&self.db) {
            return;
        }
        // Everything that read the file is recomputed now, not at its first
        // edit: every file is asked at the next analysis.
        self.everything = true;
        self.stale.text_changing(&self.db, f);
        let text = f.text(&self.db).clone();
        f.set_text(&mut self.db)
            .with_durability(Durability::LOW)
            .to(text);
        self.stale.share(&mut self.db, self.ws);
    }

    /// Keeps what `file`'s readers saw of it, before its first edit since
    /// the last `changed_diagnostics`.
    fn keep_before(&mut self, file: SourceFile) {
        let Some(readers) = &self.readers else {
            return;
        };
        if self.everything || self.before.iter().any(|(f, _)| *f == file) {
            return;
        }
        let b = Before::take(&self.db, self.ws, file, readers);
        self.before.push((file, b));
    }

    /// Adds or replaces a user file.
    pub fn set_file(&mut self, path: &str, text: &str) {
        self.set_files([(path, text)]);
    }

    pub fn remove_file(&mut self, path: &str) {
        if self.files.get(path).is_some_and(|f| !f.stdlib(&self.db)) {
            self.files.remove(path);
            self.everything = true;
            self.sync_file_list();
            self.stale.files_changed(&mut self.db, self.ws);
        }
    }

    pub fn set_as_of(&mut self, as_of: Option<Date>) {
        if self.ws.as_of(&self.db) != as_of {
            self.everything = true;
            self.ws.set_as_of(&mut self.db).to(as_of);
        }
    }

    /// The evaluation date: waivers whose `until` is before it no longer hold.
    /// Policy reads it as `today` (what is overdue).
    pub fn set_today(&mut self, today: Option<Date>) {
        if self.ws.today(&self.db) != today {
            self.everything = true;
            self.ws.set_today(&mut self.db).to(today);
        }
    }

    /// The evaluation date (waiver expiry, `today`), set by the caller at its boundary.
    pub fn today(&self) -> Option<Date> {
        self.ws.today(&self.db)
    }

    /// Whether waivers are applied (`--no-waivers` turns them off).
    pub fn set_waivers_enabled(&mut self, on: bool) {
        self.everything |= self.waivers_on != on;
        self.waivers_on = on;
    }

    pub fn waivers_enabled(&self) -> bool {
        self.waivers_on
    }

    /// The waivers of the user's files (none when turned off).
    pub fn waivers(&self) -> Waivers {
        if !self.waivers_on {
            return Waivers::default();
        }
        let items: Vec<(&str, Arc<Vec<crate::syntax::ast::Item>>)> = self
            .files
            .iter()
            .filter(|(_, f)| !f.stdlib(&self.db))
            .map(|(p, f)| (p.as_str(), db::file_def_items(&self.db, *f)))
            .collect();
        waiver::collect(items.iter().map(|(p, it)| (*p, it.as_slice())))
    }

    /// Applies the waivers to `diags` and adds the waivers' own diagnostics
    /// (those declared in `file`, or all): the step after findings are computed.
    fn with_waivers(
        &self,
        w: &Waivers,
        mut diags: Vec<Diagnostic>,
        file: Option<&str>,
    ) -> Vec<Diagnostic> {
        if w.list.is_empty() && w.diagnostics.is_empty() {
            return diags;
        }
        waiver::apply(&mut diags, w, self.today());
        let defs = self.defs();
        let index = self.entity_index();
        let entities: Vec<&str> = index.by_name.keys().map(|s| s.as_str()).collect();
        let rule_ids: Vec<&str> = defs.rules.keys().map(|s| s.as_str()).collect();
        let findings_of = |name: &str| -> Vec<Diagnostic> {
            db::entity_findings(
                &self.db,
                EntityKey::new(&self.db, self.ws, name.to_string()),
            )
            .to_vec()
        };
        diags.extend(waiver::problems(
            w,
            file,
            &|r| defs.rules.contains_key(r),
            &rule_ids,
            &entities,
            &findings_of,
            self.today(),
        ));
        crate::diag::sort(&mut diags);
        diags
    }

    pub fn user_paths(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, f)| !f.stdlib(&self.db))
            .map(|(p, _)| p.clone())
            .collect()
    }

    pub fn all_paths(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }

    pub fn is_stdlib(&self, path: &str) -> bool {
        self.files.get(path).is_some_and(|f| f.stdlib(&self.db))
    }

    pub fn text(&self, path: &str) -> Option<Arc<str>> {
        self.files.get(path).map(|f| f.text(&self.db).clone())
    }

    /// The database input holding a file (for queries keyed by file).
    pub fn source(&self, path: &str) -> Option<SourceFile> {
        self.files.get(path).copied()
    }

    pub fn parsed(&self, path: &str) -> Option<Arc<Parsed>> {
        self.files.get(path).map(|f| db::parse_file(&self.db, *f))
    }

    /// The definitions with their positions (what the IDE, diagnostics and
    /// policy tests read; the evaluator's queries read them without).
    pub fn defs(&self) -> Arc<Defs> {
        db::def_positions(&self.db, self.ws)
    }

    pub fn entity_index(&self) -> Arc<EntityIndex> {
        db::entity_index(&self.db, self.ws)
    }

    pub fn entity(&self, name: &str) -> Option<Arc<EntityData>> {
        db::entity_data(
            &self.db,
            EntityKey::new(&self.db, self.ws, name.to_string()),
        )
    }

    /// Every diagnostic: syntax, definitions, checks and rule findings, sorted.
    pub fn diagnostics(&self) -> Arc<Vec<Diagnostic>> {
        self.prewarm();
        let raw = db::workspace_diagnostics(&self.db, self.ws);
        let w = self.waivers();
        if w.list.is_empty() && w.diagnostics.is_empty() {
            return raw;
        }
        Arc::new(self.with_waivers(&w, (*raw).clone(), None))
    }

    /// [`Analysis::diagnostics`] for a run that asks once (`hegui check`):
    /// the files are evaluated a chunk at a time, in the list's order, and
    /// the memos a chunk leaves (its parse trees and findings) are shed
    /// before the next ([`db::shed`]), so the peak holds the findings once
    /// (the list) and not also the memos. The same list as `diagnostics()`;
    /// what was shed is recomputed if asked again.
    pub fn diagnostics_once(&mut self) -> Vec<Diagnostic> {
        self.diagnostics_shedding(64)
    }

    /// [`Analysis::diagnostics_once`] with chunks of `files_per_chunk` files
    /// (the tests shed after every file).
    #[doc(hidden)]
    pub fn diagnostics_shedding(&mut self, files_per_chunk: usize) -> Vec<Diagnostic> {
        self.stale.share(&mut self.db, self.ws);
        db::track_for_shedding(&mut self.db);
        let mut files: Vec<SourceFile> = self.ws.files(&self.db).clone();
        files.sort_by(|a, b| a.path(&self.db).cmp(b.path(&self.db)));
        self.lower_shedding(&files, files_per_chunk.max(1));
        // Kept per chunk and joined once at the size known: a list grown by
        // doubling holds up to twice its findings, and both buffers while it grows.
        let mut parts: Vec<Vec<Diagnostic>> = Vec::new();
        for chunk in files.chunks(files_per_chunk.max(1)) {
            self.prewarm_files(chunk);
            let mut part = Vec::new();
            for f in chunk {
                part.extend(db::file_diagnostics(&self.db, self.ws, *f));
            }
            part.shrink_to_fit();
            parts.push(part);
            db::shed(&mut self.db);
        }
        let mut raw = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            raw.extend(part);
        }
        let w = self.waivers();
        if w.list.is_empty() && w.diagnostics.is_empty() {
            return raw;
        }
        self.with_waivers(&w, raw, None)
    }

    /// Every file's entity headers, then every entity lowered, a chunk of
    /// files at a time with the parse trees shed in between: the first table
    /// reads every member of its group, which would otherwise hold every
    /// file's tree at once (the largest memos). Costs a parse per file more.
    fn lower_shedding(&mut self, files: &[SourceFile], files_per_chunk: usize) {
        for chunk in files.chunks(files_per_chunk) {
            for f in chunk {
                db::file_entities(&self.db, *f);
            }
            db::shed(&mut self.db);
        }
        let index = self.entity_index();
        let threads = self.threads_for(&index).max(1);
        for chunk in files.chunks(files_per_chunk) {
            self.in_stripes(chunk, threads, |db, ws, f| {
                for name in index.by_file.get(f.path(db)).into_iter().flatten() {
                    db::entity_data(db, db::EntityKey::new(db, ws, name.as_str()));
                }
            });
            db::shed(&mut self.db);
        }
    }

    fn prewarm(&self) {
        let files: Vec<SourceFile> = self.files.values().copied().collect();
        self.prewarm_files(&files);
    }

    /// Evaluates the entities of `files` on every core, each thread with its
    /// own handle on the database (salsa shares the memos, and a thread waits
    /// for a query another is computing). The sequential pass that follows
    /// only collects. Worth it only for big workspaces.
    fn prewarm_files(&self, files: &[SourceFile]) {
        let threads = self.threads_for(&self.entity_index());
        if threads < 2 {
            return;
        }
        // The definitions and their checks are shared by every entity's work.
        db::def_checks(&self.db, self.ws);
        self.in_stripes(files, threads, |db, ws, file| {
            db::file_findings(db, db::FileKey::new(db, ws, file));
        });
    }

    /// The threads worth starting for work over the entities: the cores, but
    /// none for fewer than 512 entities each.
    fn threads_for(&self, index: &EntityIndex) -> usize {
        const MIN_ENTITIES_PER_THREAD: usize = 512;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        threads.min(index.by_name.len() / MIN_ENTITIES_PER_THREAD)
    }

    /// `work` on every file, in stripes of files (the grain of evaluation),
    /// each thread its own on a clone of the database.
    fn in_stripes(
        &self,
        files: &[SourceFile],
        threads: usize,
        work: impl Fn(&db::Database, Workspace, SourceFile) + Sync,
    ) {
        std::thread::scope(|scope| {
            for t in 0..threads {
                let db = self.db.clone();
                let (ws, work) = (self.ws, &work);
                scope.spawn(move || {
                    // A cancelled or panicking thread only loses its head start:
                    // the sequential pass recomputes whatever is missing.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        for file in files.iter().skip(t).step_by(threads) {
                            work(&db, ws, *file);
                        }
                    }));
                });
            }
        });
    }

    /// Applies an edit (the new text of a user file) and returns every file,
    /// anywhere in the workspace, whose diagnostics it changed: the edited
    /// file, and the files of the entities whose findings read what it
    /// changed (an exporter's cumulative sums read its flows in every file).
    pub fn apply_edit(&mut self, path: &str, text: &str) -> Vec<FileChange> {
        self.set_file(path, text);
        self.changed_diagnostics()
    }

    /// The files whose diagnostics differ from those this call returned last
    /// (the first call: every file that has any), by path, each with all its
    /// diagnostics now and what was added and removed. Removed files come
    /// back with no diagnostics. The diagnostics of all files put together
    /// are [`Analysis::diagnostics`]'s. After the first call, only the edited
    /// files and the readers of what the edits changed are asked again
    /// ([`crate::affected`]), when that is known.
    pub fn changed_diagnostics(&mut self) -> Vec<FileChange> {
        self.stale.share(&mut self.db, self.ws);
        let w = self.waivers();
        let waived = !(w.list.is_empty() && w.diagnostics.is_empty());
        let before = std::mem::take(&mut self.before);
        let narrowed = match &self.readers {
            // A waiver's own diagnostics (unused, expired) read findings of
            // any file: with waivers, every file's are applied afresh.
            Some(readers) if !waived && !self.everything => {
                affected::affected(&self.db, self.ws, &before, readers)
            }
            _ => None,
        };
        self.everything = false;
        let asked: Vec<SourceFile> = match narrowed {
            Some(files) => files.into_iter().collect(),
            None => {
                // The first call evaluates every file: spread it over the
                // cores as a full check does.
                if self.readers.is_none() {
                    self.prewarm();
                }
                self.readers = Some(Readers::default());
                self.files.values().copied().collect()
            }
        };
        let everything = asked.len() == self.files.len();
        let mut now: BTreeMap<String, Arc<Vec<Diagnostic>>> = BTreeMap::new();
        for f in &asked {
            let raw = file_diagnostics_memo(&self.db, self.ws, *f);
            let path = f.path(&self.db);
            let d = if waived {
                Arc::new(self.with_waivers(&w, (*raw).clone(), Some(path)))
            } else {
                raw
            };
            now.insert(path.clone(), d);
            let reads = db::file_findings(&self.db, db::FileKey::new(&self.db, self.ws, *f))
                .reads
                .clone();
            if let Some(r) = &mut self.readers {
                r.set(*f, reads);
            }
        }
        let mut changes = Vec::new();
        let empty = Arc::new(Vec::new());
        // Files gone since the last call are reported empty (only when every
        // file was asked: a removal always asks every file).
        let gone: Vec<String> = if everything {
            self.reported
                .keys()
                .filter(|p| !now.contains_key(*p))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        for path in gone {
            if let Some(before) = self.reported.remove(&path) {
                let (added, removed) = difference(&before, &empty);
                changes.push(FileChange {
                    path,
                    diagnostics: empty.clone(),
                    added,
                    removed,
                });
            }
        }
        for (path, after) in now {
            let before = self.reported.get(&path).unwrap_or(&empty);
            if !(Arc::ptr_eq(before, &after) || *before == after) {
                let (added, removed) = difference(before, &after);
                changes.push(FileChange {
                    path: path.clone(),
                    diagnostics: after.clone(),
                    added,
                    removed,
                });
            }
            if after.is_empty() {
                self.reported.remove(&path);
            } else {
                self.reported.insert(path, after);
            }
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }

    /// Diagnostics located in one file (computed for that file alone).
    pub fn file_diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        match self.files.get(path) {
            Some(f) => self.with_waivers(
                &self.waivers(),
                db::file_diagnostics(&self.db, self.ws, *f),
                Some(path),
            ),
            None => Vec::new(),
        }
    }

    /// Each rule's outcome for one entity: for `hegui explain` and hover.
    pub fn explain(&self, name: &str) -> Option<(Arc<EntityData>, Vec<Outcome>)> {
        let e = self.entity(name)?;
        let world = db::SalsaWorld::new(&self.db, self.ws, self.defs());
        let out = rules::outcomes(&world, &e, self.ws.as_of(&self.db));
        Some((e, out))
    }

    /// Runs the `test` blocks of the stdlib (`stdlib = true`) or of the user's files.
    pub fn run_tests(&self, stdlib: bool) -> Vec<TestResult> {
        let defs = self.defs();
        defs.tests
            .iter()
            .filter(|t| self.is_stdlib(&t.file) == stdlib)
            .map(|t| policy_tests::run(&defs, t))
            .collect()
    }
}

/// Which standard library a workspace is judged by, for every output to name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StdlibId {
    /// What it declares of itself: `package std version "2026.12"`.
    pub version: Option<String>,
    /// `sha256:` and the hex digest of its files (see [`Analysis::stdlib_id`]).
    pub hash: String,
}

impl Analysis {
    /// The version the stdlib declares (on its `package std`, or else the
    /// first versioned package of a stdlib file) and a hash of its content:
    /// each file's path below the stdlib's folder and its text, in path order,
    /// NUL-separated — so the same stdlib gives the same hash wherever it lies
    /// (embedded, or `--stdlib DIR`).
    pub fn stdlib_id(&self) -> StdlibId {
        use crate::syntax::ast::ItemKind;
        use sha2::{Digest, Sha256};
        let stdlib: Vec<(&String, &SourceFile)> = self
            .files
            .iter()
            .filter(|(_, f)| f.stdlib(&self.db))
            .collect();
        let mut version = None;
        for (path, _) in &stdlib {
            let Some(parsed) = self.parsed(path) else {
                continue;
            };
            for item in &parsed.ast.items {
                if let ItemKind::Package(q, Some(v)) = &item.kind {
                    if q.dotted() == "std" || version.is_none() {
                        version = Some(v.text.clone());
                    }
                }
            }
        }
        // The folder all stdlib paths share, up to a `/`.
        let prefix = match stdlib.first() {
            Some((first, _)) => {
                let mut p: &str = first.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                while !stdlib
                    .iter()
                    .all(|(q, _)| p.is_empty() || q.starts_with(&format!("{p}/")))
                {
                    p = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                }
                if p.is_empty() {
                    0
                } else {
                    p.len() + 1
                }
            }
            None => 0,
        };
        let mut h = Sha256::new();
        for (path, f) in &stdlib {
            h.update(&path.as_bytes()[prefix..]);
            h.update([0]);
            h.update(f.text(&self.db).as_bytes());
            h.update([0]);
        }
        let mut hash = String::from("sha256:");
        for b in h.finalize() {
            hash.push_str(&format!("{b:02x}"));
        }
        StdlibId { version, hash }
    }
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis::new()
    }
}

impl Analysis {
    /// The text of a loaded file.
    pub fn text_of(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|f| &**f.text(&self.db))
    }
}
