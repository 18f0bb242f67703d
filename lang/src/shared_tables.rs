//! The definitions and the entity index as workspace inputs (see
//! `Workspace::shared_defs`): every entity's lowering reads both, so read
//! through the queries over every file they would take the durability of the
//! file being typed in, and salsa would walk every memo of every file on each
//! keystroke. Copied into the input, they are as durable as the files that
//! are not being edited. This keeps the copies equal to what the files give.

use crate::db::{self, Database, SourceFile, Workspace};
use crate::syntax::ast::{Item, SourceAst};
use salsa::Setter;
use std::sync::Arc;

/// What changed since the copies were last made equal to the files.
#[derive(Default)]
pub(crate) enum Stale {
    /// Nothing: the copies are the files'.
    #[default]
    No,
    /// These files' texts, with what the tables read of each before.
    Texts(Vec<(SourceFile, Arc<Vec<Item>>, Arc<SourceAst>)>),
    /// Files added or removed (or the copies were never made).
    All,
}

impl Stale {
    /// Called before `file`'s text is set: keeps what the tables read of it.
    pub(crate) fn text_changing(&mut self, db: &Database, file: SourceFile) {
        match self {
            Stale::All => {}
            Stale::No => {
                *self = Stale::Texts(vec![before(db, file)]);
            }
            Stale::Texts(list) => {
                if list.iter().all(|(f, ..)| *f != file) {
                    list.push(before(db, file));
                }
            }
        }
    }

    /// Files were added or removed: the copies are dropped at once (the
    /// queries read the files' own until [`Stale::share`] runs), as callers
    /// may remove many files in a row.
    pub(crate) fn files_changed(&mut self, db: &mut Database, ws: Workspace) {
        if ws.shared_defs(db).is_some() {
            ws.set_shared_defs(db).to(None);
        }
        if ws.shared_index(db).is_some() {
            ws.set_shared_index(db).to(None);
        }
        *self = Stale::All;
    }

    /// Makes the copies equal to what the files give. An edit that leaves
    /// every edited file's definitions and entity headers equal leaves the
    /// tables equal, and nothing workspace-wide is verified for it.
    pub(crate) fn share(&mut self, db: &mut Database, ws: Workspace) {
        match std::mem::take(self) {
            Stale::No => return,
            Stale::Texts(list) => {
                let shared = ws.shared_defs(db).is_some()
                    // Duplicate-name diagnostics carry the spans of every copy.
                    && ws.shared_index(db).is_some_and(|i| i.diagnostics.is_empty());
                let same = |(f, items, heads): &(SourceFile, Arc<Vec<Item>>, Arc<SourceAst>)| {
                    equal(&db::file_def_items(db, *f), items)
                        && equal(&db::file_entities(db, *f), heads)
                };
                if shared && list.iter().all(same) {
                    return;
                }
            }
            Stale::All => {}
        }
        let defs = db::definitions_of_files(db, ws);
        if !ws.shared_defs(db).is_some_and(|d| equal(&d, &defs)) {
            ws.set_shared_defs(db).to(Some(defs));
        }
        let index = db::index_of_files(db, ws);
        if !ws.shared_index(db).is_some_and(|i| equal(&i, &index)) {
            ws.set_shared_index(db).to(Some(index));
        }
    }
}

fn before(db: &Database, file: SourceFile) -> (SourceFile, Arc<Vec<Item>>, Arc<SourceAst>) {
    (
        file,
        db::file_def_items(db, file),
        db::file_entities(db, file),
    )
}

fn equal<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}
