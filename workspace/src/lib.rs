//! The one workspace loader shared by the `hegui` CLI and language server.
//!
//! `hegui-lang` takes texts and knows no files; this crate is where the file
//! system is known:
//!
//! - **which files** make a workspace: `.hegui` files and JSON/YAML
//!   declaration files (`*.hegui.json`, `*.hegui.yaml`, `*.hegui.yml`),
//!   found by walking folders (sorted; hidden folders, `target/` and
//!   `node_modules/` skipped) — [`list`], [`is_workspace_file`];
//! - **where its root is**: the nearest folder, from a path upwards, holding
//!   a `hegui.toml`; without one, the folder given — [`root_of`]. A folder
//!   below the root with its own `hegui.toml` is another workspace and is not
//!   walked into, so a repository holding several workspaces is never merged;
//! - **its settings**: `hegui.toml` at the root ([`Config`]): the stdlib to
//!   use (embedded, a folder, or a `.tar.gz`/`.zip` archive read in memory
//!   within limits — see `archive.rs`), default `--as-of`, `--lang`, failing
//!   severity, per-rule severity overrides;
//! - **stdlib copies**: a file that is a copy of the standard library in use
//!   (the hegui repository itself, a vendored copy) is skipped, since loading
//!   it again would define everything twice;
//! - **files that cannot join**: unreadable files, text that is not UTF-8 and
//!   declaration files that do not parse become located diagnostics in
//!   [`Loaded::errors`], never a crash.
//!
//! The CLI calls [`load`] once; the language server calls
//! [`Loaded::load_folder`] for a workspace root and then [`Loaded::set_text`]
//! (an editor's text), [`Loaded::read`] (a file changed on disk) and
//! [`Loaded::remove`] as documents change. Either way, diagnostics located in
//! declaration files go through [`Loaded::relocate`] to point into the
//! original JSON/YAML text.

mod archive;
mod config;
mod decl;
mod files;
mod loaded;

pub use config::{strict_date, Config, SeverityOverride, StdlibChoice};

pub use decl::is_decl_file;
pub use files::{is_workspace_file, list, root_of, roots_under, Walk, ROOT_FILE};
pub use loaded::{load, load_stdlib, Loaded};
