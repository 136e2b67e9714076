//! `idguard-bench accuracy`: precision and recall of idguard's visible findings against the
//! labels of `bench/accuracy/labels.toml`, and the false-positive rate on the library set.
//!
//! Inputs are idguard JSON reports (`--format json`, default levels: notes hidden) of the two
//! scratch trees `bench/accuracy/run` builds. Every visible finding in the library set is a
//! false positive by construction. In the service set, a finding is a true positive when a
//! label of kind `exposure` names its file, line and rule; every other visible finding of a
//! security rule is a false positive (labelled `clean` or not: an unlabelled one is listed so
//! it can be labelled).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The rules whose findings are judged (`parse-error` and `invalid-suppression` are not
/// claims about the code's IDs).
const JUDGED: &[&str] = &[
    "reversible-id-encoding",
    "linkable-pseudonym",
    "decrypted-id-echo",
    "weak-id-encryption",
    "predictable-id-generator",
    "sequential-id-in-response",
    "sequential-id-in-request",
];

#[derive(Deserialize)]
struct Report {
    diagnostics: Vec<Finding>,
}

#[derive(Deserialize)]
struct Finding {
    rule: String,
    severity: String,
    path: String,
    line: u32,
    #[serde(default)]
    symbol: Option<String>,
}

#[derive(Deserialize)]
struct Labels {
    #[serde(default)]
    exposure: Vec<Exposure>,
    #[serde(default)]
    clean: Vec<Clean>,
}

/// A place that must be reported.
#[derive(Deserialize)]
struct Exposure {
    path: String,
    line: u32,
    symbol: String,
    rule: String,
    /// `user`, `entity`.
    subject: String,
    #[allow(dead_code)]
    why: String,
}

/// A look-alike that must not be reported.
#[derive(Deserialize)]
struct Clean {
    path: String,
    line: u32,
    symbol: String,
    #[allow(dead_code)]
    why: String,
}

#[derive(Serialize, Default)]
struct RuleScore {
    labelled: usize,
    found: usize,
    missed: Vec<String>,
    false_positives: usize,
    precision: Option<f64>,
    recall: Option<f64>,
}

#[derive(Serialize)]
struct Results {
    libraries: LibraryScore,
    services: ServiceScore,
    /// Services mirrored from public repositories at pinned commits (`labels/*.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    repositories: Option<ServiceScore>,
    /// The held-out third of those, scored only when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    held_out: Option<ServiceScore>,
}

#[derive(Serialize)]
struct LibraryScore {
    files: usize,
    lines: usize,
    visible: usize,
    errors: usize,
    per_100k_lines: f64,
    findings: Vec<String>,
}

#[derive(Serialize)]
struct ServiceScore {
    files: usize,
    lines: usize,
    exposures: usize,
    look_alikes: usize,
    visible: usize,
    true_positives: usize,
    precision: Option<f64>,
    recall: Option<f64>,
    recall_user: Option<f64>,
    look_alikes_reported: Vec<String>,
    unlabelled: Vec<String>,
    rules: BTreeMap<String, RuleScore>,
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (b > 0).then(|| a as f64 / b as f64)
}

fn read<T: for<'de> Deserialize<'de>>(path: &str, toml_file: bool) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    if toml_file {
        toml::from_str(&text).map_err(|e| format!("{path}: {e}"))
    } else {
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
    }
}

/// The files and lines idguard considers under `root` (same walk and exclusions).
fn size(root: &Path) -> (usize, usize) {
    let excluded: Vec<String> = idguard_core::walk::DEFAULT_EXCLUDED_DIRS.iter().map(|s| (*s).to_owned()).collect();
    let walked = idguard_core::walk::walk(root, &excluded, &[], 2);
    let rust: Vec<_> = walked.files.iter().filter(|f| f.abs.extension().is_some_and(|e| e == "rs")).collect();
    let lines = rust.iter().map(|f| std::fs::read(&f.abs).map_or(0, |b| line_count(&b))).sum();
    (rust.len(), lines)
}

/// The number of lines: newline-terminated ones and a last unterminated one.
fn line_count(bytes: &[u8]) -> usize {
    bytes.split(|b| *b == b'\n').count() - usize::from(bytes.is_empty() || bytes.ends_with(b"\n"))
}

/// Runs the evaluation; prints the table, writes the JSON to `out`.
pub fn run(args: &[String]) -> Result<bool, String> {
    let get = |flag: &str| -> Result<&str, String> {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
            .ok_or_else(|| format!("missing {flag}"))
    };
    let lib_root = get("--libraries")?;
    let lib_report: Report = read(get("--libraries-report")?, false)?;
    let svc_report: Report = read(get("--services-report")?, false)?;
    let labels: Labels = read(get("--labels")?, true)?;
    let out = get("--out")?;

    let judged = |f: &&Finding| JUDGED.contains(&f.rule.as_str()) && f.severity != "note";
    let describe = |f: &Finding| {
        format!("{}:{} {} {} {}", f.path, f.line, f.severity, f.rule, f.symbol.as_deref().unwrap_or_default())
    };

    // Libraries: every visible finding is a false positive.
    let (lib_files, lib_lines) = size(Path::new(lib_root));
    let lib_visible: Vec<&Finding> = lib_report.diagnostics.iter().filter(judged).collect();
    #[allow(clippy::cast_precision_loss)]
    let per_100k = if lib_lines == 0 { 0.0 } else { lib_visible.len() as f64 * 100_000.0 / lib_lines as f64 };
    let libraries = LibraryScore {
        files: lib_files,
        lines: lib_lines,
        visible: lib_visible.len(),
        errors: lib_visible.iter().filter(|f| f.severity == "error").count(),
        per_100k_lines: per_100k,
        findings: lib_visible.iter().map(|f| describe(f)).collect(),
    };

    let services = score_services(Path::new(get("--services")?), &svc_report, &labels);
    let optional = |set: &str| -> Result<Option<ServiceScore>, String> {
        let flag = format!("--{set}");
        let Ok(root) = get(&flag) else { return Ok(None) };
        let report: Report = read(get(&format!("--{set}-report"))?, false)?;
        let labels: Labels = read(get(&format!("--{set}-labels"))?, true)?;
        Ok(Some(score_services(Path::new(root), &report, &labels)))
    };
    let repositories = optional("repositories")?;
    let held_out = optional("held-out")?;
    let results = Results { libraries, services, repositories, held_out };
    let json = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(out, json + "\n").map_err(|e| format!("{out}: {e}"))?;
    print_table(&results);
    let lib = &results.libraries;
    let meets = |svc: &ServiceScore| {
        svc.recall_user.unwrap_or(0.0) >= 0.9 && svc.recall.unwrap_or(0.0) >= 0.8 && svc.precision.unwrap_or(0.0) >= 0.9
    };
    let pass = lib.errors == 0
        && lib.per_100k_lines <= 1.0
        && meets(&results.services)
        && results.repositories.as_ref().is_none_or(meets)
        && results.held_out.as_ref().is_none_or(meets);
    Ok(pass)
}

/// Scores one set of services: a finding is a true positive when an exposure label names its
/// file, line and rule; every other visible finding of a judged rule is a false positive.
fn score_services(root: &Path, report: &Report, labels: &Labels) -> ServiceScore {
    let judged = |f: &&Finding| JUDGED.contains(&f.rule.as_str()) && f.severity != "note";
    let describe = |f: &Finding| {
        format!("{}:{} {} {} {}", f.path, f.line, f.severity, f.rule, f.symbol.as_deref().unwrap_or_default())
    };
    let (svc_files, svc_lines) = size(root);
    let visible: Vec<&Finding> = report.diagnostics.iter().filter(judged).collect();
    let mut rules: BTreeMap<String, RuleScore> = BTreeMap::new();
    let mut true_positives = 0;
    let (mut found_user, mut labelled_user) = (0, 0);
    for e in &labels.exposure {
        let score = rules.entry(e.rule.clone()).or_default();
        score.labelled += 1;
        let hit = visible.iter().any(|f| f.path == e.path && f.line == e.line && f.rule == e.rule);
        if e.subject == "user" {
            labelled_user += 1;
            found_user += usize::from(hit);
        }
        if hit {
            score.found += 1;
        } else {
            score.missed.push(format!("{}:{} {}", e.path, e.line, e.symbol));
        }
    }
    let mut unlabelled = Vec::new();
    let mut look_alikes_reported = Vec::new();
    for f in &visible {
        let tp = labels.exposure.iter().any(|e| f.path == e.path && f.line == e.line && f.rule == e.rule);
        if tp {
            true_positives += 1;
            continue;
        }
        rules.entry(f.rule.clone()).or_default().false_positives += 1;
        match labels.clean.iter().find(|c| c.path == f.path && c.line == f.line) {
            Some(c) => look_alikes_reported.push(format!("{} (look-alike `{}`)", describe(f), c.symbol)),
            None => unlabelled.push(describe(f)),
        }
    }
    for score in rules.values_mut() {
        score.precision = ratio(score.found, score.found + score.false_positives);
        score.recall = ratio(score.found, score.labelled);
    }
    ServiceScore {
        files: svc_files,
        lines: svc_lines,
        exposures: labels.exposure.len(),
        look_alikes: labels.clean.len(),
        visible: visible.len(),
        true_positives,
        precision: ratio(true_positives, visible.len()),
        recall: ratio(rules.values().map(|r| r.found).sum(), labels.exposure.len()),
        recall_user: ratio(found_user, labelled_user),
        look_alikes_reported,
        unlabelled,
        rules,
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn print_table(r: &Results) {
    let lib = &r.libraries;
    println!("library set: {} files, {} lines", lib.files, lib.lines);
    println!(
        "  visible findings: {} ({} errors) = {:.2} per 100,000 lines (target: 0 errors, <= 1)",
        lib.visible, lib.errors, lib.per_100k_lines
    );
    for f in &lib.findings {
        println!("    FP {f}");
    }
    print_services("service set (crates.io)", &r.services);
    if let Some(svc) = &r.repositories {
        print_services("repository set (pinned commits)", svc);
    }
    if let Some(svc) = &r.held_out {
        print_services("held-out set", svc);
    }
}

fn print_services(name: &str, svc: &ServiceScore) {
    println!(
        "{name}: {} files, {} lines; {} labelled exposures, {} labelled look-alikes",
        svc.files, svc.lines, svc.exposures, svc.look_alikes
    );
    println!("  | rule | labelled | found | false positives | precision | recall |");
    println!("  |---|---|---|---|---|---|");
    for (rule, s) in &svc.rules {
        println!(
            "  | {rule} | {} | {} | {} | {} | {} |",
            s.labelled,
            s.found,
            s.false_positives,
            pct(s.precision),
            pct(s.recall)
        );
    }
    println!(
        "  overall: precision {} (target >= 0.9), recall {} (>= 0.8), user-subject recall {} (>= 0.9)",
        pct(svc.precision),
        pct(svc.recall),
        pct(svc.recall_user)
    );
    for (rule, s) in &svc.rules {
        for m in &s.missed {
            println!("    missed [{rule}] {m}");
        }
    }
    for l in &svc.look_alikes_reported {
        println!("    FP {l}");
    }
    for u in &svc.unlabelled {
        println!("    unlabelled (counted as FP) {u}");
    }
}
