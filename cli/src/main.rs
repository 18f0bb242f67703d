//! The `hegui` binary: commands, exit codes and the terminal. The language
//! itself lives in `hegui-lang`; the language server in `hegui-lsp`.

/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod files;
mod fmt_cmd;
mod init;
mod output;
mod report;
mod schema;

use clap::{Parser, Subcommand, ValueEnum};
use hegui_lang::diag::{Lang, Severity};
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
    Warnings,
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
        /// `--deny warnings`: warnings also fail the check (exit 1).
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// Check each subfolder of PATHS as a workspace of its own (like `examples/`).
        #[arg(long)]
        each: bool,
    },
    /// Run the policy tests of a workspace, or of the standard library.
    Test {
        paths: Vec<std::path::PathBuf>,
        /// Run the embedded standard library's own tests.
        #[arg(long)]
        stdlib: bool,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Why each rule in force applied to a flow (or any entity) or not.
    Explain {
        /// The name of the flow (or party, dataset).
        name: String,
        paths: Vec<std::path::PathBuf>,
        #[arg(long)]
        as_of: Option<String>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Print the standard library's rule catalogue.
    Doc {
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
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
    Schema,
    /// A compliance report for people: per flow, the required mechanism,
    /// missing items, obligations with due dates and the filing checklist.
    Report {
        paths: Vec<std::path::PathBuf>,
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[arg(long)]
        as_of: Option<String>,
        /// The date of the evaluation (YYYY-MM-DD; default: today's system date).
        #[arg(long)]
        today: Option<String>,
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
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[arg(long)]
        as_of: Option<String>,
    },
}

fn lang_of(arg: Option<LangArg>) -> Lang {
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

fn parse_date(s: &Option<String>) -> Result<Option<jiff::civil::Date>, String> {
    parse_date_of("--as-of", s)
}

fn parse_date_of(option: &str, s: &Option<String>) -> Result<Option<jiff::civil::Date>, String> {
    match s {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::civil::Date>()
            .map(Some)
            .map_err(|_| format!("{option}: `{s}` is not a date (YYYY-MM-DD)")),
    }
}

/// The evaluation date: `--today`, else the system date. The only place the
/// clock is read; policy never sees it except through this value.
fn today_of(s: &Option<String>) -> Result<jiff::civil::Date, String> {
    Ok(parse_date_of("--today", s)?.unwrap_or_else(|| jiff::Zoned::now().date()))
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

fn usage_error(msg: String) -> u8 {
    eprintln!("{:?}", miette::miette!("{msg}"));
    2
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
        } => {
            let as_of = match parse_date(&as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let run = output::RunInfo::new(as_of, today);
            let lang = lang_of(lang);
            if each {
                if format != Format::Human {
                    return usage_error(
                        "--each prints human output; run one workspace at a time for --format"
                            .into(),
                    );
                }
                let fail_at = if deny.is_some() {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                return check_each(&paths, &run, lang, fail_at);
            }
            let (mut analysis, load) = match files::load(&paths) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            analysis.set_as_of(as_of);
            let fail_at = if deny.is_some() {
                Severity::Warning
            } else {
                Severity::Error
            };
            let format = match format {
                Format::Human => output::CheckFormat::Human,
                Format::Json => output::CheckFormat::Json,
                Format::Sarif => output::CheckFormat::Sarif,
                Format::Junit => output::CheckFormat::Junit,
            };
            let (code, _) = output::check(&analysis, &load, &run, lang, format, fail_at);
            if format == output::CheckFormat::Human {
                output::emit(&format!("{}\n", run.line(lang)));
            }
            // The process ends now: freeing the database piece by piece only costs time.
            std::mem::forget(analysis);
            code
        }
        Command::Test {
            paths,
            stdlib,
            lang,
        } => {
            let lang = lang_of(lang);
            let (analysis, load) = if stdlib && paths.is_empty() {
                (Analysis::new(), files::Loaded::default())
            } else {
                match files::load(&paths) {
                    Ok(x) => x,
                    Err(e) => return usage_error(e),
                }
            };
            output::test(&analysis, &load, stdlib, lang)
        }
        Command::Explain {
            name,
            paths,
            as_of,
            today,
            lang,
        } => {
            let as_of = match parse_date(&as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let run = output::RunInfo::new(as_of, today);
            let (mut analysis, _) = match files::load(&paths) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            analysis.set_as_of(as_of);
            output::explain(&analysis, &run, &name, lang_of(lang))
        }
        Command::Doc { format } => output::doc(&Analysis::new(), format == DocFormat::Json),
        Command::Fmt { paths, check } => fmt_cmd::run(&paths, check),
        Command::Schema => {
            let s = schema::generate(&Analysis::new().defs());
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
        } => {
            let as_of = match parse_date(&as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            let run = output::RunInfo::new(as_of, today);
            let (mut analysis, load) = match files::load(&paths) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            analysis.set_as_of(as_of);
            report::run(
                &analysis,
                &load,
                &run,
                lang_of(lang),
                format == ReportFormat::Html,
            )
        }
        Command::Init { dir } => init::run(dir.as_deref()),
        Command::Lsp {
            lang,
            as_of,
            stdio: _,
        } => {
            let as_of = match parse_date(&as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(e),
            };
            hegui_lsp::run_stdio(lang_of(lang), as_of);
            0
        }
    }
}

/// `check --each`: every subfolder holding `.hegui` files is its own
/// workspace; the exit code is the worst of theirs.
fn check_each(
    paths: &[std::path::PathBuf],
    run: &output::RunInfo,
    lang: Lang,
    fail_at: Severity,
) -> u8 {
    let mut total = output::Counts::default();
    let mut workspaces = 0;
    let roots: Vec<std::path::PathBuf> = if paths.is_empty() {
        vec![".".into()]
    } else {
        paths.to_vec()
    };
    let mut worst = 0;
    for root in roots {
        let mut dirs: Vec<std::path::PathBuf> = match std::fs::read_dir(&root) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect(),
            Err(e) => return usage_error(format!("cannot read folder {}: {e}", root.display())),
        };
        dirs.sort();
        for dir in dirs {
            let (mut analysis, load) = match files::load(std::slice::from_ref(&dir)) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            if analysis.user_paths().is_empty() && load.errors.is_empty() {
                continue;
            }
            analysis.set_as_of(run.as_of);
            output::emit(&format!("== {} ==\n", dir.display()));
            let (code, counts) = output::check(
                &analysis,
                &load,
                run,
                lang,
                output::CheckFormat::Human,
                fail_at,
            );
            worst = worst.max(code);
            total.add(counts);
            workspaces += 1;
        }
    }
    let mut s = match lang {
        Lang::Zh => format!("== 合计（{workspaces} 个工作区）==\n"),
        Lang::En => format!("== total ({workspaces} workspaces) ==\n"),
    };
    s.push_str(&total.line(lang));
    s.push_str(&format!("{}\n", run.line(lang)));
    output::emit(&s);
    worst
}
