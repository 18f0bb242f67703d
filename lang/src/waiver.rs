//! Waivers: findings a team accepts, with a reason, an approval and an expiry.
//!
//! ```hegui
//! waive GBT39725-7.q on sg_backup {
//!   reason "已通过数据出境安全评估" "Covered by the CAC security assessment"
//!   approved "王芳（数据保护官）" on 2026-02-03
//!   until 2027-01-19
//! }
//! ```
//!
//! Waivers are applied as a step after the findings are computed, so the
//! evaluator never sees them: a covered finding gets `Status::Waived` and the
//! waiver; once the evaluation date (`--today`) is past `until`, the finding
//! stays active and says its waiver expired. A waiver without reason, approver
//! or approval date, naming an unknown rule, or covering no finding is an error.

use crate::diag::{Diagnostic, Location, Severity, Status, Text};
use crate::syntax::ast::{Item, ItemKind, Span, WaiveDecl};
use jiff::civil::Date;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Waiver {
    pub rules: Vec<String>,
    /// Entity names or quoted patterns (`*` matches any run of characters).
    pub subjects: Vec<String>,
    pub reason: Text,
    pub approver: String,
    pub approved: Date,
    /// The last day the waiver holds; `None`: until withdrawn.
    pub until: Option<Date>,
    /// The `waive` item.
    pub location: Location,
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters.
pub fn matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

impl Waiver {
    pub fn covers(&self, d: &Diagnostic) -> bool {
        let Some(subject) = &d.subject else {
            return false;
        };
        self.rules.contains(&d.code) && self.subjects.iter().any(|p| matches(p, subject))
    }

    /// Expired when the evaluation date is past `until`. Without an evaluation
    /// date, a waiver with an expiry cannot be known to hold: it does not.
    pub fn expired(&self, today: Option<Date>) -> bool {
        match (self.until, today) {
            (None, _) => false,
            (Some(u), Some(t)) => t > u,
            (Some(_), None) => true,
        }
    }

    /// "reason (approved by X on D, until U)" in one language.
    pub fn describe(&self, lang: crate::diag::Lang) -> String {
        let reason = self.reason.get(lang);
        match (lang, self.until) {
            (crate::diag::Lang::Zh, Some(u)) => format!(
                "{reason}（{} 于 {} 批准，有效至 {u}）",
                self.approver, self.approved
            ),
            (crate::diag::Lang::Zh, None) => {
                format!("{reason}（{} 于 {} 批准）", self.approver, self.approved)
            }
            (crate::diag::Lang::En, Some(u)) => format!(
                "{reason} (approved by {} on {}, until {u})",
                self.approver, self.approved
            ),
            (crate::diag::Lang::En, None) => {
                format!(
                    "{reason} (approved by {} on {})",
                    self.approver, self.approved
                )
            }
        }
    }
}

/// The waivers of a workspace, and what is wrong with the incomplete ones.
#[derive(Clone, Debug, Default)]
pub struct Waivers {
    pub list: Vec<Box<Waiver>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A text given in one language only stands for both (it is the user's own
/// wording, not an interface string).
fn both(l: &crate::syntax::ast::Label) -> Option<Text> {
    let zh = l.zh.as_ref().map(|s| s.text.trim().to_string());
    let en = l.en.as_ref().map(|s| s.text.trim().to_string());
    let (zh, en) = match (zh, en) {
        (Some(z), Some(e)) => (z, e),
        (Some(z), None) => (z.clone(), z),
        (None, Some(e)) => (e.clone(), e),
        (None, None) => return None,
    };
    (!zh.is_empty() || !en.is_empty()).then(|| {
        let zh = if zh.is_empty() { en.clone() } else { zh };
        let en = if en.is_empty() { zh.clone() } else { en };
        Text::new(zh, en)
    })
}

fn one(path: &str, item_span: Span, w: &WaiveDecl, out: &mut Waivers) {
    let head = Span {
        start: item_span.start,
        end: w
            .subjects
            .last()
            .map(|s| s.span.end)
            .unwrap_or(item_span.end),
    };
    let mut missing: Vec<Text> = Vec::new();
    let reason = w.reason.as_ref().and_then(both);
    if reason.is_none() {
        missing.push(Text::new("理由（reason）", "a reason (`reason`)"));
    }
    let approver = w
        .approver
        .as_ref()
        .map(|s| s.text.trim().to_string())
        .filter(|s| !s.is_empty());
    if approver.is_none() {
        missing.push(Text::new(
            "批准人与批准日期（approved \"…\" on DATE）",
            "who approved it and when (`approved \"…\" on DATE`)",
        ));
    }
    for r in &w.repeated {
        out.diagnostics.push(Diagnostic::error(
            "waiver",
            path,
            *r,
            Text::new("豁免中此子句重复", "this clause is repeated in the waiver"),
        ));
    }
    if !missing.is_empty() {
        let zh: Vec<&str> = missing.iter().map(|t| t.zh.as_str()).collect();
        let en: Vec<&str> = missing.iter().map(|t| t.en.as_str()).collect();
        out.diagnostics.push(Diagnostic::error(
            "waiver",
            path,
            head,
            Text::new(
                format!("豁免缺少{}，不予适用", zh.join("、")),
                format!("the waiver lacks {}: it is not applied", en.join(" and ")),
            ),
        ));
        return;
    }
    let (Some(reason), Some(approver), Some((approved, _))) = (reason, approver, w.approved) else {
        return;
    };
    out.list.push(Box::new(Waiver {
        rules: w.rules.iter().map(|r| r.text.clone()).collect(),
        subjects: w.subjects.iter().map(|s| s.text.clone()).collect(),
        reason,
        approver,
        approved,
        until: w.until.map(|(d, _)| d),
        location: Location {
            file: path.to_string(),
            span: head,
        },
    }));
}

/// The waivers declared in `files` (path and items, user files only).
pub fn collect<'a>(files: impl IntoIterator<Item = (&'a str, &'a [Item])>) -> Waivers {
    let mut out = Waivers::default();
    for (path, items) in files {
        for item in items {
            if let ItemKind::Waive(w) = &item.kind {
                one(path, item.span, w, &mut out);
            }
        }
    }
    out
}

/// Marks the findings the waivers cover: waived, or active again with a note
/// when the waiver expired before `today`.
pub fn apply(diags: &mut [Diagnostic], waivers: &Waivers, today: Option<Date>) {
    if waivers.list.is_empty() {
        return;
    }
    for d in diags.iter_mut() {
        if d.status == Status::Waived {
            continue;
        }
        let Some(w) = waivers.list.iter().find(|w| w.covers(d)) else {
            continue;
        };
        d.waiver = Some(w.clone());
        if w.expired(today) {
            let until = w.until.map(|u| u.to_string()).unwrap_or_default();
            d.notes.push(Text::new(
                format!(
                    "豁免已于 {until} 到期，此项重新生效（豁免见 {}）",
                    w.location.file
                ),
                format!(
                    "the waiver expired on {until}: this finding is active again (waiver in {})",
                    w.location.file
                ),
            ));
        } else {
            d.status = Status::Waived;
            d.notes.push(Text::new(
                format!("已豁免：{}", w.describe(crate::diag::Lang::Zh)),
                format!("waived: {}", w.describe(crate::diag::Lang::En)),
            ));
        }
    }
}

/// What is wrong with the waivers declared in `file` (every file when `None`):
/// incomplete ones, unknown rule ids, waivers that cover no finding, and
/// expired ones (a warning: their findings are active again). `findings_of`
/// gives the findings about one entity; `entities` are every entity's name.
pub fn problems(
    waivers: &Waivers,
    file: Option<&str>,
    rule_ids: &dyn Fn(&str) -> bool,
    rule_candidates: &[&str],
    entities: &[&str],
    findings_of: &dyn Fn(&str) -> Vec<Diagnostic>,
    today: Option<Date>,
) -> Vec<Diagnostic> {
    let here = |l: &Location| file.is_none_or(|f| f == l.file);
    let mut out: Vec<Diagnostic> = waivers
        .diagnostics
        .iter()
        .filter(|d| here(&d.location))
        .cloned()
        .collect();
    for w in waivers.list.iter().filter(|w| here(&w.location)) {
        let at = |code: &str, severity: Severity, msg: Text| {
            Diagnostic::new(code, severity, &w.location.file, w.location.span, msg)
        };
        let mut unknown = false;
        for r in w.rules.iter().filter(|r| !rule_ids(r)) {
            unknown = true;
            out.push(
                at(
                    "waiver",
                    Severity::Error,
                    Text::new(format!("没有编号为 `{r}` 的规则"), format!("no rule `{r}`")),
                )
                .did_you_mean(crate::model::suggest(r, rule_candidates.iter().copied()).as_deref()),
            );
        }
        let covered: usize = entities
            .iter()
            .filter(|e| w.subjects.iter().any(|p| matches(p, e)))
            .map(|e| findings_of(e).iter().filter(|d| w.covers(d)).count())
            .sum();
        if covered == 0 && !unknown {
            out.push(at(
                "waiver-unused",
                Severity::Error,
                Text::new(
                    "此豁免不覆盖任何发现（规则与对象均须匹配）",
                    "this waiver covers no finding (both a rule and a subject must match)",
                ),
            ));
        } else if covered > 0 && w.expired(today) {
            let until = w.until.map(|u| u.to_string()).unwrap_or_default();
            out.push(at(
                "waiver-expired",
                Severity::Warning,
                Text::new(
                    format!("此豁免已于 {until} 到期：{covered} 项发现重新生效"),
                    format!(
                        "this waiver expired on {until}: {} active again",
                        match covered {
                            1 => "1 finding is".to_string(),
                            n => format!("{n} findings are"),
                        }
                    ),
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("sg_backup", "sg_backup"));
        assert!(!matches("sg_backup", "sg_backup2"));
        assert!(matches("sg_*", "sg_backup"));
        assert!(matches("*_backup", "sg_backup"));
        assert!(matches("*", "x"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxc"));
        assert!(!matches("ab*ba", "aba"));
    }
}
