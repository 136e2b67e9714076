//! `idguard`: the command-line entry point. All logic lives in the library half of this
//! crate so that `cargo-idguard` shares it.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    idguard_cli::run(std::env::args_os().collect(), idguard_cli::Invocation::Direct)
}
