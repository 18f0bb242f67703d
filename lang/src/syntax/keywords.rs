//! The reserved words of the grammar (`grammar.pest`), for the code that reads
//! or writes text without the grammar: the fast parser, the formatter,
//! completion and navigation.

/// Words that start an item at the top level.
pub const ITEM: &[&str] = &[
    "package", "use", "enum", "extend", "tree", "schema", "derive", "const", "calendar", "rule",
    "test", "waive", "view",
];

/// Words that start a clause in a waiver body.
pub const WAIVE_CLAUSE: &[&str] = &["reason", "approved", "until"];

/// Words that start an entry of a view body (`view flow { show persons }`).
pub const VIEW_CLAUSE: &[&str] = &["route", "summary", "show", "checklist", "hint"];

/// Words that start a clause in a rule body.
pub const RULE_CLAUSE: &[&str] = &[
    "cite",
    "effective",
    "until",
    "severity",
    "for",
    "let",
    "when",
    "require",
    "message",
    "obligation",
    "at",
    "fix",
    "penalty",
];

/// Words an expression reserves: never names.
pub const EXPR: &[&str] = &[
    "and", "or", "not", "in", "under", "if", "then", "else", "where", "true", "false", "none",
];

/// Dates an expression can name: the date whose law applies (`as_of`) and the
/// evaluation date (`today`, from `--today`).
pub const DATES: &[&str] = &["as_of", "today"];

/// Aggregate functions (`sum(x in … )`).
pub const AGGREGATE: &[&str] = &[
    "sum", "count", "any", "all", "min", "max", "filter", "map", "union",
];

/// Units of a duration literal.
pub const UNIT: &[&str] = &[
    "working_days",
    "working_day",
    "days",
    "day",
    "months",
    "month",
    "years",
    "year",
    "hours",
    "hour",
];
