//! Runtime values of the policy language.

use super::unknown::{FactSet, Interval, Truth, Unknown};
use crate::syntax::ast::Unit;
use jiff::civil::{Date, DateTime};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Absent: an optional field not given, `none`, or the result of an error.
    None,
    Bool(bool),
    Int(i64),
    Str(Arc<str>),
    Date(Date),
    /// A date-time, Beijing time (see `syntax::datetime`).
    DateTime(DateTime),
    Duration(i64, Unit),
    Range(Date, Date),
    /// An enumeration member, with the fields it carries (`standard_contract { signed = … }`).
    Member {
        ty: Arc<str>,
        name: Arc<str>,
        fields: Option<Arc<BTreeMap<String, Value>>>,
    },
    /// A node of a category tree, by its full path.
    Node {
        tree: Arc<str>,
        path: Arc<[String]>,
    },
    /// A declared party, dataset, flow, … by name.
    Entity(Arc<str>),
    List(Arc<Vec<Value>>),
    Record(Arc<BTreeMap<String, Value>>),
    /// Not known: a deciding fact was not declared (see `unknown.rs`).
    Unknown(Unknown),
}

impl Value {
    pub fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }
    /// The value as a condition: `true` is true, unknown is unknown, anything
    /// else (`false`, `none`, …) is false.
    pub fn truth(&self) -> Truth {
        match self {
            Value::Bool(true) => Truth::True,
            Value::Unknown(u) => Truth::Unknown(u.facts),
            _ => Truth::False,
        }
    }
    pub fn from_truth(t: Truth) -> Value {
        match t {
            Truth::True => Value::Bool(true),
            Truth::False => Value::Bool(false),
            Truth::Unknown(f) => Value::Unknown(Unknown::of(f)),
        }
    }
    /// The facts an unknown value came from (empty for a known value).
    pub fn unknown_facts(&self) -> FactSet {
        match self {
            Value::Unknown(u) => u.facts,
            _ => FactSet::EMPTY,
        }
    }
    /// The integers the value may be: itself, or an unknown's bounds.
    pub fn interval(&self) -> Option<Interval> {
        match self {
            Value::Int(n) => Some(Interval::exact(*n)),
            Value::Unknown(u) => Some(Interval { lo: u.lo, hi: u.hi }),
            _ => None,
        }
    }
    /// A number known to lie in `iv`: known when the interval is one point.
    pub fn int_between(facts: FactSet, iv: Interval) -> Value {
        if iv.lo == iv.hi {
            Value::Int(iv.lo)
        } else {
            Value::Unknown(Unknown {
                facts,
                lo: iv.lo,
                hi: iv.hi,
            })
        }
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// Equality as the language sees it: members compare by name (their fields
    /// are details), everything else structurally.
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Member { ty: a, name: n, .. }, Value::Member { ty: b, name: m, .. }) => {
                a == b && n == m
            }
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y))
            }
            // Not known to be equal (the evaluator says "unknown" at the top).
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => false,
            _ => self == other,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "none"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{}", group_digits(*n)),
            Value::Str(s) => write!(f, "{s}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::DateTime(t) => write!(f, "{}", crate::syntax::datetime::display(t)),
            Value::Duration(n, u) => {
                let unit = match u {
                    Unit::Days => "days",
                    Unit::WorkingDays => "working_days",
                    Unit::Months => "months",
                    Unit::Years => "years",
                    Unit::Hours => "hours",
                };
                write!(f, "{n} {unit}")
            }
            Value::Range(a, b) => write!(f, "{a}..{b}"),
            Value::Member { name, .. } => write!(f, "{name}"),
            Value::Node { path, .. } => write!(f, "{}", path.join(".")),
            Value::Entity(n) => write!(f, "{n}"),
            // Language-neutral: it appears in zh and en messages alike.
            Value::Unknown(_) => write!(f, "?"),
            Value::List(items) => {
                write!(f, "[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Value::Record(r) => {
                write!(f, "{{")?;
                for (i, (k, v)) in r.iter().enumerate() {
                    if i > 0 {
                        write!(f, ",")?;
                    }
                    write!(f, " {k} = {v}")?;
                }
                write!(f, " }}")
            }
        }
    }
}

impl Value {
    /// The value as it would be written in a declaration (for quick fixes).
    pub fn to_source(&self) -> String {
        match self {
            Value::None => "none".into(),
            Value::Int(n) => n.to_string(),
            Value::Str(s) => format!("{:?}", s.as_ref()),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.to_source()).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Member {
                name,
                fields: Some(f),
                ..
            } if !f.is_empty() => {
                let parts: Vec<String> = f
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.to_source()))
                    .collect();
                format!("{name} {{ {} }}", parts.join(" "))
            }
            Value::Record(r) => {
                let parts: Vec<String> = r
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.to_source()))
                    .collect();
                format!("{{ {} }}", parts.join(" "))
            }
            other => other.to_string(),
        }
    }
}

/// 130000 → "130,000": how people read thresholds.
pub fn group_digits(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
