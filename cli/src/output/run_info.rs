//! What a run was: the tool and law versions applied and the two dates, so
//! that any output can be reproduced. Every output writer takes one.

use hegui_lang::diag::Lang;
use jiff::civil::Date;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub struct RunInfo {
    pub hegui_version: &'static str,
    /// The stdlib's declared version; `None` until the stdlib declares one.
    pub stdlib_version: Option<String>,
    /// `sha256:` and the hex digest of the stdlib's texts (see `stdlib_hash`).
    pub stdlib_hash: String,
    /// `--as-of`: the date whose law applies (`None`: each subject's own date).
    pub as_of: Option<Date>,
    /// `--today`: the date of the evaluation (expiry, overdue).
    pub today: Date,
}

/// A content hash of the stdlib: every file's path and text, in path order,
/// each followed by a NUL byte, so that moving text between files changes it.
pub fn stdlib_hash(files: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = files.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for (path, text) in sorted {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let mut out = String::from("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl RunInfo {
    /// The run over the embedded stdlib.
    pub fn new(as_of: Option<Date>, today: Date) -> RunInfo {
        RunInfo {
            hegui_version: env!("CARGO_PKG_VERSION"),
            stdlib_version: None,
            stdlib_hash: stdlib_hash(hegui_lang::stdlib::FILES),
            as_of,
            today,
        }
    }

    /// The JSON object of the run (JSON top level, SARIF properties).
    pub fn json(&self) -> Value {
        json!({
            "hegui_version": self.hegui_version,
            "stdlib_version": self.stdlib_version,
            "stdlib_hash": self.stdlib_hash,
            "as_of": self.as_of.map(|d| d.to_string()),
            "today": self.today.to_string(),
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
        match (self.as_of, lang) {
            (Some(d), _) => d.to_string(),
            (None, Lang::Zh) => "各对象自身日期（如数据流开始日期）".into(),
            (None, Lang::En) => "each subject's own date (a flow's start)".into(),
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
