//! Fuzz target: the configuration parser (as `idguard.toml` and as `Cargo.toml`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let names: Vec<&str> = idguard_lints::REGISTRY.iter().map(|r| r.name).collect();
    idguard_core::harness::config(&names, data);
});
