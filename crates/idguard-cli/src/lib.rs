//! The idguard command line: argument parsing (clap), root discovery, running the
//! engine with the rule registry, rendering and exit codes.
//!
//! Exit status: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 the tool
//! itself failed (usage, I/O). A closed stdout (`idguard | head`) is not a failure.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use idguard_core::config::{self, Level};
use idguard_core::report::ReportOptions;
use idguard_core::{Report, ScanOptions, Severity};
use idguard_lints::REGISTRY;

mod lsp;

/// How the binary was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invocation {
    /// As `idguard`.
    Direct,
    /// As `cargo-idguard idguard ...` by cargo.
    Cargo,
}

#[derive(Parser, Debug)]
#[command(
    name = "idguard",
    version,
    about = "Finds sequential or unencrypted user serial IDs exposed through APIs",
    after_help = "Run `idguard rules` for the list of rules and `idguard explain RULE` for one rule's documentation.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// `idguard [OPTIONS] [PATHS]`: `check` is the default command.
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a project (the default command)
    Check(Box<CheckArgs>),
    /// List the rules with their default level and summary
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print the full documentation of one rule
    Explain {
        /// The rule name, e.g. `sequential-id-in-response`
        rule: String,
    },
    /// Run a language server over stdio (diagnostics, hover, suppression code actions)
    Lsp,
}

#[derive(Args, Debug, Default)]
struct CheckArgs {
    /// Files or directories to report on (default: the whole root); the whole root is still indexed
    paths: Vec<PathBuf>,
    /// Project root to index [default: nearest workspace `Cargo.toml`, else git root, else cwd]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Configuration file [default: ROOT/idguard.toml, else `[workspace.metadata.idguard]` or `[package.metadata.idguard]` in ROOT/Cargo.toml]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Raise RULE (or `all`) to error; wins over -W and -A for the same rule
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    deny: Vec<String>,
    /// Cap RULE (or `all`) at warning and show its notes; wins over -A
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    warn: Vec<String>,
    /// Turn RULE (or `all`) off
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    allow: Vec<String>,
    /// Hide the findings recorded in FILE; report entries that no longer match
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in FILE (sorted fingerprints, no line numbers)
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only files staged in git (the whole root is still indexed)
    #[arg(long)]
    staged: bool,
    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Exit 0 even when findings are reported (report-only jobs); idguard's own failures still exit 2
    #[arg(long)]
    exit_zero: bool,
    /// Show notes (evidence and low-risk content keys)
    #[arg(long)]
    show_notes: bool,
    /// When to use colors (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Worker threads [default: one per core]
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Parse every file, not only those a byte scan selects (same findings, slower)
    #[arg(long)]
    no_prefilter: bool,
    /// Do not read or write the facts cache
    #[arg(long)]
    no_cache: bool,
    /// Where to keep the facts cache [default, in a Cargo project: `$CARGO_TARGET_DIR/idguard`, else `ROOT/target/idguard`]
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Print findings only, no summary line
    #[arg(short, long)]
    quiet: bool,
    /// Print how the scan went (stage timings, files selected and parsed on demand) to stderr
    #[arg(long)]
    stats: bool,
    /// Path to Cargo.toml (cargo form): the root is its workspace root
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Report only this package of the workspace (repeatable)
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    package: Vec<String>,
    /// Report the whole workspace (the default)
    #[arg(long, conflicts_with = "package")]
    workspace: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    /// rustc-style diagnostics with snippets
    #[default]
    Human,
    /// one JSON document (schema version 1)
    Json,
    /// SARIF 2.1.0 for code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report (a JSON array)
    Gitlab,
    /// `JUnit` XML, one failing test case per finding
    Junit,
    /// cargo's JSON messages (`compiler-message` lines), for rust-analyzer and bacon
    CargoJson,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum RulesFormat {
    /// a table: name, default level, summary
    #[default]
    Human,
    /// a JSON array: each rule with `name`, `default_level`, `summary`, `cwe`, `security_severity`
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum FailOn {
    #[default]
    Error,
    Warning,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the process exit status.
pub fn run(mut args: Vec<OsString>, invocation: Invocation) -> ExitCode {
    if invocation == Invocation::Cargo && args.get(1).is_some_and(|a| a == "idguard") {
        args.remove(1);
    }
    // `idguard [check] [PATHS]`: without a subcommand, `check` is meant.
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let known = ["check", "rules", "explain", "lsp", "help", "-h", "--help", "-V", "--version"];
    // `idguard chek`: not a path, but a typo of a command.
    if !first.is_empty()
        && !first.starts_with('-')
        && !known.contains(&first)
        && !Path::new(first).exists()
        && let Some(near) = closest(first, &["check", "rules", "explain", "lsp", "help"])
    {
        eprintln!("error: unknown command `{first}`; did you mean `{near}`?");
        return ExitCode::from(2);
    }
    let name = if invocation == Invocation::Cargo { "cargo idguard" } else { "idguard" };
    let parsed =
        Cli::command().bin_name(name).try_get_matches_from(args).and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match execute(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if let Some(ConfigFailure(config)) = err.downcast_ref::<ConfigFailure>() {
                let color = auto_color(std::io::stderr().is_terminal());
                let _ = std::io::stderr().write_all(&idguard_core::render::human::render_error(config, color));
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn execute(cli: Cli) -> anyhow::Result<u8> {
    match cli.command.unwrap_or_else(|| Command::Check(Box::new(cli.check))) {
        Command::Rules { format } => {
            let mut out = String::new();
            match format {
                RulesFormat::Human => {
                    let width = REGISTRY.iter().map(|r| r.name.len()).max().unwrap_or(0);
                    for rule in REGISTRY {
                        let _ = writeln!(
                            out,
                            "{:width$}  {:7}  {}",
                            rule.name,
                            rule.default_severity.as_str(),
                            rule.summary
                        );
                    }
                }
                RulesFormat::Json => {
                    let rules: Vec<serde_json::Value> = REGISTRY
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "name": r.name,
                                "default_level": r.default_severity.as_str(),
                                "summary": r.summary,
                                "cwe": r.cwes(),
                                "security_severity": r.security_severity,
                            })
                        })
                        .collect();
                    out = serde_json::to_string_pretty(&rules)?;
                    out.push('\n');
                }
            }
            write_stdout(out.as_bytes())?;
            Ok(0)
        }
        Command::Explain { rule } => {
            let found = find_rule(&rule)?;
            let text = format!(
                "# {}\n\nDefault level: {}. {}\n{}",
                found.name,
                found.default_severity.as_str(),
                found.summary,
                found.doc
            );
            write_stdout(text.as_bytes())?;
            Ok(0)
        }
        Command::Check(args) => check(&args),
        Command::Lsp => {
            lsp::serve()?;
            Ok(0)
        }
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = match (&args.root, &args.manifest_path) {
        (Some(root), _) => cwd.join(root),
        (None, Some(manifest)) => {
            let manifest = cwd.join(manifest);
            if !manifest.is_file() {
                bail!("manifest `{}` does not exist", manifest.display());
            }
            let dir = manifest.parent().unwrap_or(&cwd).to_path_buf();
            discover_root(&dir)
        }
        (None, None) => discover_root(&cwd),
    };
    let root = root.canonicalize().with_context(|| format!("cannot scan `{}`", root.display()))?;
    let (mut options, config_text, config_warnings) = configured(&root, args.config.as_deref())?;
    for (names, level) in [(&args.allow, Level::Allow), (&args.warn, Level::Warn), (&args.deny, Level::Deny)] {
        for name in names {
            let name = if name == "all" { "all" } else { find_rule(name)?.name };
            options.report.levels.push((name.to_owned(), level));
        }
    }
    let only = scope(args, &cwd, &root)?;
    let baseline = match &args.baseline {
        Some(path) => Some(baseline::read(&cwd.join(path))?),
        None => None,
    };
    // A cache by default only in a Cargo project, where `target/` is expected; anywhere
    // with --cache-dir.
    if !args.no_cache && (args.cache_dir.is_some() || root.join("Cargo.toml").is_file()) {
        let dir = match (&args.cache_dir, std::env::var_os("CARGO_TARGET_DIR")) {
            (Some(dir), _) => cwd.join(dir),
            (None, Some(target)) => root.join(target).join("idguard"),
            (None, None) => root.join("target").join("idguard"),
        };
        options.cache = Some(idguard_core::cache::CacheOptions { dir, config: config_text });
    }
    options.jobs = args.jobs;
    options.prefilter = !args.no_prefilter;
    if !args.quiet {
        for warning in unscanned_paths(args, &cwd, &root, &options) {
            eprintln!("warning: {warning}");
        }
    }
    options.report.show_notes = args.show_notes;
    options.report.only = only;
    options.report.baseline = baseline;
    options.panic_on = std::env::var("IDGUARD_INTERNAL_PANIC_ON").ok();
    if args.staged {
        // The commit holds the staged contents: judge those, not the working tree.
        options.overlay = staged_files(&root)?.into_iter().collect();
    }
    let indicator = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let progress = std::sync::Arc::new(idguard_core::engine::Progress::default());
        options.progress = Some(progress.clone());
        ProgressIndicator::start(progress)
    });
    let report = idguard_core::scan(&options, REGISTRY);
    drop(indicator);
    let report = report?;
    if let Some(path) = &args.write_baseline {
        // Writing a baseline is its own job: it succeeds, and says what it wrote.
        baseline::write(&cwd.join(path), &report.fingerprints)?;
        let n = report.fingerprints.len();
        eprintln!(
            "idguard: wrote {n} finding{} to the baseline `{}`; `--baseline {}` hides them",
            if n == 1 { "" } else { "s" },
            path.display(),
            path.display()
        );
        return Ok(if has_internal_error(&report) { 2 } else { 0 });
    }
    if !args.quiet {
        for warning in config_warnings.iter().chain(&report.notices) {
            eprintln!("warning: {warning}");
        }
    }
    if args.stats {
        for line in report.stats.lines() {
            eprintln!("idguard stats: {line}");
        }
    }
    if !report.stale_baseline.is_empty() && !args.quiet {
        let n = report.stale_baseline.len();
        let what = if n == 1 { "baseline entry no longer matches" } else { "baseline entries no longer match" };
        eprintln!(
            "warning: {n} {what} any finding (fixed, or moved to another file); rewrite the baseline with --write-baseline"
        );
        for entry in &report.stale_baseline {
            eprintln!("  {entry}");
        }
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => args.output.is_none() && auto_color(std::io::stdout().is_terminal()),
    };
    let bytes = render(&report, &root, args, color, started.elapsed(), &options.overlay);
    match &args.output {
        Some(path) => {
            std::fs::write(cwd.join(path), &bytes).with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        None => write_stdout(&bytes)?,
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if has_internal_error(&report) {
        // idguard itself failed on some file: the findings are incomplete.
        return Ok(2);
    }
    Ok(u8::from(!args.exit_zero && report.diagnostics.iter().any(|d| d.severity >= threshold)))
}

/// The scan options the project's configuration gives (`config_file`, else the one found at
/// the root), before command-line flags: with the configuration's text (for the cache key)
/// and its warnings. A configuration error is a [`ConfigFailure`].
fn configured(root: &Path, config_file: Option<&Path>) -> anyhow::Result<(ScanOptions, String, Vec<String>)> {
    let rule_names: Vec<&str> = REGISTRY.iter().map(|r| r.name).collect();
    let config = match config::load(root, config_file, &rule_names) {
        Ok(config) => config,
        Err(err @ idguard_core::Error::Config { .. }) => return Err(ConfigFailure(err).into()),
        Err(err) => return Err(err.into()),
    };
    let config_text = config.file.as_ref().and_then(|f| std::fs::read_to_string(f).ok()).unwrap_or_default();
    let mut options = ScanOptions::new(root.to_path_buf());
    options.vocab = config.vocab;
    options.exclude = config.exclude;
    if let Some(size) = config.max_file_size {
        options.limits.max_file_size = size;
    }
    options.report = ReportOptions {
        show_notes: false,
        only: None,
        levels: config.levels,
        baseline: None,
        unused_suppression_rule: Some(idguard_lints::invalid_suppression::RULE.name),
    };
    Ok((options, config_text, config.warnings))
}

fn has_internal_error(report: &Report) -> bool {
    report.diagnostics.iter().any(|d| d.rule == idguard_core::isolate::INTERNAL_ERROR)
}

/// Whether `--color auto` colors: never with `NO_COLOR` set (non-empty), always with
/// `CLICOLOR_FORCE` set to anything but `0`, else on a terminal.
fn auto_color(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    terminal
}

/// The rule a name given on the command line means: its kebab-case name, or clippy's
/// spelling with `_` (`sequential_id_in_response`). An unknown name is an error that
/// suggests the closest rule.
fn find_rule(name: &str) -> anyhow::Result<&'static idguard_core::Rule> {
    let kebab = name.replace('_', "-");
    if let Some(rule) = idguard_lints::find(&kebab) {
        return Ok(rule);
    }
    let names: Vec<&str> = REGISTRY.iter().map(|r| r.name).collect();
    match closest(&kebab, &names) {
        Some(near) => bail!("unknown rule `{name}`; did you mean `{near}`? (`idguard rules` lists them all)"),
        None => bail!("unknown rule `{name}`; the rules are: {}", names.join(", ")),
    }
}

/// The candidate closest to `word`, if one is close enough to be a typo: within a third of
/// its length in edits (at least 2).
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// What the PATHS given on the command line hold that idguard will not scan, said rather
/// than reported as `0 errors`: a file under an excluded directory (`tests/`, `target/`...)
/// or matching `[files] exclude`, and a directory with no file idguard reads.
fn unscanned_paths(args: &CheckArgs, cwd: &Path, root: &Path, options: &ScanOptions) -> Vec<String> {
    let mut out = Vec::new();
    for path in &args.paths {
        let Ok(full) = cwd.join(path).canonicalize() else { continue };
        let Ok(rel) = full.strip_prefix(root) else { continue };
        let rel = idguard_core::walk::slash_path(rel);
        if full.is_file() {
            if !idguard_core::walk::is_source(&full) {
                out.push(format!(
                    "`{}` is not scanned: idguard reads Rust sources, `.sql` migrations, `.proto` files and templates",
                    path.display()
                ));
            } else if !idguard_core::walk::would_walk(&rel, &options.excluded_dirs, &options.exclude) {
                out.push(format!(
                    "`{}` is not scanned: it is under an excluded directory (test code, `target/`) or matches `[files] exclude`",
                    path.display()
                ));
            }
        } else if full.is_dir() && rel.split('/').any(|c| options.excluded_dirs.iter().any(|d| d == c)) {
            out.push(format!(
                "`{}` is not scanned: it is an excluded directory (test code, `target/`)",
                path.display()
            ));
        } else if full.is_dir() {
            let walked = idguard_core::walk::walk(&full, &options.excluded_dirs, &options.exclude, 1);
            if walked.files.is_empty() {
                out.push(format!(
                    "no file idguard reads under `{}` (Rust sources, `.sql`, `.proto`, templates)",
                    path.display()
                ));
            }
        }
    }
    out
}

/// Which root-relative paths to report: PATHS, `--staged`, `-p`; `None` is everything.
fn scope(args: &CheckArgs, cwd: &Path, root: &Path) -> anyhow::Result<Option<Vec<String>>> {
    let mut only: Option<Vec<String>> = None;
    let mut narrow = |set: Vec<String>| {
        only = Some(match only.take() {
            None => set,
            Some(previous) => previous
                .into_iter()
                .filter(|p| {
                    set.iter().any(|s| p == s || p.starts_with(&format!("{s}/")) || s.starts_with(&format!("{p}/")))
                })
                .collect(),
        });
    };
    if !args.paths.is_empty() {
        let mut set = Vec::new();
        for path in &args.paths {
            let full = cwd.join(path).canonicalize().with_context(|| format!("cannot scan `{}`", path.display()))?;
            let Ok(rel) = full.strip_prefix(root) else {
                bail!("`{}` is outside the project root `{}`; pass --root", path.display(), root.display());
            };
            set.push(idguard_core::walk::slash_path(rel));
        }
        narrow(set);
    }
    if args.staged {
        narrow(staged_files(root)?.into_iter().map(|(rel, _)| rel).collect());
    }
    if !args.package.is_empty() {
        let packages = workspace_packages(root);
        let mut set = Vec::new();
        for name in &args.package {
            let Some((_, dir)) = packages.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = packages.iter().map(|(n, _)| n.as_str()).collect();
                bail!("no package `{name}` under `{}`; the packages are: {}", root.display(), names.join(", "));
            };
            set.push(dir.clone());
        }
        narrow(set);
    }
    Ok(only)
}

/// Runs git in `root` with `input` on its standard input; its output, or its error.
fn git(root: &Path, args: &[&str], input: Option<&[u8]>) -> anyhow::Result<Vec<u8>> {
    use std::process::Stdio;
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| idguard_core::Error::Git(format!("cannot run git: {e}")))?;
    // Fed from a thread, so that git's output cannot fill its pipe while we still write.
    let feeder = input.map(|bytes| {
        let bytes = bytes.to_vec();
        let stdin = child.stdin.take();
        std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(&bytes);
            }
        })
    });
    let out = child.wait_with_output().map_err(|e| idguard_core::Error::Git(format!("cannot run git: {e}")))?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(idguard_core::Error::Git(stderr.trim().to_owned()).into());
    }
    Ok(out.stdout)
}

/// The source files staged in git (added, copied, modified, renamed), relative to `root`,
/// each with its staged content (from the index, not the working tree: that is what the
/// commit will hold).
fn staged_files(root: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let top = git(root, &["rev-parse", "--show-toplevel"], None)?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let top = top.canonicalize().unwrap_or(top);
    let listed = git(root, &["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"], None)?;
    let mut names = Vec::new();
    for name in listed.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        if !idguard_core::walk::is_source(std::path::Path::new(&name)) {
            continue;
        }
        if let Ok(rel) = top.join(&name).strip_prefix(root) {
            names.push((idguard_core::walk::slash_path(rel), name));
        }
    }
    if names.is_empty() {
        return Ok(Vec::new());
    }
    // One `git cat-file --batch` for every staged blob (`:path` names the index entry).
    let mut request = Vec::new();
    for (_, name) in &names {
        request.extend_from_slice(format!(":{name}\n").as_bytes());
    }
    let output = git(&top, &["cat-file", "--batch"], Some(&request))?;
    let mut out = Vec::with_capacity(names.len());
    let mut at = 0;
    for (rel, name) in names {
        let header_end = output[at..].iter().position(|b| *b == b'\n').map(|p| at + p);
        let Some(header_end) = header_end else { bail!("git cat-file stopped before `{name}`") };
        let header = String::from_utf8_lossy(&output[at..header_end]).into_owned();
        let size: usize = match header.split(' ').collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size.parse().unwrap_or(0),
            _ => bail!("cannot read the staged `{name}` from git: {header}"),
        };
        let start = header_end + 1;
        let Some(content) = output.get(start..start + size) else { bail!("git cat-file cut `{name}` short") };
        out.push((rel, content.to_vec()));
        at = start + size + 1;
    }
    Ok(out)
}

/// `(package name, root-relative directory)` of every `Cargo.toml` with a `[package]`
/// under the root (outside `target/` and hidden directories).
fn workspace_packages(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "target")
        .build();
    for entry in walker.flatten() {
        if entry.file_name() != "Cargo.toml" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let Ok(manifest) = text.parse::<toml::Table>() else { continue };
        let Some(name) = manifest.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str()) else {
            continue;
        };
        let dir = entry
            .path()
            .parent()
            .and_then(|d| d.strip_prefix(root).ok())
            .map(idguard_core::walk::slash_path)
            .unwrap_or_default();
        out.push((name.to_owned(), dir));
    }
    out.sort();
    out
}

fn render(
    report: &Report,
    root: &Path,
    args: &CheckArgs,
    color: bool,
    elapsed: Duration,
    given: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<u8> {
    match args.format {
        Format::Json => idguard_core::render::json::render(report).into_bytes(),
        Format::Sarif => idguard_core::render::sarif::render(report, REGISTRY, env!("CARGO_PKG_VERSION")).into_bytes(),
        Format::Github => idguard_core::render::github::render(report).into_bytes(),
        Format::Gitlab => idguard_core::render::gitlab::render(report).into_bytes(),
        Format::Junit => idguard_core::render::junit::render(report).into_bytes(),
        Format::CargoJson => {
            let rendered = idguard_core::render::human::render_each_with(report, root, false, given);
            idguard_core::render::cargo::render(report, root, &rendered).into_bytes()
        }
        Format::Human => {
            let mut out = idguard_core::render::human::render_with(report, root, color, given);
            if !args.quiet {
                out.extend_from_slice(idguard_core::render::human::summary_line(report, Some(elapsed)).as_bytes());
            }
            out
        }
    }
}

/// `parsing files: 1234/15304` on stderr, redrawn in place, for scans that last more than a
/// second; cleared when dropped. Only started when stderr is a terminal.
struct ProgressIndicator {
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressIndicator {
    fn start(progress: std::sync::Arc<idguard_core::engine::Progress>) -> Self {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            use std::sync::atomic::Ordering::Relaxed;
            if stopped.recv_timeout(Duration::from_secs(1)).is_ok() {
                return;
            }
            loop {
                let (done, total) = (progress.done.load(Relaxed), progress.total.load(Relaxed));
                if done < total {
                    eprint!("\r\x1b[2Kidguard: parsing files {done}/{total}");
                } else {
                    eprint!("\r\x1b[2Kidguard: resolving types and running rules on {total} files");
                }
                if stopped.recv_timeout(Duration::from_millis(100)).is_ok() {
                    break;
                }
            }
            eprint!("\r\x1b[2K");
        });
        ProgressIndicator { stop, thread: Some(thread) }
    }
}

impl Drop for ProgressIndicator {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A configuration error: rendered with a snippet of the file, exit status 2.
#[derive(Debug)]
struct ConfigFailure(idguard_core::Error);

impl std::fmt::Display for ConfigFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ConfigFailure {}

mod baseline {
    //! The baseline file: `{"version": 1, "fingerprints": [...]}`, sorted, no line
    //! numbers and no timestamps, so it changes only when findings do.

    use std::path::Path;

    use anyhow::Context as _;
    use idguard_core::Error;

    /// Reads the fingerprints of a baseline file.
    pub fn read(path: &Path) -> anyhow::Result<Vec<String>> {
        let fail = |message: String| Error::Baseline { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
        if doc["version"] != 1 {
            return Err(fail("not an idguard baseline (expected \"version\": 1)".into()).into());
        }
        let list = doc["fingerprints"].as_array().ok_or_else(|| fail("no \"fingerprints\" list".into()))?;
        Ok(list
            .iter()
            .map(|f| f.as_str().map(str::to_owned).ok_or_else(|| fail("fingerprints must be strings".into())))
            .collect::<Result<_, _>>()?)
    }

    /// Writes the fingerprints (already sorted) as a baseline file.
    pub fn write(path: &Path, fingerprints: &[String]) -> anyhow::Result<()> {
        let doc = serde_json::json!({ "version": 1, "fingerprints": fingerprints });
        let mut text = serde_json::to_string_pretty(&doc).expect("strings always serialize");
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("cannot write baseline `{}`", path.display()))
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}

/// The nearest ancestor holding a workspace `Cargo.toml`, else the git root, else `start`.
fn discover_root(start: &Path) -> PathBuf {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest)
            && text.lines().any(|l| l.trim() == "[workspace]")
        {
            return dir.to_path_buf();
        }
    }
    for dir in start.ancestors() {
        if dir.join(".git").exists() {
            return dir.to_path_buf();
        }
    }
    start.to_path_buf()
}
