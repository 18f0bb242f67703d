//! The one diagnostic type: syntax errors, checker errors and rule findings are
//! all `Diagnostic`s. The CLI renders them for the terminal (`cli/src/render.rs`),
//! the language server converts them (in `lsp/`), JSON serialises them.

use crate::syntax::ast::Span;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;

/// A text in both languages the tool speaks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    #[default]
    En,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Where a finding stands, beside its severity: a rule finding that holds
/// (`Active`), one whose facts are not known well enough to decide it
/// (`Undetermined`: the facts are named in its notes), or one accepted with a
/// reason (`Waived`). Language diagnostics (syntax, unknown names) are always
/// `Active`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    Undetermined,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Undetermined => "undetermined",
            Status::Waived => "waived",
        }
    }
}

/// A place in a workspace file, named by its path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SecondaryLabel {
    pub location: Location,
    pub message: Text,
}

/// A replacement of a span's text, offered as a quick fix.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Edit {
    pub location: Location,
    pub new_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    pub title: Text,
    pub edits: Vec<Edit>,
}

/// What a finding obliges the processor to do, and by when.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObligationDue {
    /// The rule's obligation label, shared by its findings.
    pub text: Arc<Text>,
    /// The day it falls due: overdue is judged against the evaluation day.
    pub due: Option<Date>,
    /// The exact time (Beijing time) where the rule counts the deadline in
    /// hours; `due` is then its day.
    pub due_at: Option<jiff::civil::DateTime>,
}

impl ObligationDue {
    /// The deadline as outputs write it: to the minute where the rule gives
    /// one, else the day.
    pub fn due_text(&self) -> Option<String> {
        match (self.due_at, self.due) {
            (Some(t), _) => Some(crate::syntax::datetime::display(&t)),
            (None, Some(d)) => Some(d.to_string()),
            (None, None) => None,
        }
    }
}

/// The constant part of a rule's findings, built once per rule and shared
/// (`Arc`) by all of them: what each finding would otherwise copy.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RuleInfo {
    pub title: Text,
    pub citations: Arc<[Text]>,
    /// The message templates (zh, en) with holes for the values a finding
    /// computes; `None`: the message is the title.
    pub message: Option<[Box<[Piece]>; 2]>,
    /// The obligation's label, where the rule has one.
    pub obligation: Option<Arc<Text>>,
}

/// A piece of a message template: text, or the `n`th value of the finding
/// (counted over the zh template, then the en one).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    Text(Box<str>),
    Hole(u16),
}

/// A diagnostic's message. A rule finding keeps only the values of its
/// template's holes, each already written in its template's language (an
/// enumeration member by its label); the text is put together when output
/// is written ([`Diagnostic::message`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// A language diagnostic's or a computed text.
    Text(Text),
    /// The rule's title (a rule with no `message`).
    Title,
    /// The rule's message template, filled with these values.
    Filled(Arc<[Box<str>]>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A rule id (`PIPL-38`) or a language diagnostic code (`syntax`, `unknown-field`).
    pub code: String,
    pub severity: Severity,
    pub status: Status,
    /// Read it with [`Diagnostic::message`] (rule findings render it from their rule).
    pub message: Message,
    pub location: Location,
    pub labels: Vec<SecondaryLabel>,
    /// The diagnostic's own notes; [`Diagnostic::notes`] adds the rule's title.
    pub notes: Vec<Text>,
    /// The rule a finding is of (`None` for language diagnostics).
    pub rule: Option<Arc<RuleInfo>>,
    pub obligation: Option<ObligationDue>,
    pub fixes: Vec<Fix>,
    /// The entity (flow, dataset, …) a rule finding is about.
    pub subject: Option<String>,
    /// The waiver covering the finding: it is `Waived`, or `Active` again
    /// when the waiver expired.
    pub waiver: Option<Box<crate::waiver::Waiver>>,
    /// An undetermined finding's facts not declared, each with what value
    /// would decide it where that is computable.
    pub missing: Vec<MissingFact>,
}

/// A deciding fact not declared, named by its entity and field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct MissingFact {
    pub entity: String,
    pub field: String,
    /// Where the entity is declared.
    pub location: Location,
    /// What value of it decides the rule ("at 1,000,000 or more"), from the
    /// comparison it fed; `None` when no single comparison decides.
    pub decides: Option<Text>,
}

impl Diagnostic {
    pub fn new(
        code: &str,
        severity: Severity,
        file: &str,
        span: Span,
        message: Text,
    ) -> Diagnostic {
        Diagnostic {
            code: code.to_string(),
            severity,
            status: Status::Active,
            message: Message::Text(message),
            location: Location {
                file: file.to_string(),
                span,
            },
            labels: Vec::new(),
            notes: Vec::new(),
            rule: None,
            obligation: None,
            fixes: Vec::new(),
            subject: None,
            waiver: None,
            missing: Vec::new(),
        }
    }
    pub fn error(code: &str, file: &str, span: Span, message: Text) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, file, span, message)
    }
    pub fn with_note(mut self, note: Text) -> Diagnostic {
        self.notes.push(note);
        self
    }
    pub fn with_label(mut self, file: &str, span: Span, message: Text) -> Diagnostic {
        self.labels.push(SecondaryLabel {
            location: Location {
                file: file.to_string(),
                span,
            },
            message,
        });
        self
    }
    /// Adds a "did you mean" note when a close candidate exists.
    pub fn did_you_mean(self, candidate: Option<&str>) -> Diagnostic {
        match candidate {
            Some(s) => self.with_note(Text::new(
                format!("是否指 `{s}`？"),
                format!("did you mean `{s}`?"),
            )),
            None => self,
        }
    }
    pub fn with_status(mut self, status: Status) -> Diagnostic {
        self.status = status;
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    /// The message in `lang`: a rule finding's put together from its
    /// rule's template and its values.
    pub fn message(&self, lang: Lang) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        let i = usize::from(lang == Lang::En);
        match (&self.message, &self.rule) {
            (Message::Text(t), _) => Cow::Borrowed(t.get(lang)),
            (Message::Title, Some(r)) => Cow::Borrowed(r.title.get(lang)),
            (Message::Filled(values), Some(r)) => match &r.message {
                Some(templates) => {
                    // A rule with an en message only says it in zh too.
                    let i = if templates[0].is_empty() { 1 } else { i };
                    let mut out = String::new();
                    for piece in templates[i].iter() {
                        match piece {
                            Piece::Text(t) => out.push_str(t),
                            Piece::Hole(n) => {
                                out.push_str(values.get(*n as usize).map_or("", |v| v))
                            }
                        }
                    }
                    Cow::Owned(out)
                }
                None => Cow::Borrowed(r.title.get(lang)),
            },
            (_, None) => Cow::Borrowed(""),
        }
    }
    /// The message in both languages.
    pub fn message_text(&self) -> Text {
        Text::new(self.message(Lang::Zh), self.message(Lang::En))
    }
    /// The rule's citations (none for a language diagnostic).
    pub fn citations(&self) -> &[Text] {
        self.rule.as_ref().map_or(&[], |r| &r.citations)
    }
    /// The notes: the rule's title first where the message is not the
    /// title, then the diagnostic's own.
    pub fn notes(&self) -> impl Iterator<Item = &Text> {
        let title = match (&self.rule, &self.message) {
            (Some(r), Message::Text(_) | Message::Filled(_)) => Some(&r.title),
            _ => None,
        };
        title.into_iter().chain(&self.notes)
    }

    /// The deterministic order of output: by file, position, code, message.
    pub fn cmp_order(&self, other: &Diagnostic) -> std::cmp::Ordering {
        fn key(d: &Diagnostic) -> (&str, u32, u32, &str) {
            let l = &d.location;
            (&l.file, l.span.start, l.span.end, &d.code)
        }
        key(self)
            .cmp(&key(other))
            .then_with(|| self.message(Lang::En).cmp(&other.message(Lang::En)))
    }
}

pub fn sort(diags: &mut [Diagnostic]) {
    // A stable sort of a big list needs scratch space for half of it; its
    // order is found on indices instead, then applied in place (the same
    // order: a stable sort has one answer).
    if diags.len() < 1024 {
        diags.sort_by(|a, b| a.cmp_order(b));
        return;
    }
    let mut order: Vec<u32> = (0..diags.len() as u32).collect();
    order.sort_by(|&a, &b| diags[a as usize].cmp_order(&diags[b as usize]));
    permute(diags, &mut order);
}

/// Puts `items[order[i]]` at `i`, following each cycle of the permutation
/// (`order` is consumed: visited places are marked with their own index).
fn permute<T>(items: &mut [T], order: &mut [u32]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] as usize != start {
            let from = order[at] as usize;
            items.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
}

#[cfg(test)]
mod permute_tests {
    #[test]
    fn permute_places_each_item_where_the_order_says() {
        let mut seed = 11u64;
        for len in [0usize, 1, 2, 3, 10, 100, 1000] {
            let mut order: Vec<u32> = (0..len as u32).collect();
            for i in (1..len).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            let items: Vec<usize> = (0..len).map(|i| i * 7 + 3).collect();
            let want: Vec<usize> = order.iter().map(|&i| items[i as usize]).collect();
            let mut got = items.clone();
            super::permute(&mut got, &mut order.clone());
            assert_eq!(got, want);
        }
    }
}
