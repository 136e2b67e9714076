//! Whole-pipeline checks on in-memory input, shared by the fuzz targets (`fuzz/`) and the
//! test that replays their regression inputs (`tests/fuzz_regressions.rs`): whatever the
//! bytes, idguard must not panic, hang or overflow, and every renderer must produce
//! well-formed output.

use std::path::Path;

use crate::engine::{ScanOptions, scan_sources};
use crate::isolate::INTERNAL_ERROR;
use crate::lint::Rule;
use crate::render;

/// Splits `data` into up to three files at `\0` separators, adds a fourth that declares
/// (as aliases of integers, records with key fields, newtypes and counters) the capitalised
/// names the others use without declaring, so that cross-file resolution and on-demand
/// parsing are exercised on every input; scans them with `rules` on one worker, renders
/// every format, and panics if anything is wrong: an internal error, a report that
/// `--no-prefilter` does not repeat, invalid JSON or SARIF JSON, or a GitHub line that is
/// not a single workflow command.
pub fn pipeline(rules: &[Rule], data: &[u8]) {
    let names = ["src/lib.rs", "src/api/dto.rs", "src/ids.rs"];
    let mut sources: Vec<(String, Vec<u8>)> = data
        .split(|b| *b == 0)
        .filter(|part| !part.is_empty())
        .take(names.len())
        .enumerate()
        .map(|(i, part)| (names[i].to_owned(), part.to_vec()))
        .collect();
    if let Some(declarations) = declarations_for(&sources) {
        sources.push(("src/model/decls.rs".to_owned(), declarations.into_bytes()));
    }
    let mut options = ScanOptions::new(Path::new("/nonexistent-idguard-root").to_path_buf());
    options.jobs = Some(1);
    options.report.show_notes = true;
    let report = scan_sources(&options, rules, &sources).expect("in-memory scans do not fail");
    assert!(
        !report.diagnostics.iter().any(|d| d.rule == INTERNAL_ERROR),
        "internal error: {:?}",
        report.diagnostics.iter().find(|d| d.rule == INTERNAL_ERROR)
    );
    let json = render::json::render(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
    // The prefilter never changes the report: parsing every file says the same.
    options.prefilter = false;
    let full = scan_sources(&options, rules, &sources).expect("in-memory scans do not fail");
    assert_eq!(render::json::render(&full), json, "--no-prefilter gives another report");
    options.prefilter = true;
    let sarif = render::sarif::render(&report, rules, "0.0.0");
    serde_json::from_str::<serde_json::Value>(&sarif).expect("SARIF output parses");
    let github = render::github::render(&report);
    assert_eq!(github.lines().count(), report.diagnostics.len(), "one workflow command per finding");
    assert!(github.lines().all(|l| l.starts_with("::")), "workflow commands only");
    let _ = render::human::render(&report, options.root.as_path(), false);
}

/// How many undeclared names the generated declarations file declares at most.
const MAX_GENERATED: usize = 24;

/// A file declaring the capitalised identifiers the sources use but do not declare, each
/// one way chosen by its name: an integer alias, a record with key fields, a newtype, or
/// (for upper-case names) a counter. `None` when there is nothing to declare.
fn declarations_for(sources: &[(String, Vec<u8>)]) -> Option<String> {
    let mut declared: Vec<String> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (_, bytes) in sources {
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        declared.extend(crate::prefilter::declared_names(text));
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_uppercase() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
                let len = b[i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                used.push(text[i..i + len].to_owned());
                i += len;
            } else {
                i += 1;
            }
        }
    }
    used.sort_unstable();
    used.dedup();
    let mut out = String::new();
    for name in used.iter().filter(|n| !declared.contains(n) && n.len() > 1).take(MAX_GENERATED) {
        let choice = name.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 3;
        let all_caps = name.bytes().all(|c| !c.is_ascii_lowercase());
        let item = match (all_caps, choice) {
            (true, _) => {
                format!("pub static {name}: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);\n")
            }
            (false, 0) => format!("pub type {name} = i64;\n"),
            (false, 1) => {
                format!("pub struct {name} {{\n    pub id: i64,\n    pub member_id: u64,\n    pub email: String,\n}}\n")
            }
            (false, _) => format!("pub struct {name}(pub u32);\n"),
        };
        out.push_str(&item);
    }
    (!out.is_empty()).then_some(out)
}

/// Parses `data` as an `idguard.toml` and as a `Cargo.toml`; errors must carry spans
/// inside the text, and rendering them must not panic.
pub fn config(rule_names: &[&str], data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for manifest in [false, true] {
        match crate::config::parse(Path::new("idguard.toml"), text, manifest, rule_names) {
            Ok(_) => {}
            Err(err) => {
                if let crate::Error::Config { span: Some(span), .. } = &err {
                    assert!(span.start <= span.end && span.end <= text.len(), "span {span:?} outside the text");
                }
                let _ = render::human::render_error(&err, false);
            }
        }
    }
}
