//! `lsp_latency [FLOWS] [HEGUI]`: keystroke latency of the language server.
//! Generates a workspace (default 10,000 flows in 1,000 files), starts
//! `hegui lsp` on it, opens one file, then times didChange → the
//! publishDiagnostics for that file, over a series of edits that each change
//! its findings (a PIA dated after the flow starts, then not).
/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

fn send(w: &mut impl Write, v: &Value) {
    let body = v.to_string();
    let _ = write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body);
    let _ = w.flush();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flows: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let hegui = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "target/release/hegui".into());
    let dir = std::env::temp_dir().join(format!("hegui-lsp-latency-{flows}"));
    let _ = std::fs::remove_dir_all(&dir);
    let g = hegui_bench::generate(flows, 10, 42);
    hegui_bench::write(&g, &dir).expect("write workspace");
    let (path, text) = g
        .files
        .iter()
        .find(|(p, _)| p.starts_with("flows/"))
        .cloned()
        .expect("flow file");
    let file = dir.join(&path);
    let uri = format!("file://{}", file.display());

    let mut child = Command::new(&hegui)
        .args(["lsp", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hegui lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (tx, rx) = mpsc::channel::<(Instant, Value)>();
    std::thread::spawn(move || {
        while let Some(v) = read_message(&mut stdout) {
            if tx.send((Instant::now(), v)).is_err() {
                break;
            }
        }
    });
    let wait = |pred: &dyn Fn(&Value) -> bool| -> Instant {
        loop {
            let (t, m) = rx
                .recv_timeout(Duration::from_secs(120))
                .expect("server answered");
            if pred(&m) {
                return t;
            }
        }
    };
    let root = format!("file://{}", dir.display());
    let t0 = Instant::now();
    send(
        &mut stdin,
        &json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
        "processId": null, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "bench"}],
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}}}}),
    );
    wait(&|m| m["id"] == 1);
    send(
        &mut stdin,
        &json!({"jsonrpc":"2.0","method":"initialized","params":{}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{
        "textDocument": {"uri": uri, "languageId": "hegui", "version": 1, "text": text}}}),
    );
    let is_diag =
        |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
    let first = wait(&is_diag).duration_since(t0);

    // Each edit moves every PIA of the file after its flow's start, or back.
    let late = text.replace("pia = 20", "pia = 29");
    let mut times = Vec::new();
    for v in 0..40 {
        let body = if v % 2 == 0 { &late } else { &text };
        let sent = Instant::now();
        send(
            &mut stdin,
            &json!({"jsonrpc":"2.0","method":"textDocument/didChange","params":{
            "textDocument": {"uri": uri, "version": v + 2}, "contentChanges": [{"text": body}]}}),
        );
        let got = wait(&is_diag);
        times.push(got.duration_since(sent));
    }
    send(
        &mut stdin,
        &json!({"jsonrpc":"2.0","id":9,"method":"shutdown","params":null}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc":"2.0","method":"exit","params":null}),
    );
    let _ = child.wait();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{flows} flows in {} files: first diagnostics after open {:.0} ms; didChange → publishDiagnostics median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} edits)",
        g.files.len(),
        ms(first),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[times.len() - 1]),
        times.len()
    );
}
