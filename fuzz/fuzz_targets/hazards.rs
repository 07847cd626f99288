//! `cargo +nightly fuzz run hazards`: the body is `sasaeai::fuzzing::hazards`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::hazards(data));
