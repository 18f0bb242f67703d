//! What each command prints, and its exit code: 0 clean, 1 findings at or
//! above the failing severity, 2 unreadable or unparsable input.

mod json;
mod junit;
mod run_info;
pub use run_info::RunInfo;
mod sarif;
mod undetermined;

use crate::files::Loaded;
use crate::render::{self, SourceLookup};
use hegui_lang::diag::{Diagnostic, Lang, Severity, Status as DiagStatus};
use hegui_lang::english::count;
use hegui_lang::eval::rules::Status;
use hegui_lang::syntax::ast::Span;
use hegui_lang::Analysis;
use serde_json::json;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::rc::Rc;
use std::sync::Arc;

pub struct Sources<'a> {
    pub analysis: &'a Analysis,
    pub loaded: &'a Loaded,
    /// One line index per file, built the first time a position in it is asked
    /// for (scanning from the file start for every position was quadratic).
    lines: RefCell<HashMap<String, Rc<LineIndex>>>,
}

impl<'a> Sources<'a> {
    pub fn new(analysis: &'a Analysis, loaded: &'a Loaded) -> Sources<'a> {
        Sources {
            analysis,
            loaded,
            lines: RefCell::default(),
        }
    }

    /// Line and column (both 1-based, columns in Unicode scalar values) of a span's ends.
    pub fn position(&self, file: &str, span: Span) -> ((usize, usize), (usize, usize)) {
        let text = self.text_of(file).unwrap_or("");
        let index = self
            .lines
            .borrow_mut()
            .entry(file.to_string())
            .or_insert_with(|| Rc::new(LineIndex::new(text)))
            .clone();
        (
            index.line_col(text, span.start),
            index.line_col(text, span.end),
        )
    }
}

/// Where each line of a text starts (byte offsets).
struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    /// As [`line_col`], in O(log lines + line length).
    fn line_col(&self, text: &str, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(text.len());
        let line = self.starts.partition_point(|s| *s as usize <= offset);
        let start = self.starts[line.saturating_sub(1)] as usize;
        match text.get(start..offset) {
            Some(l) => (line, l.chars().count() + 1),
            // Not on a character boundary: what the scan answers for it.
            None => line_col(text, offset as u32),
        }
    }
}

impl SourceLookup for Sources<'_> {
    fn text_of(&self, path: &str) -> Option<&str> {
        self.loaded
            .originals
            .get(path)
            .map(|s| s.as_str())
            .or_else(|| self.analysis.text_of(path))
            .or_else(|| self.loaded.texts.get(path).map(|s| s.as_str()))
    }
}

pub fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Which machine or human format `check` prints.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Junit,
}

/// Writes to stdout; a closed pipe (`hegui check | head`) is not an error.
pub fn emit(s: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Writes a JSON document (pretty, then a newline) to stdout as it is
/// serialised: a large report is never held whole as a string.
pub fn emit_json(value: &impl serde::Serialize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // A closed pipe is not an error (as in `emit`).
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

/// Every diagnostic of a workspace (load errors too), re-located into the
/// JSON/YAML files they came from, sorted.
pub fn all_diagnostics(analysis: &Analysis, loaded: &Loaded) -> Vec<Diagnostic> {
    // The workspace's list is built for this call: moved, not copied, when no
    // one else holds it.
    let all = analysis.diagnostics();
    finish(
        analysis,
        loaded,
        Arc::try_unwrap(all).unwrap_or_else(|a| (*a).clone()),
    )
}

/// [`all_diagnostics`] for a run that asks once ([`Analysis::diagnostics_once`]:
/// the memos are shed as the list is built).
pub fn all_diagnostics_once(analysis: &mut Analysis, loaded: &Loaded) -> Vec<Diagnostic> {
    let all = analysis.diagnostics_once();
    finish(analysis, loaded, all)
}

fn finish(analysis: &Analysis, loaded: &Loaded, all: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // The load errors first (the sort is stable); the list is moved, not
    // copied, when there are none (a copy doubles the peak of a big check).
    let diags = if loaded.errors.is_empty() {
        all
    } else {
        let mut diags: Vec<Diagnostic> = loaded.errors.clone();
        diags.extend(all);
        diags
    };
    let mut diags = loaded.finish(analysis, diags);
    hegui_lang::diag::sort(&mut diags);
    diags
}

/// Line and column (both 1-based, columns in Unicode scalar values) of a span's ends.
pub fn position(sources: &Sources, file: &str, span: Span) -> ((usize, usize), (usize, usize)) {
    sources.position(file, span)
}

/// What a check found, counted by severity (for the summary line and `--each`'s total).
#[derive(Clone, Default, Debug)]
pub struct Counts {
    pub files: usize,
    /// The entities checked, per kind (every kind the schemas declare, in
    /// declaration order, the stdlib's first): the summary names each kind
    /// by its schema's labels, so Rust names none.
    pub subjects: Vec<KindCount>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings that could not be decided (not in the counts above).
    pub undetermined: usize,
    /// Findings a waiver covers (not in the counts above).
    pub waived: usize,
}

/// How many entities of one kind a workspace declares.
#[derive(Clone, Debug)]
pub struct KindCount {
    pub kind: String,
    pub label: hegui_lang::diag::Text,
    pub n: usize,
}

/// The entities of the workspace per kind, in the kinds' declaration order.
fn subjects(analysis: &Analysis) -> Vec<KindCount> {
    let defs = analysis.defs();
    let index = analysis.entity_index();
    defs.schemas_in_order(|f| analysis.is_stdlib(f))
        .into_iter()
        .map(|s| KindCount {
            kind: s.name.clone(),
            label: s.label.clone(),
            n: index.by_kind.get(&s.name).map_or(0, |v| v.len()),
        })
        .collect()
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.files += o.files;
        for k in o.subjects {
            match self.subjects.iter_mut().find(|s| s.kind == k.kind) {
                Some(s) => s.n += k.n,
                None => self.subjects.push(k),
            }
        }
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.undetermined += o.undetermined;
        self.waived += o.waived;
    }

    /// The kinds that have entities, each its label and count: "主体 2、数据流 1"
    /// or "Party 2, Data flow 1" (`None`: no entity at all).
    fn tally(&self, lang: Lang) -> Option<String> {
        let sep = match lang {
            Lang::Zh => "、",
            Lang::En => ", ",
        };
        let parts: Vec<String> = self
            .subjects
            .iter()
            .filter(|k| k.n > 0)
            .map(|k| format!("{} {}", k.label.get(lang), k.n))
            .collect();
        (!parts.is_empty()).then(|| parts.join(sep))
    }

    /// The grand total of `check --each`: the workspaces first, then what
    /// they held.
    pub fn total_line(&self, workspaces: usize, lang: Lang) -> String {
        let files = self.files;
        let held = self.findings(lang);
        let tally = self.tally(lang);
        match (lang, tally) {
            (Lang::Zh, Some(t)) => {
                format!("检查了 {workspaces} 个工作区（{files} 个文件；{t}）：{held}\n")
            }
            (Lang::Zh, None) => format!("检查了 {workspaces} 个工作区（{files} 个文件）：{held}\n"),
            (Lang::En, Some(t)) => {
                format!(
                    "checked {} ({}; {t}): {held}\n",
                    ws_en(workspaces),
                    files_en(files)
                )
            }
            (Lang::En, None) => {
                format!(
                    "checked {} ({}): {held}\n",
                    ws_en(workspaces),
                    files_en(files)
                )
            }
        }
    }

    /// The human summary line.
    pub fn line(&self, lang: Lang) -> String {
        let files = self.files;
        let held = self.findings(lang);
        let tally = self.tally(lang);
        match (lang, tally) {
            (Lang::Zh, Some(t)) => format!("检查了 {files} 个文件（{t}）：{held}\n"),
            (Lang::Zh, None) => format!("检查了 {files} 个文件：{held}\n"),
            (Lang::En, Some(t)) => format!("checked {} ({t}): {held}\n", files_en(files)),
            (Lang::En, None) => format!("checked {}: {held}\n", files_en(files)),
        }
    }

    /// The JSON summary: every kind of the schemas by its name, with its count.
    fn json(&self) -> serde_json::Value {
        let subjects: serde_json::Map<String, serde_json::Value> = self
            .subjects
            .iter()
            .map(|k| (k.kind.clone(), json!(k.n)))
            .collect();
        json!({
            "files": self.files,
            "subjects": subjects,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "undetermined": self.undetermined,
            "waived": self.waived,
        })
    }

    /// The findings part both summary lines end with.
    fn findings(&self, lang: Lang) -> String {
        let Counts {
            errors: e,
            warnings: w,
            infos: i,
            undetermined: u,
            waived,
            ..
        } = *self;
        match lang {
            Lang::Zh => {
                format!("{e} 个错误，{w} 个警告，{i} 个提示，{u} 项无法判定，{waived} 项已豁免")
            }
            Lang::En => {
                format!(
                    "{}, {}, {}, {u} undetermined, {waived} waived",
                    count(e, "error", "errors"),
                    count(w, "warning", "warnings"),
                    count(i, "info", "infos")
                )
            }
        }
    }
}

fn files_en(n: usize) -> String {
    count(n, "file", "files")
}

fn ws_en(n: usize) -> String {
    count(n, "workspace", "workspaces")
}

/// Prints the check of one workspace in `format`; returns the exit code and the counts.
pub fn check(
    analysis: &Analysis,
    loaded: &Loaded,
    run: &RunInfo,
    lang: Lang,
    format: CheckFormat,
    gate: crate::exit::Gate,
) -> (u8, Counts) {
    let diags = all_diagnostics(analysis, loaded);
    check_these(analysis, loaded, diags, run, lang, format, gate)
}

/// [`check`] of diagnostics already collected ([`all_diagnostics`]).
pub fn check_these(
    analysis: &Analysis,
    loaded: &Loaded,
    diags: Vec<Diagnostic>,
    run: &RunInfo,
    lang: Lang,
    format: CheckFormat,
    gate: crate::exit::Gate,
) -> (u8, Counts) {
    let fail_at = gate.at;
    let sources = Sources::new(analysis, loaded);
    let defs = analysis.defs();
    let waived = |d: &Diagnostic| d.status == DiagStatus::Waived;
    let open = |d: &Diagnostic| d.status == DiagStatus::Undetermined;
    let count = |s: Severity| {
        diags
            .iter()
            .filter(|d| d.severity == s && !waived(d) && !open(d))
            .count()
    };
    let counts = Counts {
        files: analysis.user_paths().len(),
        subjects: subjects(analysis),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        undetermined: diags.iter().filter(|d| open(d)).count(),
        waived: diags.iter().filter(|d| waived(d)).count(),
    };
    match format {
        CheckFormat::Json => {
            let out = json::Check {
                findings: json::Findings {
                    diags: &diags,
                    sources: &sources,
                },
                run: run.json(),
                summary: counts.json(),
            };
            emit_json(&out);
        }
        CheckFormat::Sarif => {
            let log = sarif::log(analysis, &diags, &sources, run, lang);
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&log).unwrap_or_default()
            ));
        }
        CheckFormat::Junit => {
            emit(&junit::render(
                analysis, &diags, &sources, run, lang, fail_at,
            ));
        }
        CheckFormat::Human => {
            use std::io::Write;
            let color = std::io::stdout().is_terminal();
            let (open, shown): (Vec<&Diagnostic>, Vec<&Diagnostic>) = diags
                .iter()
                .partition(|d| d.status == DiagStatus::Undetermined);
            // Streamed to stdout as rendered; a closed pipe ends the writing
            // and is not an error (as in `emit`).
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let _ = render::write(&mut out, shown, &sources, lang, color)
                .and_then(|()| undetermined::write(&mut out, &open, &sources, lang, color))
                .and_then(|()| out.write_all(counts.line(lang).as_bytes()))
                .and_then(|()| out.flush());
        }
    }
    (crate::exit::gated(&diags, &defs, gate), counts)
}

/// `println!` into a buffer (the output is written once, and a closed pipe is not an error).
macro_rules! say {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}
macro_rules! put {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($o, $($arg)*);
    }};
}

pub fn test(analysis: &Analysis, loaded: &Loaded, stdlib: bool, lang: Lang) -> u8 {
    let mut o = String::new();
    let code = test_to(&mut o, analysis, loaded, stdlib, lang);
    emit(&o);
    code
}

fn test_to(buf: &mut String, analysis: &Analysis, loaded: &Loaded, stdlib: bool, lang: Lang) -> u8 {
    let sources = Sources::new(analysis, loaded);
    // Tests cannot run on a workspace with input errors.
    let defs = analysis.defs();
    let broken: Vec<Diagnostic> = all_diagnostics(analysis, loaded)
        .into_iter()
        .filter(|d| crate::exit::is_input_error(d, &defs))
        .collect();
    if !broken.is_empty() {
        put!(buf, "{}", render::to_string(&broken, &sources, lang, false));
        return crate::exit::INPUT_ERROR;
    }
    let results = analysis.run_tests(stdlib);
    let mut passed = 0;
    let mut failed = 0;
    let mut covered = std::collections::BTreeSet::new();
    let mut seen_passing = std::collections::BTreeSet::new();
    for r in &results {
        if r.passed() {
            passed += 1;
            say!(buf, "ok      {}  ({})", r.name, r.file);
        } else {
            failed += 1;
            say!(buf, "FAILED  {}  ({})", r.name, r.file);
            put!(
                buf,
                "{}",
                render::to_string(&r.failures, &sources, lang, false)
            );
        }
        covered.extend(r.covered.iter().cloned());
        seen_passing.extend(r.seen_passing.iter().cloned());
    }
    let defs = analysis.defs();
    let rules: Vec<&String> = defs
        .rules
        .iter()
        .filter(|(_, r)| r.stdlib == stdlib)
        .map(|(id, _)| id)
        .collect();
    // Covered: a test saw the rule fire, and another saw it apply and pass.
    let is_covered = |id: &str| covered.contains(id) && seen_passing.contains(id);
    let hit = rules.iter().filter(|id| is_covered(id)).count();
    say!(buf, "rules covered: {}/{}", hit, rules.len());
    let never_fired: Vec<&str> = rules
        .iter()
        .filter(|id| !covered.contains(**id))
        .map(|s| s.as_str())
        .collect();
    let never_passed: Vec<&str> = rules
        .iter()
        .filter(|id| covered.contains(**id) && !seen_passing.contains(**id))
        .map(|s| s.as_str())
        .collect();
    if !never_fired.is_empty() {
        say!(
            buf,
            "not covered (never seen firing): {}",
            never_fired.join(", ")
        );
    }
    if !never_passed.is_empty() {
        say!(
            buf,
            "not covered (never seen applying and passing): {}",
            never_passed.join(", ")
        );
    }
    say!(buf, "{passed} passed, {failed} failed");
    if failed > 0 {
        1
    } else {
        0
    }
}

pub fn explain(analysis: &Analysis, run: &RunInfo, name: &str, fired_only: bool, lang: Lang) -> u8 {
    let mut o = String::new();
    let code = explain_to(&mut o, analysis, name, fired_only, lang);
    if code == 0 {
        say!(o, "\n{}", run.line(lang));
    }
    emit(&o);
    code
}

/// The order `explain` shows outcomes in: fired (active), undetermined, then
/// satisfied, not applicable, and last the rules not in force.
fn explain_rank(o: &hegui_lang::eval::rules::Outcome) -> u8 {
    let undetermined = o
        .finding
        .as_ref()
        .is_some_and(|f| f.status == DiagStatus::Undetermined);
    match o.status {
        Status::Fired if !undetermined => 0,
        Status::Fired | Status::Undetermined | Status::Blocked => 1,
        Status::Satisfied => 2,
        Status::NotApplicable => 3,
        Status::NotInForce => 4,
    }
}

fn explain_to(
    buf: &mut String,
    analysis: &Analysis,
    name: &str,
    fired_only: bool,
    lang: Lang,
) -> u8 {
    let Some((e, mut outcomes)) = analysis.explain(name) else {
        let index = analysis.entity_index();
        let guess = hegui_lang::model::suggest(name, index.by_name.keys().map(|k| k.as_str()));
        let mut msg = match lang {
            Lang::Zh => format!("此工作区中没有名为 `{name}` 的对象"),
            Lang::En => format!("no subject named `{name}` in this workspace"),
        };
        if let Some(g) = guess {
            msg.push_str(&match lang {
                Lang::Zh => format!("；是否指 `{g}`？"),
                Lang::En => format!("; did you mean `{g}`?"),
            });
        }
        eprintln!("{:?}", miette::miette!("{msg}"));
        return 2;
    };
    outcomes.sort_by_key(explain_rank);
    let defs = analysis.defs();
    say!(buf, "{} {} ({})", e.kind, e.name, e.file);
    if let Some(o) = outcomes.first() {
        say!(
            buf,
            "{}: {}",
            if lang == Lang::Zh {
                "评估日期"
            } else {
                "judged as of"
            },
            o.date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
        );
    }
    // Rules not in force are folded into one line; with --fired, so is
    // everything that did not fire.
    let folded: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::NotInForce || (fired_only && explain_rank(o) > 1))
        .map(|o| o.rule.as_str())
        .collect();
    for o in &outcomes {
        let Some(rule) = defs.rules.get(&o.rule) else {
            continue;
        };
        if folded.contains(&o.rule.as_str()) {
            continue;
        }
        let undetermined = explain_rank(o) == 1;
        let status = match (&o.status, lang) {
            (Status::Fired, Lang::En) if undetermined => "UNDETERMINED",
            (Status::Fired, Lang::Zh) if undetermined => "无法判定",
            (Status::NotInForce, Lang::En) => "not in force",
            (Status::NotInForce, Lang::Zh) => "未生效",
            (Status::NotApplicable, Lang::En) => "does not apply",
            (Status::NotApplicable, Lang::Zh) => "不适用",
            (Status::Satisfied, Lang::En) => "satisfied",
            (Status::Satisfied, Lang::Zh) => "已满足",
            (Status::Fired, Lang::En) => "FIRED",
            (Status::Fired, Lang::Zh) => "触发",
            (Status::Undetermined, Lang::En) => "UNDETERMINED",
            (Status::Undetermined, Lang::Zh) => "无法判定",
            (Status::Blocked, Lang::En) => "input error",
            (Status::Blocked, Lang::Zh) => "输入有误",
        };
        say!(
            buf,
            "\n{:<14} {:<13} {}",
            o.rule,
            status,
            rule.title.get(lang)
        );
        if o.status == Status::NotInForce {
            continue;
        }
        for (k, v) in &o.facts {
            say!(buf, "    {k} = {}", shown_value(v, lang));
        }
        for t in &o.thresholds {
            say!(buf, "    {}", threshold_line(t, &defs, lang));
        }
        if let Some(f) = &o.finding {
            say!(buf, "    → {}", f.message(lang));
            for l in &f.labels {
                let what = analysis
                    .text_of(&l.location.file)
                    .and_then(|t| t.get(l.location.span.range()))
                    .unwrap_or("");
                say!(
                    buf,
                    "    + {what}: {} ({})",
                    l.message.get(lang),
                    l.location.file
                );
            }
            for n in f.notes().skip(1) {
                say!(buf, "    + {}", n.get(lang));
            }
            // What would make it pass: the rule's requirement, as written.
            let requirement = rule.decl.require.as_ref().and_then(|r| {
                analysis
                    .text_of(&rule.origin.file)
                    .and_then(|t| t.get(r.span.range()))
            });
            if let Some(src) = requirement {
                let src = src.split_whitespace().collect::<Vec<_>>().join(" ");
                match lang {
                    Lang::Zh => say!(buf, "    通过条件：{src}"),
                    Lang::En => say!(buf, "    passes when: {src}"),
                }
            }
        }
    }
    if !folded.is_empty() {
        let not_in_force = outcomes
            .iter()
            .filter(|o| o.status == Status::NotInForce)
            .count();
        let other = folded.len() - not_in_force;
        say!(
            buf,
            "\n{}",
            match lang {
                Lang::Zh if other > 0 => format!(
                    "另有 {} 条规则未触发、{not_in_force} 条未生效（不加 --fired 可查看）：{}",
                    other,
                    folded.join(", ")
                ),
                Lang::En if other > 0 => format!(
                    "{} did not fire and {not_in_force} {} not in force (drop --fired to see them): {}",
                    count(other, "more rule", "more rules"),
                    if not_in_force == 1 { "is" } else { "are" },
                    folded.join(", ")
                ),
                Lang::Zh => format!("{not_in_force} 条规则未生效：{}", folded.join(", ")),
                Lang::En => format!(
                    "{} not in force: {}",
                    count(not_in_force, "rule", "rules"),
                    folded.join(", ")
                ),
            }
        );
    }
    0
}

pub fn doc(analysis: &Analysis, json_out: bool) -> u8 {
    let mut o = String::new();
    let code = doc_to(&mut o, analysis, json_out);
    emit(&o);
    code
}

fn doc_to(buf: &mut String, analysis: &Analysis, json_out: bool) -> u8 {
    let defs = analysis.defs();
    let rules: Vec<_> = defs.rules.values().filter(|r| r.stdlib).collect();
    if json_out {
        let list: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "title": r.title,
                    "citations": &*r.cites,
                    "penalties": r.penalties,
                    "effective_from": r.effective.map(|d| d.to_string()),
                    "effective_until": r.until.map(|d| d.to_string()),
                    "severity": r.severity.as_str(),
                    "subject": r.subject,
                    "file": r.origin.file,
                    "doc": r.doc,
                })
            })
            .collect();
        say!(
            buf,
            "{}",
            serde_json::to_string_pretty(&json!({ "rules": list })).unwrap_or_default()
        );
    } else {
        say!(buf, "# hegui standard library: rule catalogue\n");
        say!(
            buf,
            "| id | title | citation | in force | severity |\n|---|---|---|---|---|"
        );
        for r in &rules {
            let cites: Vec<String> = r
                .cites
                .iter()
                .map(|c| format!("{} / {}", c.zh, c.en))
                .collect();
            let from = r
                .effective
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into());
            let until = r.until.map(|d| d.to_string()).unwrap_or_else(|| "".into());
            say!(
                buf,
                "| {} | {} / {} | {} | {} – {} | {} |",
                r.id,
                r.title.zh,
                r.title.en,
                cites.join("; "),
                from,
                until,
                r.severity.as_str()
            );
        }
        penalty_table(buf, &rules);
    }
    0
}

/// The legal exposure the rules carry: each penalty as its article states it.
fn penalty_table(buf: &mut String, rules: &[&hegui_lang::model::defs::RuleDef]) {
    if rules.iter().all(|r| r.penalties.is_empty()) {
        return;
    }
    say!(buf, "\n## 罚则 / Penalties\n");
    say!(
        buf,
        "| id | penalty article | what it provides | status |\n|---|---|---|---|"
    );
    for r in rules {
        for p in &r.penalties {
            say!(
                buf,
                "| {} | {} / {} | {} / {} | {} |",
                r.id,
                p.citation.zh,
                p.citation.en,
                p.text.zh,
                p.text.en,
                if p.confirmed {
                    "已确认 / confirmed"
                } else {
                    "未确认 / unconfirmed"
                }
            );
        }
    }
}

/// A fact's value as `explain` shows it: an unknown says so, with the facts
/// not declared (or declared with an input error) it comes from, and what is
/// known of a number ("at least 3,200").
/// A threshold beside the value compared with it: "flow.cumulative_sensitive
/// ≥ 10,000 (`ten_thousand`, Ten thousand): here 50,000, reached". Both come
/// from the evaluation; the limit is the policy's, never Rust's.
fn threshold_line(
    t: &hegui_lang::eval::Threshold,
    defs: &hegui_lang::model::defs::Defs,
    lang: Lang,
) -> String {
    use hegui_lang::model::Value;
    use hegui_lang::syntax::ast::BinOp;
    let (sym, met) = match (t.op, &t.value, &t.limit) {
        (op, Value::Int(v), Value::Int(l)) => {
            let met = match op {
                BinOp::Ge => v >= l,
                BinOp::Gt => v > l,
                BinOp::Le => v <= l,
                _ => v < l,
            };
            (op, Some(met))
        }
        (op, _, _) => (op, None),
    };
    let sym = match sym {
        BinOp::Ge => "≥",
        BinOp::Gt => ">",
        BinOp::Le => "≤",
        _ => "<",
    };
    let named = t.constant.as_ref().map(|c| {
        let label = defs
            .consts
            .get(&**c)
            .map(|d| d.label.get(lang).to_string())
            .filter(|l| !l.is_empty());
        match (label, lang) {
            (Some(l), Lang::Zh) => format!("（`{c}`，{l}）"),
            (Some(l), Lang::En) => format!(" (`{c}`, {l})"),
            (None, Lang::Zh) => format!("（`{c}`）"),
            (None, Lang::En) => format!(" (`{c}`)"),
        }
    });
    let named = named.unwrap_or_default();
    let value = shown_value(&t.value, lang);
    match lang {
        Lang::Zh => {
            let verdict = match met {
                Some(true) => "，达到",
                Some(false) => "，未达到",
                None => "",
            };
            format!(
                "门槛：{} {sym} {}{named}；此处 {value}{verdict}",
                t.fact, t.limit
            )
        }
        Lang::En => {
            let verdict = match met {
                Some(true) => ", met",
                Some(false) => ", not met",
                None => "",
            };
            format!(
                "threshold: {} {sym} {}{named}; here {value}{verdict}",
                t.fact, t.limit
            )
        }
    }
}

fn shown_value(v: &hegui_lang::model::Value, lang: Lang) -> String {
    let hegui_lang::model::Value::Unknown(u) = v else {
        return v.to_string();
    };
    let facts: Vec<String> = u
        .facts
        .facts()
        .iter()
        .map(|f| format!("{}.{}", f.entity, f.field))
        .collect();
    let broken = u.facts.has_invalid();
    let at_least =
        (u.lo > 0 && u.lo < i64::MAX).then(|| hegui_lang::model::Value::Int(u.lo).to_string());
    match lang {
        Lang::Zh => {
            let why = if broken { "输入有误" } else { "未声明" };
            let bound = at_least.map(|n| format!("，至少 {n}")).unwrap_or_default();
            format!("未知（{why}：{}{bound}）", facts.join("、"))
        }
        Lang::En => {
            let why = if broken {
                "input error in"
            } else {
                "not declared"
            };
            let bound = at_least
                .map(|n| format!(", at least {n}"))
                .unwrap_or_default();
            format!("unknown ({why}: {}{bound})", facts.join(", "))
        }
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::{line_col, LineIndex};

    #[test]
    fn the_index_answers_what_the_scan_answers_at_every_offset() {
        let text = "flow a {\n  目的 = \"数据\"\n\n}\r\nlast";
        let index = LineIndex::new(text);
        for off in 0..=text.len() as u32 + 2 {
            assert_eq!(
                index.line_col(text, off),
                line_col(text, off),
                "offset {off}"
            );
        }
        assert_eq!(index.line_col(text, 9), (2, 1));
    }
}
