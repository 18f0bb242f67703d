//! A guard in front of tower-lsp-server's reader. Its codec ends the input
//! stream at the first undecodable message (tokio-util stops a `FramedRead`
//! after an error), so one malformed message would end the session. Here each
//! frame is checked first: a body that is not a JSON-RPC message, or a frame
//! with a bad header, is replaced by a notification the server ignores — or,
//! when it was a request (its id is read from the body's start), by a request
//! of a method the server does not have, so its id is answered with an error
//! and the client is not left waiting.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

/// Sent instead of a malformed message (`$/` notifications may be ignored).
const IGNORED: &[u8] = br#"{"jsonrpc":"2.0","method":"$/hegui/malformedMessage","params":null}"#;

/// The method a refused request (too big, or under a bad header) is replaced
/// by: none is registered for it, so the server answers its id with an error
/// (method not found, naming it). Not a `$/` method: tower-lsp-server drops
/// those errors instead of sending them.
const REFUSED: &str = "hegui/refusedRequest";

/// How much of a refused body is kept to find a request's id.
const PREFIX: usize = 4096;

/// The id of a request, from the start of its body (`None` for a
/// notification or a response). Clients write `"id"` and `"method"` before
/// `"params"`, so only what comes before `"params"` is read: an `"id"` inside
/// the parameters is not the request's.
fn request_id(prefix: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(prefix);
    let head = &text[..text.find("\"params\"").unwrap_or(text.len())];
    if !head.contains("\"method\"") {
        return None;
    }
    let mut from = 0;
    while let Some(at) = head[from..].find("\"id\"") {
        let after = head[from + at + 4..].trim_start();
        from += at + 4;
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let end = match value.strip_prefix('"') {
            Some(s) => s.find('"').map(|i| i + 2),
            None => value.find(|c: char| !(c.is_ascii_digit() || c == '-')),
        }?;
        let token = &value[..end];
        return match serde_json::from_str::<serde_json::Value>(token) {
            Ok(serde_json::Value::Number(_) | serde_json::Value::String(_)) => {
                Some(token.to_string())
            }
            _ => None,
        };
    }
    None
}

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
            let mut refused_id: Option<String> = None;
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
                // Too big, or a bad header: read past it, so the next frame is
                // found, keeping its start (where a request's id is) to answer it.
                Some(n) => {
                    let mut prefix = vec![0; n.min(PREFIX)];
                    if input.read_exact(&mut prefix).await.is_err() {
                        return;
                    }
                    let left = (n - prefix.len()) as u64;
                    let mut rest = (&mut input).take(left);
                    match tokio::io::copy(&mut rest, &mut tokio::io::sink()).await {
                        Ok(got) if got == left => {}
                        _ => return,
                    }
                    refused_id = request_id(&prefix);
                    Vec::new()
                }
                None => Vec::new(),
            };
            let answer;
            let body: &[u8] = if is_message(&body) {
                &body
            } else if let Some(id) = refused_id {
                // A request the server has no method for: it answers the id
                // with an error (method not found, naming this method), so
                // the client is not left waiting.
                eprintln!("hegui lsp: refused an oversized or badly framed request (id {id})");
                answer = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"{REFUSED}"}}"#);
                answer.as_bytes()
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
    use super::{guard_with, is_message, request_id, Limits};
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
        // The request under the bad header is still answered (with an error).
        want.extend(frame(
            br#"{"jsonrpc":"2.0","id":1,"method":"hegui/refusedRequest"}"#,
        ));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

    /// An oversized request still gets an answer: it arrives as a request of
    /// a method the server does not have, with the same id (the server answers
    /// it with an error); an oversized notification is dropped.
    #[tokio::test]
    async fn an_oversized_request_keeps_its_id() {
        let limits = Limits {
            header_line: 64,
            message: 100,
        };
        let big = format!(
            r#"{{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":"{}"}}"#,
            "a".repeat(500)
        );
        let (mut w, r) = tokio::io::duplex(1 << 12);
        let mut out = guard_with(r, limits);
        let input = frame(big.as_bytes());
        tokio::spawn(async move {
            w.write_all(&input).await.unwrap();
            drop(w);
        });
        let mut got = Vec::new();
        out.read_to_end(&mut got).await.unwrap();
        let want = frame(br#"{"jsonrpc":"2.0","id":7,"method":"hegui/refusedRequest"}"#);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn the_id_of_a_request_from_its_start() {
        let id = |s: &str| request_id(s.as_bytes());
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":12,"method":"x","params":{"#),
            Some("12".into())
        );
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id" : "a-1","method":"x","params""#),
            Some(r#""a-1""#.into())
        );
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","method":"id","id":3,"params""#),
            Some("3".into())
        );
        // A notification whose parameters hold an "id"; a response; a cut id.
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","method":"x","params":{"id":4}}"#),
            None
        );
        assert_eq!(id(r#"{"jsonrpc":"2.0","id":5,"result":"aaaa"#), None);
        assert_eq!(id(r#"{"jsonrpc":"2.0","method":"x","id":12"#), None);
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
