//! What a run was: the tool and law versions applied and the two dates, so
//! that any output can be reproduced. Every output writer takes one.

use hegui_lang::diag::{Lang, Text};
use hegui_lang::Analysis;
use jiff::civil::Date;
use serde_json::{json, Value};

pub struct RunInfo {
    pub hegui_version: &'static str,
    /// The stdlib's declared version; `None` until the stdlib declares one.
    pub stdlib_version: Option<String>,
    /// `sha256:` and the hex digest of the stdlib's files (`Analysis::stdlib_id`).
    pub stdlib_hash: String,
    /// `--as-of`: the date whose law applies (`None`: each subject's own date).
    pub as_of: Option<Date>,
    /// `--today`: the date of the evaluation (expiry, overdue).
    pub today: Date,
    /// `false` with `--no-waivers`.
    pub waivers: bool,
    /// Each kind judged on a date of its own and that date's field (`subject_date`
    /// in the schema), by their labels: what "each subject's own date" means.
    pub subject_dates: Vec<(Text, Text)>,
}

impl RunInfo {
    /// The run over a workspace's stdlib (`Analysis::stdlib_id`: its declared
    /// version and hash) and schemas.
    pub fn new(analysis: &Analysis, as_of: Option<Date>, today: Date) -> RunInfo {
        let stdlib = analysis.stdlib_id();
        let defs = analysis.defs();
        let subject_dates = defs
            .schemas_in_order(|f| analysis.is_stdlib(f))
            .into_iter()
            .filter_map(|s| {
                let field = s.fields.get(s.subject_date.as_deref()?)?;
                Some((s.label.clone(), field.label.clone()))
            })
            .collect();
        RunInfo {
            subject_dates,
            hegui_version: env!("CARGO_PKG_VERSION"),
            stdlib_version: stdlib.version.clone(),
            stdlib_hash: stdlib.hash.clone(),
            as_of,
            today,
            waivers: true,
        }
    }

    /// Sets the run's dates and waiver switch on a loaded workspace.
    pub fn configure(&self, analysis: &mut hegui_lang::Analysis) {
        analysis.set_as_of(self.as_of);
        analysis.set_today(Some(self.today));
        analysis.set_waivers_enabled(self.waivers);
    }

    /// The JSON object of the run (JSON top level, SARIF properties).
    pub fn json(&self) -> Value {
        json!({
            "hegui_version": self.hegui_version,
            "stdlib_version": self.stdlib_version,
            "stdlib_hash": self.stdlib_hash,
            "as_of": self.as_of.map(|d| d.to_string()),
            "today": self.today.to_string(),
            "waivers": self.waivers,
        })
    }

    pub fn stdlib_version_text(&self, lang: Lang) -> String {
        match (&self.stdlib_version, lang) {
            (Some(v), _) => v.clone(),
            (None, Lang::Zh) => "未声明".into(),
            (None, Lang::En) => "undeclared".into(),
        }
    }

    pub fn as_of_text(&self, lang: Lang) -> String {
        if let Some(d) = self.as_of {
            return d.to_string();
        }
        let (own, sep) = match lang {
            Lang::Zh => ("各对象自身日期", "；"),
            Lang::En => ("each subject's own date", "; "),
        };
        if self.subject_dates.is_empty() {
            return own.into();
        }
        let which: Vec<String> = self
            .subject_dates
            .iter()
            .map(|(kind, field)| match lang {
                Lang::Zh => format!("{}：{}", kind.get(lang), field.get(lang)),
                Lang::En => format!("{}: {}", kind.get(lang), field.get(lang)),
            })
            .collect();
        match lang {
            Lang::Zh => format!("{own}（{}）", which.join(sep)),
            Lang::En => format!("{own} ({})", which.join(sep)),
        }
    }

    /// The hash shortened for a line people read (the full one is in the machine formats).
    pub fn short_hash(&self) -> &str {
        let end = "sha256:".len() + 12;
        self.stdlib_hash.get(..end).unwrap_or(&self.stdlib_hash)
    }

    /// One line for the human summary.
    pub fn line(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "hegui {}，标准库版本 {}（{}），适用法律日期：{}，评估日期：{}",
                self.hegui_version,
                self.stdlib_version_text(lang),
                self.short_hash(),
                self.as_of_text(lang),
                self.today
            ),
            Lang::En => format!(
                "hegui {}, stdlib version {} ({}), law as of: {}, evaluated on: {}",
                self.hegui_version,
                self.stdlib_version_text(lang),
                self.short_hash(),
                self.as_of_text(lang),
                self.today
            ),
        }
    }
}
