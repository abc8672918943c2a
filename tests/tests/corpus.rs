//! The front end judged against the corpora in `testdata/corpus` (ASL-VAL-*): validator fixtures must be
//! accepted or rejected as their source says, real-world definitions and emulator templates
//! must be accepted. Every disagreement is listed, with the AWS rule that decides it, in
//! `tests/corpus-disagreements.txt`.

use asl_syntax::source::Source;
use asl_tests::{json_files, testdata_dir};
use std::collections::BTreeMap;

/// `file name` → (`ASL-ID`, reason) for files whose verdict differs from the corpus label.
fn disagreements() -> BTreeMap<String, String> {
    let text = include_str!("../corpus-disagreements.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, why) = l.split_once(" | ").unwrap_or((l, ""));
            assert!(
                why.contains("ASL-"),
                "disagreement without an ASL rule: {l}"
            );
            (file.trim().to_string(), why.to_string())
        })
        .collect()
}

/// Validator fixtures that AWS judged as Express machines (from the corpus index).
fn express_fixtures() -> Vec<String> {
    let index =
        std::fs::read_to_string(testdata_dir().join("corpus/validator/index.json")).unwrap();
    let index: serde_json::Value = serde_json::from_str(&index).unwrap();
    index
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["state_machine_type"]
                .as_str()
                .is_some_and(|t| t.starts_with("EXPRESS"))
        })
        .filter_map(|e| e["file"].as_str()?.rsplit('/').next().map(str::to_string))
        .collect()
}

fn errors(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut opts = asl_syntax::CheckOptions::default();
    if express_fixtures().contains(&name) {
        opts.machine_type = asl_syntax::ast::MachineType::Express;
    }
    let src = Source::new(path.display().to_string(), text);
    let checked = asl_syntax::compile_source(&src, &opts);
    checked
        .diagnostics
        .errors()
        .map(|d| d.to_string())
        .collect()
}

/// Runs one directory; returns (agreeing, listed, unexpected messages).
fn run(
    dir: &str,
    expect_valid: bool,
    listed: &BTreeMap<String, String>,
) -> (usize, usize, Vec<String>) {
    let (mut ok, mut known, mut bad) = (0, 0, Vec::new());
    for f in json_files(&testdata_dir().join(dir)) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let errs = errors(&f);
        let agrees = errs.is_empty() == expect_valid;
        match (agrees, listed.contains_key(&name)) {
            (true, false) => ok += 1,
            (false, true) => known += 1,
            (true, true) => bad.push(format!(
                "{dir}/{name}: listed as a disagreement but now agrees"
            )),
            (false, false) => bad.push(format!(
                "{dir}/{name}: expected {}, got {}",
                if expect_valid { "valid" } else { "invalid" },
                if errs.is_empty() {
                    "no errors".to_string()
                } else {
                    errs.join("; ")
                }
            )),
        }
    }
    (ok, known, bad)
}

#[test]
fn corpus_verdicts() {
    let listed = disagreements();
    let mut failures = Vec::new();
    for (dir, valid) in [
        ("corpus/validator/valid", true),
        ("corpus/validator/invalid", false),
        ("corpus/real-world", true),
        ("corpus/emulator-tests", true),
    ] {
        let (ok, known, bad) = run(dir, valid, &listed);
        println!(
            "{dir}: {ok} as expected, {known} listed disagreements, {} unexpected",
            bad.len()
        );
        failures.extend(bad);
    }
    assert!(
        failures.is_empty(),
        "{} unexpected verdicts:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
