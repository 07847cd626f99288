//! `cargo +nightly fuzz run csv`: the body is `sasaeai::fuzzing::csv`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::csv(data));
