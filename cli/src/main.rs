//! The `hegui` binary: commands, exit codes and the terminal. The language
//! itself lives in `hegui-lang`; the language server in `hegui-lsp`.

/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod diff;
mod exit;
mod files;
mod fmt_cmd;
mod init;
mod output;
mod render;
mod report;
mod schema;

use clap::{Parser, Subcommand, ValueEnum};
use hegui_lang::diag::{Lang, Severity, Text};
use hegui_lang::Analysis;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hegui",
    version,
    about = "合规 — policy-as-code for Chinese health-data compliance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
    Sarif,
    Junit,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum DocFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ReportFormat {
    Md,
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Deny {
    // Warnings fail the check too.
    Warnings,
    // Undetermined findings (a deciding fact not declared) fail the check.
    Undetermined,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, check and evaluate a workspace (.hegui, .hegui.json and .hegui.yaml files).
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// Judge every flow under the law in force on this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// Language of messages (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output: human (terminal), json, sarif (SARIF 2.1.0) or junit (JUnit XML).
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date):
        /// waiver expiry and overdue obligations are judged against it.
        #[arg(long)]
        today: Option<String>,
        /// `--deny warnings`: warnings also fail the check (exit 1); `--deny undetermined`: so do undetermined findings (both: `--deny warnings,undetermined`).
        #[arg(long, value_enum, value_delimiter = ',')]
        deny: Vec<Deny>,
        /// Check each subfolder of PATHS as a workspace of its own (like `examples/`).
        #[arg(long)]
        each: bool,
        /// Ignore every `waive` item: show all findings as computed.
        #[arg(long)]
        no_waivers: bool,
        /// Judge by the standard library in this folder or archive (default: the one
        /// `hegui.toml` names, else the embedded one).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
    },
    /// Run the policy tests of a workspace, or of the standard library.
    Test {
        /// Files or folders of the workspace (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// `--stdlib`: run the standard library's own tests (the embedded
        /// one, or the one in PATH); with PATHS, `--stdlib PATH` runs the
        /// workspace's tests over the stdlib in PATH.
        #[arg(long, value_name = "PATH", num_args = 0..=1)]
        stdlib: Option<Option<std::path::PathBuf>>,
        /// Language of messages (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Why each rule in force applied to a flow (or any entity) or not.
    Explain {
        /// The name of the flow (or party, dataset).
        name: String,
        /// Files or folders of the workspace (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// Judge the entity under the law in force on this date (YYYY-MM-DD;
        /// default: its own date, a flow's start).
        #[arg(long)]
        as_of: Option<String>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
        /// Show only the rules that fired or could not be decided.
        #[arg(long)]
        fired: bool,
        /// Language of the explanation (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Judge by the standard library in this folder or archive (default: the one
        /// `hegui.toml` names, else the embedded one).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
    },
    /// Print the standard library's rule catalogue.
    Doc {
        /// Output: human (a Markdown table) or json.
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
        /// Judge by the standard library in this folder or archive (default: the one
        /// `hegui.toml` names, else the embedded one).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
    },
    /// Format .hegui files in place (canonical layout, comments kept).
    Fmt {
        /// Files or folders (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// Change nothing: list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Print the JSON Schema (draft 2020-12) of JSON/YAML declaration files.
    Schema {
        /// Judge by the standard library in this folder or archive (default: the one
        /// `hegui.toml` names, else the embedded one).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
    },
    /// A compliance report for people: per flow, the required mechanism,
    /// missing items, obligations with due dates and the filing checklist.
    Report {
        /// Files or folders of the workspace (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// Output: md (Markdown) or html (one self-contained, printable page).
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        /// Language of the report (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Judge every entity under the law in force on this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
        /// Judge by the standard library in this folder or archive (default: the one
        /// `hegui.toml` names, else the embedded one).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
        /// Ignore every `waive` item: report all findings as computed.
        #[arg(long)]
        no_waivers: bool,
        /// `--deny warnings`: warnings also fail the report (exit 1); `--deny undetermined`: so do undetermined findings.
        #[arg(long, value_enum, value_delimiter = ',')]
        deny: Vec<Deny>,
    },
    /// What changes when the law does: the findings of each subject at two
    /// dates (--from/--to), or under two stdlibs (--from-stdlib/--to-stdlib).
    Diff {
        /// Files or folders (default: the current folder).
        paths: Vec<std::path::PathBuf>,
        /// Judge first under the law in force on this date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Then under the law in force on this date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Judge first by the stdlib in this folder or archive (.tar.gz, .zip).
        #[arg(long, value_name = "PATH")]
        from_stdlib: Option<std::path::PathBuf>,
        /// Then by the stdlib in this folder or archive (.tar.gz, .zip).
        #[arg(long, value_name = "PATH")]
        to_stdlib: Option<std::path::PathBuf>,
        /// With two stdlibs: judge every subject at this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// Output: human or json.
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
        /// Exit 1 when anything changed.
        #[arg(long)]
        fail_on_change: bool,
        /// Language of the output (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
        /// With two dates: judge by the stdlib in this folder or archive (.tar.gz, .zip).
        #[arg(long, value_name = "PATH")]
        stdlib: Option<std::path::PathBuf>,
    },
    /// Create a starter workspace: a party, a dataset, a flow and a CI workflow.
    Init {
        /// The folder to create it in (default: the current folder).
        dir: Option<std::path::PathBuf>,
    },
    /// Start the language server on stdin/stdout.
    Lsp {
        /// Talk over stdin/stdout (the only transport; accepted because
        /// editor clients pass it).
        #[arg(long)]
        stdio: bool,
        /// Language of diagnostics (default: from the locale).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Judge every entity under the law in force on this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
    },
}

pub(crate) fn lang_of(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => {
            let loc = std::env::var("LC_ALL")
                .or_else(|_| std::env::var("LC_MESSAGES"))
                .or_else(|_| std::env::var("LANG"))
                .unwrap_or_default();
            if loc.starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            }
        }
    }
}

/// A date option: exactly `YYYY-MM-DD` and a day of the calendar
/// (`20250401` and `2025-02-30` are refused, never guessed at).
fn parse_date(flag: &str, s: &Option<String>) -> Result<Option<jiff::civil::Date>, Text> {
    let Some(s) = s else {
        return Ok(None);
    };
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    match s.parse::<jiff::civil::Date>() {
        Ok(d) if shaped => Ok(Some(d)),
        _ => Err(Text::new(
            format!("{flag}：`{s}` 不是日期（应写作 YYYY-MM-DD，如 2025-04-01）"),
            format!("{flag}: `{s}` is not a date (write YYYY-MM-DD, e.g. 2025-04-01)"),
        )),
    }
}

/// The evaluation date: `--today`, else the system date. The only place the
/// clock is read; policy never sees it except through this value.
fn today_of(s: &Option<String>) -> Result<jiff::civil::Date, Text> {
    Ok(parse_date("--today", s)?.unwrap_or_else(|| jiff::Zoned::now().date()))
}

fn main() -> ExitCode {
    // Deeply nested input is bounded by the parser's limits; a big stack is a
    // second line of defence, and the whole run happens on that thread.
    let child = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(run);
    match child.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("hegui: internal error");
            ExitCode::from(2)
        }
    }
}

/// A usage or input error before anything ran: said in the chosen language, exit 2.
fn usage_error(lang: Lang, msg: Text) -> u8 {
    eprintln!("{:?}", miette::miette!("{}", msg.get(lang)));
    exit::INPUT_ERROR
}

fn run() -> u8 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            paths,
            as_of,
            today,
            lang,
            format,
            deny,
            each,
            stdlib,
            no_waivers,
        } => {
            let settings = Settings {
                no_waivers,
                ..Settings::new(stdlib, lang, as_of, today).denying(&deny)
            };
            if each {
                if format != Format::Human {
                    return usage_error(
                        settings.early_lang(),
                        Text::new(
                            "--each 只输出供人阅读的格式；要用 --format，请逐个检查工作区",
                            "--each prints human output; run one workspace at a time for --format",
                        ),
                    );
                }
                return check_each(&paths, &settings);
            }
            let mut w = match settings.open(&paths) {
                Ok(w) => w,
                Err(code) => return code,
            };
            let format = match format {
                Format::Human => output::CheckFormat::Human,
                Format::Json => output::CheckFormat::Json,
                Format::Sarif => output::CheckFormat::Sarif,
                Format::Junit => output::CheckFormat::Junit,
            };
            // One pass, shedding the memos as it goes: nothing asks again.
            let diags = output::all_diagnostics_once(&mut w.analysis, &w.load);
            let (code, _) = output::check_these(
                &w.analysis,
                &w.load,
                diags,
                &w.run,
                w.lang,
                format,
                w.gate(),
            );
            if format == output::CheckFormat::Human {
                output::emit(&format!("{}\n", w.run.line(w.lang)));
            }
            // The process ends now: freeing the database piece by piece only costs time.
            std::mem::forget(w);
            code
        }
        Command::Test {
            paths,
            stdlib,
            lang,
        } => {
            let own_tests = stdlib.is_some();
            let settings = Settings::new(stdlib.flatten(), lang, None, None);
            if own_tests && paths.is_empty() {
                let lang = settings.early_lang();
                let analysis = match hegui_workspace::load_stdlib(settings.stdlib.as_deref()) {
                    Ok(a) => a,
                    Err(e) => return usage_error(lang, e),
                };
                return output::test(&analysis, &files::Loaded::default(), true, lang);
            }
            match settings.open(&paths) {
                Ok(w) => output::test(&w.analysis, &w.load, own_tests, w.lang),
                Err(code) => code,
            }
        }
        Command::Explain {
            name,
            paths,
            as_of,
            today,
            lang,
            stdlib,
            fired,
        } => {
            let settings = Settings::new(stdlib, lang, as_of, today);
            let w = match settings.open(&paths) {
                Ok(w) => w,
                Err(code) => return code,
            };
            let code = output::explain(&w.analysis, &w.run, &name, fired, w.lang);
            if code != exit::CLEAN {
                return code;
            }
            explain_exit(&w.analysis, &w.load, &name, w.lang)
        }
        Command::Doc { format, stdlib } => {
            let lang = lang_of(None);
            match hegui_workspace::load_stdlib(stdlib.as_deref()) {
                Ok(a) => output::doc(&a, format == DocFormat::Json),
                Err(e) => usage_error(lang, e),
            }
        }
        Command::Fmt { paths, check } => fmt_cmd::run(&paths, check),
        Command::Schema { stdlib } => {
            let analysis = match hegui_workspace::load_stdlib(stdlib.as_deref()) {
                Ok(a) => a,
                Err(e) => return usage_error(lang_of(None), e),
            };
            let s = schema::generate(&analysis.defs());
            output::emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&s).unwrap_or_default()
            ));
            0
        }
        Command::Report {
            paths,
            format,
            lang,
            as_of,
            today,
            stdlib,
            no_waivers,
            deny,
        } => {
            let settings = Settings {
                no_waivers,
                ..Settings::new(stdlib, lang, as_of, today).denying(&deny)
            };
            match settings.open(&paths) {
                Ok(w) => report::run(
                    &w.analysis,
                    &w.load,
                    &w.run,
                    w.lang,
                    format == ReportFormat::Html,
                    w.gate(),
                ),
                Err(code) => code,
            }
        }
        Command::Diff {
            paths,
            from,
            to,
            from_stdlib,
            to_stdlib,
            as_of,
            format,
            fail_on_change,
            lang,
            today,
            stdlib,
        } => {
            let settings = Settings::new(stdlib, lang, as_of, today);
            let early = settings.early_lang();
            let sides = match (from, to, from_stdlib, to_stdlib) {
                (Some(f), Some(t), None, None) => {
                    let (f, t) = match (parse_date("--from", &Some(f)), parse_date("--to", &Some(t))) {
                        (Ok(Some(f)), Ok(Some(t))) => (f, t),
                        (Err(e), _) | (_, Err(e)) => return usage_error(early, e),
                        _ => return exit::INPUT_ERROR,
                    };
                    let mut w = match settings.open(&paths) {
                        Ok(w) => w,
                        Err(code) => return code,
                    };
                    let mut at = |d| {
                        w.analysis.set_as_of(Some(d));
                        diff_side(&w, d.to_string())
                    };
                    let a = at(f);
                    let b = at(t);
                    (a, b, w.lang)
                }
                (None, None, Some(f), Some(t)) => {
                    let open = |dir: std::path::PathBuf| {
                        Settings::new(
                            Some(dir),
                            settings.lang,
                            settings.as_of.clone(),
                            settings.today.clone(),
                        )
                        .open(&paths)
                    };
                    let (wf, wt) = match (open(f), open(t)) {
                        (Ok(a), Ok(b)) => (a, b),
                        (Err(c), _) | (_, Err(c)) => return c,
                    };
                    let label = |w: &Opened| {
                        format!("stdlib {} ({})", w.run.stdlib_version_text(w.lang), w.run.short_hash())
                    };
                    let (a, b) = (diff_side(&wf, label(&wf)), diff_side(&wt, label(&wt)));
                    (a, b, wt.lang)
                }
                _ => {
                    return usage_error(
                        early,
                        Text::new(
                            "请给出 --from 和 --to（两个日期），或 --from-stdlib 和 --to-stdlib（两个标准库）",
                            "give --from and --to (two dates), or --from-stdlib and --to-stdlib (two stdlibs)",
                        ),
                    )
                }
            };
            let (a, b, lang) = sides;
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(c), _) | (_, Err(c)) => return c,
            };
            let changed = diff::print(&a, &b, lang, format == DocFormat::Json);
            if changed && fail_on_change {
                exit::FINDINGS
            } else {
                exit::CLEAN
            }
        }
        Command::Init { dir } => init::run(dir.as_deref()),
        Command::Lsp {
            lang,
            as_of,
            today,
            stdio: _,
        } => {
            let fallback_lang = lang_of(None);
            // Without --today the server reads the system date at each recheck.
            let dates =
                parse_date("--as-of", &as_of).and_then(|a| Ok((a, parse_date("--today", &today)?)));
            let (as_of, today) = match dates {
                Ok(d) => d,
                Err(e) => return usage_error(lang_of(lang), e),
            };
            // What the command line leaves unsaid, each root's hegui.toml says.
            hegui_lsp::run_stdio(hegui_lsp::Options {
                lang: lang.map(|l| lang_of(Some(l))),
                fallback_lang,
                as_of,
                today,
            });
            0
        }
    }
}

/// The options every workspace command shares; what they leave unsaid,
/// `hegui.toml` says, and then the defaults.
#[derive(Default)]
struct Settings {
    stdlib: Option<std::path::PathBuf>,
    lang: Option<LangArg>,
    as_of: Option<String>,
    today: Option<String>,
    deny: bool,
    /// `--deny undetermined`: undetermined findings fail the run.
    deny_undetermined: bool,
    /// `--no-waivers`: every finding as computed.
    no_waivers: bool,
}

/// A workspace loaded for a command, with what applies to it.
struct Opened {
    analysis: Analysis,
    load: files::Loaded,
    run: output::RunInfo,
    lang: Lang,
    fail_at: Severity,
    deny_undetermined: bool,
}

impl Settings {
    /// The options every workspace command takes; nothing denied, waivers on.
    fn new(
        stdlib: Option<std::path::PathBuf>,
        lang: Option<LangArg>,
        as_of: Option<String>,
        today: Option<String>,
    ) -> Settings {
        Settings {
            stdlib,
            lang,
            as_of,
            today,
            ..Settings::default()
        }
    }

    /// With what `--deny` names failing the run too.
    fn denying(self, deny: &[Deny]) -> Settings {
        Settings {
            deny: deny.contains(&Deny::Warnings),
            deny_undetermined: deny.contains(&Deny::Undetermined),
            ..self
        }
    }

    /// The language of messages before `hegui.toml` is read.
    fn early_lang(&self) -> Lang {
        lang_of(self.lang)
    }

    /// Loads PATHS; a usage or load error is reported and its exit code returned.
    fn open(&self, paths: &[std::path::PathBuf]) -> Result<Opened, u8> {
        let early = self.early_lang();
        let as_of = parse_date("--as-of", &self.as_of).map_err(|e| usage_error(early, e))?;
        let today = today_of(&self.today).map_err(|e| usage_error(early, e))?;
        let (mut analysis, mut load) =
            files::load(paths, self.stdlib.as_deref()).map_err(|e| usage_error(early, e))?;
        let lang = match self.lang {
            Some(l) => lang_of(Some(l)),
            None => load.config.lang.unwrap_or(early),
        };
        let as_of = as_of.or(load.config.as_of);
        analysis.set_as_of(as_of);
        load.today = Some(today);
        let fail_at = if self.deny {
            Severity::Warning
        } else {
            load.config.fail_on.unwrap_or(Severity::Error)
        };
        let mut run = output::RunInfo::new(&analysis, as_of, today);
        run.waivers = !self.no_waivers;
        // The dates and the waiver switch, on the analysis too (waiver expiry).
        run.configure(&mut analysis);
        Ok(Opened {
            analysis,
            load,
            run,
            lang,
            fail_at,
            deny_undetermined: self.deny_undetermined,
        })
    }
}

impl Opened {
    /// What fails the run.
    fn gate(&self) -> exit::Gate {
        exit::Gate {
            at: self.fail_at,
            undetermined: self.deny_undetermined,
        }
    }
}

/// The rule findings of a workspace as it is set now, for `diff`; input
/// errors are shown on stderr and stop the comparison (exit 2).
fn diff_side(w: &Opened, label: String) -> Result<diff::Side, u8> {
    let diags = output::all_diagnostics(&w.analysis, &w.load);
    let defs = w.analysis.defs();
    if print_input_errors(&w.analysis, &w.load, &diags, w.lang) > 0 {
        return Err(exit::INPUT_ERROR);
    }
    let findings = diags
        .into_iter()
        .filter(|d| defs.rules.contains_key(&d.code))
        .collect();
    Ok(diff::Side { label, findings })
}

/// Renders the input errors among `diags` on stderr; returns how many.
fn print_input_errors(
    analysis: &Analysis,
    load: &files::Loaded,
    diags: &[hegui_lang::diag::Diagnostic],
    lang: Lang,
) -> usize {
    let defs = analysis.defs();
    let broken: Vec<_> = diags
        .iter()
        .filter(|d| exit::is_input_error(d, &defs))
        .cloned()
        .collect();
    if !broken.is_empty() {
        let sources = output::Sources::new(analysis, load);
        eprint!("{}", render::to_string(&broken, &sources, lang, false));
    }
    broken.len()
}

/// `explain`'s exit code once the explanation is printed: input errors
/// anywhere in the workspace (listed on stderr: what was explained may have
/// read them) give 2, an active error finding about the entity 1.
fn explain_exit(analysis: &Analysis, load: &files::Loaded, name: &str, lang: Lang) -> u8 {
    let diags = output::all_diagnostics(analysis, load);
    let broken = print_input_errors(analysis, load, &diags, lang);
    if broken > 0 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("工作区有 {broken} 个输入错误：以上解释可能不完整"),
                Lang::En => format!(
                    "the workspace has {}: the explanation above may be incomplete",
                    hegui_lang::english::count(broken, "input error", "input errors")
                ),
            }
        );
        return exit::INPUT_ERROR;
    }
    let about: Vec<_> = diags
        .into_iter()
        .filter(|d| d.subject.as_deref() == Some(name))
        .collect();
    exit::code(&about, &analysis.defs(), Severity::Error)
}

/// `check --each`: every subfolder holding workspace files is its own
/// workspace; the exit code is the worst of theirs. A folder without such
/// subfolders is checked as one workspace (and says so).
fn check_each(paths: &[std::path::PathBuf], settings: &Settings) -> u8 {
    let lang = settings.early_lang();
    let mut first_run: Option<output::RunInfo> = None;
    let mut total = output::Counts::default();
    let mut workspaces = 0;
    let roots: Vec<std::path::PathBuf> = if paths.is_empty() {
        vec![".".into()]
    } else {
        paths.to_vec()
    };
    let mut worst = exit::CLEAN;
    for root in roots {
        let mut dirs: Vec<std::path::PathBuf> = match std::fs::read_dir(&root) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    !(name.starts_with('.') || name == "target" || name == "node_modules")
                })
                .collect(),
            Err(e) => {
                return usage_error(
                    lang,
                    Text::new(
                        format!("无法读取文件夹 {}：{e}", root.display()),
                        format!("cannot read folder {}: {e}", root.display()),
                    ),
                )
            }
        };
        dirs.sort();
        // A subfolder with no workspace file (a CI folder, docs) is no workspace.
        dirs.retain(|d| {
            hegui_workspace::list(
                std::slice::from_ref(d),
                &hegui_workspace::is_workspace_file,
                hegui_workspace::Walk::OneWorkspace,
            )
            .is_ok_and(|f| !f.is_empty())
        });
        if dirs.is_empty() {
            eprintln!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "{} 下没有含工作区文件的子文件夹：按一个工作区检查",
                        root.display()
                    ),
                    Lang::En => format!(
                        "{} has no subfolder with workspace files: checked as one workspace",
                        root.display()
                    ),
                }
            );
            dirs.push(root.clone());
        }
        for dir in dirs {
            let w = match settings.open(std::slice::from_ref(&dir)) {
                Ok(w) => w,
                Err(code) => return code,
            };
            output::emit(&format!("== {} ==\n", dir.display()));
            let (code, counts) = output::check(
                &w.analysis,
                &w.load,
                &w.run,
                w.lang,
                output::CheckFormat::Human,
                w.gate(),
            );
            // A workspace judged by another stdlib, or at another date, says so.
            match &first_run {
                None => first_run = Some(w.run),
                Some(r) if r.line(lang) != w.run.line(lang) => {
                    output::emit(&format!("{}\n", w.run.line(w.lang)))
                }
                Some(_) => {}
            }
            worst = worst.max(code);
            total.add(counts);
            workspaces += 1;
        }
    }
    let mut s = match lang {
        Lang::Zh => "== 合计 ==\n".to_string(),
        Lang::En => "== total ==\n".to_string(),
    };
    s.push_str(&total.total_line(workspaces, lang));
    if let Some(run) = &first_run {
        s.push_str(&format!("{}\n", run.line(lang)));
    }
    output::emit(&s);
    worst
}
