//! Human output through `codespan-reporting`: rustc-style snippets with the primary span,
//! the exposure chain as secondary labels (possibly in other files) and a `help` note,
//! then a one-line summary.

use std::collections::HashMap;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};

use crate::diagnostic::{Location, Severity};
use crate::report::Report;

/// Renders the report. Sources are read again from `root` for the snippets; a file that
/// cannot be read (or changed since) is shown without a snippet.
pub fn render(report: &Report, root: &Path, color: bool) -> Vec<u8> {
    render_each(report, root, color).concat()
}

/// [`render`], with the text of some files given (by root-relative path) rather than read
/// from disk: the staged contents `--staged` judged.
pub fn render_with(
    report: &Report,
    root: &Path,
    color: bool,
    given: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<u8> {
    render_each_with(report, root, color, given).concat()
}

/// Each diagnostic of the report rendered on its own (as [`render`] shows it), in order:
/// what other formats embed as the rendered text (`--format cargo-json`).
pub fn render_each(report: &Report, root: &Path, color: bool) -> Vec<Vec<u8>> {
    render_each_with(report, root, color, &std::collections::BTreeMap::new())
}

/// [`render_each`], with the text of some files given (see [`render_with`]).
pub fn render_each_with(
    report: &Report,
    root: &Path,
    color: bool,
    given: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<Vec<u8>> {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<String, Option<usize>> = HashMap::new();
    let mut id_of = |location: &Location, files: &mut SimpleFiles<String, String>| -> Option<usize> {
        if !location.has_span {
            return None;
        }
        *ids.entry(location.path.clone()).or_insert_with(|| {
            let text = if let Some(bytes) = given.get(&location.path) {
                String::from_utf8(bytes.clone()).ok()?
            } else {
                let full = if root.is_file() { root.to_path_buf() } else { root.join(&location.path) };
                std::fs::read_to_string(full).ok()?
            };
            Some(files.add(location.path.clone(), text))
        })
    };
    let config = term::Config::default();
    let mut out = Vec::with_capacity(report.diagnostics.len());
    for d in &report.diagnostics {
        let mut buffer = if color { Buffer::ansi() } else { Buffer::no_color() };
        let mut cs = CsDiagnostic::new(severity(d.severity)).with_code(d.rule).with_message(&d.message);
        let primary = id_of(&d.location, &mut files);
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        match primary {
            Some(id) => labels.push(CsLabel::primary(id, range(&d.location)).with_message(&d.primary_label)),
            None => notes.push(format!("in `{}`", d.location.path)),
        }
        for label in &d.labels {
            match id_of(&label.location, &mut files) {
                Some(id) => labels.push(CsLabel::secondary(id, range(&label.location)).with_message(&label.message)),
                None => notes.push(format!("{}:{}: {}", label.location.path, label.location.span.line, label.message)),
            }
        }
        if !d.help.is_empty() {
            notes.push(format!("help: {}", d.help));
        }
        cs = cs.with_labels(labels.clone()).with_notes(notes.clone());
        if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_err() {
            // The file changed under us: show the finding without snippets.
            let plain = CsDiagnostic::new(severity(d.severity))
                .with_code(d.rule)
                .with_message(format!(
                    "{} ({}:{}:{})",
                    d.message, d.location.path, d.location.span.line, d.location.span.column
                ))
                .with_notes(notes);
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &plain);
        }
        out.push(buffer.into_inner());
    }
    out
}

/// Renders a configuration error with a snippet of the configuration file.
pub fn render_error(error: &crate::Error, color: bool) -> Vec<u8> {
    let mut buffer = if color { Buffer::ansi() } else { Buffer::no_color() };
    let config = term::Config::default();
    let mut files = SimpleFiles::new();
    let mut cs = CsDiagnostic::error().with_message(error.to_string());
    if let crate::Error::Config { path, text, span, message } = error {
        let id = files.add(path.display().to_string(), text.clone());
        cs = CsDiagnostic::error().with_message(format!("invalid configuration: {message}"));
        if let Some(span) = span {
            let end = span.end.min(text.len());
            let start = span.start.min(end);
            cs = cs.with_labels(vec![CsLabel::primary(id, start..end)]);
        } else {
            cs = cs.with_notes(vec![format!("in `{}`", path.display())]);
        }
    }
    let _ = term::emit_to_write_style(&mut buffer, &config, &files, &cs);
    buffer.into_inner()
}

fn range(location: &Location) -> std::ops::Range<usize> {
    location.span.start as usize..location.span.end as usize
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// `idguard: 2 errors, 1 warning in 14 files in 0.21s (1 skipped, 3 notes hidden)`.
pub fn summary_line(report: &Report, elapsed: Option<std::time::Duration>) -> String {
    let s = &report.summary;
    let mut found = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.notes > 0 {
        found.push(plural(s.notes, "note"));
    }
    let mut extra = Vec::new();
    if s.skipped > 0 {
        extra.push(format!("{} skipped", s.skipped));
    }
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        extra.push(format!("{} baselined", s.baselined));
    }
    if s.hidden_notes > 0 {
        extra.push(format!("{} hidden; --show-notes shows them", plural(s.hidden_notes, "note")));
    }
    let extra = if extra.is_empty() { String::new() } else { format!(" ({})", extra.join(", ")) };
    let time = elapsed.map(|t| format!(" in {:.2}s", t.as_secs_f64())).unwrap_or_default();
    format!("idguard: {} in {}{time}{extra}\n", found.join(", "), plural(s.files, "file"))
}
