//! Kurume's real open-data files, for tests only (`../shared/data/kurume/` beside the
//! repository, never copied into it). A fresh clone does not have them: a test that needs one
//! then skips with one line on the terminal naming the missing path. Under CI (`CI` set) a
//! missing file fails the test instead, so that CI never skips real-data tests silently. The
//! quirks these files show are also covered by the small fixtures in `geodata/fixtures/`.

use std::io::Write;
use std::path::PathBuf;

/// Where the real files are, relative to the repository.
pub const KURUME_DIR: &str = "../shared/data/kurume";

/// Whether this run is CI's (`CI` set to anything but empty, `0` or `false`).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The path of a real Kurume file, or `None` after printing that the calling test skips.
///
/// # Panics
/// When the file is missing and [`under_ci`]: CI must have `../shared`.
pub fn kurume(file: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(KURUME_DIR)
        .join(file);
    if path.is_file() {
        return Some(path);
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a real-data test")
        .to_owned();
    assert!(
        !under_ci(),
        "{test}: {} is missing, and CI must run every real-data test",
        path.display()
    );
    // Straight to the terminal: the test harness captures print!, not writes to the handle.
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {} not found (a fresh clone has no ../shared/data/kurume)",
        path.display()
    );
    None
}

/// The text of a real Kurume file (decoded as UTF-8, BOM kept), or `None` as for [`kurume`].
///
/// # Panics
/// As [`kurume`], and when the file cannot be read.
pub fn kurume_text(file: &str) -> Option<String> {
    let path = kurume(file)?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
