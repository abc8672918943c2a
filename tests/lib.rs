//! Shared helpers for the workspace's integration tests (`tests/tests/*.rs`).

use std::path::PathBuf;

/// The `shared/` directory beside the project root (corpus, conformance cases, benchmarks).
/// `ASL_SHARED_DIR` overrides it.
pub fn shared_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ASL_SHARED_DIR") {
        return PathBuf::from(d);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let d = root.join("../shared");
    assert!(
        d.is_dir(),
        "the shared directory is missing: expected {} (set ASL_SHARED_DIR)",
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
