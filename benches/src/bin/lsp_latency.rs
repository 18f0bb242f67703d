//! `lsp_latency [FLOWS] [EDITS] [HEGUI]` (defaults 10000, 600,
//! target/release/hegui): the language server's latency, as an editor sees it.
//!
//! Generates a workspace (`generate(FLOWS, 10, 42)`: 10,000 flows in 1,000
//! files, plus parties and datasets), starts `hegui lsp` on it (UTF-16, work-
//! done progress offered), opens four flow files (three holding the most
//! flows of the largest exporter, one holding the most flows of small
//! exporters, edited only at those), and times:
//! - loading: `initialized` → the loading's `$/progress` end, and → the
//!   first diagnostics of every open file;
//! - EDITS keystrokes, one incremental `didChange` each, round-robin over
//!   the open files and over three kinds: `pia` (a flow's PIA date, which no
//!   aggregate reads), `start` (a flow's start: its exporter's cumulative
//!   sums read it) and `from` (the flow to another exporter and back: two
//!   exporters' sums change): each from the send to the
//!   `publishDiagnostics` of the edited file with the edit's version;
//! - references and rename of the largest exporter (every flow of it);
//! - hover and completion sent right after a `from` edit of a flow of the
//!   largest exporter, while the server republishes the closed files whose
//!   findings that changed (the workspace-wide recheck).
/// A faster allocator: evaluation allocates many small values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command, Stdio};
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

struct Client {
    stdin: ChildStdin,
    rx: mpsc::Receiver<(Instant, Value)>,
    next_id: i64,
}

impl Client {
    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body);
        let _ = self.stdin.flush();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request; returns its id.
    fn call(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The first message `pred` accepts, and when it came; the server's own
    /// requests are answered with null on the way.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> (Instant, Value) {
        loop {
            let (t, m) = self
                .rx
                .recv_timeout(Duration::from_secs(300))
                .expect("the server answered");
            if m.get("id").is_some() && m.get("method").is_some() {
                self.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
                continue;
            }
            if pred(&m) {
                return (t, m);
            }
        }
    }

    fn time(&mut self, method: &str, params: Value) -> Duration {
        let sent = Instant::now();
        let id = self.call(method, params);
        let (t, m) = self.wait(|m| m["id"] == id && m.get("method").is_none());
        assert!(m.get("error").is_none(), "{method}: {m}");
        t.duration_since(sent)
    }
}

/// Where an edited value is: line, and its column range (the lines edited
/// are ASCII, so UTF-16 columns are byte columns).
fn value_at(text: &str, flow: &str, key: &str) -> (usize, usize, usize) {
    let head = format!("flow {flow} ");
    let start = text.find(&head).expect("flow");
    let first_line = text[..start].matches('\n').count();
    for (i, l) in text[start..].lines().enumerate() {
        if let Some(rest) = l.strip_prefix(&format!("  {key} = ")) {
            let col = l.len() - rest.len();
            return (first_line + i, col, l.len());
        }
    }
    panic!("{flow} has no {key}");
}

fn replace_line_range(text: &mut String, line: usize, from: usize, to: usize, new: &str) {
    let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
    text.replace_range(start + from..start + to, new);
}

/// A flow file: its path, text, and its flows with their exporters.
type FlowFile = (String, String, Vec<(String, String)>);

struct Stats(Vec<Duration>);

impl Stats {
    fn show(&mut self) -> String {
        if self.0.is_empty() {
            return "—".into();
        }
        self.0.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let n = self.0.len();
        format!(
            "median {:.1} ms, p99 {:.1} ms, max {:.1} ms (n = {n})",
            ms(self.0[n / 2]),
            ms(self.0[(n * 99 / 100).min(n - 1)]),
            ms(self.0[n - 1])
        )
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flows: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let edits: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(600);
    let hegui = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "target/release/hegui".into());
    let dir = std::env::temp_dir().join(format!("hegui-lsp-latency-{flows}"));
    let _ = std::fs::remove_dir_all(&dir);
    let g = hegui_bench::generate(flows, 10, 42);
    hegui_bench::write(&g, &dir).expect("write workspace");

    // Flows per exporter, and which files hold them.
    let mut of_exporter: BTreeMap<String, usize> = BTreeMap::new();
    let mut flows_in: Vec<FlowFile> = Vec::new();
    for (path, text) in g.files.iter().filter(|(p, _)| p.starts_with("flows/")) {
        let mut fl = Vec::new();
        let mut name = String::new();
        for l in text.lines() {
            if let Some(rest) = l.strip_prefix("flow ") {
                name = rest.split(' ').next().unwrap_or("").to_string();
            }
            if let Some(h) = l.strip_prefix("  from = ") {
                *of_exporter.entry(h.to_string()).or_default() += 1;
                fl.push((name.clone(), h.to_string()));
            }
        }
        flows_in.push((path.clone(), text.clone(), fl));
    }
    let largest = of_exporter
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(h, _)| h.clone())
        .expect("flows");
    let small = |h: &str| of_exporter[h] <= 5;
    let mut by_largest = flows_in.clone();
    by_largest
        .sort_by_key(|(_, _, fl)| std::cmp::Reverse(fl.iter().filter(|f| f.1 == largest).count()));
    let mut open: Vec<FlowFile> = by_largest[..3].to_vec();
    // No file need hold only small exporters' flows (none does at 10,000
    // flows): the one with the most of them, edited only at those flows.
    let of_small = |fl: &[(String, String)]| -> Vec<(String, String)> {
        fl.iter().filter(|(_, h)| small(h)).cloned().collect()
    };
    if let Some((path, text, fl)) = flows_in
        .iter()
        .filter(|(p, _, _)| !open.iter().any(|o| &o.0 == p))
        .max_by_key(|(_, _, fl)| of_small(fl).len())
        .filter(|(_, _, fl)| !of_small(fl).is_empty())
    {
        open.push((path.clone(), text.clone(), of_small(fl)));
    }
    let smallest = of_exporter
        .iter()
        .min_by_key(|(_, n)| **n)
        .map(|(h, _)| h.clone())
        .expect("flows");

    let mut child = Command::new(&hegui)
        .args(["lsp", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // The server's trace (`HEGUI_LSP_TRACE`), when asked for.
        .stderr(if std::env::var_os("HEGUI_LSP_TRACE").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("start hegui lsp");
    let stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (tx, rx) = mpsc::channel::<(Instant, Value)>();
    std::thread::spawn(move || {
        while let Some(v) = read_message(&mut stdout) {
            if tx.send((Instant::now(), v)).is_err() {
                break;
            }
        }
    });
    let mut c = Client {
        stdin,
        rx,
        next_id: 0,
    };
    let uri_of = |p: &str| format!("file://{}", dir.join(p).display());
    let root = format!("file://{}", dir.display());
    let id = c.call(
        "initialize",
        json!({"processId": null, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "bench"}],
               "capabilities": {"general": {"positionEncodings": ["utf-16"]}, "window": {"workDoneProgress": true}}}),
    );
    c.wait(|m| m["id"] == id);
    let t0 = Instant::now();
    c.notify("initialized", json!({}));
    let mut texts: Vec<String> = Vec::new();
    for (path, text, _) in &open {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri_of(path), "languageId": "hegui", "version": 1, "text": text}}),
        );
        texts.push(text.clone());
    }
    let (loaded, _) =
        c.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    // The open files' first diagnostics, in whatever order they come (a
    // wait for one drops the others' messages).
    let mut first = t0;
    let mut waiting: std::collections::BTreeSet<String> =
        open.iter().map(|(p, _, _)| uri_of(p)).collect();
    while !waiting.is_empty() {
        let (t, m) = c.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"]
                    .as_str()
                    .is_some_and(|u| waiting.contains(u))
        });
        waiting.remove(m["params"]["uri"].as_str().unwrap_or(""));
        first = first.max(t);
    }

    // Keystrokes.
    let mut rng = hegui_bench::Rng::new(7);
    let mut per_kind: BTreeMap<&str, Stats> = BTreeMap::new();
    let mut per_size: BTreeMap<&str, Stats> = BTreeMap::new();
    let mut versions = vec![1; open.len()];
    // A flow's exporter as edited now (a `from` edit moves it and back).
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for k in 0..edits {
        let kind = ["pia", "start", "from"][k % 3];
        let f = (k / 3) % open.len();
        let (path, _, fl) = &open[f];
        let (flow, exporter) = fl[rng.below(fl.len() as u64) as usize].clone();
        let text = &mut texts[f];
        let (line, from, to) = value_at(text, &flow, kind);
        let old = text.split('\n').nth(line).unwrap_or("")[from..to].to_string();
        let new = match kind {
            // A day later or earlier, in the same month.
            "pia" | "start" => {
                let day: u32 = old[8..10].parse().unwrap_or(1);
                let day = if day >= 28 { day - 1 } else { day + 1 };
                format!("{}{day:02}", &old[..8])
            }
            _ => {
                let back = moved.remove(&flow);
                match back {
                    Some(h) => h,
                    None => {
                        moved.insert(flow.clone(), old.clone());
                        if exporter == largest {
                            smallest.clone()
                        } else {
                            largest.clone()
                        }
                    }
                }
            }
        };
        replace_line_range(text, line, from, to, &new);
        versions[f] += 1;
        let v = versions[f];
        let uri = uri_of(path);
        let sent = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v},
                   "contentChanges": [{"range": {"start": {"line": line, "character": from}, "end": {"line": line, "character": to}}, "text": new}]}),
        );
        let (t, _) = c.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == v
        });
        let d = t.duration_since(sent);
        per_kind.entry(kind).or_insert(Stats(Vec::new())).0.push(d);
        let size = if exporter == largest {
            "largest exporter"
        } else if small(&exporter) {
            "small exporters"
        } else {
            "other exporters"
        };
        per_size.entry(size).or_insert(Stats(Vec::new())).0.push(d);
    }
    let mut all = Stats(per_kind.values().flat_map(|s| s.0.clone()).collect());

    // References and rename of the largest exporter, at a `from` of it.
    let (fi, flow) = open
        .iter()
        .enumerate()
        .find_map(|(i, (_, _, fl))| {
            fl.iter()
                .find(|(n, h)| *h == largest && !moved.contains_key(n))
                .map(|(n, _)| (i, n.clone()))
        })
        .expect("a flow of the largest exporter");
    let (line, col, _) = value_at(&texts[fi], &flow, "from");
    let at = json!({"textDocument": {"uri": uri_of(&open[fi].0)}, "position": {"line": line, "character": col + 1}});
    let (mut refs, mut renames) = (Stats(Vec::new()), Stats(Vec::new()));
    for _ in 0..30 {
        let mut p = at.clone();
        p["context"] = json!({"includeDeclaration": true});
        refs.0.push(c.time("textDocument/references", p));
        let mut p = at.clone();
        p["newName"] = json!("renamed_exporter");
        renames.0.push(c.time("textDocument/rename", p));
    }

    // Hover and completion while the closed files are republished.
    let (mut hovers, mut completions) = (Stats(Vec::new()), Stats(Vec::new()));
    let other = (fi + 1) % open.len();
    let (hover_line, _, _) = value_at(&texts[other], &open[other].2[0].0, "from");
    for _ in 0..30 {
        let text = &mut texts[fi];
        let (line, from, to) = value_at(text, &flow, "from");
        let old = text.split('\n').nth(line).unwrap_or("")[from..to].to_string();
        let new = if old == largest {
            smallest.clone()
        } else {
            largest.clone()
        };
        replace_line_range(text, line, from, to, &new);
        versions[fi] += 1;
        let v = versions[fi];
        let uri = uri_of(&open[fi].0);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v},
                   "contentChanges": [{"range": {"start": {"line": line, "character": from}, "end": {"line": line, "character": to}}, "text": new}]}),
        );
        c.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == v
        });
        let o = uri_of(&open[other].0);
        // On the flow's name (the line above `from`), then after `from = `.
        hovers.0.push(c.time(
            "textDocument/hover",
            json!({"textDocument": {"uri": o}, "position": {"line": hover_line - 1, "character": 6}}),
        ));
        completions.0.push(c.time(
            "textDocument/completion",
            json!({"textDocument": {"uri": o}, "position": {"line": hover_line, "character": 9}}),
        ));
    }

    let id = c.call("shutdown", Value::Null);
    c.wait(|m| m["id"] == id);
    c.notify("exit", Value::Null);
    let _ = child.wait();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{flows} flows in {} files, {} open ({} flows of the largest exporter {largest}), {edits} edits",
        g.files.len(),
        open.len(),
        of_exporter[&largest]
    );
    println!(
        "loading: initialized → progress end {:.0} ms, → diagnostics of every open file {:.0} ms",
        ms(loaded.duration_since(t0)),
        ms(first.duration_since(t0))
    );
    println!("keystroke → publishDiagnostics, all: {}", all.show());
    for (k, s) in &mut per_kind {
        println!("  {k}: {}", s.show());
    }
    for (k, s) in &mut per_size {
        println!("  {k}: {}", s.show());
    }
    println!("references (largest exporter): {}", refs.show());
    println!("rename (largest exporter): {}", renames.show());
    println!("hover during a recheck: {}", hovers.show());
    println!("completion during a recheck: {}", completions.show());
}
