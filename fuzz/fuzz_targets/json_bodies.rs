//! `cargo +nightly fuzz run json_bodies`: the body is `sasaeai::fuzzing::json_bodies`, shared with the
//! corpus replay test (`tests/fuzz_corpora.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sasaeai::fuzzing::json_bodies(data));
