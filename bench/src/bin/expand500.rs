//! Compile-time cost of a large definition: generates a 500-state machine (Tasks with Retry
//! and Catch, Pass with Parameters and ResultPath, Choice, Wait, cycling) and times
//! `asl_codegen::expand` on it as the `asl!` macro receives it (JSON tokens), and the
//! `Builder` path (text, formatted with prettyplease).
//!
//! ```text
//! expand500                    print the timings
//! expand500 --crate DIR ROOT   write a crate holding the machine (asl! inline) to DIR,
//!                              depending on the workspace at ROOT, for a build-time measurement
//! ```

use std::str::FromStr;
use std::time::Instant;

use serde_json::{Map, Value, json};

const STATES: usize = 500;

/// The definition: `S000` … `S498` in a chain, each of one of five shapes, then `Done`.
fn definition() -> Value {
    let mut states = Map::new();
    for i in 0..STATES - 1 {
        let name = format!("S{i:03}");
        let next = if i + 1 < STATES - 1 {
            format!("S{:03}", i + 1)
        } else {
            "Done".to_string()
        };
        let state = match i % 5 {
            0 => json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": format!("f{i}"), "Payload.$": "$"},
                "ResultSelector": {"value.$": "$.Payload"},
                "ResultPath": "$.last",
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2.0}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}],
                "Next": next,
            }),
            1 => json!({
                "Type": "Pass",
                "Parameters": {"step": i, "name.$": "$.name", "tags.$": "States.Array($.a, $.b)"},
                "ResultPath": "$.acc",
                "Next": next,
            }),
            2 => json!({
                "Type": "Choice",
                "Choices": [
                    {"And": [
                        {"Variable": "$.acc.step", "NumericGreaterThanEquals": i},
                        {"Variable": "$.name", "StringMatches": "order-*"}
                    ], "Next": next},
                    {"Variable": "$.flag", "BooleanEquals": true, "Next": next}
                ],
                "Default": next,
            }),
            3 => json!({"Type": "Wait", "Seconds": 1, "Next": next}),
            _ => json!({
                "Type": "Pass",
                "InputPath": "$",
                "OutputPath": "$",
                "Result": {"k": i},
                "ResultPath": "$.r",
                "Next": next,
            }),
        };
        states.insert(name, state);
    }
    states.insert("Done".into(), json!({"Type": "Succeed"}));
    json!({"StartAt": "S000", "States": states})
}

fn median_ms(mut f: impl FnMut(), runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let def = definition();
    let text = serde_json::to_string_pretty(&def).expect("JSON");
    if let [flag, dir, root] = args.as_slice()
        && flag == "--crate"
    {
        write_crate(dir, root, &text);
        return;
    }
    let macro_input = format!("pub Big = {text}");
    let tokens = proc_macro2::TokenStream::from_str(&macro_input).expect("tokens");
    let mut lines = 0;
    let expand = median_ms(
        || {
            let out = asl_codegen::expand(tokens.clone());
            lines = out.to_string().len();
        },
        11,
    );
    let dir = std::env::temp_dir().join("asl-expand500");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("big.asl.json");
    std::fs::write(&file, &text).expect("write");
    let mut code_lines = 0;
    let builder = median_ms(
        || {
            let code = asl_codegen::Builder::new()
                .file(&file)
                .emit_rerun_if_changed(false)
                .generate()
                .expect("generate");
            code_lines = code.lines().count();
        },
        11,
    );
    println!(
        "500-state definition ({} bytes): asl! expansion {expand:.1} ms (median of 11; {lines} bytes of tokens); Builder with prettyplease {builder:.1} ms ({code_lines} lines)",
        text.len()
    );
}

fn write_crate(dir: &str, root: &str, text: &str) {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"big500\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nasl-runtime = {{ path = \"{root}/asl-runtime\" }}\nserde_json = \"1\"\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[workspace]\n"
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(
        dir.join("src/main.rs"),
        format!(
            "asl_runtime::asl!(pub Big = {text});\n\nfn main() {{\n    // Build (not run) an execution, so the machine's code and statics are compiled.\n    let machine = Big::with_dynamic(asl_runtime::mock::Mocks::new());\n    let run = machine.run(asl_runtime::json!({{}}));\n    drop(run);\n    println!(\"{{}} states\", Big::STATES.len());\n}}\n"
        ),
    )
    .expect("main.rs");
}
