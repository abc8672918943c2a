//! Each Task state is bound to one handler method. Two states whose names give the same
//! method are valid ASL (AWS accepts them): the second gets a numbered method, with a warning
//! naming both, and the user can choose names (`#[asl(methods(...))]`, `Builder::method`).

// The machines below raise asl's naming warnings on purpose.
#![allow(deprecated)]

use asl_runtime::{TaskContext, TaskResult, Value, json};

asl_runtime::asl! {
    pub Billing = {
        "StartAt": "Charge card",
        "States": {
            "Charge card": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "charge-card" },
            "charge-card": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

struct Numbered;

impl billing::Handler for Numbered {
    async fn charge_card(&self, _: Value, _: TaskContext) -> TaskResult {
        Ok(json!({"first": "Charge card"}))
    }
    async fn charge_card_2(&self, input: Value, _: TaskContext) -> TaskResult {
        Ok(json!({"second": "charge-card", "after": input}))
    }
}

asl_runtime::asl! {
    #[asl(methods("charge-card" = settle, "Charge card" = authorize))]
    pub Chosen = {
        "StartAt": "Charge card",
        "States": {
            "Charge card": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "charge-card" },
            "charge-card": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

struct Named;

impl chosen::Handler for Named {
    async fn authorize(&self, _: Value, _: TaskContext) -> TaskResult {
        Ok(json!("authorized"))
    }
    async fn settle(&self, input: Value, _: TaskContext) -> TaskResult {
        Ok(json!({"settled": input}))
    }
}

#[tokio::test]
async fn colliding_states_get_numbered_methods_in_state_order() {
    let out = Billing::new(Numbered).run(json!({})).await.unwrap();
    assert_eq!(
        out,
        json!({"second": "charge-card", "after": {"first": "Charge card"}})
    );
}

#[tokio::test]
async fn chosen_method_names_bind_their_states() {
    let out = Chosen::new(Named).run(json!({})).await.unwrap();
    assert_eq!(out, json!({"settled": "authorized"}));
}

fn corpus_definition() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../testdata/corpus/real-world/sfn-workflows__sfn-rds-to-aurora-migrate-postgres-cdk__statemachine__statemachine.asl.json",
    )
}

/// A real-world definition AWS accepts, with Task states "Describe DB Instances" and
/// "DescribeDBInstances": the build.rs path compiles it.
#[test]
fn builder_compiles_a_definition_whose_states_share_a_method_name() {
    let dir = tempdir();
    let file = dir.join("rds-migrate.asl.json");
    std::fs::copy(corpus_definition(), &file).unwrap();
    let code = asl_codegen::Builder::new()
        .file(&file)
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(code.contains("fn describe_db_instances("), "{code}");
    assert!(code.contains("fn describe_db_instances_2("), "{code}");

    let chosen = asl_codegen::Builder::new()
        .file(&file)
        .method(
            "RdsMigrate",
            "DescribeDBInstances",
            "describe_aurora_instances",
        )
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(chosen.contains("fn describe_db_instances("));
    assert!(chosen.contains("fn describe_aurora_instances("));
    assert!(!chosen.contains("describe_db_instances_2"));
}

/// `asl check` (the front end alone) reports the collision as the same warning `asl!` shows.
#[test]
fn the_front_end_warns_about_the_shared_name() {
    let text = std::fs::read_to_string(corpus_definition()).unwrap();
    let src = asl_syntax::source::Source::new("rds.asl.json", text);
    let checked = asl_syntax::compile_source(&src, &Default::default());
    let warnings: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(!checked.diagnostics.has_errors());
    assert!(
        warnings.iter().any(|w| w.contains("\"Describe DB Instances\" and \"DescribeDBInstances\" both become the handler method `describe_db_instances`: the second is named `describe_db_instances_2`")),
        "{warnings:?}"
    );
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("asl-handler-methods-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
