//! A guard in front of tower-lsp-server's reader. Its codec ends the input
//! stream at the first undecodable message (tokio-util stops a `FramedRead`
//! after an error), so one malformed message would end the session. Here each
//! frame is checked first: a body that is not a JSON-RPC message, or a frame
//! with a bad header, is replaced by a notification the server ignores.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

/// Sent instead of a malformed message (`$/` notifications may be ignored).
const IGNORED: &[u8] = br#"{"jsonrpc":"2.0","method":"$/hegui/malformedMessage","params":null}"#;

/// How much one frame may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes kept of a header line; a longer one is a bad header, its rest
    /// read and dropped.
    pub header_line: usize,
    /// The biggest body accepted; a bigger one is read past and dropped, so
    /// the next frame starts where it should.
    pub message: usize,
}

impl Limits {
    /// A document of 256 MiB is not an editor's; no header needs 8 KiB.
    pub const DEFAULT: Limits = Limits {
        header_line: 8 << 10,
        message: 256 << 20,
    };
}

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

/// Reads one header line into `out` (at most `max` bytes of it); `None` at
/// the end of the input, else whether the line was longer than `max`.
async fn header_line(
    r: &mut (impl AsyncBufRead + Unpin),
    out: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    out.clear();
    let mut cut = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(None);
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = max.saturating_sub(out.len());
        cut |= take > room;
        out.extend_from_slice(&buf[..take.min(room)]);
        r.consume(take);
        if done {
            return Ok(Some(cut));
        }
    }
}

/// Reads framed messages from `input` and returns a reader of checked ones.
pub fn guard(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    guard_with(input, Limits::DEFAULT)
}

pub fn guard_with(
    input: impl AsyncRead + Unpin + Send + 'static,
    limits: Limits,
) -> impl AsyncRead {
    let (mut tx, rx) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        let mut line = Vec::new();
        loop {
            let mut len: Option<usize> = None;
            let mut bad_header = false;
            loop {
                match header_line(&mut input, &mut line, limits.header_line).await {
                    Ok(Some(cut)) => bad_header |= cut,
                    Ok(None) | Err(_) => return,
                }
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end();
                if text.is_empty() {
                    break;
                }
                match text.split_once(':') {
                    Some((k, v)) if k.eq_ignore_ascii_case("content-length") => {
                        len = v.trim().parse().ok();
                        bad_header |= len.is_none();
                    }
                    Some(_) => {}
                    None => bad_header = true,
                }
            }
            let body = match len {
                Some(n) if n <= limits.message && !bad_header => {
                    let mut buf = vec![0; n];
                    if input.read_exact(&mut buf).await.is_err() {
                        return;
                    }
                    buf
                }
                // Too big: read past it, so the next frame is found.
                Some(n) => {
                    let mut rest = (&mut input).take(n as u64);
                    match tokio::io::copy(&mut rest, &mut tokio::io::sink()).await {
                        Ok(got) if got == n as u64 => Vec::new(),
                        _ => return,
                    }
                }
                None => Vec::new(),
            };
            let body: &[u8] = if is_message(&body) {
                &body
            } else {
                eprintln!("hegui lsp: ignored a malformed or oversized message");
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
    use super::{guard_with, is_message, Limits};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend_from_slice(body);
        f
    }

    /// An oversized message and an endless header line are dropped, and the
    /// messages after them still arrive whole, in order.
    #[tokio::test]
    async fn oversized_frames_are_skipped_in_sync() {
        let limits = Limits {
            header_line: 64,
            message: 100,
        };
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let big = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
            "a".repeat(500)
        );
        let mut input = Vec::new();
        input.extend(frame(big.as_bytes()));
        input.extend(frame(ok));
        input.extend(format!("X-Long: {}\r\n", "b".repeat(1000)).into_bytes());
        input.extend(frame(ok));
        let (mut w, r) = tokio::io::duplex(1 << 12);
        let mut out = guard_with(r, limits);
        tokio::spawn(async move {
            w.write_all(&input).await.unwrap();
            drop(w);
        });
        let mut got = Vec::new();
        out.read_to_end(&mut got).await.unwrap();
        let mut want = frame(super::IGNORED);
        want.extend(frame(ok));
        want.extend(frame(super::IGNORED));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

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
