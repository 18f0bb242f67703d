//! `hegui check --format json`: one object per finding (see docs/cli.md).

use super::{position, Sources};
use hegui_lang::diag::{Diagnostic, MissingFact, Status};
use hegui_lang::waiver::Waiver;
use serde_json::json;

pub fn finding(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let ((sl, sc), (el, ec)) = position(sources, &d.location.file, d.location.span);
    let mut v = json!({
        "rule": d.code,
        "severity": d.severity.as_str(),
        "message": d.message_text(),
        "citations": d.citations(),
        "file": d.location.file,
        "span": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
        "notes": d.notes().collect::<Vec<_>>(),
        "status": d.status.as_str(),
        "suppressed": d.status == Status::Waived,
    });
    // The subject named by its kind (absent for no entity).
    if let Some(name) = &d.subject {
        let kind = sources
            .analysis
            .entity_index()
            .by_name
            .get(name)
            .map(|l| l.kind.clone());
        v["subject"] = json!({"kind": kind, "name": name});
    }
    if let Some(w) = &d.waiver {
        v["waiver"] = waiver(w, sources, d.status != Status::Waived);
    }
    if !d.missing.is_empty() {
        v["missing"] = missing(&d.missing, sources);
    }
    if let Some(o) = &d.obligation {
        v["obligation"] = obligation(o);
    }
    if !d.fixes.is_empty() {
        v["fixes"] = d
            .fixes
            .iter()
            .map(|f| {
                let edits: Vec<serde_json::Value> = f
                    .edits
                    .iter()
                    .map(|e| {
                        let ((sl, sc), (el, ec)) =
                            position(sources, &e.location.file, e.location.span);
                        json!({
                            "file": e.location.file,
                            "span": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
                            "new_text": e.new_text,
                        })
                    })
                    .collect();
                json!({"title": f.title, "edits": edits})
            })
            .collect();
    }
    if !d.labels.is_empty() {
        v["related"] = d
            .labels
            .iter()
            .map(|l| {
                let ((line, column), _) = position(sources, &l.location.file, l.location.span);
                json!({"file": l.location.file, "line": line, "column": column, "message": l.message})
            })
            .collect();
    }
    v
}

/// A waiver as JSON: what it covers, why, who approved it, until when, and
/// where it is declared; `expired` when it no longer holds.
pub fn waiver(w: &Waiver, sources: &Sources, expired: bool) -> serde_json::Value {
    let ((line, column), _) = position(sources, &w.location.file, w.location.span);
    json!({
        "rules": w.rules,
        "subjects": w.subjects,
        "reason": w.reason,
        "approver": w.approver,
        "approved": w.approved.to_string(),
        "until": w.until.map(|d| d.to_string()),
        "expired": expired,
        "file": w.location.file,
        "line": line,
        "column": column,
    })
}

/// The facts an undetermined finding waits for: entity, field, where the
/// entity is declared, and what value would decide it.
pub fn missing(facts: &[MissingFact], sources: &Sources) -> serde_json::Value {
    facts
        .iter()
        .map(|m| {
            let ((sl, sc), (el, ec)) = position(sources, &m.location.file, m.location.span);
            json!({
                "entity": m.entity,
                "field": m.field,
                "file": m.location.file,
                "span": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
                "decides": m.decides,
            })
        })
        .collect()
}

/// `check --format json`'s document. Its fields are in the order a JSON map
/// sorts them (the output is what `json!` gave), and the findings are
/// serialised one at a time, never all held as JSON values.
#[derive(serde::Serialize)]
pub struct Check<'a> {
    pub findings: Findings<'a>,
    pub run: serde_json::Value,
    pub summary: serde_json::Value,
}

pub struct Findings<'a> {
    pub diags: &'a [Diagnostic],
    pub sources: &'a Sources<'a>,
}

impl serde::Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.diags.iter().map(|d| finding(d, self.sources)))
    }
}

/// An obligation: its text, its due day, and its exact time (Beijing time)
/// where the rule counts the deadline in hours.
pub(crate) fn obligation(o: &hegui_lang::diag::ObligationDue) -> serde_json::Value {
    let mut v = json!({"text": &*o.text, "due": o.due.map(|d| d.to_string())});
    if let Some(t) = o.due_at {
        v["due_at"] = json!(hegui_lang::syntax::datetime::display(&t));
    }
    v
}
