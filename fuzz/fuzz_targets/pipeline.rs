//! Fuzz target: the per-file pipeline (read checks, tokenize, nesting guard, parse,
//! lower, index, every rule, every renderer) on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    idguard_core::harness::pipeline(idguard_lints::REGISTRY, data);
});
