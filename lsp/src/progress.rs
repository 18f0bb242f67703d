//! The workspace's loading shown as work-done progress (`$/progress`), for
//! clients that offer `window.workDoneProgress`; a log line for the others.

use crate::worker::Progress;
use tower_lsp_server::ls_types::{self as lsp, request::WorkDoneProgressCreate};
use tower_lsp_server::{Bounded, Client, NotCancellable, OngoingProgress};

pub type Ongoing = OngoingProgress<Bounded, NotCancellable>;

const TOKEN: &str = "hegui-loading";

pub async fn show(client: &Client, supported: bool, ongoing: &mut Option<Ongoing>, p: Progress) {
    match p {
        Progress::Begin(title) => {
            if !supported {
                return;
            }
            let token = lsp::ProgressToken::String(TOKEN.into());
            let created = client
                .send_request::<WorkDoneProgressCreate>(lsp::WorkDoneProgressCreateParams {
                    token: token.clone(),
                })
                .await;
            if created.is_ok() {
                *ongoing = Some(
                    client
                        .progress(token, title)
                        .with_percentage(0)
                        .begin()
                        .await,
                );
            }
        }
        Progress::Report { message, percent } => {
            if let Some(o) = ongoing {
                o.report_with_message(message, percent).await;
            }
        }
        Progress::End(message) => match ongoing.take() {
            Some(o) => o.finish_with_message(message).await,
            None => {
                client
                    .log_message(lsp::MessageType::INFO, format!("hegui: {message}"))
                    .await
            }
        },
    }
}
