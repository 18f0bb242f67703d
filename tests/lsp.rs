//! The language server end to end: the real binary (`hegui lsp`) spoken to
//! over stdio with JSON-RPC, as VS Code and Neovim 0.7 would; and headless
//! Neovim 0.7 itself as a client (`tests/nvim/`).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A JSON-RPC client on the server's stdio.
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    notes: Vec<Value>,
}

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

impl Client {
    fn start() -> Client {
        Client::start_with(&[])
    }

    /// `hegui lsp --lang en` and `args`.
    fn start_with(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hegui"))
            .args(["lsp", "--lang", "en"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start hegui lsp");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(v) = read_message(&mut stdout) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            notes: Vec::new(),
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(head.as_bytes()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(msg.to_string().as_bytes());
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(msg.to_string().as_bytes());
        self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next message matching `pred`; others are kept as notifications
    /// (server-to-client requests are answered with null).
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notes.iter().position(&pred) {
            return self.notes.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => {
                    if m.get("id").is_some() && m.get("method").is_some() {
                        let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": null});
                        self.send_raw(reply.to_string().as_bytes());
                    } else {
                        self.notes.push(m);
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; got {:?}", self.notes),
                Err(RecvTimeoutError::Disconnected) => panic!("server exited"),
            }
        }
    }

    /// The diagnostics published for `uri` whose codes include `code`.
    fn diagnostics_with(&mut self, uri: &str, code: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|ds| ds.iter().any(|d| d["code"] == code))
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh folder holding the S1 example, with line 31 rewritten so that
/// Chinese and an astral-plane character (𠮷) stand before the standard
/// contract on the same line: `mechanism` starts at UTF-16 column 20 (UTF-8 byte 26).
fn s1_workspace(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("hegui-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui"))
        .expect("example");
    let old = "  mechanism = standard_contract { signed = 2026-02-10 }";
    assert!(text.contains(old));
    let new = format!("  storage = \"美国𠮷\"{old}");
    let text = text.replace(old, &new);
    let file = dir.join("trial.hegui");
    std::fs::write(&file, &text).expect("write");
    (dir, file, text)
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// What VS Code sends (trimmed): UTF-16 only, workspace folders.
fn vscode_init(root: &Path) -> Value {
    json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "Visual Studio Code", "version": "1.95.0"},
        "locale": "en",
        "rootPath": root.display().to_string(),
        "rootUri": file_uri(root),
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"], "markdown": {"parser": "marked", "version": "1.1.0"}},
            "workspace": {"workspaceFolders": true, "configuration": true,
                          "didChangeWatchedFiles": {"dynamicRegistration": true}},
            "textDocument": {
                "synchronization": {"dynamicRegistration": true, "didSave": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": true}},
                "publishDiagnostics": {"relatedInformation": true, "versionSupport": false,
                                       "codeDescriptionSupport": true, "dataSupport": true},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                "inlayHint": {"dynamicRegistration": true}
            }
        },
        "trace": "off",
        "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}]
    })
}

/// What Neovim 0.7 sends (trimmed): no `general.positionEncodings` at all.
fn nvim07_init(root: &Path) -> Value {
    json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "Neovim", "version": "0.7.2"},
        "rootPath": root.display().to_string(),
        "rootUri": file_uri(root),
        "initializationOptions": null,
        "capabilities": {
            "textDocument": {
                "synchronization": {"didSave": true, "dynamicRegistration": false,
                                    "willSave": false, "willSaveWaitUntil": false},
                "hover": {"contentFormat": ["markdown", "plaintext"], "dynamicRegistration": false},
                "publishDiagnostics": {"relatedInformation": true, "tagSupport": {"valueSet": [1, 2]}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}
            },
            "workspace": {"applyEdit": true, "workspaceFolders": true, "configuration": true},
            "window": {"workDoneProgress": true}
        },
        "trace": "off",
        "workspaceFolders": [{"uri": file_uri(root), "name": root.display().to_string()}]
    })
}

fn open(c: &mut Client, uri: &str, text: &str) {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "hegui", "version": 1, "text": text}}),
    );
}

fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:?}"))
}

#[test]
fn vscode_session() {
    let (dir, file, text) = s1_workspace("vscode");
    let uri = file_uri(&file);
    let mut c = Client::start();
    let init = c.request("initialize", vscode_init(&dir));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text);

    // Findings: CAC-SC-7 on line 31 (1-based) after 美国𠮷, GBT39725-7.p on the flow name.
    let diags = c.diagnostics_with(&uri, "CAC-SC-7");
    let sc7 = find(&diags, "CAC-SC-7");
    assert_eq!(sc7["range"]["start"], json!({"line": 30, "character": 20}));
    assert_eq!(sc7["range"]["end"], json!({"line": 30, "character": 73}));
    assert_eq!(sc7["severity"], 1);
    assert!(
        sc7["message"].as_str().unwrap_or("").contains("cite: "),
        "{sc7}"
    );
    let p = find(&diags, "GBT39725-7.p");
    assert_eq!(p["range"]["start"], json!({"line": 24, "character": 5}));
    assert_eq!(p["range"]["end"], json!({"line": 24, "character": 17}));

    // Hover on the flow name: derived facts.
    let h = c.request("textDocument/hover", pos(&uri, 24, 8));
    let md = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        md.contains("`required_mechanism` = **standard_contract**"),
        "{md}"
    );
    assert!(md.contains("`cross_border` = **true**"), "{md}");

    // Definition of `ruijin` in `from = ruijin` (line 25) → the party on line 4.
    let d = c.request("textDocument/definition", pos(&uri, 25, 10));
    assert_eq!(d["uri"], uri);
    assert_eq!(d["range"]["start"], json!({"line": 3, "character": 6}));
    // …and of `flow`: the schema in the materialised, read-only stdlib.
    let d = c.request("textDocument/definition", pos(&uri, 24, 1));
    let stdlib_uri = d["uri"].as_str().unwrap_or("").to_string();
    assert!(stdlib_uri.ends_with("/stdlib/core/schema.hegui"), "{d}");
    let path = stdlib_uri.trim_start_matches("file://");
    assert!(std::fs::read_to_string(path).is_ok_and(|t| t.contains("schema flow")));

    // Completion of `purpose = …`: the purpose enumeration.
    let items = c.request("textDocument/completion", pos(&uri, 28, 12));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"research"), "{labels:?}");

    // Document symbols.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["ruijin", "acme_rd", "glucose_trial", "trial_export"]
    );

    // An incremental edit: `grade = 3` → `grade = 2` (line 21, columns 10..11).
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 21, "character": 10}, "end": {"line": 21, "character": 11}}, "text": "2"}
        ]}),
    );
    let diags = c.diagnostics_with(&uri, "GBT39725-6.2");
    let g = find(&diags, "GBT39725-6.2");
    assert_eq!(g["range"]["start"], json!({"line": 21, "character": 2}));
    // The code action raises it again.
    let acts = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 21, "character": 4}, "end": {"line": 21, "character": 4}},
               "context": {"diagnostics": []}}),
    );
    let raise = acts
        .as_array()
        .and_then(|a| a.iter().find(|x| x["title"] == "raise the grade to 3"))
        .unwrap_or_else(|| panic!("no raise-grade action in {acts}"));
    let edit = &raise["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "3");
    assert_eq!(edit["range"]["start"], json!({"line": 21, "character": 10}));

    // A typo, typed after 𠮷 on line 31: the fix comes as a quick fix.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 30, "character": 20}, "end": {"line": 30, "character": 29}}, "text": "mechanizm"}
        ]}),
    );
    let diags = c.diagnostics_with(&uri, "unknown-field");
    let u = find(&diags, "unknown-field");
    assert_eq!(u["range"]["start"], json!({"line": 30, "character": 20}));
    let acts = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": u["range"], "context": {"diagnostics": [u]}}),
    );
    let fix = acts
        .as_array()
        .and_then(|a| a.iter().find(|x| x["title"] == "change to `mechanism`"))
        .unwrap_or_else(|| panic!("no fix in {acts}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "unknown-field");
    c.shutdown();
}

#[test]
fn neovim_07_session_uses_utf16() {
    let (dir, file, text) = s1_workspace("nvim07");
    let uri = file_uri(&file);
    let mut c = Client::start();
    let init = c.request("initialize", nvim07_init(&dir));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text);
    let diags = c.diagnostics_with(&uri, "CAC-SC-7");
    assert_eq!(
        find(&diags, "CAC-SC-7")["range"]["start"],
        json!({"line": 30, "character": 20})
    );
    // Hover on `standard_contract`, just after 𠮷: UTF-16 column 34.
    let h = c.request("textDocument/hover", pos(&uri, 30, 34));
    assert_eq!(h["range"]["start"], json!({"line": 30, "character": 32}));
    c.shutdown();
}

#[test]
fn utf8_when_the_client_offers_it() {
    let (dir, file, text) = s1_workspace("utf8");
    let uri = file_uri(&file);
    let mut c = Client::start();
    let mut init = vscode_init(&dir);
    init["capabilities"]["general"]["positionEncodings"] = json!(["utf-8", "utf-16"]);
    let r = c.request("initialize", init);
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text);
    let diags = c.diagnostics_with(&uri, "CAC-SC-7");
    assert_eq!(
        find(&diags, "CAC-SC-7")["range"]["start"],
        json!({"line": 30, "character": 26})
    );
    c.shutdown();
}

#[test]
fn workspace_files_are_loaded_for_cross_file_references() {
    let (dir, file, text) = s1_workspace("ws");
    // The parties live in another file of the folder, never opened.
    let parties_end = text.find("/// Blood").expect("dataset doc");
    std::fs::write(dir.join("parties.hegui"), &text[..parties_end]).expect("write");
    std::fs::write(&file, &text[parties_end..]).expect("write");
    let uri = file_uri(&file);
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text[parties_end..]);
    let diags = c.diagnostics_with(&uri, "CAC-SC-7");
    assert!(
        diags.iter().all(|d| d["code"] != "unknown-reference"),
        "{diags:?}"
    );
    let line = text[parties_end..]
        .lines()
        .position(|l| l.contains("from = ruijin"))
        .expect("from line") as u32;
    let d = c.request("textDocument/definition", pos(&uri, line, 10));
    assert_eq!(d["uri"], file_uri(&dir.join("parties.hegui")));
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 10},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(refs.as_array().map(Vec::len), Some(2), "{refs}");
    c.shutdown();
}

#[test]
fn bad_input_never_kills_the_server() {
    let (dir, file, text) = s1_workspace("bad");
    let uri = file_uri(&file);
    let mut c = Client::start();
    // Before initialize: an error, not a crash.
    let r = c.call("textDocument/hover", pos(&uri, 0, 0));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    // Malformed JSON, then an unknown method.
    c.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    let r = c.call("hegui/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A header line of 100 KB (past the bound), its body read past: the
    // stream stays in sync.
    let body = br#"{"jsonrpc":"2.0","id":98,"method":"shutdown"}"#;
    let mut junk = format!("X-Junk: {}\r\n", "j".repeat(100_000)).into_bytes();
    junk.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
    junk.extend_from_slice(body);
    c.stdin.write_all(&junk).expect("write");
    let r = c.call("hegui/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // The request under that bad header is not run, but answered (an error),
    // so the client is not left waiting for it.
    let r = c.wait(|m| m["id"] == 98 && m.get("method").is_none());
    assert_eq!(r["error"]["data"], "hegui/refusedRequest", "{r}");
    // A request over the size limit (256 MiB): read past, and its id answered.
    let mut big =
        br#"{"jsonrpc":"2.0","id":97,"method":"textDocument/hover","params":{"x":""#.to_vec();
    big.resize(big.len() + (257 << 20), b'a');
    big.extend_from_slice(br#""}}"#);
    c.send_raw(&big);
    drop(big);
    let r = c.wait(|m| m["id"] == 97 && m.get("method").is_none());
    assert_eq!(r["error"]["data"], "hegui/refusedRequest", "{r}");
    // Unknown document, positions past the end.
    let r = c.request("textDocument/hover", pos("file:///nowhere.hegui", 0, 0));
    assert_eq!(r, Value::Null);
    open(&mut c, &uri, &text);
    assert_eq!(
        c.request("textDocument/hover", pos(&uri, 9999, 0)),
        Value::Null
    );
    let r = c.request("textDocument/hover", pos(&uri, 24, 9999));
    assert_eq!(r, Value::Null);
    // Garbage text and edits far outside the document.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 500, "character": 0}, "end": {"line": 900, "character": 3}}, "text": "flow {{{ \"𠮷"},
            {"range": {"start": {"line": 0, "character": 9999}, "end": {"line": 0, "character": 1}}, "text": "}}}"}
        ]}),
    );
    let m =
        c.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 2);
    assert!(m["params"]["diagnostics"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(syms.is_array());
    c.shutdown();
}

/// Whether `nvim` runs; without it the Neovim tests pass with a notice,
/// except in CI, where they fail.
fn nvim_available() -> bool {
    let on_path = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !on_path {
        assert!(
            std::env::var_os("CI").is_none(),
            "nvim is not on PATH; CI must install it (apt-get install neovim)"
        );
        eprintln!("notice: nvim is not on PATH; skipping the headless Neovim test");
    }
    on_path
}

/// The plugin in a repository holding two workspaces that declare the same
/// names: the root is the file's own hegui.toml folder (not the `.git` one),
/// so no duplicate definitions; omnifunc is set; a typo gives its error.
#[test]
fn neovim_plugin_in_a_monorepo() {
    if !nvim_available() {
        return;
    }
    let repo = std::env::temp_dir().join(format!("hegui-lsp-monorepo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    for ws in ["a", "b"] {
        let dir = repo.join(ws);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("hegui.toml"), "").expect("hegui.toml");
        std::fs::copy(
            root().join("examples/s5-wearable/wearable.hegui"),
            dir.join("wearable.hegui"),
        )
        .expect("copy");
    }
    std::fs::create_dir_all(repo.join(".git")).expect(".git");
    let file = repo.join("a/wearable.hegui");
    let out = repo.join("out.txt");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            root().join("tests/nvim/monorepo.lua").display()
        ))
        .env("HEGUI_BIN", env!("CARGO_BIN_EXE_hegui"))
        .env("HEGUI_PLUGIN", root().join("editors/nvim"))
        .env("HEGUI_FILE", &file)
        .env("HEGUI_OUT", &out)
        .stdin(Stdio::null())
        .status()
        .expect("run nvim");
    let got = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}); it wrote:\n{got}");
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(
        lines[0],
        format!("root {}", repo.join("a").display()),
        "{got}"
    );
    assert_eq!(lines[1], "omnifunc v:lua.vim.lsp.omnifunc", "{got}");
    let before: Vec<&str> = lines[2..]
        .iter()
        .copied()
        .filter(|l| !l.starts_with("typo "))
        .collect();
    // a's own findings (CAC-2024-7 and the undetermined ones), never b's
    // names defined a second time.
    assert!(before.iter().any(|l| l.starts_with("CAC-2024-7 ")), "{got}");
    assert!(
        before
            .iter()
            .all(|l| !l.starts_with("duplicate-definition")),
        "{got}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("typo unknown-reference ")),
        "{got}"
    );
    assert!(!got.contains("duplicate"), "{got}");
}

/// Headless Neovim 0.7 as the client: it starts `hegui lsp`, opens the
/// example, and writes the diagnostics it received (`tests/nvim/diagnostics.lua`).
#[test]
fn neovim_headless_client() {
    if !nvim_available() {
        return;
    }
    let (_dir, file, _) = s1_workspace("nvim-headless");
    let out = file.with_file_name("diagnostics.txt");
    let script = root().join("tests/nvim/diagnostics.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("HEGUI_BIN", env!("CARGO_BIN_EXE_hegui"))
        .env("HEGUI_FILE", &file)
        .env("HEGUI_OUT", &out)
        .stdin(Stdio::null())
        .status()
        .expect("run nvim");
    let got = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}); it wrote:\n{got}");
    // `code line col` per diagnostic (Neovim's 0-based line, byte column).
    let lines: Vec<&str> = got.lines().collect();
    assert!(lines.contains(&"CAC-SC-7 30 26"), "{got}");
    assert!(lines.contains(&"GBT39725-7.p 24 5"), "{got}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("hover ") && l.contains("required_mechanism")),
        "{got}"
    );
}

#[test]
fn formatting_rename_and_inlay_hints() {
    let (dir, file, text) = s1_workspace("fmt");
    let uri = file_uri(&file);
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    let messy = text.replace("  kind = pharma", "kind=pharma");
    open(&mut c, &uri, &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let new_text = edits[0]["newText"].as_str().unwrap_or("");
    assert!(new_text.contains("  kind = pharma\n"), "{edits}");
    assert!(new_text.contains("美国𠮷"));

    let r = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 7}, "newName": "ruijin_h"}),
    );
    assert_eq!(r["changes"][&uri].as_array().map(Vec::len), Some(2), "{r}");
    let r = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 7}, "newName": "no good"}),
    );
    assert!(r.get("error").is_some(), "{r}");

    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Required mechanism: Standard contract")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.contains("Minimum grade: 3")),
        "{labels:?}"
    );
    c.shutdown();
}

/// A fresh folder holding a copy of one example workspace.
fn example_workspace(example: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hegui-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = root().join("examples").join(example);
    for e in std::fs::read_dir(&src).expect("example").flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
    }
    dir
}

/// An edit that keeps every byte offset can still move ranges: the issue's
/// reproduction in s5-wearable (a space before `filed` becomes a newline).
/// The server must publish the new ranges, as `hegui check` gives them.
#[test]
fn a_newline_for_a_space_moves_the_range() {
    let dir = example_workspace("s5-wearable", "reflow");
    let file = dir.join("wearable.hegui");
    let uri = file_uri(&file);
    // The issue's text: two spaces between the contract's dates.
    let text = std::fs::read_to_string(&file).expect("read").replacen(
        "2024-12-01 filed",
        "2024-12-01  filed",
        1,
    );
    std::fs::write(&file, &text).expect("write");
    let n = text
        .lines()
        .position(|l| l.contains("  filed"))
        .expect("the mechanism line");
    let line = text.lines().nth(n).expect("line");
    let (n, start, end) = (n as u32, 2, line.len() as u32);
    let col = line.find("  filed").expect("two spaces before filed") as u32;
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text);
    let diags = c.diagnostics_with(&uri, "CAC-2024-7");
    let d = find(&diags, "CAC-2024-7");
    assert_eq!(d["range"]["start"], json!({"line": n, "character": start}));
    assert_eq!(d["range"]["end"], json!({"line": n, "character": end}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": n, "character": col}, "end": {"line": n, "character": col + 1}}, "text": "\n"}
        ]}),
    );
    let m =
        c.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 2);
    let diags = m["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let d = find(&diags, "CAC-2024-7").clone();
    assert_eq!(d["range"]["start"], json!({"line": n, "character": start}));
    assert_eq!(d["range"]["end"]["line"], n + 1);
    // The same as the CLI on the same text (1-based lines and columns; the
    // line is ASCII, so columns are UTF-16 code units too).
    let edited = text.replacen("  filed", "\n filed", 1);
    std::fs::write(&file, &edited).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .expect("hegui check");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let cli = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "CAC-2024-7"))
        .unwrap_or_else(|| panic!("no CAC-2024-7 in {json}"));
    let to_lsp = |p: &Value| {
        json!({"line": p["line"].as_u64().unwrap_or(0) - 1,
               "character": p["column"].as_u64().unwrap_or(0) - 1})
    };
    assert_eq!(d["range"]["start"], to_lsp(&cli["span"]["start"]));
    assert_eq!(d["range"]["end"], to_lsp(&cli["span"]["end"]));
    c.shutdown();
}

/// The server asks to be told about changes on disk (VS Code waits to be
/// asked), and findings that change in closed files are published too.
#[test]
fn watches_files_and_publishes_closed_files() {
    let (dir, file, text) = s1_workspace("watch");
    let parties_end = text.find("/// Blood").expect("dataset doc");
    let parties = dir.join("parties.hegui");
    std::fs::write(&parties, &text[..parties_end]).expect("write");
    std::fs::write(&file, &text[parties_end..]).expect("write");
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    let reg = c.wait(|m| m["method"] == "client/registerCapability");
    let r = &reg["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = r["registerOptions"]["watchers"]
        .as_array()
        .map(|w| w.iter().filter_map(|w| w["globPattern"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        globs,
        ["**/*.{hegui,hegui.json,hegui.yaml}", "**/hegui.toml"]
    );
    let reply = json!({"jsonrpc": "2.0", "id": reg["id"], "result": null});
    c.send_raw(reply.to_string().as_bytes());

    // Nothing is open: the closed flow file's findings arrive anyway.
    let flows_uri = file_uri(&file);
    c.diagnostics_with(&flows_uri, "CAC-SC-7");
    // Open the parties and rename `ruijin`: the closed flow file now names
    // a party that does not exist.
    let parties_uri = file_uri(&parties);
    open(&mut c, &parties_uri, &text[..parties_end]);
    let renamed = text[..parties_end].replacen("party ruijin", "party ruijin2", 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": parties_uri, "version": 2},
               "contentChanges": [{"text": renamed}]}),
    );
    c.diagnostics_with(&flows_uri, "unknown-reference");
    // The flow file is fixed on disk (a checkout): one watched-file event.
    let fixed = text[parties_end..].replace("from = ruijin", "from = ruijin2");
    std::fs::write(&file, &fixed).expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": flows_uri, "type": 2}]}),
    );
    let m = c.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == flows_uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|ds| ds.iter().all(|d| d["code"] != "unknown-reference"))
    });
    assert!(m["params"]["diagnostics"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
    c.shutdown();
}

/// A small deterministic generator (xorshift64*): sequences are replayable
/// from their seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Byte ranges of the maximal runs of `pred` characters in `text`.
fn runs(text: &str, pred: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (pred(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn is_date(b: Option<&[u8]>) -> bool {
    b.is_some_and(|b| {
        b.iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
    })
}

/// One random edit of `text`: (byte start, byte end, new text).
fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match rng.below(9) {
        // A number.
        0 => {
            let nums = runs(text, |c| c.is_ascii_digit() || c == '_');
            let (s, e) = nums[rng.below(nums.len())];
            let n = [0u64, 1, 3, 999, 1_000, 9_999, 10_000, 100_000, 1_000_000][rng.below(9)];
            (s, e, n.to_string())
        }
        // A date.
        1 => match text.match_indices("20").find(|_| rng.below(4) == 0) {
            // A whole `dddd-dd-dd` (a `20` before a Chinese character would
            // end the range inside it).
            Some((i, _)) if is_date(text.as_bytes().get(i..i + 10)) => {
                let d = rng.pick(&[
                    "2021-06-01",
                    "2022-09-01",
                    "2024-03-22",
                    "2025-01-01",
                    "2026-12-31",
                ]);
                (i, i + 10, d.to_string())
            }
            _ => (0, 0, String::new()),
        },
        // An enumeration member or a reference: a word swapped for another.
        2 | 3 => {
            let words = runs(text, ident);
            let (s, e) = words[rng.below(words.len())];
            let w = rng.pick(&[
                "separate",
                "general",
                "standard_contract",
                "security_assessment",
                "certification",
                "research",
                "outsourcing",
                "true",
                "false",
                "band_cn",
                "band_xn",
                "vitals",
            ]);
            (s, e, w.to_string())
        }
        // A line deleted, or duplicated (an item added twice).
        4 | 5 => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < text.len())
                .collect();
            let s = starts[rng.below(starts.len())];
            let e = text[s..].find('\n').map_or(text.len(), |j| s + j + 1);
            if rng.below(2) == 0 {
                (s, e, String::new())
            } else {
                (s, s, text[s..e].to_string())
            }
        }
        // A reflow: a newline and indentation for a space, or the reverse.
        6 => match rng.below(2) {
            0 => match text
                .match_indices(' ')
                .nth(rng.below(text.matches(' ').count()))
            {
                Some((i, _)) => (i, i + 1, "\n ".to_string()),
                None => (0, 0, String::new()),
            },
            _ => match text
                .match_indices("\n  ")
                .nth(rng.below(text.matches("\n  ").count()))
            {
                Some((i, _)) => (i, i + 3, "  ".to_string()),
                None => (0, 0, String::new()),
            },
        },
        // Chinese swapped for ASCII (3 bytes for 3 letters), or the reverse.
        7 => {
            let cjk = runs(text, |c| !c.is_ascii());
            if cjk.is_empty() || rng.below(2) == 0 {
                let words = runs(text, ident);
                let (s, _) = words[rng.below(words.len())];
                (s, s, "数据".to_string())
            } else {
                let (s, e) = cjk[rng.below(cjk.len())];
                let first = text[s..e].chars().next().map_or(0, char::len_utf8);
                (s, s + first, "abc".to_string())
            }
        }
        // Anything: a character deleted.
        _ => {
            let i = rng.below(text.len());
            let i = (0..=i)
                .rev()
                .find(|&j| text.is_char_boundary(j))
                .unwrap_or(0);
            let e = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
            (i, e, String::new())
        }
    }
}

/// UTF-16 position of a byte offset.
fn utf16_pos(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The CLI's (1-based line, column in scalar values) as an LSP UTF-16 position.
fn cli_to_lsp(text: &str, p: &Value) -> Value {
    let line = p["line"].as_u64().unwrap_or(1) as usize - 1;
    let col = p["column"].as_u64().unwrap_or(1) as usize - 1;
    let l = text.split('\n').nth(line).unwrap_or("");
    let character: usize = l.chars().take(col).map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// `(code, start, end)` of each diagnostic, sorted.
fn summary(diags: &[Value]) -> Vec<(String, Value, Value)> {
    let mut v: Vec<(String, Value, Value)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"]["start"].clone(),
                d["range"]["end"].clone(),
            )
        })
        .collect();
    v.sort_by_key(|x| format!("{x:?}"));
    v
}

/// Seeded random edit sequences typed into the server (incremental changes
/// in UTF-16) and made on disk (with watched-file events), then the last
/// published diagnostics of both files compared with `hegui check` on the
/// final texts. `HEGUI_LSP_DIFF_SEQUENCES` (default 25) and
/// `HEGUI_LSP_DIFF_SEED` set the run.
#[test]
fn differential_edit_sequences_match_the_cli() {
    let count: usize = std::env::var("HEGUI_LSP_DIFF_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let seed: u64 = std::env::var("HEGUI_LSP_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let dir = example_workspace("s5-wearable", "differential");
    let base = std::fs::read_to_string(dir.join("wearable.hegui")).expect("read");
    // Two files: the open one (flows, datasets) and one edited on disk (parties).
    let split = base.find("dataset vitals").expect("dataset");
    let (parties_base, flows_base) = (base[..split].to_string(), base[split..].to_string());
    std::fs::remove_file(dir.join("wearable.hegui")).expect("rm");
    let flows = dir.join("flows.hegui");
    let parties = dir.join("parties.hegui");
    std::fs::write(&flows, &flows_base).expect("write");
    std::fs::write(&parties, &parties_base).expect("write");
    let (flows_uri, parties_uri) = (file_uri(&flows), file_uri(&parties));

    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    let mut version = 0;
    // What the client holds: the last diagnostics published per document.
    let mut last: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for n in 0..count {
        let mut rng = Rng(seed
            .wrapping_add(n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            | 1);
        // Back to the base texts: on disk, then opened.
        std::fs::write(&parties, &parties_base).expect("write");
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": parties_uri, "type": 2}]}),
        );
        version += 1;
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": flows_uri, "languageId": "hegui", "version": version, "text": flows_base}}),
        );
        let (mut text, mut disk) = (flows_base.clone(), parties_base.clone());
        let mut log = Vec::new();
        for _ in 0..(3 + rng.below(10)) {
            if rng.below(5) == 0 {
                let (s, e, new) = random_edit(&mut rng, &disk);
                log.push(format!("disk {s}..{e} {new:?}"));
                disk.replace_range(s..e, &new);
                std::fs::write(&parties, &disk).expect("write");
                c.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": parties_uri, "type": 2}]}),
                );
            } else {
                let (s, e, new) = random_edit(&mut rng, &text);
                log.push(format!("edit {s}..{e} {new:?}"));
                let range = json!({"start": utf16_pos(&text, s), "end": utf16_pos(&text, e)});
                text.replace_range(s..e, &new);
                version += 1;
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": flows_uri, "version": version},
                           "contentChanges": [{"range": range, "text": new}]}),
                );
            }
        }
        // Every job before this request is done once it answers; then the
        // publishes that followed are collected.
        c.request("workspace/symbol", json!({"query": ""}));
        std::thread::sleep(Duration::from_millis(150));
        c.request("workspace/symbol", json!({"query": ""}));
        while let Ok(m) = c.rx.recv_timeout(Duration::from_millis(50)) {
            c.notes.push(m);
        }
        for m in c.notes.drain(..) {
            if m["method"] == "textDocument/publishDiagnostics" {
                let uri = m["params"]["uri"].as_str().unwrap_or("").to_string();
                let ds = m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                last.insert(uri, ds);
            }
        }
        // The CLI on the same texts.
        std::fs::write(&flows, &text).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_hegui"))
            .args(["check", "--format", "json", "--lang", "en"])
            .arg(&dir)
            .output()
            .expect("hegui check");
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "sequence {n}: no JSON: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let mut cli: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for uri in [&flows_uri, &parties_uri] {
            cli.insert(uri.clone(), Vec::new());
        }
        for f in json["findings"].as_array().into_iter().flatten() {
            let file = f["file"].as_str().unwrap_or("");
            let (uri, t) = if file.ends_with("flows.hegui") {
                (&flows_uri, &text)
            } else {
                (&parties_uri, &disk)
            };
            cli.entry(uri.clone()).or_default().push(json!({
                "code": f["rule"],
                "range": {"start": cli_to_lsp(t, &f["span"]["start"]), "end": cli_to_lsp(t, &f["span"]["end"])}
            }));
        }
        for uri in [&flows_uri, &parties_uri] {
            let server = summary(last.get(uri).map(Vec::as_slice).unwrap_or(&[]));
            let expected = summary(&cli[uri]);
            // Unchanged diagnostics are not published again: compare with
            // what the server holds only when it published in this sequence.
            if last.contains_key(uri) || uri == &flows_uri {
                assert_eq!(
                    server,
                    expected,
                    "sequence {n} (seed {seed}), {uri}:\n{}\nfinal text:\n{text}\ndisk:\n{disk}",
                    log.join("\n")
                );
            }
        }
        // Closed, the file falls back to its disk text: the base again.
        std::fs::write(&flows, &flows_base).expect("write");
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": flows_uri}}),
        );
    }
    c.shutdown();
}

/// `(code, severity, start, end)` of what `hegui check --format json DIR`
/// finds in `file`, positions as the server sends them.
fn cli_findings(dir: &Path, file: &Path) -> Vec<(String, u64, Value, Value)> {
    let out = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args(["check", "--format", "json", "--lang", "en"])
        .arg(dir)
        .output()
        .expect("hegui check");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let want = file.display().to_string();
    let mut v: Vec<_> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["file"].as_str() == Some(want.as_str()))
        .map(|f| {
            let waived = f["status"] == "waived";
            let sev = match (waived, f["severity"].as_str()) {
                (true, _) => 4,
                (_, Some("error")) => 1,
                (_, Some("warning")) => 2,
                (_, Some("info")) => 3,
                _ => 4,
            };
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                sev,
                cli_to_lsp(&text, &f["span"]["start"]),
                cli_to_lsp(&text, &f["span"]["end"]),
            )
        })
        .collect();
    v.sort_by_key(|x| format!("{x:?}"));
    v
}

fn lsp_findings(diags: &[Value]) -> Vec<(String, u64, Value, Value)> {
    let mut v: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["severity"].as_u64().unwrap_or(0),
                d["range"]["start"].clone(),
                d["range"]["end"].clone(),
            )
        })
        .collect();
    v.sort_by_key(|x| format!("{x:?}"));
    v
}

impl Client {
    /// The diagnostics of the first publish for `uri` that `pred` accepts.
    fn published(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && pred(
                    m["params"]["diagnostics"]
                        .as_array()
                        .map_or(&[], Vec::as_slice),
                )
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// Two editor folders (a multi-root window), the second a folder of nested
/// workspaces: every `hegui.toml` root is analysed alone, as `hegui check`
/// on it does (the same S1 declarations in each, never "defined twice"),
/// with its own overrides; a broken `hegui.toml` or YAML file is a
/// diagnostic in that file, gone when it is fixed on disk.
#[test]
fn one_analysis_per_workspace_root() {
    let base = std::env::temp_dir().join(format!("hegui-lsp-roots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let trial = std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui"))
        .expect("example");
    let config = root().join("examples/s1-workspace-config");
    let (a, b) = (base.join("a"), base.join("b"));
    let (nested, decl) = (b.join("nested"), b.join("decl"));
    for d in [&a, &b, &nested, &decl] {
        std::fs::create_dir_all(d).expect("mkdir");
        std::fs::write(d.join("trial.hegui"), &trial).expect("write");
    }
    std::fs::copy(config.join("hegui.toml"), a.join("hegui.toml")).expect("copy");
    std::fs::write(nested.join("hegui.toml"), "fail_on = \"sometimes\"\n").expect("write");
    std::fs::write(decl.join("hegui.toml"), "").expect("write");
    std::fs::write(decl.join("more.hegui.yaml"), "parties: [: bad\n").expect("write");

    let mut c = Client::start();
    let mut init = vscode_init(&a);
    init["workspaceFolders"] = json!([
        {"uri": file_uri(&a), "name": "a"},
        {"uri": file_uri(&b), "name": "b"},
    ]);
    c.request("initialize", init);
    c.notify("initialized", json!({}));
    // Closed files are published too; each as the CLI finds it on its root.
    let mut found = std::collections::BTreeMap::new();
    for (root_dir, file) in [
        (&a, a.join("trial.hegui")),
        (&b, b.join("trial.hegui")),
        (&nested, nested.join("trial.hegui")),
        (&decl, decl.join("trial.hegui")),
    ] {
        let expected = cli_findings(root_dir, &file);
        assert!(
            expected.iter().any(|f| f.0 == "CAC-SC-7")
                && expected.iter().all(|f| f.0 != "duplicate-definition"),
            "{expected:?}"
        );
        let got = c.published(&file_uri(&file), |_| true);
        assert_eq!(lsp_findings(&got), expected, "{}", file.display());
        found.insert(file, expected);
    }
    // a's hegui.toml lowers CAC-SC-7 (a waiver: shown as a hint) and raises
    // GBT39725-7.p; b has none.
    let sev = |file: &Path, code: &str| found[file].iter().find(|f| f.0 == code).map(|f| f.1);
    assert_eq!(sev(&a.join("trial.hegui"), "CAC-SC-7"), Some(4));
    assert_eq!(sev(&a.join("trial.hegui"), "GBT39725-7.p"), Some(1));
    assert_eq!(sev(&b.join("trial.hegui"), "CAC-SC-7"), Some(1));
    // The loader's errors, in the files they are about.
    let toml_uri = file_uri(&nested.join("hegui.toml"));
    let toml = c.published(&toml_uri, |_| true);
    assert_eq!(toml.len(), 1, "{toml:?}");
    assert_eq!(toml[0]["code"], "config");
    assert_eq!(
        toml[0]["range"]["start"],
        json!({"line": 0, "character": 10})
    );
    let yaml_file = decl.join("more.hegui.yaml");
    let yaml = c.published(&file_uri(&yaml_file), |_| true);
    let expected = cli_findings(&decl, &yaml_file);
    assert_eq!(expected.len(), 1, "{expected:?}");
    assert_eq!(lsp_findings(&yaml), expected);
    // Go to definition stays in the document's own workspace.
    let uri = file_uri(&nested.join("trial.hegui"));
    open(&mut c, &uri, &trial);
    let line = trial
        .lines()
        .position(|l| l.contains("from = ruijin"))
        .expect("from line") as u32;
    let d = c.request("textDocument/definition", pos(&uri, line, 10));
    assert_eq!(d["uri"], uri);
    // Fixed on disk: the error goes.
    std::fs::write(nested.join("hegui.toml"), "fail_on = \"warning\"\n").expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": toml_uri, "type": 2}]}),
    );
    c.published(&toml_uri, <[Value]>::is_empty);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&base);
}

/// The workspace loads after `initialized`, shown as work-done progress to a
/// client that offers it; the diagnostics of the open document come once
/// the whole workspace is loaded (never from half of it).
#[test]
fn loads_in_the_background_with_progress() {
    let (dir, file, text) = s1_workspace("progress");
    // The parties in a file never opened: without it, references are unknown.
    let parties_end = text.find("/// Blood").expect("dataset doc");
    std::fs::write(dir.join("parties.hegui"), &text[..parties_end]).expect("write");
    std::fs::write(&file, &text[parties_end..]).expect("write");
    let uri = file_uri(&file);
    let mut c = Client::start();
    let mut init = vscode_init(&dir);
    init["capabilities"]["window"] = json!({"workDoneProgress": true});
    c.request("initialize", init);
    c.notify("initialized", json!({}));
    open(&mut c, &uri, &text[parties_end..]);
    let kind =
        |m: &Value, k: &str| m["method"] == "$/progress" && m["params"]["value"]["kind"] == k;
    let begin = c.wait(|m| kind(m, "begin"));
    assert_eq!(begin["params"]["token"], "hegui-loading");
    let end = c.wait(|m| kind(m, "end"));
    assert_eq!(end["params"]["token"], "hegui-loading");
    // Every publish of the open document is of the whole workspace.
    let diags = c.diagnostics_with(&uri, "CAC-SC-7");
    for m in c
        .notes
        .iter()
        .chain([&json!({"params": {"uri": uri, "diagnostics": diags}})])
    {
        if m["params"]["uri"] == uri {
            let ds = m["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(
                ds.iter().all(|d| d["code"] != "unknown-reference"),
                "{ds:?}"
            );
        }
    }
    c.shutdown();
}

/// The first line of a published message: the finding's own message (the
/// server appends notes, citations and the obligation).
fn first_line(d: &Value) -> String {
    d["message"]
        .as_str()
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// `hegui check --format json --lang en DIR ARGS`.
fn check_json(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args(["check", "--format", "json", "--lang", "en"])
        .arg(dir)
        .args(args)
        .output()
        .expect("hegui check");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The evaluation date (`today` in policy) is `--today`, else the clock, as
/// in `hegui check`: CAC-SC-7 says S1's unfiled contract is overdue only once
/// `today` is past its deadline (2026-03-02), in the editor as in the CLI.
#[test]
fn the_evaluation_date_is_the_clis() {
    let dir = example_workspace("s1-diabetes-trial", "today");
    let file = dir.join("trial.hegui");
    let text = std::fs::read_to_string(&file).expect("read");
    let uri = file_uri(&file);
    let mut seen = Vec::new();
    for today in [Some("2026-02-11"), Some("2026-12-01"), None] {
        let args: Vec<&str> = today.map(|t| vec!["--today", t]).unwrap_or_default();
        let mut c = Client::start_with(&args);
        c.request("initialize", vscode_init(&dir));
        c.notify("initialized", json!({}));
        open(&mut c, &uri, &text);
        let diags = c.diagnostics_with(&uri, "CAC-SC-7");
        let server = first_line(find(&diags, "CAC-SC-7"));
        c.shutdown();
        let cli = check_json(&dir, &args);
        let finding = cli["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["rule"] == "CAC-SC-7")
            .expect("CAC-SC-7 from the CLI");
        assert_eq!(server, finding["message"]["en"], "--today {today:?}");
        seen.push(server);
    }
    // The date is read: before and after the deadline, two messages.
    assert_ne!(seen[0], seen[1], "{seen:?}");
}

/// `$/cancelRequest` of a request still waiting behind a long write (an edit
/// of a party that 300 flows read): the client gets RequestCancelled (or
/// ContentModified), and the server answers the requests that follow.
#[test]
fn cancel_request_cancels_a_long_request() {
    let dir = std::env::temp_dir().join(format!("hegui-lsp-cancel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string(root().join("examples/s1-diabetes-trial/trial.hegui"))
        .expect("example");
    let split = text.find("flow trial_export").expect("flow");
    let (parties, flow) = (&text[..split], &text[split..]);
    let parties_file = dir.join("parties.hegui");
    std::fs::write(&parties_file, parties).expect("write");
    for i in 0..30 {
        let flows: String = (0..10)
            .map(|j| flow.replacen("trial_export", &format!("export_{i}_{j}"), 1))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.join(format!("flows_{i}.hegui")), flows).expect("write");
    }
    let uri = file_uri(&parties_file);
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    open(&mut c, &uri, parties);
    // Loaded once the open document's first diagnostics come.
    c.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
    let ruijin = text.find("party ruijin").expect("party") + "party ".len();
    let at = json!({"textDocument": {"uri": uri}, "position": utf16_pos(parties, ruijin)});
    // The party's persons change: every flow of it is judged again.
    let edit = parties.find("2_400_000").expect("persons");
    let range = json!({"start": utf16_pos(parties, edit), "end": utf16_pos(parties, edit + 1)});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range, "text": "9"}]}),
    );
    c.next_id += 1;
    let id = c.next_id;
    let mut params = at.clone();
    params["context"] = json!({"includeDeclaration": true});
    let msg =
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/references", "params": params});
    c.send_raw(msg.to_string().as_bytes());
    c.notify("$/cancelRequest", json!({"id": id}));
    let answer = c.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
    let code = answer["error"]["code"].as_i64();
    assert!(
        matches!(code, Some(-32800) | Some(-32801)),
        "cancelled: {answer}"
    );
    // Still serving, and right: hover, then the references themselves.
    let hover = c.request("textDocument/hover", at.clone());
    assert!(hover["contents"]["value"].is_string(), "{hover}");
    let refs = c.request("textDocument/references", params);
    assert_eq!(refs.as_array().map(Vec::len), Some(1 + 300), "{refs}");
    c.shutdown();
}

/// An undetermined finding (issue 11) in the editor: information, not the
/// rule's severity, never faded like a waived one; its message names the
/// missing fact, and its related information points at the entity where the
/// fact should be declared, in its own file; the range is the CLI's.
#[test]
fn undetermined_findings_name_the_missing_fact_and_where_it_goes() {
    let dir = example_workspace("s1-diabetes-trial", "undetermined");
    std::fs::write(dir.join("hegui.toml"), "as_of = \"2023-09-01\"\n").expect("write");
    let text = std::fs::read_to_string(dir.join("trial.hegui"))
        .expect("read")
        .replacen("  persons_processed = 2_400_000\n", "", 1);
    let split = text.find("/// Blood").expect("dataset");
    let (parties, rest) = (&text[..split], &text[split..]);
    std::fs::remove_file(dir.join("trial.hegui")).expect("rm");
    let (parties_file, flows_file) = (dir.join("parties.hegui"), dir.join("flows.hegui"));
    std::fs::write(&parties_file, parties).expect("write");
    std::fs::write(&flows_file, rest).expect("write");
    let uri = file_uri(&flows_file);
    let mut c = Client::start();
    c.request("initialize", vscode_init(&dir));
    c.notify("initialized", json!({}));
    open(&mut c, &uri, rest);
    let diags = c.diagnostics_with(&uri, "CAC-SA-4");
    let d = find(&diags, "CAC-SA-4");
    assert_eq!(d["severity"], 3, "information: {d}");
    assert!(d.get("tags").is_none_or(Value::is_null), "not faded: {d}");
    assert!(
        first_line(d).contains("ruijin.persons_processed"),
        "names the fact: {d}"
    );
    let ruijin = parties.find("party ruijin").expect("party") + "party ".len();
    let related = d["relatedInformation"].as_array().expect("related");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == file_uri(&parties_file)
                && r["location"]["range"]["start"] == utf16_pos(parties, ruijin)
                && r["location"]["range"]["end"] == utf16_pos(parties, ruijin + "ruijin".len())
                && r["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("persons_processed")),
        "{related:?}"
    );
    let cli = check_json(&dir, &[]);
    let f = cli["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "CAC-SA-4")
        .expect("CAC-SA-4 from the CLI");
    assert_eq!(f["status"], "undetermined");
    assert_eq!(d["range"]["start"], cli_to_lsp(rest, &f["span"]["start"]));
    assert_eq!(d["range"]["end"], cli_to_lsp(rest, &f["span"]["end"]));
    c.shutdown();
}

/// The words the grammar reserves: the quoted words of `grammar.pest` and
/// the lists of `keywords.rs`.
fn grammar_words() -> std::collections::BTreeSet<String> {
    use hegui_lang::syntax::keywords as k;
    let pest =
        std::fs::read_to_string(root().join("lang/src/syntax/grammar.pest")).expect("grammar");
    // Every quoted run of letters (each quote taken as an opening one: an
    // escaped quote must not put the pairs out of step).
    let quotes: Vec<usize> = pest.match_indices('"').map(|(i, _)| i).collect();
    let mut words: std::collections::BTreeSet<String> = quotes
        .windows(2)
        .map(|w| &pest[w[0] + 1..w[1]])
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect();
    for list in [
        k::ITEM,
        k::WAIVE_CLAUSE,
        k::VIEW_CLAUSE,
        k::RULE_CLAUSE,
        k::EXPR,
        k::DATES,
        k::AGGREGATE,
        k::UNIT,
    ] {
        words.extend(list.iter().map(|w| w.to_string()));
    }
    words
}

/// Whether `word` occurs in `text` as a whole word (between non-word characters).
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Every reserved word of the grammar is highlighted by both editors'
/// syntax files (so a keyword added to the language cannot be forgotten
/// there): it occurs in the VS Code grammar's patterns and in the Vim
/// syntax file.
#[test]
fn syntax_files_know_every_keyword() {
    let tm = std::fs::read_to_string(root().join("editors/vscode/syntaxes/hegui.tmLanguage.json"))
        .expect("tmLanguage");
    let tm: Value = serde_json::from_str(&tm).expect("json");
    let mut patterns = String::new();
    fn collect(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("match" | "begin", Value::String(s)) => {
                            out.push_str(s);
                            out.push('\n');
                        }
                        _ => collect(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    collect(&tm, &mut patterns);
    let vim = std::fs::read_to_string(root().join("editors/nvim/syntax/hegui.vim")).expect("vim");
    // Vim comments (lines starting with `"`) do not highlight anything.
    let vim: String = vim
        .lines()
        .filter(|l| !l.trim_start().starts_with('"'))
        .collect::<Vec<_>>()
        .join("\n");
    let words = grammar_words();
    for w in [
        "penalty",
        "unconfirmed",
        "hours",
        "waive",
        "deciding",
        "view",
        "hint",
    ] {
        assert!(words.contains(w), "{w} is not a grammar word: {words:?}");
    }
    let missing: Vec<(&str, &String)> = words
        .iter()
        .filter_map(|w| {
            if !has_word(&patterns, w) {
                Some(("VS Code", w))
            } else if !has_word(&vim, w) {
                Some(("Vim", w))
            } else {
                None
            }
        })
        .collect();
    assert!(missing.is_empty(), "not highlighted: {missing:?}");
}

/// The Vim syntax file in headless Neovim: the newer words and literals get
/// their groups (penalty, unconfirmed, waivers, date-times, hours).
#[test]
fn neovim_syntax_highlights_the_newer_words() {
    if !nvim_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("hegui-nvim-syntax-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("sample.hegui");
    std::fs::write(
        &file,
        "package std version \"2026.12\"\n\
         rule DSL-45 \"a\" \"b\" {\n\
         \x20 penalty unconfirmed \"c\" \"d\" \"e\" \"f\"\n\
         \x20 require x.reported_at <= x.discovered_at + 4 hours\n\
         \x20 let u = union(d in x.data : d.kinds)\n\
         }\n\
         test \"t\" {\n\
         \x20 today 2025-11-04\n\
         \x20 incident leak { discovered_at = 2025-11-03T09:30 }\n\
         \x20 expect undetermined INCID-1 on leak\n\
         }\n\
         waive GBT39725-7.q, PHI-10 on sg_backup {\n\
         \x20 reason \"r\" \"r\"\n\
         \x20 approved \"w\" on 2026-02-03\n\
         }\n\
         schema party \"p\" \"P\" as parties { kind: party_kind deciding \"k\" \"k\" }\n",
    )
    .expect("write");
    let out = dir.join("out.txt");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            root().join("tests/nvim/syntax.lua").display()
        ))
        .env("HEGUI_PLUGIN", root().join("editors/nvim"))
        .env("HEGUI_FILE", &file)
        .env("HEGUI_OUT", &out)
        .stdin(Stdio::null())
        .status()
        .expect("run nvim");
    let got = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}); it wrote:\n{got}");
    for want in [
        "version heguiClause",
        "penalty heguiClause",
        "unconfirmed heguiClause",
        "hours heguiUnit",
        "union(d heguiAggregate",
        "today heguiClause",
        "2025-11-04 heguiDate",
        "2025-11-03T09:30 heguiDateTime",
        "undetermined heguiClause",
        "INCID-1 heguiRuleId",
        "waive heguiItem",
        "GBT39725-7.q, heguiRuleId",
        "PHI-10 heguiRuleId",
        "reason heguiClause",
        "approved heguiClause",
        "deciding heguiFlag",
        "as heguiClause",
    ] {
        assert!(got.lines().any(|l| l == want), "no {want:?} in:\n{got}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
