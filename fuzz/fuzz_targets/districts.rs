//! `cargo +nightly fuzz run districts`: the body is `sasaeai::fuzzing::districts`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::districts(data));
