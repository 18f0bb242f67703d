//! The hegui language server (LSP over stdio), started by `hegui lsp`.
//!
//! `server` receives the client's messages (tower-lsp-server) and queues
//! their work on the one analysis thread of `worker`, which owns the
//! `Analysis`; `features` and `sync` are that work; `position` converts
//! byte offsets to the negotiated encoding; `diagnostics` converts our
//! diagnostics; `files` maps URIs to workspace paths; `framing` keeps a
//! malformed message from ending the session.

mod diagnostics;
mod features;
mod files;
mod framing;
mod position;
mod roots;
mod server;
mod sync;
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
        // The evaluation date (waiver and override expiry): the clock, read once here.
        let today = jiff::Zoned::now().date();
        let worker = worker::Worker::spawn(options, today, publish_tx);
        let (service, socket) = LspService::new(|client| {
            // Diagnostics go out in the order the analysis thread made them.
            let sender = client.clone();
            tokio::spawn(async move {
                while let Some(p) = publish_rx.recv().await {
                    sender
                        .publish_diagnostics(p.uri, p.diagnostics, p.version)
                        .await;
                }
            });
            server::Backend {
                client,
                worker,
                watch_dynamic: Default::default(),
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
