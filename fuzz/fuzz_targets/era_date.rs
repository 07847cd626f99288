//! `cargo +nightly fuzz run era_date`: the body is `sasaeai::fuzzing::era_date`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::era_date(data));
