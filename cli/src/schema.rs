//! `hegui schema`: the JSON Schema (draft 2020-12) of JSON/YAML declaration
//! files, generated from the schemas, enumerations and category trees the
//! standard library declares — never written by hand, so it follows the law
//! files. See `decl.rs` for how such a file becomes `.hegui` text.

use hegui_lang::diag::Text;
use hegui_lang::model::defs::Defs;
use hegui_lang::model::types::{FieldDef, Ty};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const ID: &str = "https://hegui.dev/schema/declarations.json";

fn titled(mut v: Value, label: &Text, doc: Option<&String>) -> Value {
    if let Value::Object(m) = &mut v {
        if !label.en.is_empty() {
            m.insert("title".into(), json!(label.en));
        }
        let mut desc = label.zh.clone();
        if let Some(d) = doc {
            desc = format!("{desc} — {d}");
        }
        if !desc.is_empty() {
            m.insert("description".into(), json!(desc));
        }
    }
    v
}

fn ty(t: &Ty) -> Value {
    match t {
        Ty::Int => json!({"type": "integer", "minimum": 0}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Str => json!({"type": "string"}),
        Ty::Date => {
            json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        Ty::DateTime => json!({
            "type": "string",
            "description": "Beijing time, no zone: YYYY-MM-DDTHH:MM[:SS]",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"
        }),
        Ty::Duration => json!({
            "type": "string",
            "pattern": "^[0-9][0-9_]* (day|days|working_day|working_days|month|months|year|years|hour|hours)$"
        }),
        Ty::Enum(n) => json!({"$ref": format!("#/$defs/enum.{n}")}),
        Ty::Tree(n) => json!({"$ref": format!("#/$defs/tree.{n}")}),
        Ty::Entity(n) => {
            json!({"$ref": "#/$defs/name", "description": format!("the name of a {n}")})
        }
        Ty::List(inner) => json!({"type": "array", "items": ty(inner)}),
        Ty::Record(fields) => {
            let props: Map<String, Value> =
                fields.iter().map(|(k, t)| (k.clone(), ty(t))).collect();
            json!({"type": "object", "properties": props, "additionalProperties": false})
        }
        Ty::Any => json!({}),
    }
}

fn fields_object(fields: &BTreeMap<String, FieldDef>, entity: bool) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    if entity {
        props.insert("name".into(), json!({"$ref": "#/$defs/name"}));
        props.insert("label".into(), json!({"$ref": "#/$defs/label"}));
        required.push(json!("name"));
    }
    for (k, f) in fields {
        let mut v = titled(ty(&f.ty), &f.label, f.doc.as_ref());
        if f.required && f.default.is_none() {
            required.push(json!(k));
        } else {
            // An optional field may be stated as absent (`none`).
            v = json!({"anyOf": [v, {"type": "null"}], "title": f.label.en});
        }
        props.insert(k.clone(), v);
    }
    json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

pub fn generate(defs: &Defs) -> Value {
    let mut d = Map::new();
    d.insert(
        "name".into(),
        json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}),
    );
    d.insert(
        "label".into(),
        json!({
            "description": "显示名称 / display name: one text, or one per language",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}, "additionalProperties": false}
            ]
        }),
    );
    for (name, s) in &defs.schemas {
        d.insert(
            name.clone(),
            titled(fields_object(&s.fields, true), &s.label, s.doc.as_ref()),
        );
    }
    for (name, e) in &defs.enums {
        let plain: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
        let mut alts = vec![json!({"enum": plain})];
        for m in e.members.iter().filter(|m| !m.fields.is_empty()) {
            let mut one = Map::new();
            one.insert(m.name.clone(), fields_object(&m.fields, false));
            alts.push(titled(
                json!({
                    "type": "object",
                    "properties": one,
                    "required": [m.name],
                    "additionalProperties": false,
                }),
                &m.label,
                m.doc.as_ref(),
            ));
        }
        d.insert(
            format!("enum.{name}"),
            titled(json!({"oneOf": alts}), &e.label, e.doc.as_ref()),
        );
    }
    for (name, t) in &defs.trees {
        // Full paths, and the short forms that name one node unambiguously.
        let mut written: Vec<String> = Vec::new();
        for n in &t.nodes {
            written.push(n.path.join("."));
            for k in 1..n.path.len() {
                let suffix = &n.path[k..];
                if t.resolve(suffix).is_some_and(|x| x.path == n.path) {
                    written.push(suffix.join("."));
                }
            }
        }
        written.sort();
        written.dedup();
        d.insert(
            format!("tree.{name}"),
            titled(
                json!({"type": "string", "enum": written}),
                &t.label,
                t.doc.as_ref(),
            ),
        );
    }
    let mut top = Map::new();
    top.insert("$schema".into(), json!({"type": "string"}));
    for (plural, kind) in &defs.plurals {
        top.insert(
            plural.clone(),
            json!({"type": "array", "items": {"$ref": format!("#/$defs/{kind}")}}),
        );
    }
    // The kinds a file declares, by their labels (the schemas' own words).
    let kinds = defs.schemas_in_order(|_| false);
    let label = |lang: hegui_lang::diag::Lang, sep: &str| {
        kinds
            .iter()
            .filter(|s| s.plural.is_some())
            .map(|s| s.label.get(lang).to_string())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let description = format!(
        "合规声明文件（*.hegui.json / *.hegui.yaml）：{} / hegui declaration files: {}",
        label(hegui_lang::diag::Lang::Zh, "、"),
        label(hegui_lang::diag::Lang::En, ", ")
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ID,
        "title": "hegui declarations",
        "description": description,
        "type": "object",
        "properties": top,
        "additionalProperties": false,
        "$defs": d,
    })
}
