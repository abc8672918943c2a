//! The build.rs front door: files and directories in, one formatted file out, written only when
//! its bytes change; all errors of all files reported rustc-style.

use asl_codegen::Builder;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("asl-builder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn compiles_a_directory_and_rewrites_only_on_change() {
    let dir = scratch("dir");
    std::fs::write(
        dir.join("order-flow.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("tiny.asl.json"),
        r#"{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("notes.json"), "not a machine").unwrap();
    let out = scratch("out");
    let builder = Builder::new()
        .dir(&dir)
        .out_dir(&out)
        .emit_rerun_if_changed(false);
    let path = builder.compile().unwrap();
    let code = std::fs::read_to_string(&path).unwrap();
    assert!(code.starts_with("// @generated"), "{code}");
    assert!(code.contains("pub struct OrderFlow"), "{code}");
    assert!(code.contains("pub struct Tiny"), "{code}");
    assert!(
        !code.contains("notes"),
        "only *.asl.json files are machines"
    );
    // The output parses as Rust.
    syn::parse_file(&code).unwrap();

    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    builder.compile().unwrap();
    let after = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(before, after, "unchanged output is not rewritten");
}

#[test]
fn reports_every_error_of_every_file() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("a.asl.json"),
        "{\n  \"StartAt\": \"Nope\",\n  \"States\": {\"A\": {\"Type\": \"Succeed\"}}\n}",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Sleep","End":true}}}"#,
    )
    .unwrap();
    let err = Builder::new()
        .dir(&dir)
        .out_dir(scratch("errors-out"))
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("MISSING_TRANSITION_TARGET"), "{text}");
    assert!(text.contains("a.asl.json:2:14"), "{text}");
    assert!(
        text.contains("The field 'Type' should have one of these values"),
        "{text}"
    );
}

#[test]
fn express_machines_are_checked_as_express() {
    let dir = scratch("express");
    std::fs::write(
        dir.join("quick.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","End":true}}}"#,
    )
    .unwrap();
    let b = Builder::new()
        .dir(&dir)
        .out_dir(scratch("express-out"))
        .emit_rerun_if_changed(false);
    assert!(b.clone().compile().is_ok(), "valid as a Standard machine");
    let err = b.express("Quick").compile().unwrap_err();
    assert!(
        err.to_string()
            .contains("Express state machine does not support '.sync'"),
        "{err}"
    );
}
