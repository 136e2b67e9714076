//! UI tests: every entry of `fixtures/` (a file or a directory) is scanned as its own
//! root with notes shown and two threads.
//!
//! 1. Inline expectations: a line ending in `//~ SEVERITY: RULE` (SEVERITY is `error`,
//!    `warning` or `note`) must carry exactly that diagnostic as its primary location,
//!    and no other line may carry one. Several `//~` markers may share a line.
//! 2. Blessed output: the human rendering (no color) must equal `fixtures/NAME.out`.
//!    Re-bless with `IDGUARD_BLESS=1 cargo test --test ui`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use idguard_core::ScanOptions;
use idguard_core::report::ReportOptions;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The fixture entries: `.rs` files and directories, not the blessed outputs.
pub fn fixture_entries() -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures/ exists")
        .map(|e| e.expect("readable fixtures/").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "target"))
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .collect();
    entries.sort();
    entries
}

fn rs_files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_file() {
        out.push(root.to_path_buf());
        return;
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    children.sort();
    for child in children {
        if child.is_dir() {
            rs_files(&child, out);
        } else if idguard_core::walk::is_source(&child) {
            out.push(child);
        }
    }
}

type Expectation = (String, u32, String, String);

fn relative(root: &Path, file: &Path) -> String {
    if root.is_file() {
        return file.file_name().unwrap().to_string_lossy().into_owned();
    }
    file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")
}

/// Parses the `//~ SEVERITY: RULE` markers of every file under the entry, counting
/// repeats: the same diagnostic twice on a line is a failure unless marked twice.
fn expectations(root: &Path) -> BTreeMap<Expectation, usize> {
    let mut files = Vec::new();
    rs_files(root, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for (i, line) in text.lines().enumerate() {
            for marker in line.split("//~").skip(1) {
                let marker = marker.trim();
                let (severity, rule) = marker
                    .split_once(':')
                    .unwrap_or_else(|| panic!("{}:{}: malformed marker `//~ {marker}`", file.display(), i + 1));
                let severity = severity.trim();
                assert!(
                    matches!(severity, "error" | "warning" | "note"),
                    "{}:{}: unknown severity `{severity}`",
                    file.display(),
                    i + 1
                );
                let rule = rule.split_whitespace().next().unwrap_or_default();
                assert!(idguard_lints::find(rule).is_some(), "{}:{}: unknown rule `{rule}`", file.display(), i + 1);
                *out.entry((relative(root, &file), i as u32 + 1, severity.to_owned(), rule.to_owned())).or_insert(0) +=
                    1;
            }
        }
    }
    out
}

/// Scans one fixture entry the way the UI test does.
pub fn scan_fixture(root: &Path) -> idguard_core::Report {
    scan_fixture_with(root, true)
}

fn scan_fixture_with(root: &Path, prefilter: bool) -> idguard_core::Report {
    let mut options = ScanOptions::new(root.to_path_buf());
    options.prefilter = prefilter;
    options.jobs = Some(2);
    options.report = ReportOptions {
        show_notes: true,
        unused_suppression_rule: Some(idguard_lints::invalid_suppression::RULE.name),
        ..ReportOptions::default()
    };
    idguard_core::scan(&options, idguard_lints::REGISTRY).expect("scan succeeds")
}

#[test]
fn fixtures_match_their_annotations_and_blessed_output() {
    let bless = std::env::var_os("IDGUARD_BLESS").is_some();
    let mut failures = Vec::new();
    let entries = fixture_entries();
    assert!(entries.len() >= 3, "fixtures are missing");
    for entry in entries {
        let report = scan_fixture(&entry);
        let unfiltered = scan_fixture_with(&entry, false);
        if unfiltered.diagnostics != report.diagnostics || unfiltered.summary != report.summary {
            failures.push(format!("{}: --no-prefilter changes the findings", entry.display()));
        }
        let mut actual: BTreeMap<Expectation, usize> = BTreeMap::new();
        for d in &report.diagnostics {
            let key =
                (d.location.path.clone(), d.location.span.line, d.severity.as_str().to_owned(), d.rule.to_owned());
            *actual.entry(key).or_insert(0) += 1;
        }
        let expected = expectations(&entry);
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        for (key, n) in &expected {
            let got = actual.get(key).copied().unwrap_or(0);
            if got != *n {
                failures.push(format!("{name}: expected {n} but got {got}: {key:?}"));
            }
        }
        for (key, n) in &actual {
            if !expected.contains_key(key) {
                failures.push(format!("{name}: reported {n} but not expected: {key:?}"));
            }
        }
        let rendered = String::from_utf8(idguard_core::render::human::render(&report, &entry, false)).unwrap();
        let blessed_path = fixtures_dir().join(format!("{}.out", name.trim_end_matches(".rs")));
        if bless {
            std::fs::write(&blessed_path, &rendered).unwrap();
        } else {
            match std::fs::read_to_string(&blessed_path) {
                Ok(blessed) if blessed == rendered => {}
                Ok(blessed) => failures.push(format!(
                    "{name}: output differs from {} (re-bless with IDGUARD_BLESS=1)\n--- blessed\n{blessed}\n--- actual\n{rendered}",
                    blessed_path.display()
                )),
                Err(_) => failures.push(format!("{name}: no blessed output {} (IDGUARD_BLESS=1)", blessed_path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's fixture command scans `fixtures/` as one root: every expectation must hold
/// there too (one fixture's facts must not change another's findings).
#[test]
fn fixtures_as_one_root_match_all_annotations() {
    let root = fixtures_dir();
    let report = scan_fixture(&root);
    let mut actual: BTreeMap<Expectation, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        let key = (d.location.path.clone(), d.location.span.line, d.severity.as_str().to_owned(), d.rule.to_owned());
        *actual.entry(key).or_insert(0) += 1;
    }
    let expected = expectations(&root);
    assert!(expected.len() >= 100, "expectations are missing");
    let missing: Vec<_> = expected.iter().filter(|(k, n)| actual.get(*k) != Some(n)).collect();
    let extra: Vec<_> = actual.iter().filter(|(k, _)| !expected.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing: {missing:#?}\nextra: {extra:#?}");
}
