//! What the parser expected, in words a compliance engineer understands.

use crate::diag::Text;

/// Turns pest's expected rules and tokens into one bilingual phrase.
pub fn expected_in_words(expected: &[String]) -> Text {
    let mut zh: Vec<&str> = Vec::new();
    let mut en: Vec<&str> = Vec::new();
    for e in expected {
        let (z, n) = match e.trim_matches('"') {
            "name" | "qname" => ("名称", "a name"),
            "entity_kind" | "item_keyword" => ("声明关键字", "a declaration keyword"),
            "string" => ("带引号的文本", "a quoted text"),
            "date" | "range" => ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
            "int" | "duration" => ("数字", "a number"),
            "value" | "boolean" | "none_lit" | "list" | "record" | "variant" => ("值", "a value"),
            "expr" | "or_expr" | "and_expr" | "not_expr" | "cmp_expr" | "add_expr" | "mul_expr"
            | "unary" | "postfix" | "paren" | "if_expr" | "aggregate" | "call" | "list_expr" => {
                ("表达式", "an expression")
            }
            "field" | "schema_field" => ("字段（名称 = 值）", "a field (name = value)"),
            "type_expr" | "list_type" | "record_type" => ("类型", "a type"),
            "rule_id" => ("规则编号", "a rule id"),
            "cite" | "effective" | "until" | "severity" | "for_clause" | "let_clause"
            | "when_clause" | "require_clause" | "message" | "obligation" | "at_clause"
            | "penalty" => ("规则子句", "a rule clause"),
            "as_of_stmt" | "expect_stmt" | "entity_decl" => ("测试语句", "a test statement"),
            "reason_clause" | "approved_clause" => (
                "豁免子句（reason、approved、until）",
                "a waiver clause (reason, approved, until)",
            ),
            "subject_pat" => ("对象名称或模式", "a subject name or pattern"),
            "on_kw" => ("`on`", "`on`"),
            "enum_member" | "tree_node" => ("成员", "a member"),
            "unit" => (
                "时间单位（days、working_days、months、years）",
                "a unit (days, working_days, months, years)",
            ),
            "{" => ("`{`", "`{`"),
            "}" => ("`}`", "`}`"),
            "=" => ("`=`", "`=`"),
            "]" => ("`]`", "`]`"),
            ")" => ("`)`", "`)`"),
            ":" => ("`:`", "`:`"),
            "," => ("`,`", "`,`"),
            "." => ("`.`", "`.`"),
            _ => continue,
        };
        if !zh.contains(&z) {
            zh.push(z);
            en.push(n);
        }
    }
    if zh.is_empty() {
        return Text::new("有效的内容", "valid syntax");
    }
    zh.truncate(5);
    en.truncate(5);
    Text::new(join(&zh, "、", " 或 "), join(&en, ", ", " or "))
}

fn join(items: &[&str], sep: &str, last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., tail] => format!("{}{}{}", init.join(sep), last, tail),
    }
}
