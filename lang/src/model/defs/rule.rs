//! A rule declaration into its entry: severity, dates, subject, templates, penalties.

use super::build::{text, SourceRef};
use super::collect::unknown_kind;
use super::{template, Defs, Origin, Penalty, RuleDef};
use crate::diag::{Diagnostic, Piece, RuleInfo, Severity, Text};
use crate::hir;
use crate::syntax::ast::{self, Item};
use std::collections::BTreeSet;

pub(super) fn rule_def(
    d: &mut Defs,
    f: &SourceRef,
    item: &Item,
    r: &ast::RuleDecl,
) -> Option<RuleDef> {
    for s in &r.repeated {
        d.diagnostics.push(Diagnostic::error(
            "duplicate-clause",
            f.path,
            *s,
            Text::new(
                "该子句在规则中重复出现",
                "this clause appears twice in the rule",
            ),
        ));
    }
    let severity = match &r.severity {
        Some(n) => match Severity::parse(&n.text) {
            Some(s) => s,
            None => {
                d.diagnostics.push(Diagnostic::error(
                    "unknown-name",
                    f.path,
                    n.span,
                    Text::new(
                        format!(
                            "未知严重级别 `{}`（可用：error、warning、info、hint）",
                            n.text
                        ),
                        format!(
                            "unknown severity `{}` (use error, warning, info or hint)",
                            n.text
                        ),
                    ),
                ));
                Severity::Error
            }
        },
        None => Severity::Error,
    };
    if let (Some((e, _)), Some((u, us))) = (&r.effective, &r.until) {
        if u < e {
            d.diagnostics.push(Diagnostic::error(
                "invalid-range",
                f.path,
                *us,
                Text::new(
                    "失效日期早于生效日期",
                    "the rule ends before it takes effect",
                ),
            ));
        }
    }
    if r.cites.is_empty() {
        d.diagnostics.push(Diagnostic::new(
            "missing-citation",
            Severity::Warning,
            f.path,
            r.id.span,
            Text::new(
                "规则没有引用法条（cite）",
                "the rule cites no article (cite)",
            ),
        ));
    }
    let subject = match &r.subject {
        Some(s) => {
            if !d.schemas.contains_key(&s.text) {
                d.diagnostics.push(unknown_kind(d, f.path, s));
                return None;
            }
            s.text.clone()
        }
        None => match infer_subject(d, r) {
            Some(s) => s,
            None => {
                d.diagnostics.push(Diagnostic::error(
                    "missing-field",
                    f.path,
                    r.id.span,
                    Text::new(
                        "无法确定规则适用的对象，请添加 `for 种类`",
                        "cannot tell what the rule applies to: add `for <kind>`",
                    ),
                ));
                return None;
            }
        },
    };
    let message = r.message.as_ref().map(|m| {
        let zh =
            m.zh.as_ref()
                .map(|x| template(f.path, x, &mut d.diagnostics))
                .unwrap_or_default();
        let en =
            m.en.as_ref()
                .map(|x| template(f.path, x, &mut d.diagnostics))
                .unwrap_or_else(|| zh.clone());
        (zh, en)
    });
    let path = f.path;
    let fix_title = r.fix.as_ref().map(|f| {
        let zh = f
            .label
            .zh
            .as_ref()
            .map(|x| template(path, x, &mut d.diagnostics))
            .unwrap_or_default();
        let en = f
            .label
            .en
            .as_ref()
            .map(|x| template(path, x, &mut d.diagnostics))
            .unwrap_or_else(|| zh.clone());
        (zh, en)
    });
    let title = text(&r.title);
    let cites: std::sync::Arc<[Text]> = r.cites.iter().map(text).collect();
    let info = std::sync::Arc::new(RuleInfo {
        title: title.clone(),
        citations: cites.clone(),
        message: message.as_ref().map(|(zh, en)| pieces(zh, en)),
        obligation: r.obligation.as_ref().map(|o| {
            let zh = o
                .label
                .zh
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default();
            let en = o
                .label
                .en
                .as_ref()
                .map_or_else(|| zh.clone(), |s| s.text.clone());
            std::sync::Arc::new(Text::new(zh, en))
        }),
    });
    Some(RuleDef {
        message,
        fix_title,
        info,
        body: hir::RuleBody::default(),
        id: r.id.text.clone(),
        title,
        cites,
        penalties: r
            .penalties
            .iter()
            .map(|p| Penalty {
                citation: text(&p.cite),
                text: text(&p.text),
                confirmed: !p.unconfirmed,
            })
            .collect(),
        effective: r.effective.map(|x| x.0),
        until: r.until.map(|x| x.0),
        severity,
        subject,
        decl: r.clone(),
        origin: Origin {
            file: f.path.to_string(),
            span: r.id.span,
        },
        doc: item.doc.clone(),
        stdlib: f.stdlib,
    })
}

/// The zh and en templates as the findings' messages are put together from
/// them: text, and holes numbered over both (the values a finding keeps).
fn pieces(zh: &super::Template, en: &super::Template) -> [Box<[Piece]>; 2] {
    let mut n = 0u16;
    let mut one = |t: &super::Template| -> Box<[Piece]> {
        t.iter()
            .map(|p| match p {
                super::Part::Text(s) => Piece::Text(s.as_str().into()),
                super::Part::Expr(_) => {
                    n += 1;
                    Piece::Hole(n - 1)
                }
            })
            .collect()
    };
    [one(zh), one(en)]
}

/// The subject of a rule without `for`: the one entity kind its conditions name.
fn infer_subject(d: &Defs, r: &ast::RuleDecl) -> Option<String> {
    let mut kinds = BTreeSet::new();
    let mut visit = |e: &ast::Expr| {
        crate::syntax::ast::walk(e, &mut |x| {
            if let ast::ExprKind::Name(n) = &x.kind {
                if d.schemas.contains_key(&n.text) {
                    kinds.insert(n.text.clone());
                }
            }
        })
    };
    for e in r
        .when
        .iter()
        .chain(r.require.iter())
        .chain(r.lets.iter().map(|(_, e)| e))
    {
        visit(e);
    }
    if kinds.len() == 1 {
        kinds.into_iter().next()
    } else {
        None
    }
}
