//! `hegui.toml`, the workspace file at a workspace root:
//!
//! ```toml
//! stdlib = "embedded"        # or a folder or .tar.gz/.zip archive of policy files, relative to this file
//! as_of = "2025-04-01"       # the default of --as-of
//! lang = "zh"                # the default of --lang
//! fail_on = "warning"        # the failing severity (default "error")
//! organisation = "瑞金医院"    # whose workspace: named in the report header
//!
//! [rules."GBT39725-7.q"]     # a per-rule severity override
//! severity = "error"         # error|warning|info|hint, or hard|soft|advisory
//! reason = "our auditors treat it as blocking"
//!
//! [rules."PIPL-52"]          # lowering is a waiver of the rule for the whole
//! severity = "info"          # workspace: reason, approver, date and expiry
//! reason = "officer appointed; filing in progress"
//! approved_by = "legal@example.cn"
//! approved_on = "2026-11-20"
//! expires = "2027-03-31"
//! ```
//!
//! Command-line options win over the file. A file that does not parse, an
//! unknown key, a bad date or a lowering without its reason, approver,
//! approval date or expiry is an input error located in the file.

use hegui_lang::diag::{Diagnostic, Lang, Location, Severity, Status, Text};
use hegui_lang::model::defs::Defs;
use hegui_lang::syntax::ast::Span;
use hegui_lang::waiver::Waiver;
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The standard library a workspace is judged by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StdlibChoice {
    /// The one compiled into hegui.
    #[default]
    Embedded,
    /// The policy files of a folder, or of a `.tar.gz`/`.zip` archive (a
    /// law firm's release).
    Path(PathBuf),
}

/// One `[rules."ID"]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    pub rule: String,
    pub severity: Severity,
    pub reason: String,
    pub approved_by: Option<String>,
    pub approved_on: Option<Date>,
    pub expires: Option<Date>,
    /// Where the entry is in `hegui.toml`.
    pub span: Span,
}

/// What `hegui.toml` says (all empty without one).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The workspace path of the `hegui.toml` read, if there is one.
    pub file: Option<String>,
    pub stdlib: StdlibChoice,
    pub as_of: Option<Date>,
    pub lang: Option<Lang>,
    pub fail_on: Option<Severity>,
    /// Whose workspace it is: the report's header names it.
    pub organisation: Option<String>,
    pub overrides: Vec<SeverityOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    stdlib: Option<Spanned<String>>,
    as_of: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    organisation: Option<String>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    severity: Spanned<String>,
    reason: Option<String>,
    approved_by: Option<String>,
    approved_on: Option<Spanned<String>>,
    expires: Option<Spanned<String>>,
}

/// A date written `YYYY-MM-DD` (nothing else is accepted).
pub fn strict_date(s: &str) -> Option<Date> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    s.parse().ok().filter(|_| shaped)
}

fn severity_of(s: &str) -> Option<Severity> {
    match s {
        "hard" => Some(Severity::Error),
        "soft" => Some(Severity::Warning),
        "advisory" => Some(Severity::Info),
        _ => Severity::parse(s),
    }
}

fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

impl Config {
    /// Reads `hegui.toml` in `root`, if any: the config, and the
    /// diagnostics of what is wrong in it (located in `file`).
    pub fn read(root: &Path, file: &str, text: &str) -> (Config, Vec<Diagnostic>) {
        let mut c = Config {
            file: Some(file.to_string()),
            ..Config::default()
        };
        let mut errs = Vec::new();
        let mut err = |at: Span, zh: String, en: String| {
            errs.push(Diagnostic::error("config", file, at, Text::new(zh, en)));
        };
        let raw: Raw = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let at = e
                    .span()
                    .map(|r| Span::new(r.start, r.end))
                    .unwrap_or_default();
                let msg = e.message().to_string();
                err(
                    at,
                    format!("hegui.toml 无法解析：{msg}"),
                    format!("hegui.toml does not parse: {msg}"),
                );
                return (c, errs);
            }
        };
        if let Some(s) = &raw.stdlib {
            c.stdlib = match s.get_ref().as_str() {
                "embedded" => StdlibChoice::Embedded,
                path => StdlibChoice::Path(root.join(path)),
            };
        }
        if let Some(d) = &raw.as_of {
            match strict_date(d.get_ref()) {
                Some(date) => c.as_of = Some(date),
                None => err(
                    span(d),
                    format!("as_of：`{}` 不是日期（应写作 YYYY-MM-DD）", d.get_ref()),
                    format!("as_of: `{}` is not a date (write YYYY-MM-DD)", d.get_ref()),
                ),
            }
        }
        if let Some(l) = &raw.lang {
            match l.get_ref().as_str() {
                "zh" => c.lang = Some(Lang::Zh),
                "en" => c.lang = Some(Lang::En),
                other => err(
                    span(l),
                    format!("lang：`{other}` 应为 zh 或 en"),
                    format!("lang: `{other}` must be zh or en"),
                ),
            }
        }
        c.organisation = raw
            .organisation
            .as_ref()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty());
        if let Some(f) = &raw.fail_on {
            match f.get_ref().as_str() {
                "error" => c.fail_on = Some(Severity::Error),
                "warning" => c.fail_on = Some(Severity::Warning),
                other => err(
                    span(f),
                    format!("fail_on：`{other}` 应为 error 或 warning"),
                    format!("fail_on: `{other}` must be error or warning"),
                ),
            }
        }
        for (id, rule) in &raw.rules {
            let r = rule.get_ref();
            let Some(severity) = severity_of(r.severity.get_ref()) else {
                err(
                    span(&r.severity),
                    format!(
                        "severity：`{}` 应为 error、warning、info、hint（或 hard、soft、advisory）",
                        r.severity.get_ref()
                    ),
                    format!(
                        "severity: `{}` must be error, warning, info or hint (or hard, soft, advisory)",
                        r.severity.get_ref()
                    ),
                );
                continue;
            };
            let mut date = |d: &Option<Spanned<String>>, key: &str| -> Option<Date> {
                let d = d.as_ref()?;
                let parsed = strict_date(d.get_ref());
                if parsed.is_none() {
                    err(
                        span(d),
                        format!("{key}：`{}` 不是日期（应写作 YYYY-MM-DD）", d.get_ref()),
                        format!("{key}: `{}` is not a date (write YYYY-MM-DD)", d.get_ref()),
                    );
                }
                parsed
            };
            let approved_on = date(&r.approved_on, "approved_on");
            let expires = date(&r.expires, "expires");
            let reason = r.reason.clone().unwrap_or_default();
            if reason.trim().is_empty() {
                err(
                    span(id),
                    format!("规则 {} 的严重程度改写须写明理由（reason）", id.get_ref()),
                    format!("the severity override of {} needs a reason", id.get_ref()),
                );
                continue;
            }
            c.overrides.push(SeverityOverride {
                rule: id.get_ref().clone(),
                severity,
                reason,
                approved_by: r.approved_by.clone().filter(|s| !s.trim().is_empty()),
                approved_on,
                expires,
                span: span(id),
            });
        }
        (c, errs)
    }

    /// What is wrong with the overrides given the rules the workspace has:
    /// an unknown rule id, or a lowering without approver, approval date or
    /// expiry.
    pub fn check_rules(&self, defs: &Defs) -> Vec<Diagnostic> {
        let file = self.file.as_deref().unwrap_or("hegui.toml");
        let mut out = Vec::new();
        for o in &self.overrides {
            let Some(rule) = defs.rules.get(&o.rule) else {
                out.push(Diagnostic::error(
                    "config",
                    file,
                    o.span,
                    Text::new(
                        format!("没有规则 {}", o.rule),
                        format!("there is no rule {}", o.rule),
                    ),
                ));
                continue;
            };
            if o.severity < rule.severity && self.waiver_of(o).is_none() {
                out.push(Diagnostic::error(
                    "config",
                    file,
                    o.span,
                    Text::new(
                        format!(
                            "降低 {} 的严重程度等同于对整个工作区豁免该规则：须写明 approved_by（批准人）、approved_on（批准日期）和 expires（到期日）",
                            o.rule
                        ),
                        format!(
                            "lowering {} is a waiver of the rule for the whole workspace: it needs approved_by, approved_on and expires",
                            o.rule
                        ),
                    ),
                ));
            }
        }
        out
    }

    /// A lowering as the waiver it is: the rule, every subject, the reason
    /// (the user's own words, for both languages), approver, approval date
    /// and expiry — `None` while one of them is missing.
    fn waiver_of(&self, o: &SeverityOverride) -> Option<Waiver> {
        Some(Waiver {
            rules: vec![o.rule.clone()],
            subjects: vec!["*".to_string()],
            reason: Text::new(o.reason.clone(), o.reason.clone()),
            approver: o.approved_by.clone()?,
            approved: o.approved_on?,
            until: Some(o.expires?),
            location: Location {
                file: self
                    .file
                    .clone()
                    .unwrap_or_else(|| "hegui.toml".to_string()),
                span: o.span,
            },
        })
    }

    /// Applies the overrides to rule findings. Raising changes the severity.
    /// Lowering is a waiver of the rule for the whole workspace: its findings
    /// are waived, at the lowered severity, until the expiry judged against
    /// `today` (the evaluation date); once expired they are active again at
    /// their own severity and say so. `waivers` off (`--no-waivers`): no
    /// lowering applies.
    pub fn apply(&self, diags: &mut [Diagnostic], defs: &Defs, today: Option<Date>, waivers: bool) {
        for o in &self.overrides {
            let Some(rule) = defs.rules.get(&o.rule) else {
                continue;
            };
            let findings = diags.iter_mut().filter(|d| d.code == o.rule);
            if o.severity >= rule.severity {
                for d in findings {
                    let (zh, en) = (severity_zh(d.severity), d.severity.as_str());
                    d.severity = o.severity;
                    d.notes.push(Text::new(
                        format!(
                            "严重程度由 hegui.toml 从{zh}改为{}：{}",
                            severity_zh(o.severity),
                            o.reason
                        ),
                        format!(
                            "severity changed by hegui.toml from {en} to {}: {}",
                            o.severity.as_str(),
                            o.reason
                        ),
                    ));
                }
                continue;
            }
            let Some(w) = self.waiver_of(o).filter(|_| waivers) else {
                continue;
            };
            let w = Box::new(w);
            for d in findings.filter(|d| d.status != Status::Waived) {
                d.waiver = Some(w.clone());
                if w.expired(today) {
                    let until = w.until.map(|u| u.to_string()).unwrap_or_default();
                    d.notes.push(Text::new(
                        format!(
                            "hegui.toml 对此规则的整个工作区豁免（降级）已于 {until} 到期，此项按原严重程度重新生效"
                        ),
                        format!(
                            "the workspace-wide waiver (lowering) of this rule in hegui.toml expired on {until}: this finding is active again at its own severity"
                        ),
                    ));
                    continue;
                }
                let (zh, en) = (severity_zh(d.severity), d.severity.as_str());
                d.status = Status::Waived;
                d.severity = o.severity;
                d.notes.push(Text::new(
                    format!(
                        "已由 hegui.toml 对整个工作区豁免（从{zh}降为{}）：{}",
                        severity_zh(o.severity),
                        w.describe(Lang::Zh)
                    ),
                    format!(
                        "waived for the whole workspace by hegui.toml (lowered from {en} to {}): {}",
                        o.severity.as_str(),
                        w.describe(Lang::En)
                    ),
                ));
            }
        }
    }
}

fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
        Severity::Hint => "建议",
    }
}
