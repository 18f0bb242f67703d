//! The CLI's side of loading: the workspace loader (`hegui-workspace`, shared
//! with the language server) does the work; a command given nothing to work
//! on says so instead of reporting "0 files".

use hegui_lang::diag::Text;
use hegui_lang::Analysis;
pub use hegui_workspace::Loaded;
use std::path::{Path, PathBuf};

/// The workspace of PATHS (over the stdlib of `--stdlib DIR`, if given); an
/// error when they hold no workspace file.
pub fn load(paths: &[PathBuf], stdlib: Option<&Path>) -> Result<(Analysis, Loaded), Text> {
    let (analysis, loaded) = hegui_workspace::load(paths, stdlib)?;
    if analysis.user_paths().is_empty() && loaded.errors.is_empty() {
        return Err(nothing_found(paths));
    }
    Ok((analysis, loaded))
}

pub fn nothing_found(paths: &[PathBuf]) -> Text {
    let where_ = if paths.is_empty() {
        ".".to_string()
    } else {
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Text::new(
        format!("在 {where_} 中没有找到 .hegui、.hegui.json 或 .hegui.yaml 文件：没有可检查的内容"),
        format!("no .hegui, .hegui.json or .hegui.yaml files found in {where_}: nothing to check"),
    )
}
