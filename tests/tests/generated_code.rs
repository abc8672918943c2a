//! Snapshots of the Rust that `asl_codegen::Builder` writes for the example machine and for
//! the benchmark definitions of `testdata/bench`. The same files are compiled: the example by
//! `asl!` in `examples/`, the benchmarks by `bench/build.rs`.
//!
//! Update with `INSTA_UPDATE=always cargo test -p asl-tests --test generated_code`, then read
//! the diff: it is the change users' generated code sees.

use std::path::{Path, PathBuf};

fn generate(path: &Path) -> String {
    asl_codegen::Builder::new()
        .file(path)
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn snapshot(name: &str, path: PathBuf) {
    let code = generate(&path);
    insta::with_settings!({ snapshot_suffix => name.to_string(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("generated", code);
    });
}

#[test]
fn order_processing_example() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    snapshot(
        "order_processing",
        root.join("examples/machines/order-processing.asl.json"),
    );
}

#[test]
fn bench_definitions() {
    let dir = asl_tests::testdata_dir().join("bench");
    for name in ["choice-loop", "map-fanout", "pass-chain"] {
        snapshot(name, dir.join(format!("{name}.asl.json")));
    }
}
