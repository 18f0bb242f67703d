//! `hegui check --format json`: one object per finding (see docs/cli.md).

use super::{position, Sources};
use hegui_lang::diag::Diagnostic;
use serde_json::json;

pub fn finding(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let ((sl, sc), (el, ec)) = position(sources, &d.location.file, d.location.span);
    let mut v = json!({
        "rule": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "citations": d.citations,
        "file": d.location.file,
        "span": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
        "flow": d.subject,
        "notes": d.notes,
    });
    if let Some(o) = &d.obligation {
        v["obligation"] = json!({"text": o.text, "due": o.due.map(|d| d.to_string())});
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
