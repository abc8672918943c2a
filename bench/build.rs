//! Compiles the benchmark definitions (`../shared/bench/*.asl.json`, or
//! `$ASL_SHARED_DIR/bench`) through `asl_codegen::Builder`, as a user's build script would.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_SHARED_DIR");
    let shared = match std::env::var_os("ASL_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if let Err(e) = asl_codegen::Builder::new()
        .dir(shared.join("bench"))
        .compile()
    {
        panic!("{e}");
    }
}
