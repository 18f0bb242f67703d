//! Which files an edit can have changed the diagnostics of, so that
//! [`crate::Analysis::changed_diagnostics`] asks only those again instead of
//! having salsa verify every file's memo (at 10,000 flows that verification
//! alone took most of an edit's time).
//!
//! Each file's evaluation records what it read of the workspace — entities,
//! their heads, groups and prefix-sum tables — as hashed keys ([`ReadLog`]).
//! [`Readers`] inverts them. Before an edit changes a file, [`Before`] keeps
//! what others could read of it; after, [`affected`] compares and collects
//! the readers of what differs. A hash collision only adds a reader, never
//! loses one. Anything the keys do not cover — definitions, the set of
//! entities, a grouping key that is unknown — answers "every file".

use crate::db::{
    self, file_def_items, file_entities, file_groups, group_tables, EntityKey, FileGroupKey,
    GroupTables, SourceFile, TableKey, Workspace,
};
use crate::eval::EntityHead;
use crate::model::{EntityData, Value};
use crate::syntax::ast::{Item, SourceAst};
use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One thing an evaluation read; values are grouping values (`db::group_value`).
#[derive(Hash)]
enum Read<'a> {
    /// An entity's fields.
    Data(&'a str),
    /// An entity's kind, file and name span (a finding's label of it).
    Head(&'a str),
    /// The members of a group: kind, field, value.
    Group(&'a str, &'a str, &'a Value),
    /// The tables of a plan set for a group.
    Table(u32, &'a Value),
}

fn key(r: Read) -> u64 {
    let mut h = DefaultHasher::new();
    r.hash(&mut h);
    h.finish()
}

/// What one file's evaluation read, in the order met (duplicates included).
#[derive(Default)]
pub struct ReadLog {
    keys: RefCell<Vec<u64>>,
    pairs: RefCell<Vec<(String, String)>>,
}

impl ReadLog {
    pub fn data(&self, name: &str) {
        self.keys.borrow_mut().push(key(Read::Data(name)));
    }
    pub fn head(&self, name: &str) {
        self.keys.borrow_mut().push(key(Read::Head(name)));
    }
    pub fn group(&self, kind: &str, field: &str, value: &Value) {
        self.keys
            .borrow_mut()
            .push(key(Read::Group(kind, field, value)));
        let mut pairs = self.pairs.borrow_mut();
        if !pairs.iter().any(|(k, f)| k == kind && f == field) {
            pairs.push((kind.to_string(), field.to_string()));
        }
    }
    pub fn table(&self, set: u32, value: &Value) {
        self.keys.borrow_mut().push(key(Read::Table(set, value)));
    }
    pub fn finish(self) -> Arc<Reads> {
        let mut keys = self.keys.into_inner();
        keys.sort_unstable();
        keys.dedup();
        Arc::new(Reads {
            keys,
            pairs: self.pairs.into_inner(),
        })
    }
}

/// What one file's evaluation read: keys sorted, without duplicates, and the
/// (kind, field) groupings it asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    keys: Vec<u64>,
    pairs: Vec<(String, String)>,
}

/// The reverse of every file's [`Reads`]: who read what.
#[derive(Default)]
pub struct Readers {
    by_key: HashMap<u64, Vec<SourceFile>>,
    of_file: HashMap<SourceFile, Arc<Reads>>,
    /// Every grouping any file asked for (never shrinks: a superset is safe).
    pairs: BTreeSet<(String, String)>,
}

impl Readers {
    /// Records what `file` reads now, replacing what it read before.
    pub fn set(&mut self, file: SourceFile, reads: Arc<Reads>) {
        if let Some(old) = self.of_file.get(&file) {
            if Arc::ptr_eq(old, &reads) || **old == *reads {
                return;
            }
            for k in &old.keys {
                if let Some(v) = self.by_key.get_mut(k) {
                    v.retain(|f| *f != file);
                }
            }
        }
        for k in &reads.keys {
            self.by_key.entry(*k).or_default().push(file);
        }
        self.pairs.extend(reads.pairs.iter().cloned());
        self.of_file.insert(file, reads);
    }

    fn add_readers(&self, r: Read, to: &mut HashSet<SourceFile>) {
        if let Some(files) = self.by_key.get(&key(r)) {
            to.extend(files.iter().copied());
        }
    }

    fn is_read(&self, r: Read) -> bool {
        self.by_key.get(&key(r)).is_some_and(|v| !v.is_empty())
    }
}

type Pair = (String, String);
/// An entity of the file as its readers saw it: name, head, fields.
type Seen = (String, Option<Arc<EntityHead>>, Option<Arc<EntityData>>);
/// A table of a plan set for a group the file has members in.
type SeenTable = ((u32, Value), Option<Arc<GroupTables>>);
type Part = Arc<Vec<(Value, Arc<str>)>>;

/// What others could read of one file, taken before an edit changes it.
pub struct Before {
    defs: Arc<Vec<Item>>,
    heads_ast: Arc<SourceAst>,
    entities: Vec<Seen>,
    groups: Vec<(Pair, Part)>,
    tables: Vec<SeenTable>,
}

/// The groupings to compare: those asked for, and those of the plan sets.
fn pairs(db: &dyn db::Db, ws: Workspace, readers: &Readers) -> BTreeSet<Pair> {
    let mut out = readers.pairs.clone();
    for s in &db::definitions(db, ws).plans.sets {
        out.insert((s.kind.to_string(), s.eq_field.to_string()));
    }
    out
}

fn part(db: &dyn db::Db, ws: Workspace, file: SourceFile, (kind, field): &Pair) -> Part {
    file_groups(
        db,
        FileGroupKey::new(db, ws, file, kind.clone(), field.clone()),
    )
}

fn names(db: &dyn db::Db, ws: Workspace, file: SourceFile) -> Vec<String> {
    db::entity_index(db, ws)
        .by_file
        .get(file.path(db))
        .cloned()
        .unwrap_or_default()
}

impl Before {
    pub fn take(db: &dyn db::Db, ws: Workspace, file: SourceFile, readers: &Readers) -> Before {
        let entities = names(db, ws, file)
            .into_iter()
            .map(|n| {
                let k = EntityKey::new(db, ws, n.as_str());
                (n, db::entity_head(db, k), db::entity_data(db, k))
            })
            .collect();
        let groups: Vec<(Pair, Part)> = pairs(db, ws, readers)
            .into_iter()
            .map(|p| {
                let g = part(db, ws, file, &p);
                (p, g)
            })
            .collect();
        let mut tables = Vec::new();
        for (i, s) in db::definitions(db, ws).plans.sets.iter().enumerate() {
            let pair = (s.kind.to_string(), s.eq_field.to_string());
            let Some((_, members)) = groups.iter().find(|(p, _)| *p == pair) else {
                continue;
            };
            let values: HashSet<&Value> = members.iter().map(|(v, _)| v).collect();
            for v in values {
                if readers.is_read(Read::Table(i as u32, v)) {
                    let t = group_tables(db, TableKey::new(db, ws, i as u32, v.clone()));
                    tables.push(((i as u32, v.clone()), t));
                }
            }
        }
        Before {
            defs: file_def_items(db, file),
            heads_ast: file_entities(db, file),
            entities,
            groups,
            tables,
        }
    }
}

fn by_value(part: &[(Value, Arc<str>)]) -> HashMap<&Value, Vec<&str>> {
    let mut m: HashMap<&Value, Vec<&str>> = HashMap::new();
    for (v, n) in part {
        m.entry(v).or_default().push(n);
    }
    for names in m.values_mut() {
        names.sort_unstable();
    }
    m
}

/// The values whose members differ between two parts of a grouping.
fn moved(old: &[(Value, Arc<str>)], new: &[(Value, Arc<str>)]) -> HashSet<Value> {
    let (a, b) = (by_value(old), by_value(new));
    let mut out = HashSet::new();
    for (v, names) in &a {
        if b.get(v) != Some(names) {
            out.insert((*v).clone());
        }
    }
    for v in b.keys() {
        if !a.contains_key(v) {
            out.insert((*v).clone());
        }
    }
    out
}

/// The files whose diagnostics the edits of the files in `before` can have
/// changed (those files included), or `None` when that is not known short of
/// asking every file: a definition or the set of entities changed, or an
/// entity's grouping key is or was unknown (it is a member of every group).
pub fn affected(
    db: &dyn db::Db,
    ws: Workspace,
    before: &[(SourceFile, Before)],
    readers: &Readers,
) -> Option<HashSet<SourceFile>> {
    let mut out = HashSet::new();
    let defs = db::definitions(db, ws);
    for (file, b) in before {
        let file = *file;
        out.insert(file);
        if file_def_items(db, file) != b.defs || file_entities(db, file) != b.heads_ast {
            return None;
        }
        for (name, head, data) in &b.entities {
            let k = EntityKey::new(db, ws, name.as_str());
            let now = db::entity_data(db, k);
            if now != *data {
                // The tables' parts read their members' facts, and those may
                // read entities of other kinds (a flow's datasets, parties),
                // which the keys do not follow: a change to one of those
                // asks every file.
                let member = |e: &Option<Arc<EntityData>>| {
                    e.as_ref()
                        .is_none_or(|e| defs.plans.sets.iter().any(|s| *s.kind == *e.kind))
                };
                if !member(data) || !member(&now) {
                    return None;
                }
                readers.add_readers(Read::Data(name), &mut out);
            }
            if db::entity_head(db, k) != *head {
                readers.add_readers(Read::Head(name), &mut out);
            }
        }
        for (pair, old) in &b.groups {
            let new = part(db, ws, file, pair);
            if Arc::ptr_eq(old, &new) || *old == new {
                continue;
            }
            let moved = moved(old, &new);
            if moved.iter().any(Value::is_unknown) {
                return None;
            }
            for v in &moved {
                readers.add_readers(Read::Group(&pair.0, &pair.1, v), &mut out);
                // A table of a group whose members changed changed too.
                for (i, s) in defs.plans.sets.iter().enumerate() {
                    if *s.kind == *pair.0 && *s.eq_field == *pair.1 {
                        readers.add_readers(Read::Table(i as u32, v), &mut out);
                    }
                }
            }
        }
        // A member's data may enter its group's tables.
        if b.groups
            .iter()
            .any(|(_, g)| g.iter().any(|(v, _)| v.is_unknown()))
        {
            return None;
        }
        for ((set, v), old) in &b.tables {
            let new = group_tables(db, TableKey::new(db, ws, *set, v.clone()));
            let same = match (old, &new) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                (a, b) => a.is_none() && b.is_none(),
            };
            if !same {
                readers.add_readers(Read::Table(*set, v), &mut out);
            }
        }
    }
    Some(out)
}
