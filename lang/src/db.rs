//! The incremental engine. File texts are inputs; parsing, the definition
//! table, the entity index, each entity's lowering and each entity's findings
//! are tracked queries. Editing one flow re-lowers and re-evaluates that flow,
//! and only the flows whose aggregates read it (through `group_index`).

use crate::check;
use crate::diag::Diagnostic;
use crate::eval::rules::findings_for;
use crate::eval::World;
use crate::model::defs::{self, Defs, SourceRef};
use crate::model::entity::lower_entity;
use crate::model::{EntityData, EntityIndex, Value};
use crate::syntax::{self, ast::ItemKind, Parsed};
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

#[salsa::db]
pub trait Db: salsa::Database {}

/// The database the CLI and the language server share.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    /// Names of the queries executed, when logging is on (tests of reuse).
    log: Arc<Mutex<Option<Vec<String>>>>,
}

impl Default for Database {
    fn default() -> Self {
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
        Database { storage, log }
    }
}

impl Database {
    /// Starts recording which queries execute.
    pub fn start_log(&self) {
        if let Ok(mut g) = self.log.lock() {
            *g = Some(Vec::new());
        }
    }
    /// The queries executed since `start_log`.
    pub fn take_log(&self) -> Vec<String> {
        self.log
            .lock()
            .ok()
            .and_then(|mut g| g.as_mut().map(std::mem::take))
            .unwrap_or_default()
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}

#[salsa::tracked(returns(clone))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Arc<Parsed> {
    Arc::new(syntax::parse(file.path(db), file.text(db)))
}

#[salsa::tracked(returns(clone))]
pub fn definitions(db: &dyn Db, ws: Workspace) -> Arc<Defs> {
    let parsed: Vec<(SourceFile, Arc<Parsed>)> = ws
        .files(db)
        .iter()
        .map(|f| (*f, parse_file(db, *f)))
        .collect();
    let refs: Vec<SourceRef> = parsed
        .iter()
        .map(|(f, p)| SourceRef {
            path: f.path(db).as_str(),
            parsed: p,
            stdlib: f.stdlib(db),
        })
        .collect();
    Arc::new(defs::build(&refs))
}

#[salsa::tracked(returns(clone))]
pub fn entity_index(db: &dyn Db, ws: Workspace) -> Arc<EntityIndex> {
    let parsed: Vec<(String, Arc<Parsed>)> = ws
        .files(db)
        .iter()
        .map(|f| (f.path(db).clone(), parse_file(db, *f)))
        .collect();
    Arc::new(EntityIndex::build(
        parsed.iter().map(|(p, x)| (p.as_str(), &x.ast)),
    ))
}

#[salsa::tracked(returns(clone))]
pub fn entity_data<'db>(db: &'db dyn Db, key: EntityKey<'db>) -> Option<Arc<EntityData>> {
    let ws = key.ws(db);
    let index = entity_index(db, ws);
    let loc = index.by_name.get(key.name(db))?;
    let file = *ws.files(db).iter().find(|f| *f.path(db) == loc.file)?;
    let parsed = parse_file(db, file);
    let item = parsed.ast.items.get(loc.item)?;
    let ItemKind::Entity(e) = &item.kind else {
        return None;
    };
    let defs = definitions(db, ws);
    Some(Arc::new(lower_entity(&defs, &*index, &loc.file, item, e)))
}

/// Entities of a kind grouped by the value of one field: the index behind
/// `sum(f in flows where f.from == flow.from …)`. It re-runs when any entity
/// changes, but is equal (and so reused) unless the grouping changed.
#[salsa::tracked(returns(clone))]
pub fn group_index<'db>(
    db: &'db dyn Db,
    key: GroupKey<'db>,
) -> Arc<HashMap<Value, Arc<Vec<Arc<str>>>>> {
    let ws = key.ws(db);
    let index = entity_index(db, ws);
    let mut groups: HashMap<Value, Vec<Arc<str>>> = HashMap::new();
    for name in index
        .by_kind
        .get(key.kind(db))
        .map(|v| v.as_slice())
        .unwrap_or(&[])
    {
        let Some(e) = entity_data(db, EntityKey::new(db, ws, name.to_string())) else {
            continue;
        };
        let v = e
            .fields
            .get(key.field(db))
            .map(|f| group_value(&f.value))
            .unwrap_or(Value::None);
        groups.entry(v).or_default().push(name.clone());
    }
    Arc::new(groups.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
}

/// Members group by name: their fields do not take part in equality.
fn group_value(v: &Value) -> Value {
    match v {
        Value::Member { ty, name, .. } => Value::Member {
            ty: ty.clone(),
            name: name.clone(),
            fields: None,
        },
        other => other.clone(),
    }
}

/// Lowering diagnostics and rule findings of one entity.
#[salsa::tracked(returns(clone))]
pub fn entity_findings<'db>(db: &'db dyn Db, key: EntityKey<'db>) -> Arc<Vec<Diagnostic>> {
    let ws = key.ws(db);
    let Some(e) = entity_data(db, key) else {
        return Arc::new(Vec::new());
    };
    let world = SalsaWorld {
        db,
        ws,
        defs: definitions(db, ws),
    };
    let mut out = e.diagnostics.clone();
    out.extend(findings_for(&world, &e, ws.as_of(db)));
    Arc::new(out)
}

#[salsa::tracked(returns(clone))]
pub fn def_checks(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let defs = definitions(db, ws);
    let index = entity_index(db, ws);
    let names: BTreeSet<String> = index.by_name.keys().cloned().collect();
    let mut out = defs.diagnostics.clone();
    out.extend(check::check_defs(&defs, &names));
    out.extend(index.diagnostics.iter().cloned());
    Arc::new(out)
}

/// Every diagnostic of the workspace, sorted: syntax, definitions, checks, findings.
#[salsa::tracked(returns(clone))]
pub fn workspace_diagnostics(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let mut out = Vec::new();
    for f in ws.files(db) {
        out.extend(parse_file(db, *f).diagnostics.iter().cloned());
    }
    out.extend(def_checks(db, ws).iter().cloned());
    let index = entity_index(db, ws);
    for name in index.by_name.keys() {
        out.extend(
            entity_findings(db, EntityKey::new(db, ws, name.clone()))
                .iter()
                .cloned(),
        );
    }
    crate::diag::sort(&mut out);
    out.dedup();
    Arc::new(out)
}

/// The evaluator's view of the database.
pub struct SalsaWorld<'db> {
    pub db: &'db dyn Db,
    pub ws: Workspace,
    pub defs: Arc<Defs>,
}

impl World for SalsaWorld<'_> {
    fn defs(&self) -> &Defs {
        &self.defs
    }
    fn entity(&self, name: &str) -> Option<Arc<EntityData>> {
        entity_data(self.db, EntityKey::new(self.db, self.ws, name.to_string()))
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
        let groups = group_index(
            self.db,
            GroupKey::new(self.db, self.ws, kind.to_string(), field.to_string()),
        );
        groups.get(&group_value(key)).cloned().unwrap_or_default()
    }
}
