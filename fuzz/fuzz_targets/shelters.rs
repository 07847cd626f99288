//! `cargo +nightly fuzz run shelters`: the body is `sasaeai::fuzzing::shelters`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::shelters(data));
