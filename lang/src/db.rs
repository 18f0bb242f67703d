//! The incremental engine. File texts are inputs; parsing, the definition
//! table, the entity index, each entity's lowering, each group's prefix-sum
//! tables and each file's findings are tracked queries. Editing one flow
//! re-lowers that flow and re-evaluates its file, and only the files whose
//! aggregates read it (through `group_index` and `group_tables`).

use crate::affected::{ReadLog, Reads};
use crate::check;
use crate::diag::Diagnostic;
use crate::eval::plan::{self, PlanKey, RangeTable, TablePart};
use crate::eval::rules::findings_in_pass;
use crate::eval::{EntityHead, Evaluator, World};
use crate::model::defs::{self, Defs, SourceRef};
use crate::model::entity::{lower_entity, lower_entity_with};
use crate::model::unknown::{FactSet, Unknown};
use crate::model::{EntityData, EntityIndex, KindFields, Value};
use crate::syntax::{self, ast, ast::Item, ast::ItemKind, Parsed};
use jiff::civil::Date;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: Arc<str>,
    /// Part of the embedded standard library (read-only, high durability).
    #[returns(copy)]
    pub stdlib: bool,
}

#[salsa::input(debug)]
pub struct Workspace {
    /// The set of files is itself an input, so adding a file re-runs the
    /// workspace-wide queries. Kept sorted: stdlib first, then by path.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// `--as-of`: judge every subject at this date instead of its own.
    #[returns(copy)]
    pub as_of: Option<Date>,
    /// `--today`: the evaluation date, read by policy as `today` (overdue).
    #[returns(copy)]
    pub today: Option<Date>,
    /// The definitions and the entity index, copied here from
    /// [`definitions_of_files`] and [`index_of_files`] by `shared_tables`
    /// when they change (`None` from a file being added or removed until the
    /// next analysis). Every entity's lowering reads both; read through
    /// queries over every file, each would take the lowest durability of any
    /// file, so one file being typed in would leave salsa to verify every
    /// memo of every file on each keystroke.
    #[returns(clone)]
    pub shared_defs: Option<Arc<Defs>>,
    #[returns(clone)]
    pub shared_index: Option<Arc<EntityIndex>>,
}

#[salsa::interned(debug)]
pub struct EntityKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    #[returns(ref)]
    pub name: String,
}

#[salsa::interned(debug)]
pub struct GroupKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    #[returns(ref)]
    pub kind: String,
    #[returns(ref)]
    pub field: String,
}

#[salsa::interned(debug)]
pub struct TableKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    /// A plan set (`Defs::plans.sets`).
    #[returns(copy)]
    pub set: u32,
    #[returns(ref)]
    pub group: Value,
}

#[salsa::db]
pub trait Db: salsa::Database {}

/// The database the CLI and the language server share.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    /// Names of the queries executed, when logging is on (tests of reuse);
    /// `None` for a database built without the event hook.
    log: Option<Arc<Mutex<Option<Vec<String>>>>>,
}

impl Default for Database {
    /// No event hook: with one, salsa builds an event for every fetch and
    /// verification (~7 % of an edit's time), logging or not.
    fn default() -> Self {
        Database {
            storage: salsa::Storage::new(None),
            log: None,
        }
    }
}

impl Database {
    /// A database whose executed queries can be recorded (`start_log`).
    pub fn with_log() -> Self {
        let log: Arc<Mutex<Option<Vec<String>>>> = Arc::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                if let Ok(mut guard) = sink.lock() {
                    if let Some(v) = guard.as_mut() {
                        v.push(format!("{database_key:?}"));
                    }
                }
            }
        })));
        Database {
            storage,
            log: Some(log),
        }
    }

    /// Starts recording which queries execute. A test tool: a database built
    /// without the hook cannot record, and saying so beats an empty log that
    /// would make "X was not re-run" pass vacuously.
    pub fn start_log(&self) {
        let log = self
            .log
            .as_ref()
            .expect("a database built with Database::with_log (Analysis::with_query_log)");
        if let Ok(mut g) = log.lock() {
            *g = Some(Vec::new());
        }
    }
    /// The queries executed since `start_log`.
    pub fn take_log(&self) -> Vec<String> {
        self.log
            .as_ref()
            .and_then(|l| l.lock().ok())
            .and_then(|mut g| g.as_mut().map(std::mem::take))
            .unwrap_or_default()
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}

/// Parse trees are the biggest memos (about 20 bytes per byte of text) and are
/// cheap to rebuild: only the most recently used are kept; what was derived
/// from the others stays memoised and is verified without them.
#[salsa::tracked(returns(clone), lru = 256)]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Arc<Parsed> {
    Arc::new(syntax::parse(file.path(db), file.text(db)))
}

/// A file's definition items (everything but entities). Editing an entity
/// leaves it equal, so the definition table is not rebuilt.
#[salsa::tracked(returns(clone))]
pub fn file_def_items(db: &dyn Db, file: SourceFile) -> Arc<Vec<Item>> {
    let parsed = parse_file(db, file);
    Arc::new(
        parsed
            .ast
            .items
            .iter()
            .filter(|i| !matches!(i.kind, ItemKind::Entity(_) | ItemKind::Error))
            .cloned()
            .collect(),
    )
}

/// The definitions with their positions (origins, clause and expression
/// spans), diagnostics, tests and resolved names: the side table diagnostics
/// and the IDE read. It changes whenever a definition's text moves.
#[salsa::tracked(returns(clone))]
pub fn def_positions(db: &dyn Db, ws: Workspace) -> Arc<Defs> {
    let items: Vec<(SourceFile, Arc<Vec<Item>>)> = ws
        .files(db)
        .iter()
        .map(|f| (*f, file_def_items(db, *f)))
        .collect();
    let refs: Vec<SourceRef> = items
        .iter()
        .map(|(f, it)| SourceRef {
            path: f.path(db).as_str(),
            items: it,
            stdlib: f.stdlib(db),
        })
        .collect();
    Arc::new(defs::build(&refs))
}

/// The definitions the evaluator reads: the table without positions
/// (`defs::without_positions`), equal (so backdated) after an edit that only
/// moves text, so that no entity is lowered or evaluated again for it.
#[salsa::tracked(returns(clone))]
pub fn definitions_of_files(db: &dyn Db, ws: Workspace) -> Arc<Defs> {
    Arc::new(defs::without_positions(&def_positions(db, ws)))
}

/// The definitions the evaluator reads: the workspace's shared copy when it
/// is set (always equal to [`definitions_of_files`]), else that query.
pub fn definitions(db: &dyn Db, ws: Workspace) -> Arc<Defs> {
    ws.shared_defs(db)
        .unwrap_or_else(|| definitions_of_files(db, ws))
}

/// A file's entities: (name, kind, item position, name span). The span moves
/// when text above moves, so edits inside a body usually keep it equal.
#[salsa::tracked(returns(clone))]
pub fn file_entities(db: &dyn Db, file: SourceFile) -> Arc<ast::SourceAst> {
    let parsed = parse_file(db, file);
    // Keep only entity headers: bodies are emptied so that body edits compare equal.
    let items = parsed
        .ast
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Entity(e) => {
                let bare = |n: &ast::Name| ast::Name {
                    text: n.text.clone(),
                    span: ast::Span::default(),
                };
                let head = ast::EntityDecl {
                    kind: bare(&e.kind),
                    name: bare(&e.name),
                    label: ast::Label::default(),
                    body: ast::Record {
                        fields: Vec::new(),
                        span: ast::Span::default(),
                    },
                };
                ast::Item {
                    kind: ItemKind::Entity(head),
                    span: ast::Span::default(),
                    doc: None,
                }
            }
            _ => ast::Item {
                kind: ItemKind::Error,
                span: ast::Span::default(),
                doc: None,
            },
        })
        .collect();
    Arc::new(ast::SourceAst { items })
}

/// Where every entity is: the workspace's shared copy when it is set (always
/// equal to [`index_of_files`]), else that query.
pub fn entity_index(db: &dyn Db, ws: Workspace) -> Arc<EntityIndex> {
    ws.shared_index(db)
        .unwrap_or_else(|| index_of_files(db, ws))
}

#[salsa::tracked(returns(clone))]
pub fn index_of_files(db: &dyn Db, ws: Workspace) -> Arc<EntityIndex> {
    let heads: Vec<(String, Arc<ast::SourceAst>)> = ws
        .files(db)
        .iter()
        .map(|f| (f.path(db).clone(), file_entities(db, *f)))
        .collect();
    let mut index = EntityIndex::build(heads.iter().map(|(p, x)| (p.as_str(), &**x)));
    // Duplicate-name diagnostics need real spans: take them from the parses of
    // the files concerned (rare, so the cost is only paid when there are any).
    if !index.diagnostics.is_empty() {
        let parsed: Vec<(String, Arc<Parsed>)> = ws
            .files(db)
            .iter()
            .map(|f| (f.path(db).clone(), parse_file(db, *f)))
            .collect();
        index.diagnostics =
            EntityIndex::build(parsed.iter().map(|(p, x)| (p.as_str(), &x.ast))).diagnostics;
    }
    Arc::new(index)
}

/// Each kind's field table with its shared defaults (see `KindFields`): one
/// per definition set, shared by every entity of the kind.
#[salsa::tracked(returns(clone))]
pub fn kind_fields(
    db: &dyn Db,
    ws: Workspace,
) -> Arc<std::collections::BTreeMap<String, Arc<KindFields>>> {
    let defs = definitions(db, ws);
    Arc::new(
        defs.schemas
            .keys()
            .map(|k| (k.clone(), Arc::new(KindFields::build(&defs, k))))
            .collect(),
    )
}

#[salsa::tracked(returns(clone))]
pub fn entity_data<'db>(db: &'db dyn Db, key: EntityKey<'db>) -> Option<Arc<EntityData>> {
    let ws = key.ws(db);
    let index = entity_index(db, ws);
    let loc = index.by_name.get(key.name(db))?;
    let file = *ws.files(db).get(loc.file_index)?;
    let parsed = parse_file(db, file);
    let item = parsed.ast.items.get(loc.item)?;
    let ItemKind::Entity(e) = &item.kind else {
        return None;
    };
    let defs = definitions(db, ws);
    let table = kind_fields(db, ws)
        .get(&e.kind.text)
        .cloned()
        .unwrap_or_default();
    Some(Arc::new(lower_entity_with(
        &defs, table, &*index, &loc.file, item, e,
    )))
}

/// An entity's kind, file and name span, backdated when an edit leaves them
/// equal: the findings that label it (the contributors of a cumulative sum)
/// read this, not its fields.
#[salsa::tracked(returns(clone))]
pub fn entity_head<'db>(db: &'db dyn Db, key: EntityKey<'db>) -> Option<Arc<EntityHead>> {
    entity_data(db, key).map(|e| Arc::new(EntityHead::of(&e)))
}

#[salsa::interned(debug)]
pub struct FileGroupKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(ref)]
    pub kind: String,
    #[returns(ref)]
    pub field: String,
}

/// One file's part of a grouping: (field value, entity) for its entities of
/// the kind. Equal after an edit that leaves the grouped field alone.
#[salsa::tracked(returns(clone))]
pub fn file_groups<'db>(db: &'db dyn Db, key: FileGroupKey<'db>) -> Arc<Vec<(Value, Arc<str>)>> {
    let ws = key.ws(db);
    let heads = file_entities(db, key.file(db));
    let mut out = Vec::new();
    for item in heads.items.iter() {
        let ItemKind::Entity(e) = &item.kind else {
            continue;
        };
        if e.kind.text != *key.kind(db) {
            continue;
        }
        let Some(data) = entity_data(db, EntityKey::new(db, ws, e.name.text.as_str())) else {
            continue;
        };
        // An entity shadowed by an earlier one of the same name is not this file's.
        if data.file != *key.file(db).path(db) {
            continue;
        }
        let v = data
            .get(key.field(db))
            .map(|f| group_value(f.value))
            .unwrap_or(Value::None);
        out.push((v, Arc::from(e.name.text.as_str())));
    }
    Arc::new(out)
}

/// Entities of a kind grouped by the value of one field: the index behind
/// `sum(f in flows where f.from == flow.from …)`, merged from the files' parts.
#[salsa::tracked(returns(clone))]
pub fn group_index<'db>(
    db: &'db dyn Db,
    key: GroupKey<'db>,
) -> Arc<HashMap<Value, Arc<Vec<Arc<str>>>>> {
    let ws = key.ws(db);
    let mut groups: HashMap<Value, Vec<Arc<str>>> = HashMap::new();
    for f in ws.files(db) {
        let part = file_groups(
            db,
            FileGroupKey::new(db, ws, *f, key.kind(db).clone(), key.field(db).clone()),
        );
        for (v, n) in part.iter() {
            groups.entry(v.clone()).or_default().push(n.clone());
        }
    }
    Arc::new(
        groups
            .into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, Arc::new(v))
            })
            .collect(),
    )
}

/// The bucket of the entities whose grouped field is unknown.
fn unknown_group() -> Value {
    Value::Unknown(Unknown::of(FactSet::EMPTY))
}

/// Members group by name: their fields do not take part in equality. Every
/// unknown value falls in one bucket (its entities may belong to any group).
fn group_value(v: &Value) -> Value {
    match v {
        Value::Unknown(_) => unknown_group(),
        Value::Member { ty, name, .. } => Value::Member {
            ty: ty.clone(),
            name: name.clone(),
            fields: None,
        },
        other => other.clone(),
    }
}

#[salsa::interned(debug)]
pub struct FileKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    #[returns(copy)]
    pub file: SourceFile,
}

/// Each entity of a file (by name, sorted) with its lowering diagnostics and
/// rule findings, and what the evaluation read of other entities, groups and
/// tables (for [`crate::affected`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FileFindings {
    pub entities: Vec<(Arc<str>, Arc<Vec<Diagnostic>>)>,
    pub reads: Arc<Reads>,
}

/// The findings of every entity declared in one file, from one evaluation
/// pass: the date-free derived facts it computes are kept for the pass in a
/// plain table (`eval::SharedFacts`), and the query records every entity,
/// group and table they read, so an edit re-runs the files that read it.
#[salsa::tracked(returns(clone), lru = 0)]
pub fn file_findings<'db>(db: &'db dyn Db, key: FileKey<'db>) -> Arc<FileFindings> {
    let ws = key.ws(db);
    let index = entity_index(db, ws);
    let Some(names) = index.by_file.get(key.file(db).path(db)) else {
        return Arc::default();
    };
    let world = SalsaWorld::new(db, ws, definitions(db, ws));
    let as_of = ws.as_of(db);
    let mut ev = Evaluator::new(&world);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let Some(e) = entity_data(db, EntityKey::new(db, ws, name.as_str())) else {
            continue;
        };
        let mut found = e.diagnostics.clone();
        found.extend(findings_in_pass(&mut ev, &world, &e, as_of));
        out.push((Arc::from(name.as_str()), Arc::new(found)));
    }
    drop(ev);
    Arc::new(FileFindings {
        entities: out,
        reads: world.reads.finish(),
    })
}

/// Lowering diagnostics and rule findings of one entity: its part of its
/// file's findings.
pub fn entity_findings<'db>(db: &'db dyn Db, key: EntityKey<'db>) -> Arc<Vec<Diagnostic>> {
    let ws = key.ws(db);
    let index = entity_index(db, ws);
    let Some(loc) = index.by_name.get(key.name(db)) else {
        return Arc::new(Vec::new());
    };
    let Some(file) = ws.files(db).get(loc.file_index) else {
        return Arc::new(Vec::new());
    };
    let all = file_findings(db, FileKey::new(db, ws, *file));
    match all
        .entities
        .binary_search_by(|(n, _)| (**n).cmp(key.name(db).as_str()))
    {
        Ok(i) => all.entities[i].1.clone(),
        Err(_) => Arc::new(Vec::new()),
    }
}

#[salsa::interned(debug)]
pub struct PartKey<'db> {
    #[returns(copy)]
    pub ws: Workspace,
    #[returns(copy)]
    pub file: SourceFile,
    /// A plan set (`Defs::plans.sets`).
    #[returns(copy)]
    pub set: u32,
    #[returns(ref)]
    pub group: Value,
}

/// Tables whose members' facts need the tables themselves: the evaluator scans.
fn no_tables(_db: &dyn Db, _id: salsa::Id, _key: TableKey<'_>) -> Option<Arc<GroupTables>> {
    None
}

/// A part in such a cycle: its tables are not built either.
fn no_part(_db: &dyn Db, _id: salsa::Id, _key: PartKey<'_>) -> Option<Arc<FileTableParts>> {
    None
}

/// The prefix-sum tables of one plan set for one group, by position in the set
/// (`None`: that plan's build ran out of fuel or met a cycle; it scans).
pub type GroupTables = Vec<Option<Arc<RangeTable>>>;

/// One file's parts of a group's tables, by position in the set (`None` as
/// for `GroupTables`).
pub type FileTableParts = Vec<Option<TablePart>>;

/// The rows one file adds to the tables of a plan set for one group: its
/// members of the group (and those whose key is unknown, which may belong),
/// evaluated in one pass that computes their date-free facts once for every
/// plan. It holds only what the tables read, so an edit to a field no filter
/// or value reads leaves it equal and `group_tables` is not run again.
#[salsa::tracked(returns(clone), cycle_result = no_part)]
pub fn table_part<'db>(db: &'db dyn Db, key: PartKey<'db>) -> Option<Arc<FileTableParts>> {
    let ws = key.ws(db);
    let defs = definitions(db, ws);
    let set = defs.plans.sets.get(key.set(db) as usize)?.clone();
    let grouped = file_groups(
        db,
        FileGroupKey::new(
            db,
            ws,
            key.file(db),
            set.kind.to_string(),
            set.eq_field.to_string(),
        ),
    );
    let group = key.group(db);
    let maybe = unknown_group();
    let mut members: Vec<Arc<str>> = grouped
        .iter()
        .filter(|(v, _)| v == group || *v == maybe)
        .map(|(_, n)| n.clone())
        .collect();
    members.sort();
    let world = SalsaWorld::new(db, ws, defs);
    let mut ev = Evaluator::new(&world);
    let parts = set
        .plans
        .iter()
        .map(|&id| {
            let plan = world.defs.plans.plans.get(id as usize)?;
            plan::table_part(&mut ev, plan, group, &members)
        })
        .collect();
    Some(Arc::new(parts))
}

/// The tables of every plan of a set for one group, merged from the parts of
/// the files declaring its members (found through the group and entity
/// indices, without reading any member): each table once per definition set
/// and workspace state. Its dependents are cut off early when an edit leaves
/// the tables equal, and it is not run at all when the parts are.
#[salsa::tracked(returns(clone), cycle_result = no_tables)]
pub fn group_tables<'db>(db: &'db dyn Db, key: TableKey<'db>) -> Option<Arc<GroupTables>> {
    let ws = key.ws(db);
    let defs = definitions(db, ws);
    let set = defs.plans.sets.get(key.set(db) as usize)?.clone();
    let world = SalsaWorld::new(db, ws, defs.clone());
    let members = world.group_by(&set.kind, &set.eq_field, key.group(db));
    let index = entity_index(db, ws);
    let files: BTreeSet<usize> = members
        .iter()
        .filter_map(|n| index.by_name.get(&**n).map(|l| l.file_index))
        .collect();
    let mut parts = Vec::with_capacity(files.len());
    for i in files {
        let file = *ws.files(db).get(i)?;
        parts.push(table_part(
            db,
            PartKey::new(db, ws, file, key.set(db), key.group(db).clone()),
        )?);
    }
    let mut tables: Vec<Option<RangeTable>> = (0..set.plans.len())
        .map(|at| {
            let plan = defs.plans.plans.get(*set.plans.get(at)? as usize)?;
            let of_plan: Option<Vec<&TablePart>> =
                parts.iter().map(|p| p.get(at)?.as_ref()).collect();
            plan::merge_parts(plan, &of_plan?)
        })
        .collect();
    plan::share_layouts(&mut tables);
    Some(Arc::new(
        tables.into_iter().map(|t| t.map(Arc::new)).collect(),
    ))
}

#[salsa::tracked(returns(clone))]
pub fn def_checks(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let defs = def_positions(db, ws);
    let index = entity_index(db, ws);
    let names: BTreeSet<String> = index.by_name.keys().cloned().collect();
    let mut out = defs.diagnostics.clone();
    out.extend(check::check_defs(&defs, &names));
    out.extend(index.diagnostics.iter().cloned());
    // The body of an entity declared twice is still checked for its own
    // errors (only the first declaration is evaluated). Rare: the parses are
    // read only when the index reported a duplicate.
    if !index.diagnostics.is_empty() {
        for (i, f) in ws.files(db).iter().enumerate() {
            let parsed = parse_file(db, *f);
            for (j, item) in parsed.ast.items.iter().enumerate() {
                let ItemKind::Entity(e) = &item.kind else {
                    continue;
                };
                let first = index
                    .by_name
                    .get(&e.name.text)
                    .is_some_and(|l| l.file_index == i && l.item == j);
                if !first {
                    out.extend(lower_entity(&defs, &*index, f.path(db), item, e).diagnostics);
                }
            }
        }
    }
    Arc::new(out)
}

/// The diagnostics located in one file, sorted: what an editor shows for it.
/// A plain function over memoised parts (the parse, the checks, each entity's
/// findings): memoising the concatenation would keep a second copy of them.
pub fn file_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let path = file.path(db);
    let mut out: Vec<Diagnostic> = parse_file(db, file).diagnostics.clone();
    out.extend(
        def_checks(db, ws)
            .iter()
            .filter(|d| d.location.file == *path)
            .cloned(),
    );
    for (_, found) in file_findings(db, FileKey::new(db, ws, file))
        .entities
        .iter()
    {
        out.extend(found.iter().filter(|d| d.location.file == *path).cloned());
    }
    crate::diag::sort(&mut out);
    out.dedup();
    out
}

/// Every diagnostic of the workspace, sorted: the files' diagnostics (each
/// sorted, and the sort key starts with the path) in path order.
pub fn workspace_diagnostics(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let mut files: Vec<SourceFile> = ws.files(db).clone();
    files.sort_by(|a, b| a.path(db).cmp(b.path(db)));
    let mut out = Vec::new();
    for f in files {
        out.extend(file_diagnostics(db, ws, f));
    }
    Arc::new(out)
}

/// A one-shot run (`hegui check`, [`crate::Analysis::diagnostics_once`])
/// reads each file's findings once, copies them out and never asks again, so
/// after each chunk of files it sheds the memos that dominate the peak: the
/// findings and all but a few parse trees (each ~20 bytes per byte of text;
/// the lowered entities are kept: other files read them). Salsa evicts only
/// values whose use it tracked: [`track_for_shedding`] goes first. Eviction
/// drops values, not dependencies: a later read recomputes them, equal to
/// what a fresh analysis gives. The language server never calls these (its
/// `file_findings` is not LRU-bounded: `lru = 0`).
pub fn track_for_shedding(db: &mut Database) {
    file_findings::set_lru_capacity(db, usize::MAX);
}

/// See [`track_for_shedding`].
pub fn shed(db: &mut Database) {
    use salsa::Database as _;
    parse_file::set_lru_capacity(db, 8);
    file_findings::set_lru_capacity(db, 1);
    db.trigger_lru_eviction();
}

/// The evaluator's view of the database. It logs what it reads of other
/// entities, groups and tables (`file_findings` keeps the log).
pub struct SalsaWorld<'db> {
    pub db: &'db dyn Db,
    pub ws: Workspace,
    pub defs: Arc<Defs>,
    reads: ReadLog,
}

impl<'db> SalsaWorld<'db> {
    pub fn new(db: &'db dyn Db, ws: Workspace, defs: Arc<Defs>) -> SalsaWorld<'db> {
        SalsaWorld {
            db,
            ws,
            defs,
            reads: ReadLog::default(),
        }
    }
}

impl World for SalsaWorld<'_> {
    fn defs(&self) -> &Defs {
        &self.defs
    }
    fn entity(&self, name: &str) -> Option<Arc<EntityData>> {
        self.reads.data(name);
        entity_data(self.db, EntityKey::new(self.db, self.ws, name))
    }
    fn entity_head(&self, name: &str) -> Option<Arc<EntityHead>> {
        self.reads.head(name);
        entity_head(self.db, EntityKey::new(self.db, self.ws, name))
    }
    // Read only when a rule aborts (a cycle, the budget): only those findings
    // depend on where the definitions are.
    fn rule_origin(&self, id: &str) -> Option<crate::model::defs::Origin> {
        def_positions(self.db, self.ws)
            .rules
            .get(id)
            .map(|r| r.origin.clone())
    }
    fn all_of_kind(&self, kind: &str) -> Arc<Vec<Arc<str>>> {
        Arc::new(
            entity_index(self.db, self.ws)
                .by_kind
                .get(kind)
                .cloned()
                .unwrap_or_default(),
        )
    }
    fn group_by(&self, kind: &str, field: &str, key: &Value) -> Arc<Vec<Arc<str>>> {
        if key.is_unknown() {
            return self.all_of_kind(kind);
        }
        let value = group_value(key);
        self.reads.group(kind, field, &value);
        let groups = group_index(
            self.db,
            GroupKey::new(self.db, self.ws, kind.to_string(), field.to_string()),
        );
        let known = groups.get(&value).cloned().unwrap_or_default();
        // Entities whose key is unknown may belong to this group too.
        match groups.get(&unknown_group()) {
            None => known,
            Some(maybe) => {
                let mut all: Vec<Arc<str>> = known.iter().chain(maybe.iter()).cloned().collect();
                all.sort();
                Arc::new(all)
            }
        }
    }
    fn today(&self) -> Option<Date> {
        self.ws.today(self.db)
    }
    fn range_table(&self, plan: &PlanKey, key: &Value) -> Option<Arc<RangeTable>> {
        let (set, at) = self.defs.plans.locate(plan)?;
        let value = group_value(key);
        self.reads.table(set, &value);
        let tables = group_tables(self.db, TableKey::new(self.db, self.ws, set, value))?;
        tables.get(at)?.clone()
    }
}
