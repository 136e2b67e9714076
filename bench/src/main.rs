//! `idguard-bench parse-floor DIR [-jN]`: the floor idguard is measured against: read
//! every file idguard would consider (same walk) and `syn::parse_file` it, in parallel,
//! nothing else. Prints the number of files, bytes and parse failures.
//!
//! `idguard-bench lsp IDGUARD ROOT [SAMPLES]`: the editor's save-to-diagnostics latency
//! (see `lsp`).
//!
//! `idguard-bench accuracy ...`: precision and recall against labels (see `accuracy`).

mod accuracy;
mod lsp;

use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("accuracy") {
        return match accuracy::run(&args[2..]) {
            Ok(true) => std::process::ExitCode::SUCCESS,
            Ok(false) => std::process::ExitCode::from(1),
            Err(e) => {
                eprintln!("idguard-bench accuracy: {e}");
                eprintln!(
                    "usage: idguard-bench accuracy --libraries DIR --libraries-report JSON --services DIR --services-report JSON --labels TOML --out JSON"
                );
                std::process::ExitCode::from(2)
            }
        };
    }
    if args.get(1).map(String::as_str) == Some("lsp") {
        return match lsp::run(&args[2..]) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("idguard-bench lsp: {e}");
                std::process::ExitCode::from(1)
            }
        };
    }
    let (Some("parse-floor"), Some(dir)) = (args.get(1).map(String::as_str), args.get(2)) else {
        eprintln!("usage: idguard-bench parse-floor DIR [-jN]");
        return std::process::ExitCode::from(2);
    };
    let jobs = args.iter().find_map(|a| a.strip_prefix("-j")).and_then(|n| n.parse().ok()).unwrap_or(2);
    let root = std::path::Path::new(dir);
    let excluded: Vec<String> = idguard_core::walk::DEFAULT_EXCLUDED_DIRS.iter().map(|s| (*s).to_owned()).collect();
    let walked = idguard_core::walk::walk(root, &excluded, &[], jobs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(idguard_core::engine::WORKER_STACK_SIZE)
        .build()
        .expect("worker threads start");
    let (bytes, failed): (usize, usize) = pool.install(|| {
        walked
            .files
            .par_iter()
            .map(|f| match std::fs::read_to_string(&f.abs) {
                Ok(text) => (text.len(), usize::from(syn::parse_file(&text).is_err())),
                Err(_) => (0, 1),
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!("{} files, {bytes} bytes, {failed} not parsed", walked.files.len());
    std::process::ExitCode::SUCCESS
}
