//! Declaration files in JSON or YAML (`*.hegui.json`, `*.hegui.yaml`): the same
//! parties, datasets and flows as `.hegui` files, in the shape `hegui schema`
//! describes. Each file is converted into `.hegui` text that joins the
//! workspace under the file's own path; a map from the generated text back to
//! the original (entity and field keys) relocates its diagnostics.
//!
//! ```json
//! { "parties": [ { "name": "ruijin", "label": {"zh": "…", "en": "…"},
//!                  "jurisdiction": "CN-SH", "kind": "hospital" } ],
//!   "flows": [ { "name": "f", "mechanism": {"standard_contract": {"signed": "2026-02-10"}} } ] }
//! ```

use hegui_lang::diag::{Diagnostic, Text};
use hegui_lang::model::defs::Defs;
use hegui_lang::model::types::Ty;
use hegui_lang::syntax::ast::Span;
use serde_json::Value;

/// Generated `.hegui` text, (generated span, original span) pairs (inner
/// ones first), and notes for diagnostics inside a generated field.
pub struct Converted {
    pub text: String,
    pub map: Vec<(Span, Span)>,
    pub hints: Vec<(Span, Text)>,
}

pub fn is_decl_file(name: &str) -> bool {
    name.ends_with(".hegui.json") || name.ends_with(".hegui.yaml") || name.ends_with(".hegui.yml")
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| c.len_utf8())
                .sum();
            return off + col;
        }
        off += l.len();
    }
    text.len()
}

fn syntax(path: &str, text: &str, line: usize, column: usize, msg: String) -> Diagnostic {
    let at = offset_of(text, line, column);
    Diagnostic::error(
        "syntax",
        path,
        Span::new(at, (at + 1).min(text.len()).max(at)),
        Text::new(
            format!("声明文件无法解析：{msg}"),
            format!("the declaration file does not parse: {msg}"),
        ),
    )
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(x) if x.is_ascii_alphabetic() || x == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

fn is_path(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_ident)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The shape of a date-time (`2025-11-01T09:30`, seconds optional), left
/// unquoted for the parser to read and, if it is not a real one, to report.
fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    s.len() > 10
        && s.get(..10).is_some_and(is_date)
        && matches!(b.len(), 16 | 19)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && (b.len() == 16 || (b[16] == b':' && digits(17..19)))
}

/// Near enough to a date-time (`2025-11-03T9:30`, `…Z`) for a `datetime`
/// field: left unquoted so that the parser says what is wrong with it.
fn near_datetime(s: &str) -> bool {
    let Some((d, t)) = s.split_once('T') else {
        return false;
    };
    let t = t.strip_suffix('Z').unwrap_or(t);
    is_date(d)
        && t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '+' | '-'))
}

fn is_duration(s: &str) -> bool {
    let mut parts = s.split(' ').filter(|p| !p.is_empty());
    let (Some(n), Some(u), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    n.chars().all(|c| c.is_ascii_digit() || c == '_')
        && n.starts_with(|c: char| c.is_ascii_digit())
        && hegui_lang::syntax::keywords::UNIT.contains(&u)
}

pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a string given for an `int` or `bool` field was probably meant to
/// be: `"900,000"` → `900000`, `yes` → `true`.
fn meant(s: &str, ty: Option<&Ty>) -> Option<Text> {
    let t = s.trim();
    match ty? {
        Ty::Int => {
            let digits: String = t
                .chars()
                .filter(|c| !matches!(c, ',' | '_' | ' '))
                .collect();
            let ok = !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
                && digits.len() < t.len()
                && t.starts_with(|c: char| c.is_ascii_digit());
            ok.then(|| {
                Text::new(
                    format!("是否想写 {digits}？数字不加千位分隔符，也不加引号"),
                    format!(
                        "did you mean {digits}? Numbers take no thousands separators and no quotes"
                    ),
                )
            })
        }
        Ty::Bool => {
            let b = match t.to_ascii_lowercase().as_str() {
                "yes" | "y" | "on" | "true" => "true",
                "no" | "n" | "off" | "false" => "false",
                _ => return None,
            };
            Some(Text::new(
                format!("是否想写 {b}？布尔值只写 true 或 false（不加引号）"),
                format!("did you mean {b}? A yes/no value is written true or false, unquoted"),
            ))
        }
        _ => None,
    }
}

/// A JSON value as a `.hegui` value; `ty` is the declared type if known.
/// Strings that look like a mistyped number or boolean leave a note in `hints`.
fn value(v: &Value, ty: Option<&Ty>, defs: &Defs, hints: &mut Vec<Text>) -> String {
    if let (Value::String(s), Some(note)) = (v, v.as_str().and_then(|s| meant(s, ty))) {
        hints.push(note);
        return quote(s);
    }
    match v {
        Value::Null => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i >= 0 => i.to_string(),
            _ => quote(&n.to_string()),
        },
        Value::String(s) => match ty {
            Some(Ty::Str) => quote(s),
            _ if is_date(s) || is_datetime(s) || is_duration(s) => s.clone(),
            Some(Ty::DateTime) if near_datetime(s) => s.clone(),
            Some(Ty::Any) | None if is_path(s) && s != "true" && s != "false" => s.clone(),
            Some(Ty::Enum(_) | Ty::Tree(_) | Ty::Entity(_)) if is_path(s) => s.clone(),
            _ => quote(s),
        },
        Value::Array(items) => {
            let inner = match ty {
                Some(Ty::List(t)) => Some(&**t),
                _ => None,
            };
            let parts: Vec<String> = items.iter().map(|x| value(x, inner, defs, hints)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            // `{"member": {fields}}` is an enum member with fields (a variant).
            let variant = match ty {
                Some(Ty::Record(_)) => None,
                _ if map.len() == 1 => map
                    .iter()
                    .next()
                    .filter(|(k, v)| is_ident(k) && v.is_object()),
                _ => None,
            };
            if let Some((member, Value::Object(fields))) = variant {
                let member_fields = match ty {
                    Some(Ty::Enum(e)) => defs
                        .enums
                        .get(e)
                        .and_then(|e| e.member(member))
                        .map(|m| &m.fields),
                    _ => None,
                };
                let body: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| {
                        let t = member_fields.and_then(|f| f.get(k)).map(|f| &f.ty);
                        format!("{} = {}", key(k), value(v, t, defs, hints))
                    })
                    .collect();
                return format!("{member} {{ {} }}", body.join("  "));
            }
            let body: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let t = match ty {
                        Some(Ty::Record(r)) => r.get(k),
                        _ => None,
                    };
                    format!("{} = {}", key(k), value(v, t, defs, hints))
                })
                .collect();
            format!("{{ {} }}", body.join("  "))
        }
    }
}

/// A key that is not a name still yields parsable text: the checker reports it.
fn key(k: &str) -> String {
    if is_ident(k) {
        k.to_string()
    } else {
        let cleaned: String = k
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("invalid_{cleaned}")
    }
}

/// Where `key` (with the value `val`, if given) is written in the original text,
/// searching from `from`: JSON `"key": "val"` or YAML `key: val`.
fn find_key(text: &str, key: &str, val: Option<&str>, from: usize) -> Option<usize> {
    let mut at = from.min(text.len());
    while let Some(i) = text.get(at..).and_then(|t| t.find(key)) {
        let start = at + i;
        at = start + key.len();
        let before = text[..start].chars().next_back();
        let quoted = before == Some('"') || before == Some('\'');
        let rest = text[at..].trim_start_matches(['"', '\'']);
        let rest = rest.trim_start_matches([' ', '\t']);
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        if !quoted && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        match val {
            None => return Some(if quoted { start - 1 } else { start }),
            Some(v) => {
                let rest = rest
                    .trim_start_matches([' ', '\t'])
                    .trim_start_matches(['"', '\'']);
                if rest.starts_with(v)
                    && !rest[v.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                {
                    return Some(if quoted { start - 1 } else { start });
                }
            }
        }
    }
    None
}

fn line_span(text: &str, at: usize) -> Span {
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    Span::new(at, end)
}

/// Converts a declaration file; the error is the diagnostic to show.
pub fn convert(path: &str, text: &str, defs: &Defs) -> Result<Converted, Box<Diagnostic>> {
    convert_inner(path, text, defs).map_err(Box::new)
}

/// A YAML document as a JSON value (YAML 1.2 core schema: `yes` and
/// `2026-03-01` are strings, as in JSON); errors with their line and column.
#[expect(clippy::result_large_err, reason = "boxed once, by `convert`")]
fn yaml_to_json(path: &str, text: &str) -> Result<Value, Diagnostic> {
    use saphyr::{LoadableYamlNode, Scalar, Yaml};
    let docs = Yaml::load_from_str(text).map_err(|e| {
        let m = e.marker();
        syntax(path, text, m.line(), m.col() + 1, e.info().to_string())
    })?;
    fn conv(y: &Yaml) -> Result<Value, String> {
        Ok(match y {
            Yaml::Value(Scalar::Null) => Value::Null,
            Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
            Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
            Yaml::Value(Scalar::FloatingPoint(f)) => serde_json::Number::from_f64(f.into_inner())
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(f.to_string())),
            Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
            Yaml::Representation(s, _, _) => Value::String(s.to_string()),
            Yaml::Sequence(items) => {
                Value::Array(items.iter().map(conv).collect::<Result<_, _>>()?)
            }
            Yaml::Mapping(m) => {
                let mut out = serde_json::Map::new();
                for (k, v) in m {
                    let k = match conv(k)? {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return Err("a mapping key must be a plain value".into()),
                    };
                    out.insert(k, conv(v)?);
                }
                Value::Object(out)
            }
            Yaml::Tagged(_, inner) => conv(inner)?,
            Yaml::Alias(_) | Yaml::BadValue => {
                return Err("an alias or value that cannot be read".into())
            }
        })
    }
    match docs.as_slice() {
        [] => Ok(Value::Null),
        [doc] => conv(doc).map_err(|m| syntax(path, text, 1, 1, m)),
        _ => Err(syntax(
            path,
            text,
            1,
            1,
            "one YAML document per file".into(),
        )),
    }
}

#[expect(clippy::result_large_err, reason = "boxed once, by `convert`")]
fn convert_inner(path: &str, text: &str, defs: &Defs) -> Result<Converted, Diagnostic> {
    let doc: Value = if path.ends_with(".json") {
        serde_json::from_str(text)
            .map_err(|e| syntax(path, text, e.line(), e.column(), e.to_string()))?
    } else {
        yaml_to_json(path, text)?
    };
    // The kinds' plurals, in the schemas' declaration order.
    let kinds: Vec<&str> = defs
        .schemas_in_order(|_| false)
        .into_iter()
        .filter_map(|s| s.plural.as_deref())
        .collect();
    let example = format!(
        "{{{}}}",
        kinds
            .iter()
            .map(|k| format!("\"{k}\": [...]"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let not_object = || {
        Diagnostic::error(
            "syntax",
            path,
            Span::new(0, 0),
            Text::new(
                format!("声明文件须为对象：{example}"),
                format!("a declaration file is an object: {example}"),
            ),
        )
    };
    let Value::Object(top) = doc else {
        return Err(not_object());
    };
    let mut out = String::new();
    let mut map = Vec::new();
    let mut hints = Vec::new();
    out.push_str(&format!("// generated from {path}\n"));
    // Kinds in the schemas' declaration order, then any unknown one.
    let mut keys: Vec<&String> = top.keys().filter(|k| !k.starts_with('$')).collect();
    let rank = |k: &str| kinds.iter().position(|p| *p == k).unwrap_or(kinds.len());
    keys.sort_by_key(|k| (rank(k), (*k).clone()));
    for plural in keys {
        let items = &top[plural];
        let plural_at = find_key(text, plural, None, 0).unwrap_or(0);
        let Some(kind) = defs.plurals.get(plural.as_str()) else {
            return Err(Diagnostic::error(
                "unknown-kind",
                path,
                line_span(text, plural_at),
                Text::new(
                    format!("未知的声明种类 `{plural}`"),
                    format!(
                        "unknown kind of declaration `{plural}` (expected one of: {})",
                        defs.plurals.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ),
            ));
        };
        let schema = defs.schemas.get(kind);
        let Value::Array(items) = items else {
            return Err(Diagnostic::error(
                "syntax",
                path,
                line_span(text, plural_at),
                Text::new(
                    format!("`{plural}` 须为数组"),
                    format!("`{plural}` must be an array"),
                ),
            ));
        };
        for item in items {
            let Value::Object(fields) = item else {
                return Err(Diagnostic::error(
                    "syntax",
                    path,
                    line_span(text, plural_at),
                    Text::new(
                        format!("`{plural}` 的元素须为对象"),
                        format!("the items of `{plural}` must be objects"),
                    ),
                ));
            };
            let name = fields.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let at = find_key(text, "name", Some(name), plural_at).unwrap_or(plural_at);
            if !is_ident(name) {
                return Err(Diagnostic::error(
                    "syntax",
                    path,
                    line_span(text, at),
                    Text::new(
                        format!("`{plural}` 的元素须有名称（name），且为标识符"),
                        format!("each item of `{plural}` needs a `name` that is an identifier, not `{name}`"),
                    ),
                ));
            }
            // The object starts at the `{` or `-` before its name (near enough).
            let obj_start = text[..at]
                .rfind(['{', '-'])
                .filter(|&i| i >= plural_at)
                .unwrap_or(at);
            let gen_start = out.len();
            out.push_str(&format!("{kind} {name}"));
            match fields.get("label") {
                Some(Value::String(s)) => out.push_str(&format!(" {}", quote(s))),
                Some(Value::Object(l)) => {
                    for lang in ["zh", "en"] {
                        if let Some(Value::String(s)) = l.get(lang) {
                            out.push_str(&format!(" {}", quote(s)));
                        }
                    }
                }
                _ => {}
            }
            out.push_str(" {\n");
            for (k, v) in fields {
                if k == "name" || k == "label" {
                    continue;
                }
                let ty = schema.and_then(|s| s.fields.get(k)).map(|f| &f.ty);
                let fstart = out.len();
                let mut notes = Vec::new();
                out.push_str(&format!(
                    "  {} = {}",
                    key(k),
                    value(v, ty, defs, &mut notes)
                ));
                for n in notes {
                    hints.push((Span::new(fstart, out.len()), n));
                }
                let kat = find_key(text, k, None, obj_start).unwrap_or(at);
                map.push((Span::new(fstart, out.len()), line_span(text, kat)));
                out.push('\n');
            }
            out.push_str("}\n\n");
            // Outer entries come after inner ones: lookups take the first (innermost) hit.
            map.push((Span::new(gen_start, out.len()), line_span(text, at)));
        }
    }
    Ok(Converted {
        text: out,
        map,
        hints,
    })
}

/// The original span of a generated span.
pub fn relocate(map: &[(Span, Span)], span: Span) -> Span {
    map.iter()
        .find(|(g, _)| g.start <= span.start && span.start < g.end.max(g.start + 1))
        .map(|(_, o)| *o)
        .unwrap_or_default()
}
