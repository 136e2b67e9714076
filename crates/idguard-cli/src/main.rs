//! `idguard`: the command-line entry point. All logic lives in the library half of this
//! crate so that `cargo-idguard` shares it.

fn main() -> std::process::ExitCode {
    idguard_cli::run(std::env::args_os().collect(), idguard_cli::Invocation::Direct)
}
