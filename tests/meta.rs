//! Meta tests: every rule is complete. It has fixtures that fire it and a blessed output,
//! a document with every heading, its Example fires and its "Use instead" does not, and
//! the README's rule table is the one generated from the registry.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use idguard_core::ScanOptions;
use idguard_core::lint::DOC_HEADINGS;
use idguard_core::report::ReportOptions;
use idguard_lints::REGISTRY;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snake(name: &str) -> String {
    name.replace('-', "_")
}

/// The sections of a rule document, by heading.
fn sections(doc: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in doc.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            out.push((heading.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The first fenced `rust` block of a section.
/// The first code block of a section that idguard reads (```rust or ```sql), with the
/// file extension to scan it as.
fn rust_block(body: &str) -> Option<(&'static str, String)> {
    for (fence, ext) in [("```rust\n", "rs"), ("```sql\n", "sql")] {
        if let Some(at) = body.find(fence) {
            let start = at + fence.len();
            let end = body[start..].find("```")? + start;
            return Some((ext, body[start..end].to_owned()));
        }
    }
    None
}

fn scan_snippet((ext, code): &(&str, String)) -> Vec<idguard_core::Diagnostic> {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(format!("snippet.{ext}")), code).unwrap();
    let mut options = ScanOptions::new(tmp.path().to_path_buf());
    options.report = ReportOptions {
        show_notes: true,
        unused_suppression_rule: Some(idguard_lints::invalid_suppression::RULE.name),
        ..ReportOptions::default()
    };
    idguard_core::scan(&options, REGISTRY).unwrap().diagnostics
}

#[test]
fn every_rule_has_a_complete_document() {
    for rule in REGISTRY {
        let found: Vec<String> = sections(rule.doc).into_iter().map(|(h, _)| h).collect();
        assert_eq!(found, DOC_HEADINGS, "{}: headings must be exactly {DOC_HEADINGS:?}", rule.name);
        for (heading, body) in sections(rule.doc) {
            assert!(!body.trim().is_empty(), "{}: section `{heading}` is empty", rule.name);
            if heading == "References" {
                assert!(
                    body.contains("CWE-") || body.contains("OWASP"),
                    "{}: references name no CWE/OWASP entry",
                    rule.name
                );
            }
        }
        assert!(!rule.summary.ends_with('.'), "{}: summary ends with a period", rule.name);
        assert_eq!(rule.name, rule.name.to_lowercase(), "rule names are kebab-case");
    }
}

#[test]
fn every_rule_example_fires_and_its_fix_does_not() {
    for rule in REGISTRY {
        let doc = sections(rule.doc);
        let body = |h: &str| doc.iter().find(|(x, _)| x == h).map(|(_, b)| b.clone()).unwrap();
        let example = rust_block(&body("Example"))
            .unwrap_or_else(|| panic!("{}: Example has no ```rust (or ```sql) block", rule.name));
        let fixed = rust_block(&body("Use instead"))
            .unwrap_or_else(|| panic!("{}: Use instead has no ```rust (or ```sql) block", rule.name));
        let on_example = scan_snippet(&example);
        assert!(
            on_example.iter().any(|d| d.rule == rule.name),
            "{}: Example does not fire: {on_example:#?}",
            rule.name
        );
        let clean = scan_snippet(&fixed);
        assert!(!clean.iter().any(|d| d.rule == rule.name), "{}: Use instead fires: {clean:#?}", rule.name);
    }
}

#[test]
fn every_rule_has_fixtures_that_fire_it_and_blessed_output() {
    let fixtures = repo().join("fixtures");
    let names: Vec<String> =
        std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    for rule in REGISTRY {
        let stem = snake(rule.name);
        let entries: Vec<&String> = names
            .iter()
            .filter(|n| n.starts_with(&stem) && Path::new(n.as_str()).extension().is_none_or(|e| e != "out"))
            .collect();
        assert!(!entries.is_empty(), "{}: no fixtures/{stem}*", rule.name);
        for entry in entries {
            let out = format!("{}.out", entry.trim_end_matches(".rs"));
            assert!(names.contains(&out), "{}: fixtures/{entry} has no blessed fixtures/{out}", rule.name);
        }
        let marker = format!(": {}", rule.name);
        let mut annotated = false;
        visit(&fixtures, &mut |path| {
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&stem))
                || path.ancestors().any(|a| a.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&stem)))
            {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                annotated |= text.lines().any(|l| l.contains("//~") && l.contains(&marker));
            }
        });
        assert!(annotated, "{}: no fixture line expects it (`//~ error: {}`)", rule.name, rule.name);
    }
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path);
        }
    }
}

/// The README's rule table, generated from the registry.
fn rule_table() -> String {
    let mut out = String::from("| Rule | Default | What it finds |\n|---|---|---|\n");
    for rule in REGISTRY {
        let _ = writeln!(out, "| `{}` | {} | {} |", rule.name, rule.default_severity.as_str(), rule.summary);
    }
    out
}

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let b = readme.find(end).expect("README has <!-- rules:end -->");
    let table = rule_table();
    if std::env::var_os("IDGUARD_BLESS").is_some() {
        std::fs::write(&path, format!("{}{}{}", &readme[..a], table, &readme[b..])).unwrap();
    } else {
        assert_eq!(&readme[a..b], table, "README rule table is stale (IDGUARD_BLESS=1 cargo test --test meta)");
    }
}
