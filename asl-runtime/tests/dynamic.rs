//! A machine compiled at run time (`DynamicMachine`) answers as the same definition compiled
//! by `asl!`: Choice rules of every operator family, with literal, `…Path`, `$$` and variable
//! operands, `And`/`Or`/`Not`, indefinite paths and functions, run on arbitrary inputs both
//! ways. The compiled machine tests its rules in generated code (its lowered Choice states
//! through its step function), the dynamic one evaluates them as data; outputs, errors,
//! causes and histories must be equal (ASL-CH, ASL-CHOP, ASL-SUB-30..36).

use asl_runtime::driver::Execution;
use asl_runtime::dynamic::DynamicMachine;
use asl_runtime::handler::{Owned, handler_fn};
use asl_runtime::{Options, Value};
use proptest::prelude::*;

asl_runtime::asl!(Rules = file "dynamic-rules.asl.json");

/// The definition compiled at run time, from the text the macro compiled.
fn dynamic() -> &'static DynamicMachine {
    static M: std::sync::OnceLock<DynamicMachine> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        DynamicMachine::compile("Rules", Rules::DEFINITION, &Default::default())
            .expect("the definition compiles at run time")
    })
}

/// Runs one execution in paused time, named `run-7` (a rule reads `$$.Execution.Name`).
fn execute<F: Future<Output = Execution>>(run: impl FnOnce(Options) -> F) -> Execution {
    let options = Options {
        execution_name: Some("run-7".into()),
        ..Options::default()
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(run(options))
}

/// The input run both ways: through `Rules::execute` and `DynamicMachine::execute`.
fn both(input: &Value) -> (Execution, Execution) {
    let compiled = execute(|o| async move { Rules::default().execute(input.clone(), &o).await });
    let handler = Owned(handler_fn(|_, _| async { Ok(Value::Null) }));
    let dynamic = execute(|o| async move { dynamic().execute(&handler, input.clone(), &o).await });
    (compiled, dynamic)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..5).prop_map(Value::from),
        prop_oneof![Just(1.0), Just(2.5), Just(-1.5), Just(0.0)].prop_map(Value::from),
        "[ab*\\\\]{0,3}".prop_map(Value::from),
        prop_oneof![
            Just("2020-01-01T00:00:00Z"),
            Just("2020-01-01T00:00:00.5Z"),
            Just("2019-12-31T23:00:00-01:00"),
            Just("2020-01-01T00:00:00"),
            Just("2021-06-01T12:00:00+02:00"),
        ]
        .prop_map(Value::from),
        prop::collection::vec((-1i64..3).prop_map(Value::from), 0..3).prop_map(Value::array),
    ]
}

fn input() -> impl Strategy<Value = Value> {
    let keys = ["s", "t", "n", "m", "ts", "u", "b", "c", "q", "arr"];
    prop::collection::vec(prop::option::weighted(0.9, leaf()), keys.len()).prop_map(move |vs| {
        Value::object(
            keys.iter()
                .zip(vs)
                .filter_map(|(k, v)| Some((asl_runtime::value::Str::new_static(k), v?)))
                .collect(),
        )
    })
}

#[test]
fn the_compiled_machine_lowers_some_choice_states() {
    let lowered: Vec<&str> = Rules::machine()
        .states
        .iter()
        .filter(|s| s.lowered && s.name.len() > 2)
        .map(|s| s.name)
        .collect();
    // Those that read variables or `$$` run through their descriptors and `choose`.
    assert_eq!(lowered, ["Times", "Types"]);
    assert!(dynamic().descriptor().states.iter().all(|s| !s.lowered));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn rules_as_data_answer_as_generated_code(input in input()) {
        let (compiled, dynamic) = both(&input);
        prop_assert_eq!(&compiled.result, &dynamic.result);
        prop_assert_eq!(&compiled.history, &dynamic.history);
    }
}

/// The error cases: a missing Variable, a missing `…Path` operand, a missing variable root
/// (ASL-CH-12, ASL-SUB-30); the Variable is looked up before the operand.
#[test]
fn missing_paths_fail_alike() {
    let full = asl_runtime::json!({
        "s": "zz", "t": "a", "n": 9, "m": 1, "ts": "x", "u": "y", "b": 1, "c": 2, "q": 0, "arr": []
    });
    for missing in ["s", "t", "n", "m", "ts", "u", "b", "c", "q", "arr"] {
        let mut input = full.clone();
        input.as_object_mut().unwrap().remove(missing);
        let (compiled, dynamic) = both(&input);
        assert_eq!(compiled.result, dynamic.result, "without {missing}");
        assert_eq!(compiled.history, dynamic.history, "without {missing}");
    }
    let (_, run) = both(&asl_runtime::json!({"t": "a"}));
    let e = run.result.unwrap_err();
    assert_eq!(e.error.as_deref(), Some("States.Runtime"));
    assert!(e.cause.unwrap().ends_with(
        "Invalid path '$.s': The choice state's condition path references an invalid value."
    ));
}
