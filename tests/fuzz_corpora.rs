//! The fuzz corpora replayed on stable Rust, in seconds: every file of `fuzz/corpus/TARGET/`
//! goes through the same `sasaeai::fuzzing` function its cargo-fuzz target calls, so that CI
//! catches a regression on any input a fuzzing run once found interesting without nightly or
//! libFuzzer. Kurume's real files (`../shared/data/kurume/`, never copied into the repository)
//! are fed to the functions that read them, with the project's skip rule: a missing file
//! skips with one line, and fails under CI.

use std::path::{Path, PathBuf};

use sasaeai::fuzzing;

/// Feeds every file of `fuzz/corpus/{target}/` to `body` and returns how many there were.
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    files.sort();
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // A panic names the entry, so that it can be run again with `cargo fuzz run TARGET FILE`.
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
    }
    files.len()
}

#[test]
fn every_csv_corpus_entry_reads_without_panicking() {
    assert!(replay("csv", fuzzing::csv) > 0, "the csv corpus is empty");
}

#[test]
fn every_era_date_corpus_entry_reads_without_panicking() {
    assert!(replay("era_date", fuzzing::era_date) > 0);
}

#[test]
fn every_districts_corpus_entry_reads_without_panicking() {
    assert!(replay("districts", fuzzing::districts) > 0);
}

#[test]
fn every_hazards_corpus_entry_reads_without_panicking() {
    assert!(replay("hazards", fuzzing::hazards) > 0);
}

#[test]
fn every_shelters_corpus_entry_reads_without_panicking() {
    assert!(replay("shelters", fuzzing::shelters) > 0);
}

#[test]
fn every_json_bodies_corpus_entry_reads_without_panicking() {
    assert!(replay("json_bodies", fuzzing::json_bodies) > 0);
}

#[test]
fn real_kurume_polygons_pass_the_district_and_hazard_targets() {
    for file in [
        "a27-school-districts-2021-40203.geojson",
        "city-boundary-40203.geojson",
    ] {
        let Some(text) = sasaeai::real_data::kurume_text(file) else {
            return;
        };
        fuzzing::districts(text.as_bytes());
        fuzzing::hazards(text.as_bytes());
    }
}

#[test]
fn real_kurume_shelter_files_pass_the_shelter_target() {
    for file in [
        "gsi-designated-shelters-402036.geojson",
        "gsi-emergency-sites-402036.geojson",
    ] {
        let Some(text) = sasaeai::real_data::kurume_text(file) else {
            return;
        };
        fuzzing::shelters(text.as_bytes());
    }
}
