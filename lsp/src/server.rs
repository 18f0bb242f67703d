//! The `LanguageServer` implementation: each handler queues its work on the
//! analysis thread (before its first `.await`, so in the client's order) and,
//! for requests, awaits the answer.

use crate::features;
use crate::files::materialise_stdlib;
use crate::loading;
use crate::position::Encoding;
use crate::sync;
use crate::worker::Worker;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

pub struct Backend {
    pub client: Client,
    pub worker: Worker,
    /// Whether the client lets us register file watching at run time.
    pub watch_dynamic: AtomicBool,
    /// Whether the client shows `$/progress` (`window.workDoneProgress`).
    pub progress_ok: Arc<AtomicBool>,
}

fn can_show_progress(params: &InitializeParams) -> bool {
    params
        .capabilities
        .window
        .as_ref()
        .and_then(|w| w.work_done_progress)
        .unwrap_or(false)
}

/// The files whose changes on disk change the workspace: every file the
/// loader reads, and the workspace manifest.
const WATCHED: [&str; 2] = ["**/*.{hegui,hegui.json,hegui.yaml}", "**/hegui.toml"];

fn can_watch_dynamically(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

fn watch_registration() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: WATCHED
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect(),
    };
    Registration {
        id: "hegui-watched-files".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// UTF-8 if the client can take it (fewer conversions), else UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn folder_paths(folders: &[WorkspaceFolder]) -> Vec<PathBuf> {
    folders
        .iter()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect()
}

#[allow(
    deprecated,
    reason = "root_uri and root_path are what older clients send"
)]
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(folders) = &params.workspace_folders {
        out.extend(folder_paths(folders));
    }
    if out.is_empty() {
        if let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path()) {
            out.push(p.into_owned());
        } else if let Some(p) = &params.root_path {
            out.push(PathBuf::from(p));
        }
    }
    out
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "=".into()]),
            ..Default::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: features::token_legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate(&params);
        let roots = roots(&params);
        self.watch_dynamic
            .store(can_watch_dynamically(&params), Ordering::Relaxed);
        self.progress_ok
            .store(can_show_progress(&params), Ordering::Relaxed);
        // The workspace loads once the client is initialized (see `initialized`).
        self.worker.send(move |s| {
            s.enc = enc;
            s.paths.stdlib_dir = materialise_stdlib();
            s.folders = roots;
        });
        Ok(InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(ServerInfo {
                name: "hegui".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // In the background: the open documents are served meanwhile.
        let worker = self.worker.clone();
        self.worker.send(move |s| {
            let folders = s.folders.clone();
            loading::start(s, &worker, folders);
        });
        // Without it, a client that waits to be asked never reports edits
        // made on disk (a checkout, a generator).
        if self.watch_dynamic.load(Ordering::Relaxed) {
            if let Err(e) = self
                .client
                .register_capability(vec![watch_registration()])
                .await
            {
                eprintln!("hegui lsp: the client refused file watching: {e}");
            }
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.worker
            .send(move |s| sync::did_open(s, params.text_document));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let asked = crate::trace::Waited::now();
        self.worker.send(move |s| {
            // How long the edit waited for the analysis thread.
            crate::trace::span("edit_queued").note(|| format!("{}us", asked.since()));
            sync::did_change(s, params)
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.worker
            .send(move |s| sync::did_close(s, &params.text_document.uri));
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let gone: Vec<PathBuf> = folder_paths(&params.event.removed);
        let added: Vec<PathBuf> = folder_paths(&params.event.added);
        let worker = self.worker.clone();
        self.worker.send(move |s| {
            let mut folders: Vec<PathBuf> = s.folders.clone();
            folders.retain(|f| !gone.contains(f));
            folders.extend(added);
            sync::set_folders(s, &worker, folders);
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let worker = self.worker.clone();
        self.worker
            .send(move |s| sync::watched_files(s, &worker, params.changes));
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.worker
            .ask_doc(uri, move |v| features::hover(v, params))
            .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.worker
            .ask_doc(
                params
                    .text_document_position_params
                    .text_document
                    .uri
                    .clone(),
                move |v| features::definition(v, params),
            )
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.worker
            .ask_doc(
                params.text_document_position.text_document.uri.clone(),
                move |v| features::references(v, params),
            )
            .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.worker
            .ask_doc(uri, move |v| features::rename(v, params).transpose())
            .await?
            .transpose()
            .map_err(Error::invalid_params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.worker
            .ask_doc(
                params.text_document_position.text_document.uri.clone(),
                move |v| features::completion(v, params),
            )
            .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::document_symbols(v, &params.text_document.uri)
            })
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.worker
            .ask_all(move |roots| features::workspace_symbols(roots, &params.query))
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::folding(v, &params.text_document.uri)
            })
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::inlay_hints(v, params)
            })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::code_actions(v, params)
            })
            .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::formatting(v, &params.text_document.uri)
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.worker
            .ask_doc(params.text_document.uri.clone(), move |v| {
                features::semantic_tokens(v, &params.text_document.uri)
            })
            .await
    }
}
