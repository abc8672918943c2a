//! Shared helpers for the workspace's integration tests (`tests/tests/*.rs`).

use std::path::PathBuf;

/// The repository's `testdata/` directory (conformance cases, corpora, benchmark definitions,
/// the JSONata suite); `ASL_TESTDATA_DIR` overrides it. Panics, saying how to get the data,
/// when it is missing: a test without its data must fail, not pass.
pub fn testdata_dir() -> PathBuf {
    let d = std::env::var_os("ASL_TESTDATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata"));
    assert!(
        d.join("conformance/cases").is_dir(),
        "test data missing at {}: run the tests from a clone of the repository (it carries \
         testdata/), or set ASL_TESTDATA_DIR to a copy",
        d.display()
    );
    d
}

/// Every `*.json` file of a directory, sorted.
pub fn json_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}
