//! The hegui language server (LSP over stdio), started by `hegui lsp`.
//!
//! `server` receives the client's messages (tower-lsp-server) and queues
//! their work on the one analysis thread of `worker` (the single writer),
//! which owns one `Analysis` per hegui workspace (`roots`); requests are
//! answered from snapshots on its reader pool. `loading` reads the
//! workspace in the background, `progress` shows it; `features` and `sync`
//! are the work; `position` converts byte offsets to the negotiated
//! encoding; `diagnostics` converts our diagnostics; `files` maps URIs to
//! workspace paths; `framing` keeps a malformed or oversized message from
//! ending the session.

mod diagnostics;
mod features;
mod files;
mod framing;
mod loading;
mod position;
mod progress;
mod roots;
mod server;
mod sync;
mod trace;
mod worker;

pub use roots::Options;
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client exits.
pub fn run_stdio(options: Options) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hegui lsp: cannot start the runtime: {e}");
            return;
        }
    };
    runtime.block_on(async move {
        let (publish_tx, mut publish_rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = worker::Worker::spawn(options, publish_tx);
        let progress_ok = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let shows_progress = progress_ok.clone();
        let (service, socket) = LspService::new(|client| {
            // What the analysis thread sends goes out in the order it was made.
            let sender = client.clone();
            tokio::spawn(async move {
                let mut loading = None;
                while let Some(out) = publish_rx.recv().await {
                    match out {
                        worker::Out::Diagnostics(p) => {
                            sender
                                .publish_diagnostics(p.uri, p.diagnostics, p.version)
                                .await
                        }
                        worker::Out::Progress(p) => {
                            let on = shows_progress.load(std::sync::atomic::Ordering::Relaxed);
                            progress::show(&sender, on, &mut loading, p).await
                        }
                    }
                }
            });
            server::Backend {
                client,
                worker,
                watch_dynamic: Default::default(),
                progress_ok,
            }
        });
        Server::new(
            framing::guard(tokio::io::stdin()),
            tokio::io::stdout(),
            socket,
        )
        .serve(service)
        .await;
    });
    // The stdin reader may still be blocked in a read: do not wait for it.
    runtime.shutdown_background();
}
