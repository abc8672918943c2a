//! Generated code and the runtime never panic on any input data: arbitrary JSON as the
//! execution input and as every task result, through machines that exercise every path,
//! template, intrinsic and Choice operator family. Each run ends with an output or an
//! `ExecutionError`. (Input shapes were tuned so that most runs get past the first states:
//! about half reach the Task, a fifth the Map, a tenth the Parallel.)

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, Value};
use proptest::prelude::*;

asl_runtime::asl! {
    Everything = {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "InputPath": "$.a",
                "Parameters": {
                    "n.$": "$.n", "s.$": "$.s", "arr.$": "$.arr", "o.$": "$.o",
                    "all.$": "$.arr[*]", "deep.$": "$..x", "len.$": "$.arr.length()",
                    "ctx.$": "$$.State.Name"
                },
                "ResultPath": "$.shaped",
                "OutputPath": "$.shaped",
                "Next": "Decide"
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    { "And": [
                        { "Variable": "$.n", "IsPresent": true },
                        { "Variable": "$.n", "NumericGreaterThanPath": "$.len" }
                    ], "Next": "Fan" },
                    { "Variable": "$.s", "StringMatches": "*a*b?", "Next": "Call" },
                    { "Variable": "$.s", "TimestampLessThan": "2020-01-01T00:00:00Z", "Next": "Wait" },
                    { "Or": [
                        { "Variable": "$.o", "IsPresent": false },
                        { "Not": { "Variable": "$.o", "BooleanEquals": true } }
                    ], "Next": "Call" }
                ],
                "Default": "Done"
            },
            "Wait": { "Type": "Wait", "SecondsPath": "$.n", "Next": "Call" },
            "Fan": {
                "Type": "Map",
                "ItemsPath": "$.arr",
                "MaxConcurrencyPath": "$.len",
                "ItemSelector": { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" },
                "ItemProcessor": {
                    "StartAt": "Each",
                    "States": { "Each": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } }
                },
                "Next": "Call"
            },
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "TimeoutSecondsPath": "$.n",
                "ResultSelector": { "r.$": "$.Payload", "all.$": "$" },
                "ResultPath": "$.result",
                "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "JitterStrategy": "FULL" }],
                "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Both" }],
                "Next": "Both"
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    { "StartAt": "B1", "States": { "B1": { "Type": "Pass", "InputPath": "$.result.r", "End": true } } },
                    { "StartAt": "B2", "States": { "B2": { "Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.s" } } }
                ],
                "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Done" }],
                "Next": "Done"
            },
            "Done": { "Type": "Succeed", "OutputPath": "$.n" }
        }
    }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        "[a-z,*?\\\\\"{}\\[\\] ]{0,12}".prop_map(Value::from),
        Just(Value::String("2019-01-01T00:00:00Z".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("a"),
                        Just("n"),
                        Just("s"),
                        Just("arr"),
                        Just("o"),
                        Just("x"),
                        Just("Payload")
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::object(kv.into_iter().collect())),
        ]
    })
}

/// Inputs that mostly get past the first state: `{"a": {n, s, arr, o, ...}}` with values of
/// any type under the keys the machine reads.
fn input() -> impl Strategy<Value = Value> {
    let fields = (
        prop_oneof![(0i64..5).prop_map(Value::from), json()],
        prop_oneof!["[a-z,b?*]{0,8}".prop_map(Value::from), json()],
        prop_oneof![
            prop::collection::vec(json(), 0..5).prop_map(Value::array),
            json()
        ],
        json(),
    );
    prop_oneof![
        4 => fields.prop_map(|(n, s, arr, o)| asl_runtime::json!({"a": {"n": n, "s": s, "arr": arr, "o": o}})),
        1 => json(),
    ]
}

/// Every intrinsic with arbitrary JSON arguments: an error or a value, never a panic.
fn intrinsic_calls() -> Vec<asl_runtime::__private::asl_syntax::intrinsic::Call> {
    use asl_runtime::__private::asl_syntax::intrinsic::parse;
    [
        "States.Format($.p0, $.p1, $.p2)",
        "States.Format('{} {}', $.p0, $.p1)",
        "States.StringToJson($.p0)",
        "States.JsonToString($.p0)",
        "States.Array($.p0, $.p1)",
        "States.ArrayPartition($.p0, $.p1)",
        "States.ArrayContains($.p0, $.p1)",
        "States.ArrayRange($.p0, $.p1, $.p2)",
        "States.ArrayGetItem($.p0, $.p1)",
        "States.ArrayLength($.p0)",
        "States.ArrayUnique($.p0)",
        "States.Base64Encode($.p0)",
        "States.Base64Decode($.p0)",
        "States.Hash($.p0, $.p1)",
        "States.JsonMerge($.p0, $.p1, $.p2)",
        "States.MathRandom($.p0, $.p1)",
        "States.MathRandom($.p0, $.p1, $.p2)",
        "States.MathAdd($.p0, $.p1)",
        "States.StringSplit($.p0, $.p1)",
        "States.UUID()",
    ]
    .into_iter()
    .map(|t| parse(t).unwrap_or_else(|e| panic!("{t}: {e}")))
    .collect()
}

fn argument() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..12).prop_map(Value::from),
        (-1e3f64..1e3).prop_map(Value::from),
        Just(Value::from(i64::MAX)),
        Just(Value::from(1e300)),
        Just(Value::String("SHA-256".into())),
        Just(Value::String("{} {}".into())),
        "[a-z,{}\\' ]{0,10}".prop_map(Value::from),
        json(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn intrinsics_never_panic(p0 in argument(), p1 in argument(), p2 in argument()) {
        let input = asl_runtime::json!({"p0": p0, "p1": p1, "p2": p2});
        let env = asl_runtime::Env::new(&input, &Value::Null);
        for call in intrinsic_calls() {
            if let Err(e) = asl_runtime::intrinsics::eval(&call, &env) {
                // Failures are States.Runtime with a cause naming the function (ASL-FN-00g).
                prop_assert_eq!(&*e.error, "States.Runtime");
                let cause = e.cause.unwrap_or_default();
                prop_assert!(cause.contains(call.func.name()) || cause.starts_with("Invalid path"), "{}", cause);
            }
        }
    }

    #[test]
    fn never_panics(input in input(), result in json(), fail in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let handler = handler_fn(move |_input, _ctx| {
            let result = result.clone();
            async move {
                if fail {
                    Err(asl_runtime::TaskError::new("Boom", "no"))
                } else {
                    Ok(result)
                }
            }
        });
        let machine = Everything::with_dynamic(handler);
        let run = rt.block_on(machine.execute(input, &Options { seed: Some(1), ..Options::default() }));
        // Reaching here is the property; the history must still be well formed: ids 1..n and
        // the closing event matching the result (ASL-EV-01, ASL-EV-11).
        let ids: Vec<u32> = run.history.iter().map(|e| e.id).collect();
        prop_assert_eq!(ids, (1..=run.history.len() as u32).collect::<Vec<_>>());
        let last = run.history.last().map(|e| e.kind);
        let expected = if run.result.is_ok() { "ExecutionSucceeded" } else { "ExecutionFailed" };
        prop_assert_eq!(last, Some(expected));
    }
}

/// Paths of every shape over arbitrary documents: select, get and set never panic.
fn paths() -> Vec<asl_runtime::__private::asl_syntax::path::Path> {
    use asl_runtime::__private::asl_syntax::path::parse;
    [
        "$",
        "$.a",
        "$.a.b[0]",
        "$.a[-1]",
        "$.a[*].b",
        "$..b",
        "$..*",
        "$.a[1:]",
        "$.a[:-1]",
        "$.a[::2]",
        "$.a[-9:9:-1]",
        "$.a[0,1,5]",
        "$['a','b']",
        "$.a[?(@.b > 1)]",
        "$.a[?(@.b == 'x' || @.c)]",
        "$.a[?(@.b =~ /x.*/i)]",
        "$.a.length()",
        "$.a.sum()",
        "$.a.avg()",
        "$.a.stddev()",
        "$.a.min()",
        "$.a.max()",
        "$.a.keys()",
        "$.a.first()",
        "$.a.last()",
        "$$.Execution.Input.a",
    ]
    .into_iter()
    .map(|t| parse(t).unwrap_or_else(|e| panic!("{t}: {e}")))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn paths_never_panic(doc in json(), value in json()) {
        let ctx = asl_runtime::json!({"Execution": {"Input": doc.clone()}});
        let env = asl_runtime::Env::new(&doc, &ctx);
        for p in paths() {
            let selected = asl_runtime::path::select(&p, &env);
            if let Some(v) = asl_runtime::path::get(&p, &env) {
                // A borrowed hit agrees with select (ASL-PATH-06).
                prop_assert_eq!(Ok(v.clone()), selected.clone().map_err(|_| ()));
            }
            let mut target = doc.clone();
            let _ = asl_runtime::path::set(&mut target, &p, value.clone());
        }
    }
}
