//! `idguard-bench lsp IDGUARD ROOT [SAMPLES]`: the editor's latency. Starts `IDGUARD lsp`
//! on ROOT as an editor would (initialize, initialized), waits until the project is
//! indexed (the server logs `indexed N files`), then saves SAMPLES files spread evenly
//! over the tree one after another (`textDocument/didSave`) and measures, for each, the
//! time until its `textDocument/publishDiagnostics` arrives. Prints the indexing time and
//! the median and slowest latency; exits 1 if the server misbehaves.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub fn run(args: &[String]) -> Result<(), String> {
    let (Some(idguard), Some(root)) = (args.first(), args.get(1)) else {
        return Err("usage: idguard-bench lsp IDGUARD ROOT [SAMPLES]".into());
    };
    let samples: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(25);
    let root = std::path::Path::new(root).canonicalize().map_err(|e| format!("{root}: {e}"))?;
    let excluded: Vec<String> = idguard_core::walk::DEFAULT_EXCLUDED_DIRS.iter().map(|s| (*s).to_owned()).collect();
    let walked = idguard_core::walk::walk(&root, &excluded, &[], 2);
    let rust: Vec<_> = walked.files.iter().filter(|f| f.abs.extension().is_some_and(|e| e == "rs")).collect();
    if rust.is_empty() {
        return Err(format!("no Rust file under {}", root.display()));
    }
    let step = (rust.len() / samples.max(1)).max(1);
    let chosen: Vec<_> = rust.iter().step_by(step).take(samples).collect();

    let mut child = Command::new(idguard)
        .arg("lsp")
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {idguard} lsp: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (sender, messages) = channel::<Value>();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                if header.trim_end().is_empty() {
                    break;
                }
                if let Some(n) = header.trim_end().strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(message) = serde_json::from_slice(&body)
                && sender.send(message).is_err()
            {
                return;
            }
        }
    });
    let mut send = |message: Value| -> Result<(), String> {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
        stdin.flush().map_err(|e| e.to_string())
    };
    let wait = |what: &dyn Fn(&Value) -> bool| -> Result<Value, String> {
        loop {
            match messages.recv_timeout(Duration::from_secs(600)) {
                Ok(m) if what(&m) => return Ok(m),
                Ok(_) => {}
                Err(e) => return Err(format!("idguard lsp: {e}")),
            }
        }
    };
    let uri = |path: &std::path::Path| url::Url::from_file_path(path).map(|u| u.to_string()).unwrap_or_default();
    let started = Instant::now();
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": uri(&root), "capabilities": {}}}))?;
    wait(&|m| m["id"] == 1)?;
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
    wait(&|m| {
        m["method"] == "window/logMessage" && m["params"]["message"].as_str().is_some_and(|t| t.contains("indexed"))
    })?;
    let indexed = started.elapsed().as_secs_f64();
    let mut latencies = Vec::new();
    for file in &chosen {
        let target = uri(&file.abs);
        let saved = Instant::now();
        send(json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": target}}}))?;
        wait(&|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == target.as_str())?;
        latencies.push(saved.elapsed().as_secs_f64() * 1000.0);
    }
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}))?;
    wait(&|m| m["id"] == 2)?;
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}))?;
    let _ = child.wait();
    latencies.sort_by(f64::total_cmp);
    let median = latencies[latencies.len() / 2];
    let slowest = latencies[latencies.len() - 1];
    println!(
        "{{\"indexed_s\": {indexed:.3}, \"saves\": {}, \"median_ms\": {median:.1}, \"slowest_ms\": {slowest:.1}}}",
        latencies.len()
    );
    Ok(())
}
