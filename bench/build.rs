//! Compiles the benchmark definitions (the repository's `testdata/bench/*.asl.json`, or
//! `$ASL_TESTDATA_DIR/bench`) through `asl_codegen::Builder`, as a user's build script would.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_TESTDATA_DIR");
    let testdata = match std::env::var_os("ASL_TESTDATA_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata"),
    };
    if let Err(e) = asl_codegen::Builder::new()
        .dir(testdata.join("bench"))
        .compile()
    {
        panic!("{e}");
    }
}
