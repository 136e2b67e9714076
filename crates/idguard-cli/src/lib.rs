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

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use idguard_core::report::ReportOptions;
use idguard_core::{Report, ScanOptions, Severity};
use idguard_lints::REGISTRY;

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
    after_help = "Run `idguard rules` for the list of rules and `idguard explain RULE` for one rule's documentation."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a project (the default command)
    Check(CheckArgs),
    /// List the rules with their default level and summary
    Rules,
    /// Print the full documentation of one rule
    Explain {
        /// The rule name, e.g. `sequential-id-in-response`
        rule: String,
    },
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
    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Show notes (evidence and low-risk content keys)
    #[arg(long)]
    show_notes: bool,
    /// When to use colors (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Worker threads [default: one per core]
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Parse every file (same findings, slower); accepted for the contract, currently always the case
    #[arg(long)]
    no_prefilter: bool,
    /// Print findings only, no summary line
    #[arg(short, long)]
    quiet: bool,
    /// Path to Cargo.toml (cargo form): the root is its workspace root
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    /// rustc-style diagnostics with snippets
    #[default]
    Human,
    /// one JSON document (schema version 1)
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
    let known = ["check", "rules", "explain", "help", "-h", "--help", "-V", "--version"];
    if !known.contains(&first) {
        args.insert(1.min(args.len()), OsString::from("check"));
    }
    let cli = match Cli::try_parse_from(args) {
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
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn execute(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Rules => {
            let mut out = String::new();
            let width = REGISTRY.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in REGISTRY {
                let _ = writeln!(out, "{:width$}  {:7}  {}", rule.name, rule.default_severity.as_str(), rule.summary);
            }
            write_stdout(out.as_bytes())?;
            Ok(0)
        }
        Command::Explain { rule } => {
            let Some(found) = idguard_lints::find(&rule) else {
                let names: Vec<&str> = REGISTRY.iter().map(|r| r.name).collect();
                bail!("unknown rule `{rule}`; the rules are: {}", names.join(", "));
            };
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
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<u8> {
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
    let mut only = Vec::new();
    for path in &args.paths {
        let full = cwd.join(path);
        let full = full.canonicalize().with_context(|| format!("cannot scan `{}`", path.display()))?;
        let Ok(rel) = full.strip_prefix(&root) else {
            bail!("`{}` is outside the project root `{}`; pass --root", path.display(), root.display());
        };
        only.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
    }
    let mut options = ScanOptions::new(root.clone());
    options.jobs = args.jobs;
    options.report = ReportOptions { show_notes: args.show_notes, only };
    let report = idguard_core::scan(&options, REGISTRY)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let bytes = render(&report, &root, args, color);
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
    Ok(u8::from(report.diagnostics.iter().any(|d| d.severity >= threshold)))
}

fn render(report: &Report, root: &Path, args: &CheckArgs, color: bool) -> Vec<u8> {
    match args.format {
        Format::Json => idguard_core::render::json::render(report).into_bytes(),
        Format::Human => {
            let mut out = idguard_core::render::human::render(report, root, color);
            if args.quiet {
                let summary = idguard_core::render::human::summary_line(report);
                out.truncate(out.len() - summary.len());
            }
            out
        }
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
