//! Unknown values. A fact that decides whether a duty applies but was not
//! declared is *unknown*, not zero and not false: the evaluator carries it as
//! a value that remembers which facts (entity, field) it came from and, for
//! numbers, the interval the true value lies in (a declared number is never
//! negative, so an absent count lies in 0..=MAX; a sum whose unknown elements
//! cannot move it across a threshold still decides the comparison).
//!
//! Fact sets are interned process-wide, so an unknown value is a `u32` and two
//! interval ends: values stay small and compare in O(1). The interner only
//! grows (sets are few: one per combination of missing facts actually met).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

/// One fact not known: a field of an entity, either not declared or declared
/// with an input error (wrong type, unknown reference, invalid date, …).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fact {
    pub entity: Arc<str>,
    pub field: Arc<str>,
    /// Declared, but with an input error: conclusions that read it are not drawn.
    pub invalid: bool,
}

/// The most facts a set names; beyond it the set keeps the first by name
/// (enough to tell a user what to declare, bounded for pathological sums).
pub const MAX_FACTS: usize = 64;

/// An interned, sorted set of facts. The top bit says whether any of them is
/// invalid, so that taint is checked without a look-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FactSet(u32);

const INVALID: u32 = 1 << 31;

struct Interner {
    sets: Vec<Arc<[Fact]>>,
    /// Keyed by the facts and whether any (including any dropped beyond
    /// `MAX_FACTS`) is invalid.
    ids: HashMap<(Arc<[Fact]>, bool), u32>,
    unions: HashMap<(u32, u32), u32>,
}

static SETS: LazyLock<RwLock<Interner>> = LazyLock::new(|| {
    let empty: Arc<[Fact]> = Arc::from(Vec::new());
    RwLock::new(Interner {
        sets: vec![empty.clone()],
        ids: HashMap::from([((empty, false), 0)]),
        unions: HashMap::new(),
    })
});

fn intern(facts: Vec<Fact>) -> FactSet {
    intern_with(facts, false)
}

/// `invalid`: some fact dropped from a set being merged was invalid.
fn intern_with(mut facts: Vec<Fact>, invalid: bool) -> FactSet {
    facts.sort();
    facts.dedup();
    let invalid = invalid || facts.iter().any(|f| f.invalid);
    facts.truncate(MAX_FACTS);
    let key = (Arc::from(facts), invalid);
    if let Some(id) = SETS.read().ok().and_then(|s| s.ids.get(&key).copied()) {
        return FactSet(id);
    }
    let Ok(mut s) = SETS.write() else {
        return FactSet(0);
    };
    if let Some(id) = s.ids.get(&key) {
        return FactSet(*id);
    }
    let id = s.sets.len() as u32 | if invalid { INVALID } else { 0 };
    s.sets.push(key.0.clone());
    s.ids.insert(key, id);
    FactSet(id)
}

impl FactSet {
    pub const EMPTY: FactSet = FactSet(0);

    /// A fact not declared.
    pub fn one(entity: &str, field: &str) -> FactSet {
        intern(vec![Fact {
            entity: Arc::from(entity),
            field: Arc::from(field),
            invalid: false,
        }])
    }

    /// A fact declared with an input error.
    pub fn invalid(entity: &str, field: &str) -> FactSet {
        intern(vec![Fact {
            entity: Arc::from(entity),
            field: Arc::from(field),
            invalid: true,
        }])
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether any of the facts has an input error.
    pub fn has_invalid(self) -> bool {
        self.0 & INVALID != 0
    }

    /// The facts, sorted by entity then field.
    pub fn facts(self) -> Arc<[Fact]> {
        SETS.read()
            .ok()
            .and_then(|s| s.sets.get((self.0 & !INVALID) as usize).cloned())
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }

    pub fn union(self, other: FactSet) -> FactSet {
        if self == other || other.is_empty() {
            return self;
        }
        if self.is_empty() {
            return other;
        }
        let key = (self.0.min(other.0), self.0.max(other.0));
        if let Some(id) = SETS.read().ok().and_then(|s| s.unions.get(&key).copied()) {
            return FactSet(id);
        }
        let mut all: Vec<Fact> = self.facts().to_vec();
        all.extend(other.facts().iter().cloned());
        let u = intern_with(all, self.has_invalid() || other.has_invalid());
        if let Ok(mut s) = SETS.write() {
            s.unions.insert(key, u.0);
        }
        u
    }
}

/// A value not known, with what is known about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unknown {
    pub facts: FactSet,
    /// For numbers: the true value lies in `lo..=hi`. Other unknowns span
    /// the whole range (the bounds then say nothing).
    pub lo: i64,
    pub hi: i64,
}

impl Unknown {
    /// Nothing known about it but where it came from.
    pub fn of(facts: FactSet) -> Unknown {
        Unknown {
            facts,
            lo: i64::MIN,
            hi: i64::MAX,
        }
    }

    /// An undeclared number (declared numbers are never negative).
    pub fn count(facts: FactSet) -> Unknown {
        Unknown {
            facts,
            lo: 0,
            hi: i64::MAX,
        }
    }

    pub fn with_facts(self, more: FactSet) -> Unknown {
        Unknown {
            facts: self.facts.union(more),
            ..self
        }
    }
}

/// Kleene's three truth values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown(FactSet),
}

impl Truth {
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, t) | (t, Truth::True) => t,
            (Truth::Unknown(a), Truth::Unknown(b)) => Truth::Unknown(a.union(b)),
        }
    }
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, t) | (t, Truth::False) => t,
            (Truth::Unknown(a), Truth::Unknown(b)) => Truth::Unknown(a.union(b)),
        }
    }
    pub fn negate(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            u => u,
        }
    }
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

/// An interval of integers, saturating at the ends of `i64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub lo: i64,
    pub hi: i64,
}

impl Interval {
    pub const ZERO: Interval = Interval { lo: 0, hi: 0 };
    pub fn exact(n: i64) -> Interval {
        Interval { lo: n, hi: n }
    }
    pub fn plus(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo.saturating_add(o.lo),
            hi: self.hi.saturating_add(o.hi),
        }
    }
    pub fn negated(self) -> Interval {
        Interval {
            lo: self.hi.saturating_neg(),
            hi: self.lo.saturating_neg(),
        }
    }
    pub fn times(self, o: Interval) -> Interval {
        let c = [
            self.lo.saturating_mul(o.lo),
            self.lo.saturating_mul(o.hi),
            self.hi.saturating_mul(o.lo),
            self.hi.saturating_mul(o.hi),
        ];
        Interval {
            lo: c.iter().copied().min().unwrap_or(i64::MIN),
            hi: c.iter().copied().max().unwrap_or(i64::MAX),
        }
    }
    /// Integer division; a divisor that may be zero says nothing.
    pub fn divided_by(self, o: Interval) -> Interval {
        if o.lo <= 0 && o.hi >= 0 {
            return Interval {
                lo: i64::MIN,
                hi: i64::MAX,
            };
        }
        let c = [
            self.lo.saturating_div(o.lo),
            self.lo.saturating_div(o.hi),
            self.hi.saturating_div(o.lo),
            self.hi.saturating_div(o.hi),
        ];
        Interval {
            lo: c.iter().copied().min().unwrap_or(i64::MIN),
            hi: c.iter().copied().max().unwrap_or(i64::MAX),
        }
    }
    /// What an element contributes when it may or may not be counted.
    pub fn or_zero(self) -> Interval {
        Interval {
            lo: self.lo.min(0),
            hi: self.hi.max(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_interned_and_unions_sorted() {
        let a = FactSet::one("acme", "persons_processed");
        let b = FactSet::one("ds1", "records");
        assert_eq!(a, FactSet::one("acme", "persons_processed"));
        assert_ne!(a, b);
        let ab = a.union(b);
        assert_eq!(ab, b.union(a));
        assert_eq!(ab.union(a), ab);
        let names: Vec<String> = ab
            .facts()
            .iter()
            .map(|f| format!("{}.{}", f.entity, f.field))
            .collect();
        assert_eq!(names, ["acme.persons_processed", "ds1.records"]);
        assert_eq!(a.union(FactSet::EMPTY), a);
        assert!(FactSet::EMPTY.facts().is_empty());
        assert!(!ab.has_invalid());
        let bad = FactSet::invalid("ds1", "subjects");
        assert!(bad.has_invalid());
        assert!(ab.union(bad).has_invalid());
        assert_eq!(ab.union(bad).facts().len(), 3);
    }

    #[test]
    fn kleene_truth_tables() {
        let u = Truth::Unknown(FactSet::one("x", "f"));
        let (t, f) = (Truth::True, Truth::False);
        assert_eq!(u.and(f), f);
        assert_eq!(f.and(u), f);
        assert_eq!(u.and(t), u);
        assert_eq!(u.or(t), t);
        assert_eq!(t.or(u), t);
        assert_eq!(u.or(f), u);
        assert_eq!(u.negate(), u);
        assert_eq!(t.negate(), f);
        let v = Truth::Unknown(FactSet::one("y", "g"));
        assert_eq!(
            u.and(v),
            Truth::Unknown(FactSet::one("x", "f").union(FactSet::one("y", "g")))
        );
    }

    #[test]
    fn intervals() {
        let a = Interval { lo: 0, hi: 10 };
        assert_eq!(a.plus(Interval::exact(5)), Interval { lo: 5, hi: 15 });
        assert_eq!(a.negated(), Interval { lo: -10, hi: 0 });
        assert_eq!(
            a.times(Interval { lo: -2, hi: 3 }),
            Interval { lo: -20, hi: 30 }
        );
        assert_eq!(a.divided_by(Interval { lo: -1, hi: 1 }).lo, i64::MIN);
        assert_eq!(a.divided_by(Interval::exact(2)), Interval { lo: 0, hi: 5 });
        assert_eq!(Interval::exact(7).or_zero(), Interval { lo: 0, hi: 7 });
        let big = Interval {
            lo: 0,
            hi: i64::MAX,
        };
        assert_eq!(big.plus(big).hi, i64::MAX);
    }

    #[test]
    fn sets_are_bounded() {
        let many: Vec<FactSet> = (0..100)
            .map(|i| FactSet::one(&format!("e{i:03}"), "f"))
            .collect();
        let all = many.iter().fold(FactSet::EMPTY, |acc, s| acc.union(*s));
        assert_eq!(all.facts().len(), MAX_FACTS);
        assert_eq!(&*all.facts()[0].entity, "e000");
    }
}
