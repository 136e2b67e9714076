//! `cargo idguard`: cargo runs `cargo-idguard idguard [ARGS]`; this behaves as
//! `idguard check` at the workspace root of `--manifest-path` (default: the current one).

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    idguard_cli::run(std::env::args_os().collect(), idguard_cli::Invocation::Cargo)
}
