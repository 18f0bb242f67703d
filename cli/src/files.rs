//! The CLI's side of loading: the workspace loader (`hegui-workspace`, shared
//! with the language server) does the work.

pub use hegui_workspace::{load, Loaded};
