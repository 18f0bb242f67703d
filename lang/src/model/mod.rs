//! The semantic model: definitions (schemas, enums, trees, rules, …), entities
//! lowered against them, and the static checks of both.

pub mod defs;
pub(crate) mod entity;
pub mod types;
pub(crate) mod unknown;
pub mod value;

pub use defs::Defs;
pub use entity::{EntityData, EntityIndex};
pub use value::Value;

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(wrong, c);
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}
