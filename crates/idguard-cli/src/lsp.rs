//! `idguard lsp`: a language server over stdio.
//!
//! The project is indexed once, when the client has initialized, and kept warm in an
//! [`idguard_core::Workspace`]: an opened, changed or saved file is read again, alone, and
//! the whole project is resolved and linted again (a change in one file can expose or fix
//! a field in another). Messages that arrive while a scan runs are taken together, so a
//! burst of edits costs one scan.
//!
//! - `textDocument/publishDiagnostics`: after each scan, for the file that was opened,
//!   changed or saved (always, so the client knows the result is fresh) and for every other
//!   file whose findings changed. `code` is the rule; the exposure chain is the
//!   `relatedInformation`. Notes are shown only with `initializationOptions:
//!   {"showNotes": true}`.
//! - `textDocument/hover` on a finding: its message, help and the rule's documentation.
//! - `textDocument/codeAction` on a finding: insert a suppression comment (for the line, or
//!   for the file) with a reason to fill in.
//! - `workspace/didChangeWatchedFiles` (registered when the client can): files changed by
//!   other programs are read again; created or deleted files make the tree walked again; a
//!   changed `idguard.toml` or `Cargo.toml` at the root reloads the configuration.
//!
//! Positions are converted between idguard's columns (characters) and the encoding the
//! client negotiated (`utf-32`, `utf-8`, else LSP's default `utf-16`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use idguard_core::{Diagnostic, Location, Report, Severity, Workspace};
use idguard_lints::REGISTRY;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde::Serialize;
use serde_json::{Value, json};

/// Runs the server on stdin and stdout until the client shuts it down.
pub fn serve() -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    let served = Server::start(&connection).and_then(Server::run);
    drop(connection);
    io_threads.join().context("the connection to the client failed")?;
    served
}

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

struct Server<'a> {
    connection: &'a Connection,
    root: PathBuf,
    encoding: Encoding,
    show_notes: bool,
    watch: bool,
    /// `None` while the configuration is broken (the error was shown).
    workspace: Option<Workspace>,
    /// The last scan's findings, by file.
    findings: BTreeMap<String, Vec<Diagnostic>>,
    /// What was last published, by file.
    published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// The text of open documents, by root-relative path.
    open: HashMap<String, String>,
    /// State changed since the last scan; the files whose diagnostics must be published.
    dirty: bool,
    touched: BTreeSet<String>,
    reload: bool,
    rewalk: bool,
    next_request: i32,
}

impl<'a> Server<'a> {
    fn start(connection: &'a Connection) -> anyhow::Result<Server<'a>> {
        let (id, params) = connection.initialize_start()?;
        let params: lsp::InitializeParams =
            serde_json::from_value(params).context("invalid `initialize` parameters")?;
        let offered =
            params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let encoding = [Encoding::Utf32, Encoding::Utf8]
            .into_iter()
            .find(|e| offered.iter().any(|o| o.as_str() == e.name()))
            .unwrap_or(Encoding::Utf16);
        let folder = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or_else(|| {
                #[allow(deprecated)]
                params.root_uri.clone()
            })
            .and_then(|uri| path_of(&uri));
        let start = match folder {
            Some(folder) => folder,
            None => std::env::current_dir().context("cannot read the current directory")?,
        };
        let root = crate::discover_root(&start);
        let root = root.canonicalize().unwrap_or(root);
        let show_notes = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("showNotes"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let capabilities = json!({
            "positionEncoding": encoding.name(),
            "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
            "hoverProvider": true,
            "codeActionProvider": {"codeActionKinds": ["quickfix"]},
        });
        let info = json!({
            "capabilities": capabilities,
            "serverInfo": {"name": "idguard", "version": env!("CARGO_PKG_VERSION")},
        });
        connection.initialize_finish(id, info)?;
        let mut server = Server {
            connection,
            root,
            encoding,
            show_notes,
            watch,
            workspace: None,
            findings: BTreeMap::new(),
            published: HashMap::new(),
            open: HashMap::new(),
            dirty: true,
            touched: BTreeSet::new(),
            reload: true,
            rewalk: false,
            next_request: 0,
        };
        if server.watch {
            server.register_watchers()?;
        }
        Ok(server)
    }

    fn run(mut self) -> anyhow::Result<()> {
        loop {
            if self.dirty && self.connection.receiver.is_empty() {
                self.scan()?;
            }
            let Ok(message) = self.connection.receiver.recv() else { return Ok(()) };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    if self.dirty {
                        // Answer about the project as it now is.
                        self.scan()?;
                    }
                    let response = self.answer(request);
                    self.connection.sender.send(response.into())?;
                }
                Message::Notification(notification) => {
                    if notification.method == "exit" {
                        return Ok(());
                    }
                    self.notified(notification);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send_notification(&self, method: &str, params: impl Serialize) -> anyhow::Result<()> {
        self.connection.sender.send(Notification::new(method.to_owned(), params).into())?;
        Ok(())
    }

    fn show(&self, kind: lsp::MessageType, message: &str) -> anyhow::Result<()> {
        self.send_notification("window/showMessage", lsp::ShowMessageParams { typ: kind, message: message.to_owned() })
    }

    fn log(&self, message: &str) -> anyhow::Result<()> {
        self.send_notification(
            "window/logMessage",
            lsp::LogMessageParams { typ: lsp::MessageType::INFO, message: message.to_owned() },
        )
    }

    fn register_watchers(&mut self) -> anyhow::Result<()> {
        // The files a scan reads, and the configuration.
        let mut globs = idguard_core::walk::source_globs();
        globs.extend(["**/idguard.toml".to_owned(), "**/Cargo.toml".to_owned()]);
        let watchers: Vec<Value> = globs.iter().map(|glob| json!({ "globPattern": glob })).collect();
        let params = json!({"registrations": [{
            "id": "idguard-watched-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": watchers},
        }]});
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("idguard-{}", self.next_request)),
            "client/registerCapability".to_owned(),
            params,
        );
        self.connection.sender.send(request.into())?;
        Ok(())
    }

    /// The root-relative path of a document, if it is under the root.
    fn relative(&self, uri: &lsp::Uri) -> Option<String> {
        let path = path_of(uri)?;
        let path = path.canonicalize().unwrap_or(path);
        let rel = path.strip_prefix(&self.root).ok()?;
        Some(idguard_core::walk::slash_path(rel))
    }

    fn is_config(rel: &str) -> bool {
        rel == "idguard.toml" || rel == "Cargo.toml"
    }

    fn notified(&mut self, notification: Notification) {
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(params) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(rel) = self.relative(&params.text_document.uri) {
                    self.buffer(rel, Some(params.text_document.text));
                }
            }
            "textDocument/didChange" => {
                let Ok(params) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(notification.params) else {
                    return;
                };
                // Full synchronisation: the last change holds the whole text.
                if let (Some(rel), Some(change)) =
                    (self.relative(&params.text_document.uri), params.content_changes.into_iter().last())
                {
                    self.buffer(rel, Some(change.text));
                }
            }
            "textDocument/didSave" => {
                let Ok(params) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(rel) = self.relative(&params.text_document.uri) {
                    self.on_disk(rel);
                }
            }
            "textDocument/didClose" => {
                let Ok(params) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(rel) = self.relative(&params.text_document.uri) {
                    self.buffer(rel, None);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let Ok(params) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(notification.params) else {
                    return;
                };
                for change in params.changes {
                    let Some(rel) = self.relative(&change.uri) else { continue };
                    if change.typ != lsp::FileChangeType::CHANGED {
                        self.rewalk = true;
                    }
                    self.on_disk(rel);
                }
            }
            _ => {}
        }
    }

    /// An open document's text (or, with `None`, its closing).
    fn buffer(&mut self, rel: String, text: Option<String>) {
        // Only the files a scan reads: the configuration is read from disk (on save), and
        // other documents (a README) change nothing.
        if Self::is_config(&rel) || !idguard_core::walk::is_source(Path::new(&rel)) {
            return;
        }
        if let Some(workspace) = self.workspace.as_mut() {
            workspace.set_buffer(&rel, text.as_ref().map(|t| t.as_bytes().to_vec()));
        }
        match text {
            Some(text) => {
                self.open.insert(rel.clone(), text);
            }
            None => {
                self.open.remove(&rel);
            }
        }
        self.dirty = true;
        self.touched.insert(rel);
    }

    /// A file changed on disk (saved, or by another program).
    fn on_disk(&mut self, rel: String) {
        if Self::is_config(&rel) {
            self.reload = true;
        } else if let Some(workspace) = self.workspace.as_mut() {
            workspace.changed_on_disk(&rel);
        }
        self.dirty = true;
        self.touched.insert(rel);
    }

    /// (Re)loads the configuration; a broken one is shown, and nothing is scanned until it
    /// is fixed.
    fn load(&mut self) -> anyhow::Result<()> {
        self.reload = false;
        self.rewalk = false;
        let configured = crate::configured(&self.root, None).and_then(|(mut options, _, warnings)| {
            options.report.show_notes = self.show_notes;
            let mut workspace = Workspace::open(options)?;
            for (rel, text) in &self.open {
                workspace.set_buffer(rel, Some(text.as_bytes().to_vec()));
            }
            Ok((workspace, warnings))
        });
        match configured {
            Ok((workspace, warnings)) => {
                for warning in warnings {
                    self.show(lsp::MessageType::WARNING, &format!("idguard: {warning}"))?;
                }
                self.workspace = Some(workspace);
            }
            Err(err) => {
                self.workspace = None;
                self.show(lsp::MessageType::ERROR, &format!("idguard: {err:#}; fix it to get diagnostics again"))?;
            }
        }
        Ok(())
    }

    fn scan(&mut self) -> anyhow::Result<()> {
        let cold = self.workspace.is_none() || self.reload;
        if self.reload {
            self.load()?;
        }
        self.dirty = false;
        let Some(workspace) = self.workspace.as_mut() else {
            // Broken configuration: clear what was shown.
            self.findings.clear();
            return self.publish(true);
        };
        if std::mem::take(&mut self.rewalk) {
            workspace.rewalk();
        }
        let started = Instant::now();
        let report = match workspace.scan(REGISTRY) {
            Ok(report) => report,
            Err(err) => {
                self.show(lsp::MessageType::ERROR, &format!("idguard: cannot scan: {err}"))?;
                return Ok(());
            }
        };
        if cold {
            self.log(&format!(
                "idguard: indexed {} files under {} in {:.2} s",
                report.summary.files,
                self.root.display(),
                started.elapsed().as_secs_f64()
            ))?;
            for notice in &report.notices {
                self.show(lsp::MessageType::WARNING, &format!("idguard: {notice}"))?;
            }
        }
        self.findings = by_file(report);
        self.publish(cold)
    }

    /// Publishes the diagnostics of the touched files, and of every file whose findings
    /// changed (all files with `everything`).
    fn publish(&mut self, everything: bool) -> anyhow::Result<()> {
        let touched = std::mem::take(&mut self.touched);
        let mut files: BTreeSet<String> = self.findings.keys().cloned().collect();
        files.extend(self.published.keys().cloned());
        files.extend(touched.iter().cloned());
        let mut texts = Texts::default();
        for rel in files {
            let diagnostics: Vec<lsp::Diagnostic> = self
                .findings
                .get(&rel)
                .map(|found| found.iter().map(|d| self.to_lsp(d, &mut texts)).collect())
                .unwrap_or_default();
            let before = self.published.get(&rel);
            let changed = before.is_none_or(|b| *b != diagnostics) && !(before.is_none() && diagnostics.is_empty());
            if !(changed || everything && !diagnostics.is_empty() || touched.contains(&rel)) {
                continue;
            }
            let Some(uri) = uri_of(&self.root.join(&rel)) else { continue };
            let params = lsp::PublishDiagnosticsParams { uri, diagnostics: diagnostics.clone(), version: None };
            self.send_notification("textDocument/publishDiagnostics", params)?;
            if diagnostics.is_empty() {
                self.published.remove(&rel);
            } else {
                self.published.insert(rel, diagnostics);
            }
        }
        Ok(())
    }

    fn to_lsp(&self, d: &Diagnostic, texts: &mut Texts) -> lsp::Diagnostic {
        let range = self.range(&d.location, texts);
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .filter_map(|label| {
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: uri_of(&self.root.join(&label.location.path))?,
                        range: self.range(&label.location, texts),
                    },
                    message: label.message.clone(),
                })
            })
            .collect();
        let severity = match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
        };
        let mut message = d.message.clone();
        if !d.primary_label.is_empty() {
            message = format!("{message}\n{}", d.primary_label);
        }
        lsp::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(lsp::NumberOrString::String(d.rule.to_owned())),
            code_description: None,
            source: Some("idguard".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    fn range(&self, location: &Location, texts: &mut Texts) -> lsp::Range {
        if !location.has_span {
            return lsp::Range::default();
        }
        let span = &location.span;
        let start = self.position(&location.path, span.line, span.column, texts);
        let end = self.position(&location.path, span.end_line, span.end_column, texts);
        lsp::Range { start, end }
    }

    /// An LSP position for a 1-based line and character column.
    fn position(&self, rel: &str, line: u32, column: u32, texts: &mut Texts) -> lsp::Position {
        let line0 = line.saturating_sub(1);
        let chars = column.saturating_sub(1);
        let character = match self.encoding {
            Encoding::Utf32 => chars,
            encoding => texts
                .line(&self.root, &self.open, rel, line0)
                .map_or(chars, |text| text.chars().take(chars as usize).map(|c| encoding.width(c)).sum()),
        };
        lsp::Position { line: line0, character }
    }

    /// The 1-based character column of an LSP position.
    fn column(&self, rel: &str, position: lsp::Position, texts: &mut Texts) -> u32 {
        if self.encoding == Encoding::Utf32 {
            return position.character.saturating_add(1);
        }
        let Some(text) = texts.line(&self.root, &self.open, rel, position.line) else {
            return position.character.saturating_add(1);
        };
        let mut units: u32 = 0;
        let mut chars: u32 = 0;
        for c in text.chars() {
            if units >= position.character {
                break;
            }
            units = units.saturating_add(self.encoding.width(c));
            chars = chars.saturating_add(1);
        }
        chars.saturating_add(1)
    }

    /// The findings of `rel` whose lines and columns cover the range from `start` to `end`.
    fn findings_at(&self, rel: &str, start: lsp::Position, end: lsp::Position) -> Vec<&Diagnostic> {
        let mut texts = Texts::default();
        let from = (start.line.saturating_add(1), self.column(rel, start, &mut texts));
        let to = (end.line.saturating_add(1), self.column(rel, end, &mut texts));
        self.findings
            .get(rel)
            .into_iter()
            .flatten()
            .filter(|d| {
                let span = &d.location.span;
                let (first, last) = ((span.line, span.column), (span.end_line, span.end_column));
                if !d.location.has_span {
                    return from.0 == 1;
                }
                first <= to && from <= last
            })
            .collect()
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            "textDocument/hover" => serde_json::from_value::<lsp::HoverParams>(request.params)
                .map(|params| serde_json::to_value(self.hover(&params)).unwrap_or(Value::Null)),
            "textDocument/codeAction" => serde_json::from_value::<lsp::CodeActionParams>(request.params)
                .map(|params| serde_json::to_value(self.code_actions(&params)).unwrap_or(Value::Null)),
            method => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("idguard does not serve `{method}`"),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(err) => Response::new_err(id, ErrorCode::InvalidParams as i32, err.to_string()),
        }
    }

    fn hover(&self, params: &lsp::HoverParams) -> Option<lsp::Hover> {
        let position = params.text_document_position_params.position;
        let rel = self.relative(&params.text_document_position_params.text_document.uri)?;
        let found = self.findings_at(&rel, position, position);
        if found.is_empty() {
            return None;
        }
        let mut text = String::new();
        for d in found {
            if !text.is_empty() {
                text.push_str("\n\n---\n\n");
            }
            let _ = write!(text, "**{}** `{}`: {}\n\n", d.severity.as_str(), d.rule, d.message);
            for label in &d.labels {
                let _ = writeln!(text, "- `{}:{}`: {}", label.location.path, label.location.span.line, label.message);
            }
            if !d.help.is_empty() {
                let _ = write!(text, "\nhelp: {}\n", d.help);
            }
            if let Some(rule) = idguard_lints::find(d.rule) {
                let _ = write!(text, "\n### {}\n\n{}\n{}", rule.name, rule.summary, rule.doc);
            }
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: text }),
            range: None,
        })
    }

    fn code_actions(&self, params: &lsp::CodeActionParams) -> Vec<Value> {
        let Some(rel) = self.relative(&params.text_document.uri) else { return Vec::new() };
        let comment = match Path::new(&rel).extension().and_then(|e| e.to_str()) {
            Some("rs") => "//",
            Some(e) if e.eq_ignore_ascii_case("sql") => "--",
            _ => return Vec::new(),
        };
        let mut texts = Texts::default();
        let mut actions = Vec::new();
        let mut seen = BTreeSet::new();
        for d in self.findings_at(&rel, params.range.start, params.range.end) {
            let suppressible =
                idguard_lints::find(d.rule).is_some() && d.rule != idguard_lints::invalid_suppression::RULE.name;
            if !suppressible || !seen.insert((d.rule, d.location.span.line)) {
                continue;
            }
            let line0 = d.location.span.line.saturating_sub(1);
            let indent: String = texts
                .line(&self.root, &self.open, &rel, line0)
                .map(|l| l.chars().take_while(|c| c.is_whitespace()).collect())
                .unwrap_or_default();
            let reason = "TODO: say why this is not an exposure";
            let diagnostic = self.to_lsp(d, &mut texts);
            for (title, at, text) in [
                (
                    format!("Suppress `{}` on this line (idguard)", d.rule),
                    line0,
                    format!("{indent}{comment} idguard: allow({}) {reason}\n", d.rule),
                ),
                (
                    format!("Suppress `{}` in this file (idguard)", d.rule),
                    0,
                    format!("{comment} idguard: allow-file({}) {reason}\n", d.rule),
                ),
            ] {
                let at = lsp::Position { line: at, character: 0 };
                let edit = lsp::TextEdit { range: lsp::Range { start: at, end: at }, new_text: text };
                // `WorkspaceEdit.changes` is keyed by document URI.
                actions.push(json!({
                    "title": title,
                    "kind": "quickfix",
                    "diagnostics": [diagnostic],
                    "edit": {"changes": {params.text_document.uri.as_str(): [edit]}},
                }));
            }
        }
        actions
    }
}

/// File texts read while converting positions, by root-relative path.
#[derive(Default)]
struct Texts {
    read: HashMap<String, Option<Vec<String>>>,
}

impl Texts {
    fn line(&mut self, root: &Path, open: &HashMap<String, String>, rel: &str, line0: u32) -> Option<&str> {
        let text = self.read.entry(rel.to_owned()).or_insert_with(|| {
            let text = match open.get(rel) {
                Some(text) => Some(text.clone()),
                None => std::fs::read(root.join(rel)).ok().map(|b| String::from_utf8_lossy(&b).into_owned()),
            };
            text.map(|t| t.lines().map(str::to_owned).collect())
        });
        text.as_ref()?.get(line0 as usize).map(String::as_str)
    }
}

fn by_file(report: Report) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics {
        out.entry(d.location.path.clone()).or_default().push(d);
    }
    out
}

fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

fn uri_of(path: &Path) -> Option<lsp::Uri> {
    url::Url::from_file_path(path).ok()?.as_str().parse().ok()
}
