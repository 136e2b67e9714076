//! `idguard lsp` end to end: a scripted client talks JSON-RPC to the binary over stdio, as
//! an editor does: diagnostics on open, change and save (rule as `code`, the chain as
//! `relatedInformation`, UTF-16 columns), a finding in one file fixed from another, hover,
//! the suppression code action applied and honoured, a broken configuration shown and
//! recovered, shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a debug build on a loaded machine; only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path, initialize: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idguard"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("idguard lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every message has a Content-Length")];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice::<Value>(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client { child, stdin, messages, next_id: 0 };
        let answer = client.request("initialize", initialize);
        assert!(answer["result"]["capabilities"]["hoverProvider"] == json!(true), "{answer}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    #[allow(clippy::needless_pass_by_value)]
    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (the notifications on the way are dropped).
    #[allow(clippy::needless_pass_by_value)]
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The next message that satisfies `wanted`; the others on the way are dropped, except
    /// requests from the server, which are answered.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("no expected message from idguard lsp within {PATIENCE:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("idguard lsp closed its output"),
            };
            if wanted(&message) {
                return message;
            }
            if message.get("id").is_some() && message.get("method").is_some() {
                let id = message["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn shutdown(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "{answer}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "idguard lsp exits 0 after shutdown and exit, not {status}");
                return;
            }
            assert!(Instant::now() < deadline, "idguard lsp did not exit after `exit`");
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

/// The view is in `src/view.rs`, the route in `src/main.rs`; a character outside the Basic
/// Multilingual Plane before the field puts UTF-16 and character columns apart.
const VIEW: &str = "use serde::Serialize;\n\n#[derive(Serialize)]\npub struct UserView {\n    /* 😀 */ pub id: i64,\n    pub name: String,\n}\n";
const VIEW_SAFE: &str = "use serde::Serialize;\n\n#[derive(Serialize)]\npub struct UserView {\n    /* 😀 */ pub id: uuid::Uuid,\n    pub name: String,\n}\n";
const MAIN: &str = "mod view;\nuse axum::{routing::get, Json, Router};\nuse view::UserView;\n\nasync fn me() -> Json<UserView> {\n    todo!()\n}\n\npub fn app() -> Router {\n    Router::new().route(\"/users/me\", get(me))\n}\n";
const MAIN_UNROUTED: &str = "mod view;\n\npub fn app() {}\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n[package]\nname = \"app\"\nversion = \"0.1.0\"\n")
        .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/view.rs"), VIEW).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), MAIN).unwrap();
    dir
}

fn uri(root: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", root.canonicalize().unwrap().display())
}

fn initialize(root: &Path) -> Value {
    json!({
        "processId": null,
        "rootUri": uri(root, "").trim_end_matches('/'),
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
    })
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
    );
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

#[test]
fn diagnostics_follow_open_change_and_save() {
    let dir = project();
    let root = dir.path();
    let (view, main) = (uri(root, "src/view.rs"), uri(root, "src/main.rs"));
    let mut client = Client::start(root, initialize(root));

    // Indexed: the finding is published without the file being opened.
    let found = client.diagnostics(&view);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["code"], "sequential-id-in-response");
    assert_eq!(d["source"], "idguard");
    assert_eq!(d["severity"], 1, "an error");
    // `    /* 😀 */ pub ` is 16 characters and 17 UTF-16 code units.
    assert_eq!(d["range"], json!({"start": {"line": 4, "character": 17}, "end": {"line": 4, "character": 19}}));
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["location"]["uri"] == main && r["message"].as_str().unwrap().contains("routed")),
        "the route in the other file is part of the chain: {related:?}"
    );

    // Open: published again. Change to a safe type: cleared, before any save.
    open(&mut client, &view, VIEW);
    assert_eq!(client.diagnostics(&view).len(), 1);
    change(&mut client, &view, 2, VIEW_SAFE);
    assert_eq!(client.diagnostics(&view), Vec::<Value>::new(), "the edit fixes it");
    change(&mut client, &view, 3, VIEW);
    assert_eq!(client.diagnostics(&view).len(), 1, "and undoing the edit brings it back");

    // The route is removed in the other file and saved: the view is no longer reached.
    std::fs::write(root.join("src/main.rs"), MAIN_UNROUTED).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": main}}));
    let after = client.diagnostics(&view);
    assert!(after.iter().all(|d| d["severity"] != 1), "without a route the view is not an exposure: {after:?}");
    std::fs::write(root.join("src/main.rs"), MAIN).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": main}}));
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new(), "the saved file is always published");
    client.shutdown();
}

#[test]
fn hover_and_the_suppression_code_action() {
    let dir = project();
    let root = dir.path();
    let view = uri(root, "src/view.rs");
    let mut client = Client::start(root, initialize(root));
    assert_eq!(client.diagnostics(&view).len(), 1);
    open(&mut client, &view, VIEW);
    assert_eq!(client.diagnostics(&view).len(), 1);

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": view}, "position": {"line": 4, "character": 18}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or_default().to_owned();
    assert!(text.contains("sequential-id-in-response"), "{hover}");
    assert!(text.contains("help: "), "the help is shown: {text}");
    let doc = idguard_lints::find("sequential-id-in-response").unwrap().doc;
    assert!(text.contains(doc.trim()), "the rule's documentation is shown: {text}");
    let elsewhere = client
        .request("textDocument/hover", json!({"textDocument": {"uri": view}, "position": {"line": 0, "character": 2}}));
    assert_eq!(elsewhere["result"], Value::Null, "no hover away from findings");
    // A position no document has: an answer, not a crash.
    let far = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": view}, "position": {"line": u32::MAX, "character": u32::MAX}}),
    );
    assert_eq!(far["result"], Value::Null, "{far}");

    let range = json!({"start": {"line": 4, "character": 18}, "end": {"line": 4, "character": 18}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": view}, "range": range, "context": {"diagnostics": []}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Suppress `sequential-id-in-response` on this line (idguard)",
            "Suppress `sequential-id-in-response` in this file (idguard)"
        ]
    );
    let edit = &actions[0]["edit"]["changes"][&view][0];
    assert_eq!(edit["range"]["start"], json!({"line": 4, "character": 0}));
    let inserted = edit["newText"].as_str().unwrap();
    assert_eq!(inserted, "    // idguard: allow(sequential-id-in-response) TODO: say why this is not an exposure\n");

    // Applied, the suppression is honoured.
    let mut lines: Vec<&str> = VIEW.split_inclusive('\n').collect();
    lines.insert(4, inserted);
    change(&mut client, &view, 2, &lines.concat());
    assert_eq!(client.diagnostics(&view), Vec::<Value>::new(), "the inserted comment suppresses the finding");
    client.shutdown();
}

#[test]
fn a_broken_configuration_is_shown_and_recovered() {
    let dir = project();
    let root = dir.path();
    std::fs::write(root.join("idguard.toml"), "[rules]\nno-such-rule = \"deny\"\n").unwrap();
    let view = uri(root, "src/view.rs");
    let mut client = Client::start(root, initialize(root));
    let shown = client.wait(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("no-such-rule"), "{message}");
    assert_eq!(shown["params"]["type"], 1, "an error");
    std::fs::write(root.join("idguard.toml"), "[rules]\nsequential-id-in-response = \"warn\"\n").unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(root, "idguard.toml")}}));
    let found = client.diagnostics(&view);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["severity"], 2, "the fixed configuration caps the rule at warning");
    client.shutdown();
}
