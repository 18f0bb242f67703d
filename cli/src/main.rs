//! The `hegui` binary: commands, exit codes and the terminal. The language
//! itself lives in `hegui-lang`; the language server in `hegui-lsp`.

/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod exit;
mod files;
mod fmt_cmd;
mod init;
mod output;
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
        } => {
            let lang = lang_of(lang);
            let as_of = match parse_date("--as-of", &as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let run = output::RunInfo::new(as_of, today);
            if each {
                if format != Format::Human {
                    return usage_error(
                        lang,
                        Text::new(
                            "--each 只输出供人阅读的格式；要用 --format，请逐个检查工作区",
                            "--each prints human output; run one workspace at a time for --format",
                        ),
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
                Err(e) => return usage_error(lang, e),
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
                    Err(e) => return usage_error(lang, e),
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
            let lang = lang_of(lang);
            let as_of = match parse_date("--as-of", &as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let run = output::RunInfo::new(as_of, today);
            let (mut analysis, load) = match files::load(&paths) {
                Ok(x) => x,
                Err(e) => return usage_error(lang, e),
            };
            analysis.set_as_of(as_of);
            let code = output::explain(&analysis, &run, &name, lang);
            if code != exit::CLEAN {
                return code;
            }
            explain_exit(&analysis, &load, &name, lang)
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
            let lang = lang_of(lang);
            let as_of = match parse_date("--as-of", &as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let today = match today_of(&today) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            let run = output::RunInfo::new(as_of, today);
            let (mut analysis, load) = match files::load(&paths) {
                Ok(x) => x,
                Err(e) => return usage_error(lang, e),
            };
            analysis.set_as_of(as_of);
            report::run(&analysis, &load, &run, lang, format == ReportFormat::Html)
        }
        Command::Init { dir } => init::run(dir.as_deref()),
        Command::Lsp {
            lang,
            as_of,
            stdio: _,
        } => {
            let lang = lang_of(lang);
            let as_of = match parse_date("--as-of", &as_of) {
                Ok(d) => d,
                Err(e) => return usage_error(lang, e),
            };
            hegui_lsp::run_stdio(lang, as_of);
            0
        }
    }
}

/// `explain`'s exit code once the explanation is printed: input errors
/// anywhere in the workspace (listed on stderr: what was explained may have
/// read them) give 2, an active error finding about the entity 1.
fn explain_exit(analysis: &Analysis, load: &files::Loaded, name: &str, lang: Lang) -> u8 {
    let diags = output::all_diagnostics(analysis, load);
    let defs = analysis.defs();
    let broken: Vec<_> = diags
        .iter()
        .filter(|d| exit::is_input_error(d, &defs))
        .cloned()
        .collect();
    if !broken.is_empty() {
        let sources = output::Sources {
            analysis,
            loaded: load,
        };
        eprint!(
            "{}",
            hegui_lang::diag::render::to_string(&broken, &sources, lang, false)
        );
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("工作区有 {} 个输入错误：以上解释可能不完整", broken.len()),
                Lang::En => format!(
                    "the workspace has {} input errors: the explanation above may be incomplete",
                    broken.len()
                ),
            }
        );
        return exit::INPUT_ERROR;
    }
    let about: Vec<_> = diags
        .into_iter()
        .filter(|d| d.subject.as_deref() == Some(name))
        .collect();
    exit::code(&about, &defs, Severity::Error)
}

/// `check --each`: every subfolder holding workspace files is its own
/// workspace; the exit code is the worst of theirs. A folder without such
/// subfolders is checked as one workspace (and says so).
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
            let (mut analysis, load) = match files::load(std::slice::from_ref(&dir)) {
                Ok(x) => x,
                Err(e) => return usage_error(lang, e),
            };
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
