//! CLI tests as data: every `tests/cmd/*.md` file is a transcript of commands with their
//! expected output and exit status, run by `trycmd` in a sandboxed copy of the file's
//! `.in/` directory (the commands of one file share it; its `.out/` directory holds the
//! files expected at the end). `[..]` and `...` elide varying text such as timings.
//!
//! Re-bless after an intended change: `TRYCMD=overwrite cargo test --test cmd`.

#[test]
fn cli_transcripts() {
    let git = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].into_iter().find(|p| std::path::Path::new(p).exists());
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("idguard", trycmd::cargo::cargo_bin("idguard"))
        .register_bin("cargo-idguard", trycmd::cargo::cargo_bin("cargo-idguard"))
        .register_bin("sh", std::path::Path::new("/bin/sh"))
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .case(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/*.md"));
    match git {
        Some(git) => {
            cases.register_bin("git", std::path::Path::new(git));
        }
        None => {
            cases.skip(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/staged.md"));
        }
    }
}
