//! Panic isolation: a panic while one file is lowered, or while one rule checks one file,
//! becomes an `internal-error` diagnostic naming the file (and the rule); the rest of the
//! scan completes and the CLI exits with status 2.
//!
//! A leaf of the crate: the pipeline stages (`engine`, `demand`, `lint`) call it, `report`
//! reads [`INTERNAL_ERROR`]; it depends on nothing but the diagnostic type.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::diagnostic::{Diagnostic, Location, Severity};

/// The rule name of diagnostics about idguard's own failures. Not a rule of the
/// registry: levels, suppressions and the baseline never hide it.
pub const INTERNAL_ERROR: &str = "internal-error";

/// Runs `f`, turning a panic into an internal-error diagnostic for `rel` (and `rule`).
pub fn isolated<T>(rel: &str, rule: Option<&str>, f: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        // Spans of a half-lowered file must not leak into the next file's.
        proc_macro2::extra::invalidate_current_thread_spans();
        Box::new(internal_error(rel, rule, &panic_message(payload.as_ref())))
    })
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// An `internal-error` diagnostic: idguard itself failed on this file (and rule).
pub fn internal_error(path: &str, rule: Option<&str>, message: &str) -> Diagnostic {
    let what = rule.map_or_else(|| "while parsing".to_owned(), |r| format!("in rule `{r}`"));
    Diagnostic {
        rule: INTERNAL_ERROR,
        severity: Severity::Error,
        message: format!("idguard failed on `{path}` {what}: {message}"),
        location: Location::file(path),
        primary_label: String::new(),
        labels: Vec::new(),
        help: "this is a bug in idguard: please report it with the file; the rest of the scan completed".to_owned(),
        symbol: None,
        subject: None,
        fingerprint: format!("{INTERNAL_ERROR}:{path}:{}", rule.unwrap_or("parse")),
    }
}
