//! A guard in front of tower-lsp-server's reader. Its codec ends the input
//! stream at the first undecodable message (tokio-util stops a `FramedRead`
//! after an error), so one malformed message would end the session. Here each
//! frame is checked first: a body that is not a JSON-RPC message, or a frame
//! with a bad header, is replaced by a notification the server ignores.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

/// Sent instead of a malformed message (`$/` notifications may be ignored).
const IGNORED: &[u8] = br#"{"jsonrpc":"2.0","method":"$/hegui/malformedMessage","params":null}"#;

/// Biggest message accepted (a document of 256 MiB is not an editor's).
const MAX_LEN: usize = 256 << 20;

fn is_message(body: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(body) else {
        return false;
    };
    let method_ok = match m.get("method") {
        None => m.contains_key("id") && (m.contains_key("result") || m.contains_key("error")),
        Some(v) => v.is_string(),
    };
    m.get("jsonrpc").and_then(|v| v.as_str()) == Some("2.0") && method_ok
}

/// Reads framed messages from `input` and returns a reader of checked ones.
pub fn guard(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (mut tx, rx) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        loop {
            let mut len: Option<usize> = None;
            let mut bad_header = false;
            loop {
                let mut line = String::new();
                match input.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                match line.split_once(':') {
                    Some((k, v)) if k.eq_ignore_ascii_case("content-length") => {
                        len = v.trim().parse().ok();
                        bad_header |= len.is_none();
                    }
                    Some(_) => {}
                    None => bad_header = true,
                }
            }
            let body = match len {
                Some(n) if n <= MAX_LEN && !bad_header => {
                    let mut buf = vec![0; n];
                    if input.read_exact(&mut buf).await.is_err() {
                        return;
                    }
                    buf
                }
                _ => Vec::new(),
            };
            let body: &[u8] = if is_message(&body) {
                &body
            } else {
                eprintln!("hegui lsp: ignored a malformed message");
                IGNORED
            };
            let head = format!("Content-Length: {}\r\n\r\n", body.len());
            if tx.write_all(head.as_bytes()).await.is_err() || tx.write_all(body).await.is_err() {
                return;
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::is_message;

    #[test]
    fn messages_and_garbage() {
        assert!(is_message(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#));
        assert!(is_message(br#"{"jsonrpc":"2.0","method":"x"}"#));
        assert!(is_message(br#"{"jsonrpc":"2.0","id":1,"result":null}"#));
        assert!(!is_message(br#"{"jsonrpc":"2.0","id":1,"method":"#));
        assert!(!is_message(br#"[1,2]"#));
        assert!(!is_message(br#"{"id":1,"method":"x"}"#));
        assert!(!is_message(b""));
    }
}
