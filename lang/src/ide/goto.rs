//! Go to definition, find references, rename.

use super::refs::{definition, occurrence_at, occurrences, Target};
use crate::diag::{Edit, Location};
use crate::Analysis;

/// Where the name under the cursor is declared (stdlib files included).
pub fn goto_definition(a: &Analysis, path: &str, offset: usize) -> Option<Location> {
    let occ = occurrence_at(a, path, offset)?;
    definition(a, &occ.target)
}

/// Every place the name under the cursor is written, across the workspace.
pub fn references(a: &Analysis, path: &str, offset: usize, with_decl: bool) -> Vec<Location> {
    let Some(occ) = occurrence_at(a, path, offset) else {
        return Vec::new();
    };
    references_of(a, &occ.target, with_decl)
}

pub fn references_of(a: &Analysis, t: &Target, with_decl: bool) -> Vec<Location> {
    let mut out = Vec::new();
    for p in a.all_paths() {
        for o in occurrences(a, &p).iter() {
            if &o.target == t && (with_decl || !o.decl) {
                out.push(Location {
                    file: p.clone(),
                    span: o.span,
                });
            }
        }
    }
    out
}

/// Why a rename was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NothingToRename,
    InvalidName,
    /// The name is declared or used in the read-only standard library.
    InStdlib,
}

/// The edits that rename the entity, rule or constant under the cursor.
pub fn rename(
    a: &Analysis,
    path: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let occ = occurrence_at(a, path, offset).ok_or(RenameError::NothingToRename)?;
    let valid = match occ.target {
        Target::Rule(_) => is_rule_id(new_name),
        _ => is_name(new_name),
    };
    if !valid {
        return Err(RenameError::InvalidName);
    }
    let locs = references_of(a, &occ.target, true);
    if locs.iter().any(|l| a.is_stdlib(&l.file)) {
        return Err(RenameError::InStdlib);
    }
    Ok(locs
        .into_iter()
        .map(|location| Edit {
            location,
            new_text: new_name.to_string(),
        })
        .collect())
}

use crate::syntax::keywords::EXPR as KEYWORDS;

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

fn is_rule_id(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && !s.ends_with('.')
}
