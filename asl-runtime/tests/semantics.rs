//! Behavioural tests of the runtime's semantics, one or a few per runtime concept.
//!
//! Every test names the ASL-REFERENCE rows it checks (`ASL-…` IDs in the test name or in a
//! comment). Expected values come from ASL-REFERENCE and from the AWS-recorded conformance
//! cases (`shared/conformance/cases`, cited by file name where a value is taken from one).
//!
//! Time is tokio's paused clock (`start_paused = true`): waits, retry backoffs and timeouts
//! are exact and instant, so durations are asserted exactly.
//!
//! not weakened.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::__private::jiff::Timestamp;
use asl_runtime::handler::handler_fn;
use asl_runtime::mock::{MockResponse, Mocks};
use asl_runtime::{
    Execution, ExecutionError, Options, StateError, TaskContext, TaskError, TaskResult, Value, json,
};
use tokio::time::{Instant, sleep};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn ts(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Options with a fixed start time, name and seed, so context values are predictable.
fn opts() -> Options {
    Options {
        start_time: Some(ts("2024-01-01T00:00:00Z")),
        execution_name: Some("exec-1".into()),
        seed: Some(7),
        ..Default::default()
    }
}

/// The `(error, cause)` of a failed execution; panics on success.
fn failure(r: &Result<Value, ExecutionError>) -> (Option<&str>, Option<&str>) {
    match r {
        Ok(v) => panic!("expected a failure, got output {v}"),
        Err(e) => (e.error.as_deref(), e.cause.as_deref()),
    }
}

fn error_name(r: &Result<Value, ExecutionError>) -> Option<&str> {
    failure(r).0
}

/// AWS's prefix on `States.Runtime` causes (ASL-SUB-29, ASL-ERR-15).
fn prefix(state: &str, entered_id: u32) -> String {
    format!(
        "An error occurred while executing the state '{state}' (entered at the event id #{entered_id}). "
    )
}

fn kinds(e: &Execution) -> Vec<&'static str> {
    e.history.iter().map(|e| e.kind).collect()
}

/// Event ids are 1..=n, in order (ASL-EV-01).
fn assert_sequential_ids(e: &Execution) {
    for (i, ev) in e.history.iter().enumerate() {
        assert_eq!(ev.id as usize, i + 1, "event {ev:?} out of sequence");
    }
}

/// A task error without a cause.
/// A handler that counts its calls and always answers with `result`.
fn counted(result: TaskResult) -> (Arc<AtomicUsize>, impl asl_runtime::DynamicHandler) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let handler = handler_fn(move |_, _| {
        c.fetch_add(1, Ordering::SeqCst);
        let result = result.clone();
        async move { result }
    });
    (calls, handler)
}

fn bare_error(name: &'static str) -> TaskError {
    StateError {
        error: name.into(),
        cause: None,
    }
}

/// Differences between consecutive instants.
fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Sets a flag when dropped: detects that a task's future was cancelled.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A string of `n` ASCII bytes.
fn text(n: usize) -> String {
    "x".repeat(n)
}

// =============================================================================================
// 1. Input/output pipeline: ASL-IO-01..08, ASL-SUB-01/02/03
// =============================================================================================

asl_runtime::asl!(IoMerge = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.order",
            "Parameters": { "id.$": "$.id", "nested": { "qty.$": "$.qty", "fixed": 7 } },
            "ResultSelector": { "total.$": "$.Payload.total", "tag": "sel" },
            "ResultPath": "$.result",
            "End": true
        }
    }
});

/// InputPath → Parameters → task → ResultSelector → ResultPath; the result is merged into the
/// RAW input, not into the InputPath-filtered one (ASL-IO-01/02/03/05/07, ASL-SUB-02).
#[tokio::test(start_paused = true)]
async fn io_pipeline_merges_result_into_raw_input_asl_io_01_07_sub_02() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = IoMerge::with_dynamic(handler_fn(move |input, _ctx| {
        s.lock().unwrap().push(input);
        async { Ok(json!({ "Payload": { "total": 30, "noise": true }, "StatusCode": 200 })) }
    }));
    let input = json!({ "order": { "id": "o1", "qty": 3 }, "other": "kept" });
    let out = m.run(input).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![json!({ "id": "o1", "nested": { "qty": 3, "fixed": 7 } })],
        "the task sees InputPath then Parameters"
    );
    assert_eq!(
        out,
        json!({
            "order": { "id": "o1", "qty": 3 },
            "other": "kept",
            "result": { "total": 30, "tag": "sel" }
        })
    );
}

asl_runtime::asl!(IoOutputPath = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.order",
            "ResultPath": "$.result",
            "OutputPath": "$.other",
            "End": true
        }
    }
});

/// OutputPath applies to the ResultPath output, which still holds the raw input
/// (ASL-IO-08, ASL-SUB-02).
#[tokio::test(start_paused = true)]
async fn output_path_applies_to_result_path_output_asl_io_08() {
    let m = IoOutputPath::with_dynamic(handler_fn(|_, _| async { Ok(json!(1)) }));
    let out = m
        .run(json!({ "order": { "id": 1 }, "other": { "o": true } }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "o": true }));
}

asl_runtime::asl!(ResultPathNull = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.a",
            "ResultPath": null,
            "Next": "Absent"
        },
        "Absent": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Next": "Dollar"
        },
        "Dollar": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultPath": "$",
            "End": true
        }
    }
});

/// ResultPath `null` keeps the raw input (not the InputPath output) and discards the result;
/// absent and `"$"` both replace the input by the result (ASL-SUB-01, ASL-IO-07).
#[tokio::test(start_paused = true)]
async fn result_path_null_vs_absent_vs_dollar_asl_sub_01() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = ResultPathNull::with_dynamic(handler_fn(move |input, ctx| {
        s.lock().unwrap().push((ctx.state, input));
        let out = json!({ "from": ctx.state });
        async move { Ok(out) }
    }));
    let out = m.run(json!({ "a": { "x": 1 }, "b": 2 })).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            ("Call", json!({ "x": 1 })),
            // null: Call's output is its raw input, result dropped
            ("Absent", json!({ "a": { "x": 1 }, "b": 2 })),
            // absent: Absent's output is its result
            ("Dollar", json!({ "from": "Absent" })),
        ]
    );
    assert_eq!(out, json!({ "from": "Dollar" }));
}

asl_runtime::asl!(ResultPathDeep = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultPath": "$.x.y.z",
            "Next": "Overwrite"
        },
        "Overwrite": {
            "Type": "Pass",
            "Result": "new",
            "ResultPath": "$.keep.old",
            "End": true
        }
    }
});

/// A ResultPath creates missing intermediate objects and overwrites an existing field
/// (ASL-IO-07).
#[tokio::test(start_paused = true)]
async fn result_path_creates_intermediates_and_overwrites_asl_io_07() {
    let m = ResultPathDeep::with_dynamic(handler_fn(|_, _| async { Ok(json!([1, 2])) }));
    let out = m
        .run(json!({ "keep": { "old": "value", "other": 1 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({ "keep": { "old": "new", "other": 1 }, "x": { "y": { "z": [1, 2] } } })
    );
}

asl_runtime::asl!(NullPaths = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": null,
            "OutputPath": null,
            "End": true
        }
    }
});

/// InputPath `null` gives the task `{}`; OutputPath `null` gives `{}` (ASL-SUB-03,
/// ASL-IO-02, ASL-IO-08, ASL-PATH-10).
#[tokio::test(start_paused = true)]
async fn input_path_and_output_path_null_give_empty_object_asl_sub_03() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = NullPaths::with_dynamic(handler_fn(move |input, _| {
        s.lock().unwrap().push(input);
        async { Ok(json!({ "result": 1 })) }
    }));
    let out = m.run(json!({ "a": 1 })).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![json!({})]);
    assert_eq!(out, json!({}));
}

asl_runtime::asl!(MissingInputPath = {
    "StartAt": "pass",
    "States": {
        "pass": { "Type": "Pass", "OutputPath": "$.NoSuchOutputPath", "End": true }
    }
});

/// A definite OutputPath matching nothing is States.Runtime with Jayway's text
/// (ASL-IO-08, ASL-PATH-07; conformance `scenarios__test_invalid_jsonpath__ST.INVALID_JSONPATH_IN_OUTPUTPATH`).
#[tokio::test(start_paused = true)]
async fn missing_output_path_is_runtime_asl_io_08_path_07() {
    let m = MissingInputPath::new(());
    let run = m.execute(json!({ "int-literal": 0 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']",
            prefix("pass", 2)
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );
}

// =============================================================================================
// 2. Payload templates: ASL-SUB-04/05, ASL-PT-03/04/06
// =============================================================================================

asl_runtime::asl!(DollarKeys = {
    "StartAt": "Shape",
    "States": {
        "Shape": {
            "Type": "Pass",
            "Parameters": {
                "top.$": "$.a",
                "obj": { "inner.$": "$.b.c", "lit": 5 },
                "arr": [ { "inArray.$": "$.a" }, "plain", 3 ],
                "name.$": "$$.State.Name",
                "fmt.$": "States.Format('{}-{}', $.a, $.b.c)"
            },
            "End": true
        }
    }
});

/// `.$` keys are renamed and evaluated at every depth, including objects inside arrays;
/// context paths and intrinsics are evaluated; plain values are copied (ASL-SUB-04, ASL-PT-03).
#[tokio::test(start_paused = true)]
async fn dollar_keys_renamed_at_every_depth_asl_sub_04_pt_03() {
    let out = DollarKeys::new(())
        .run(json!({ "a": "A", "b": { "c": 2 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({
            "top": "A",
            "obj": { "inner": 2, "lit": 5 },
            "arr": [ { "inArray": "A" }, "plain", 3 ],
            "name": "Shape",
            "fmt": "A-2"
        })
    );
}

#[allow(deprecated)] // the compiler warns NO_DOLLAR (ASL-VAL-28) on the literal "$.a"
mod no_dollar {
    asl_runtime::asl!(pub NoDollar = {
        "StartAt": "Shape",
        "States": {
            "Shape": { "Type": "Pass", "Parameters": { "literal": "$.a" }, "End": true }
        }
    });
}

/// A key without `.$` is copied literally even if its value looks like a path (ASL-PT-04).
#[tokio::test(start_paused = true)]
async fn plain_key_with_path_like_value_is_literal_asl_pt_04() {
    let out = no_dollar::NoDollar::new(())
        .run(json!({ "a": 1 }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "literal": "$.a" }));
}

asl_runtime::asl!(MissingParam = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "x.$": "$.x" },
            "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A `.$` path matching nothing is States.Runtime (not ParameterPathFailure) with AWS's field
/// cause, is neither retried nor caught, and the task is never called (ASL-PT-06, ASL-SUB-04,
/// ASL-SUB-29, ASL-RT-13).
#[tokio::test(start_paused = true)]
async fn missing_parameter_path_is_uncatchable_runtime_asl_pt_06_sub_04() {
    let (calls, handler) = counted(Ok(json!({})));
    let m = MissingParam::with_dynamic(handler);
    let t0 = Instant::now();
    let run = m.execute(json!({ "a": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{{\"a\":1}}'",
            prefix("Call", 2)
        )
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(t0.elapsed(), Duration::ZERO, "no retry delay");
    assert!(!run.states_entered().contains(&"Caught"));
}

asl_runtime::asl!(Indefinite = {
    "StartAt": "Shape",
    "States": {
        "Shape": {
            "Type": "Pass",
            "Parameters": {
                "ids.$": "$.items[*].id",
                "tail.$": "$.items[1:]",
                "one.$": "$.items[?(@.id == 2)].id",
                "none.$": "$.missing[*]",
                "deep.$": "$..id"
            },
            "End": true
        }
    }
});

/// An indefinite path (wildcard, slice, filter, deep scan) yields an array, even for one match,
/// and `[]` rather than an error for no match (ASL-SUB-05, ASL-PATH-06/07).
#[tokio::test(start_paused = true)]
async fn indefinite_paths_yield_arrays_asl_sub_05() {
    let out = Indefinite::new(())
        .run(json!({ "items": [ { "id": 1 }, { "id": 2 } ] }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({
            "ids": [1, 2],
            "tail": [ { "id": 2 } ],
            "one": [2],
            "none": [],
            "deep": [1, 2]
        })
    );
}

// =============================================================================================
// 3. Retry: ASL-RT-03..12, ASL-SUB-21/22/23
// =============================================================================================

asl_runtime::asl!(RetryDemo = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ {
                "ErrorEquals": ["Boom"],
                "IntervalSeconds": 3, "MaxAttempts": 3, "BackoffRate": 2, "MaxDelaySeconds": 5
            } ],
            "End": true
        }
    }
});

/// A typed handler that fails `fail_first` times with `Boom`, recording every attempt.
struct Flaky {
    fail_first: usize,
    attempts: Arc<Mutex<Vec<(Instant, u32)>>>,
}

impl retry_demo::Handler for Flaky {
    async fn call(&self, _input: Value, ctx: TaskContext) -> TaskResult {
        let n = {
            let mut a = self.attempts.lock().unwrap();
            a.push((Instant::now(), ctx.retry_count));
            a.len()
        };
        if n <= self.fail_first {
            Err(TaskError::new("Boom", format!("attempt {n}")))
        } else {
            Ok(json!({ "attempts": n }))
        }
    }
}

/// I=3, B=2, MaxDelay=5: the k-th retry waits min(3·2^(k−1), 5) = 3, 5, 5 s
/// (ASL-RT-08, ASL-SUB-23).
#[tokio::test(start_paused = true)]
async fn retry_delays_are_capped_backoff_asl_rt_08_sub_23() {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let m = RetryDemo::new(Flaky {
        fail_first: 3,
        attempts: attempts.clone(),
    });
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!({ "attempts": 4 }));
    let a = attempts.lock().unwrap().clone();
    let times: Vec<Instant> = a.iter().map(|(t, _)| *t).collect();
    assert_eq!(times[0], t0, "first attempt immediately");
    assert_eq!(gaps(&times), vec![secs(3), secs(5), secs(5)]);
    assert_eq!(t0.elapsed(), secs(13));
    // TaskContext.retry_count = retries done so far (ASL-RT-12)
    assert_eq!(
        a.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );
}

/// MaxAttempts counts retries: 3 retries → 4 runs, then the last error is the execution's
/// (ASL-RT-04).
#[tokio::test(start_paused = true)]
async fn retries_exhausted_fail_with_last_error_asl_rt_04() {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let m = RetryDemo::new(Flaky {
        fail_first: usize::MAX,
        attempts: attempts.clone(),
    });
    let r = m.run(json!({})).await;
    assert_eq!(failure(&r), (Some("Boom"), Some("attempt 4")));
    assert_eq!(attempts.lock().unwrap().len(), 4);
}

asl_runtime::asl!(RetryDefaults = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
            "End": true
        }
    }
});

/// Defaults IntervalSeconds 1, BackoffRate 2, MaxAttempts 3 → waits 1, 2, 4 s, 4 runs
/// (ASL-RT-03/04/05).
#[tokio::test(start_paused = true)]
async fn retry_defaults_interval_1_backoff_2_max_3_asl_rt_03_04_05() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let m = RetryDefaults::with_dynamic(handler_fn(move |_, _| {
        t.lock().unwrap().push(Instant::now());
        async { Err::<Value, _>(TaskError::new("E", "c")) }
    }));
    let r = m.run(json!({})).await;
    assert_eq!(error_name(&r), Some("E"));
    assert_eq!(
        gaps(&times.lock().unwrap()),
        vec![secs(1), secs(2), secs(4)]
    );
}

asl_runtime::asl!(RetryFractional = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["E"], "IntervalSeconds": 1, "BackoffRate": 1.5, "MaxAttempts": 3 } ],
            "End": true
        }
    }
});

/// A non-integer BackoffRate: 1, 1.5, 2.25 s (ASL-RT-05/08).
#[tokio::test(start_paused = true)]
async fn retry_fractional_backoff_rate_asl_rt_05_08() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let m = RetryFractional::with_dynamic(handler_fn(move |_, _| {
        t.lock().unwrap().push(Instant::now());
        async { Err::<Value, _>(TaskError::new("E", "c")) }
    }));
    let _ = m.run(json!({})).await;
    assert_eq!(
        gaps(&times.lock().unwrap()),
        vec![ms(1000), ms(1500), ms(2250)]
    );
}

asl_runtime::asl!(RetryPerRetrier = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
                { "ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2 },
                { "ErrorEquals": ["ErrorC"], "IntervalSeconds": 5 }
            ],
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// Counters are per retrier and shared by the errors it lists (ASL-RT-09/10, ASL-SUB-22).
///
/// This is the AWS developer guide's example behind ASL-SUB-22 (the guide's second retrier has
/// `IntervalSeconds: 5`; ASL-SUB-22's summary omits it). Errors A, B, C, B:
/// - A → retrier 0, counter 0 < 2 → 1st retry of retrier 0: 1·2^0 = 1 s;
/// - B → retrier 0, counter 1 < 2 → 2nd retry of retrier 0: 1·2^1 = 2 s;
/// - C → retrier 1, counter 0 < 3 (default) → 1st retry of retrier 1: 5·2^0 = 5 s;
/// - B → retrier 0, counter 2 = MaxAttempts → no retry, the catcher takes it.
///
/// So 4 runs with waits 1, 2, 5 s, then the catch with ErrorB.
#[tokio::test(start_paused = true)]
async fn retrier_counters_per_retrier_across_errors_asl_sub_22_rt_10() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let m = RetryPerRetrier::with_dynamic(handler_fn(move |_, _| {
        let n = {
            let mut v = t.lock().unwrap();
            v.push(Instant::now());
            v.len()
        };
        let e = ["ErrorA", "ErrorB", "ErrorC", "ErrorB", "ErrorA"][(n - 1).min(4)];
        async move { Err::<Value, _>(TaskError::new(e, format!("#{n}"))) }
    }));
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!({ "Error": "ErrorB", "Cause": "#4" }));
    assert_eq!(
        gaps(&times.lock().unwrap()),
        vec![secs(1), secs(2), secs(5)]
    );
}

asl_runtime::asl!(RetryPerRetrierDefaults = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
                { "ErrorEquals": ["ErrorA", "ErrorB"], "MaxAttempts": 2 },
                { "ErrorEquals": ["ErrorC"] }
            ],
            "End": true
        }
    }
});

/// The same sequence with every retrier field at its default (IntervalSeconds 1, BackoffRate
/// 2, MaxAttempts 3 for the second): A → 1 s (retrier 0, k=1), B → 2 s (retrier 0, k=2),
/// C → 1 s (retrier 1, k=1: its own counter, so no backoff from retrier 0), then B is refused
/// by the exhausted retrier 0 and the execution fails with ErrorB (ASL-SUB-22, ASL-RT-03/05/10).
#[tokio::test(start_paused = true)]
async fn retrier_counters_per_retrier_with_defaults_asl_sub_22_rt_08() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let m = RetryPerRetrierDefaults::with_dynamic(handler_fn(move |_, _| {
        let n = {
            let mut v = t.lock().unwrap();
            v.push(Instant::now());
            v.len()
        };
        let e = ["ErrorA", "ErrorB", "ErrorC", "ErrorB", "ErrorC"][(n - 1).min(4)];
        async move { Err::<Value, _>(TaskError::new(e, format!("#{n}"))) }
    }));
    let r = m.run(json!({})).await;
    assert_eq!(failure(&r), (Some("ErrorB"), Some("#4")));
    assert_eq!(
        gaps(&times.lock().unwrap()),
        vec![secs(1), secs(2), secs(1)]
    );
}

asl_runtime::asl!(RetryReset = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["E"], "MaxAttempts": 1 } ],
            "Next": "Again"
        },
        "Again": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.n", "NumericLessThan": 4, "Next": "Call" } ],
            "Default": "Done"
        },
        "Done": { "Type": "Succeed" }
    }
});

/// Counters reset when the state is left: a second visit gets its own retry
/// (ASL-RT-10).
#[tokio::test(start_paused = true)]
async fn retrier_counters_reset_on_new_visit_asl_rt_10() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    // Calls 1 and 3 fail (first attempt of each visit), 2 and 4 succeed.
    let m = RetryReset::with_dynamic(handler_fn(move |_, _| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n % 2 == 1 {
                Err(TaskError::new("E", "odd"))
            } else {
                Ok(json!({ "n": n }))
            }
        }
    }));
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!({ "n": 4 }));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

asl_runtime::asl!(FirstRetrierDecides = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 1,
            "Retry": [
                { "ErrorEquals": ["States.Timeout"], "MaxAttempts": 0 },
                { "ErrorEquals": ["States.ALL"] }
            ],
            "End": true
        }
    }
});

/// The first matching retrier decides even when it grants nothing: a timeout is not retried
/// by the later States.ALL retrier, other errors are (ASL-SUB-21, ASL-RT-09).
#[tokio::test(start_paused = true)]
async fn first_matching_retrier_decides_even_if_exhausted_asl_sub_21_rt_09() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    // Attempt 1 fails with Other (retried after 1 s); attempt 2 runs past the timeout.
    let m = FirstRetrierDecides::with_dynamic(handler_fn(move |_, _| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n == 1 {
                return Err(TaskError::new("Other", "x"));
            }
            sleep(secs(100)).await;
            Ok(json!("late"))
        }
    }));
    let t0 = Instant::now();
    let r = m.run(json!({})).await;
    assert_eq!(error_name(&r), Some("States.Timeout"));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        t0.elapsed(),
        secs(2),
        "1 s backoff + 1 s timeout, no further retry"
    );
}

asl_runtime::asl!(MaxAttemptsZero = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["E"], "MaxAttempts": 0 } ],
            "Catch": [ { "ErrorEquals": ["E"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// MaxAttempts 0: matched, never retried, then Catch runs (ASL-RT-04, ASL-CT-01).
#[tokio::test(start_paused = true)]
async fn max_attempts_zero_never_retries_asl_rt_04() {
    let (calls, handler) = counted(Err(TaskError::new("E", "once")));
    let m = MaxAttemptsZero::with_dynamic(handler);
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!({ "Error": "E", "Cause": "once" }));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

asl_runtime::asl!(FullJitter = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ {
                "ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 3,
                "MaxDelaySeconds": 5, "JitterStrategy": "FULL"
            } ],
            "End": true
        }
    }
});

async fn jitter_gaps(seed: u64) -> Vec<Duration> {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let m = FullJitter::with_dynamic(handler_fn(move |_, _| {
        t.lock().unwrap().push(Instant::now());
        async { Err::<Value, _>(TaskError::new("E", "c")) }
    }));
    let o = Options {
        seed: Some(seed),
        ..opts()
    };
    let _ = m.execute(json!({}), &o).await;
    gaps(&times.lock().unwrap())
}

/// FULL jitter: the k-th delay is uniform in [0, d_k] with d_k = min(2·2^(k−1), 5) = 2, 4, 5 s
/// (the cap applies before jittering); not all delays are the un-jittered d_k; the same seed
/// gives the same delays (ASL-RT-06/07/08, ASL-SUB-23).
#[tokio::test(start_paused = true)]
async fn full_jitter_delays_within_bounds_asl_rt_08() {
    let bounds = [secs(2), secs(4), secs(5)];
    let mut below = 0;
    for seed in 0..8 {
        let g = jitter_gaps(seed).await;
        assert_eq!(g.len(), 3);
        for (d, max) in g.iter().zip(bounds) {
            assert!(*d <= max, "seed {seed}: delay {d:?} above {max:?}");
            if *d < max {
                below += 1;
            }
        }
    }
    assert!(below > 0, "jitter never shortened a delay");
    assert_eq!(jitter_gaps(42).await, jitter_gaps(42).await);
}

asl_runtime::asl!(RetryCountCtx = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "rc.$": "$$.State.RetryCount", "v.$": "$.v" },
            "Retry": [ { "ErrorEquals": ["E"], "MaxAttempts": 5 } ],
            "End": true
        }
    }
});

/// Parameters are re-evaluated per attempt: `$$.State.RetryCount` is 0, 1, 2 across attempts,
/// and TaskContext::retry_count agrees (ASL-RT-11, ASL-RT-12, ASL-CTX-07).
#[tokio::test(start_paused = true)]
async fn retry_count_in_parameters_per_attempt_asl_rt_11_12() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = RetryCountCtx::with_dynamic(handler_fn(move |input, ctx| {
        let n = {
            let mut v = s.lock().unwrap();
            v.push((input["rc"].clone(), ctx.retry_count));
            v.len()
        };
        async move {
            if n < 3 {
                Err(TaskError::new("E", "again"))
            } else {
                Ok(json!("ok"))
            }
        }
    }));
    assert_eq!(m.run(json!({ "v": 1 })).await.unwrap(), json!("ok"));
    assert_eq!(
        *seen.lock().unwrap(),
        vec![(json!(0), 0), (json!(1), 1), (json!(2), 2)]
    );
}

// =============================================================================================
// 4. Catch: ASL-CT-03/04/05, ASL-SUB-08/09/18/19
// =============================================================================================

asl_runtime::asl!(CatchDefault = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultSelector": { "never.$": "$.nothing" },
            "OutputPath": "$.nothing",
            "Catch": [ { "ErrorEquals": ["E"], "Next": "Handler" } ],
            "End": true
        },
        "Handler": { "Type": "Pass", "End": true }
    }
});

/// Error Output is always `{Error, Cause}` with `""` when there is no cause; the default
/// catcher ResultPath replaces the input; ResultSelector and OutputPath are not applied on the
/// catch path (ASL-CT-04/05, ASL-SUB-08/09, ASL-IO-14).
#[tokio::test(start_paused = true)]
async fn catch_error_output_default_result_path_skips_output_path_asl_ct_04_sub_08_09() {
    let m = CatchDefault::with_dynamic(handler_fn(|_, _| async { Err(bare_error("E")) }));
    let out = m.run(json!({ "in": 1 })).await.unwrap();
    assert_eq!(out, json!({ "Error": "E", "Cause": "" }));
}

asl_runtime::asl!(CatchResultPaths = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.mode", "StringEquals": "null", "Next": "KeepRaw" } ],
            "Default": "Merge"
        },
        "KeepRaw": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.sub",
            "Catch": [ { "ErrorEquals": ["E"], "ResultPath": null, "Next": "Done" } ],
            "End": true
        },
        "Merge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.sub",
            "Catch": [ { "ErrorEquals": ["E"], "ResultPath": "$.err", "Next": "Done" } ],
            "End": true
        },
        "Done": { "Type": "Pass", "End": true }
    }
});

/// Catcher ResultPath `null` keeps the raw input; `"$.err"` merges the Error Output into the
/// raw (not InputPath-filtered) input (ASL-CT-05, ASL-SUB-08).
#[tokio::test(start_paused = true)]
async fn catch_result_path_null_and_merge_into_raw_input_asl_ct_05() {
    let m = CatchResultPaths::with_dynamic(handler_fn(|_, _| async {
        Err::<Value, _>(TaskError::new("E", "why"))
    }));
    let raw = json!({ "mode": "null", "sub": { "x": 1 } });
    assert_eq!(m.run(raw.clone()).await.unwrap(), raw);
    let out = m
        .run(json!({ "mode": "merge", "sub": { "x": 1 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({ "mode": "merge", "sub": { "x": 1 }, "err": { "Error": "E", "Cause": "why" } })
    );
}

asl_runtime::asl!(CatchOrder = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Catch": [
                { "ErrorEquals": ["Other"], "Next": "WrongOther" },
                { "ErrorEquals": ["E", "Also"], "Next": "First" },
                { "ErrorEquals": ["E"], "Next": "Second" },
                { "ErrorEquals": ["States.ALL"], "Next": "All" }
            ],
            "End": true
        },
        "WrongOther": { "Type": "Pass", "Result": "WrongOther", "End": true },
        "First": { "Type": "Pass", "Result": "First", "End": true },
        "Second": { "Type": "Pass", "Result": "Second", "End": true },
        "All": { "Type": "Pass", "Result": "All", "End": true }
    }
});

/// The first catcher (array order) whose ErrorEquals matches wins; matching is exact and
/// case-sensitive (ASL-CT-03, ASL-ERR-18).
#[tokio::test(start_paused = true)]
async fn first_matching_catcher_wins_asl_ct_03() {
    let m = CatchOrder::with_dynamic(handler_fn(|input: Value, _| {
        let e = input["e"].as_str().unwrap_or("").to_string();
        async move { Err::<Value, _>(TaskError::new(e, "c")) }
    }));
    assert_eq!(m.run(json!({ "e": "E" })).await.unwrap(), json!("First"));
    assert_eq!(m.run(json!({ "e": "Also" })).await.unwrap(), json!("First"));
    assert_eq!(m.run(json!({ "e": "e" })).await.unwrap(), json!("All"));
}

asl_runtime::asl!(RuntimeUncatchable = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.missing",
            "Retry": [
                { "ErrorEquals": ["States.Runtime"] },
                { "ErrorEquals": ["States.ALL"] }
            ],
            "Catch": [
                { "ErrorEquals": ["States.Runtime"], "Next": "Caught" },
                { "ErrorEquals": ["States.ALL"], "Next": "Caught" }
            ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// States.Runtime (a bad InputPath) is neither retried nor caught, even when named, and
/// States.ALL does not match it (ASL-SUB-19, ASL-RT-13, ASL-CT-08, ASL-ERR-01/15).
#[tokio::test(start_paused = true)]
async fn states_runtime_not_caught_even_when_named_asl_sub_19() {
    let (calls, handler) = counted(Ok(json!({})));
    let m = RuntimeUncatchable::with_dynamic(handler);
    let t0 = Instant::now();
    let run = m.execute(json!({ "a": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.missing' : No results for path: $['missing']",
            prefix("Call", 2)
        )
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(t0.elapsed(), Duration::ZERO);
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(CatchStatesRuntime = {
    "Comment": "CATCH_STATE_RUNTIME",
    "StartAt": "RaiseRuntime",
    "States": {
        "RaiseRuntime": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_541b3168",
            "OutputPath": "$.no.such.result.path",
            "Catch": [ { "ErrorEquals": ["States.Runtime"], "Next": "CaughtRuntime" } ],
            "Next": "Final"
        },
        "CaughtRuntime": { "Type": "Pass", "End": true },
        "Final": { "Type": "Pass", "End": true }
    }
});

/// An OutputPath failure after a successful call is States.Runtime, not caught by a catcher
/// naming it (conformance `scenarios__test_catch_states_runtime`; ASL-SUB-19, ASL-EV-04/06).
#[tokio::test(start_paused = true)]
async fn output_path_failure_after_success_not_caught_conformance_catch_states_runtime() {
    let m = CatchStatesRuntime::with_dynamic(
        Mocks::new().with("RaiseRuntime", vec![MockResponse::Return(json!({}))]),
    );
    let run = m.execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause,
        Some(
            "An error occurred while executing the state 'RaiseRuntime' (entered at the event id #2). \
             Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        )
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(TaskFailedWildcard = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 2,
            "Catch": [
                { "ErrorEquals": ["States.TaskFailed"], "Next": "TaskFailed" },
                { "ErrorEquals": ["States.ALL"], "Next": "All" }
            ],
            "End": true
        },
        "TaskFailed": { "Type": "Pass", "End": true },
        "All": { "Type": "Pass", "End": true }
    }
});

/// States.TaskFailed matches a custom error but not States.Timeout (ASL-SUB-18, ASL-ERR-02).
#[tokio::test(start_paused = true)]
async fn task_failed_matches_custom_error_not_timeout_asl_sub_18() {
    let m = TaskFailedWildcard::with_dynamic(handler_fn(|input: Value, _| async move {
        if input["mode"] == "timeout" {
            sleep(secs(10)).await;
            Ok(json!("late"))
        } else {
            Err(TaskError::new("Custom.Error", "c"))
        }
    }));
    let run = m.execute(json!({ "mode": "fail" }), &opts()).await;
    assert_eq!(run.states_entered(), ["Call", "TaskFailed"]);
    assert_eq!(
        run.result.unwrap(),
        json!({ "Error": "Custom.Error", "Cause": "c" })
    );
    let run = m.execute(json!({ "mode": "timeout" }), &opts()).await;
    assert_eq!(run.states_entered(), ["Call", "All"]);
    assert_eq!(
        run.result.unwrap(),
        json!({ "Error": "States.Timeout", "Cause": "" })
    );
}

// =============================================================================================
// 5. Timeouts: ASL-TK-02/03/04, ASL-ERR-03, ASL-TOP-05
// =============================================================================================

asl_runtime::asl!(TaskTimeout = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 5,
            "End": true
        }
    }
});

/// A handler running past TimeoutSeconds fails with States.Timeout exactly at the timeout,
/// and its future is dropped (ASL-TK-02, ASL-ERR-03, ASL-EV-03).
#[tokio::test(start_paused = true)]
async fn task_timeout_fails_exactly_at_timeout_asl_tk_02() {
    let finished = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (f, d) = (finished.clone(), dropped.clone());
    let m = TaskTimeout::with_dynamic(handler_fn(move |_, _| {
        let (f, d) = (f.clone(), d.clone());
        async move {
            let _guard = DropFlag(d);
            sleep(secs(60)).await;
            f.store(true, Ordering::SeqCst);
            Ok(json!("late"))
        }
    }));
    let t0 = Instant::now();
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(5));
    assert!(dropped.load(Ordering::SeqCst));
    sleep(secs(120)).await;
    assert!(!finished.load(Ordering::SeqCst));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskTimedOut",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(TimeoutPath = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSecondsPath": "$.t",
            "End": true
        }
    }
});

/// TimeoutSecondsPath reads the timeout from the input (ASL-TK-04).
#[tokio::test(start_paused = true)]
async fn timeout_seconds_path_asl_tk_04() {
    let m = TimeoutPath::with_dynamic(handler_fn(|input: Value, _| async move {
        sleep(secs(input["sleep"].as_u64().unwrap_or(0))).await;
        Ok(json!("done"))
    }));
    let t0 = Instant::now();
    let r = m.run(json!({ "t": 3, "sleep": 10 })).await;
    assert_eq!(error_name(&r), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(3));
    let r = m.run(json!({ "t": 3, "sleep": 2 })).await;
    assert_eq!(r.unwrap(), json!("done"));
}

asl_runtime::asl!(HeartbeatPathMissing = {
    "StartAt": "task",
    "States": {
        "task": {
            "Type": "Task",
            "HeartbeatSecondsPath": "$.NoSuchTimeoutSecondsPath",
            "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken",
            "Parameters": {},
            "End": true
        }
    }
});

/// A missing HeartbeatSecondsPath is States.Runtime before the task is scheduled
/// (ASL-TK-04; conformance `scenarios__test_invalid_jsonpath__ST.INVALID_JSONPATH_IN_HEARTBEATSECONDSPATH`).
#[tokio::test(start_paused = true)]
async fn missing_heartbeat_seconds_path_is_runtime_asl_tk_04() {
    let m = HeartbeatPathMissing::with_dynamic(Mocks::new());
    let run = m.execute(json!({ "int-literal": 0 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause,
        Some(
            "An error occurred while executing the state 'task' (entered at the event id #2). \
             Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']"
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(Heartbeat = {
    "StartAt": "Wait for callback",
    "States": {
        "Wait for callback": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "HeartbeatSeconds": 2,
            "TimeoutSeconds": 10,
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A missed heartbeat is reported as States.Timeout, with Error Output Cause "" (ASL-TK-03,
/// ASL-SUB-27, ASL-SUB-09).
#[tokio::test(start_paused = true)]
async fn heartbeat_expiry_is_states_timeout_asl_tk_03_sub_27() {
    let m = Heartbeat::with_dynamic(handler_fn(|_, _| async {
        sleep(secs(5)).await;
        Ok(json!("late"))
    }));
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(t0.elapsed(), secs(2));
    assert_eq!(out, json!({ "Error": "States.Timeout", "Cause": "" }));
}

asl_runtime::asl!(RetryTimeout = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 2,
            "Retry": [ { "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// States.Timeout is retriable: timeout at 2 s, 1 s backoff, second attempt succeeds
/// (ASL-ERR-03, ASL-RT-09).
#[tokio::test(start_paused = true)]
async fn timeout_is_retried_asl_err_03() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let m = RetryTimeout::with_dynamic(handler_fn(move |_, _| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n == 1 {
                sleep(secs(30)).await;
            }
            Ok(json!(n))
        }
    }));
    let t0 = Instant::now();
    assert_eq!(m.run(json!({})).await.unwrap(), json!(2));
    assert_eq!(t0.elapsed(), secs(3));
}

asl_runtime::asl!(ExecutionTimeout = {
    "TimeoutSeconds": 5,
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 10, "End": true }
    }
});

/// The machine's TimeoutSeconds fails the execution with States.Timeout when exceeded
/// (ASL-TOP-05, ASL-ERR-03, ASL-EV-11).
#[tokio::test(start_paused = true)]
async fn execution_timeout_seconds_asl_top_05() {
    let t0 = Instant::now();
    let run = ExecutionTimeout::new(()).execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(5));
    assert_eq!(kinds(&run).last(), Some(&"ExecutionTimedOut"));
}

// =============================================================================================
// 6. Wait: ASL-WT-02..05, ASL-SUB-37/38
// =============================================================================================

asl_runtime::asl!(WaitSeconds = {
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 7, "Next": "Nap2" },
        "Nap2": { "Type": "Wait", "SecondsPath": "$.s", "End": true }
    }
});

/// Seconds and SecondsPath wait exactly; the output is the input (ASL-WT-02/03/07).
#[tokio::test(start_paused = true)]
async fn wait_seconds_and_seconds_path_exact_asl_wt_02_03() {
    let m = WaitSeconds::new(());
    let t0 = Instant::now();
    assert_eq!(m.run(json!({ "s": 4 })).await.unwrap(), json!({ "s": 4 }));
    assert_eq!(t0.elapsed(), secs(11));
    let t0 = Instant::now();
    m.run(json!({ "s": 0 })).await.unwrap();
    assert_eq!(t0.elapsed(), secs(7));
}

asl_runtime::asl!(WaitSecondsPath = {
    "Comment": "WAIT_SECONDS_PATH",
    "StartAt": "WaitState",
    "States": {
        "WaitState": { "Type": "Wait", "SecondsPath": "$.input.waitSeconds", "End": true }
    }
});

/// SecondsPath must reference a non-negative integer; causes as recorded by AWS
/// (ASL-SUB-38, ASL-WT-03; conformance `base__test_base_wait_seconds_path__-1`, `…__-1.5`,
/// `logs__test_base__wait_seconds_path.json5_ALL_False`).
#[tokio::test(start_paused = true)]
async fn seconds_path_invalid_values_are_runtime_asl_sub_38() {
    let m = WaitSecondsPath::new(());
    let p = prefix("WaitState", 2);
    for (input, rest) in [
        (
            json!({ "input": { "waitSeconds": -1 } }),
            "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1",
        ),
        (
            json!({ "input": { "waitSeconds": -1.5 } }),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5",
        ),
        (
            json!({ "input": { "waitSeconds": 1.5 } }),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5",
        ),
        (
            json!({}),
            "The SecondsPath parameter does not reference an input value: $.input.waitSeconds",
        ),
    ] {
        let run = m.execute(input.clone(), &opts()).await;
        let (error, cause) = failure(&run.result);
        assert_eq!(error, Some("States.Runtime"), "{input}");
        assert_eq!(cause.unwrap(), format!("{p}{rest}"), "{input}");
        assert_eq!(
            kinds(&run),
            ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
        );
    }
}

asl_runtime::asl!(WaitUntil = {
    "StartAt": "Literal",
    "States": {
        "Literal": { "Type": "Wait", "Timestamp": "2024-01-01T00:01:30Z", "Next": "FromPath" },
        "FromPath": { "Type": "Wait", "TimestampPath": "$.until", "End": true }
    }
});

/// A Timestamp in the future (relative to Options::start_time) waits exactly the difference,
/// offsets included; a past one does not wait (ASL-WT-04/05).
#[tokio::test(start_paused = true)]
async fn wait_timestamp_waits_until_instant_asl_wt_04() {
    let m = WaitUntil::new(());
    let t0 = Instant::now();
    // 01:02:00+01:00 is 00:02:00Z: 30 s after the literal wait ends at 00:01:30Z.
    m.execute(json!({ "until": "2024-01-01T01:02:00+01:00" }), &opts())
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), secs(120));
    // Both timestamps in the past: no wait at all.
    let o = Options {
        start_time: Some(ts("2030-06-01T00:00:00Z")),
        ..opts()
    };
    let t0 = Instant::now();
    m.execute(json!({ "until": "2020-01-01T00:00:00Z" }), &o)
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

asl_runtime::asl!(WaitTimestampPath = {
    "Comment": "WAIT_TIMESTAMP_PATH",
    "StartAt": "WaitUntil",
    "States": {
        "WaitUntil": { "Type": "Wait", "TimestampPath": "$.TimestampValue", "End": true }
    }
});

/// The Timestamp is truncated to whole seconds (ASL-SUB-37).
#[tokio::test(start_paused = true)]
async fn wait_timestamp_truncated_to_seconds_asl_sub_37() {
    let t0 = Instant::now();
    WaitTimestampPath::new(())
        .execute(
            json!({ "TimestampValue": "2024-01-01T00:00:10.900Z" }),
            &opts(),
        )
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), secs(10));
}

/// An invalid TimestampPath value is States.Runtime with AWS's cause (ASL-WT-05;
/// conformance `scenarios__test_wait_timestamp_path__INVALID_DATE/INVALID_ISO/INVALID_TIME`).
#[tokio::test(start_paused = true)]
async fn timestamp_path_invalid_values_are_runtime_asl_wt_05() {
    let m = WaitTimestampPath::new(());
    for bad in [
        "2016-13-05T21:29:29Z",
        "05-12-2016T21:29:29Z",
        "2016-12-05T25:29:29Z",
    ] {
        let run = m.execute(json!({ "TimestampValue": bad }), &opts()).await;
        let (error, cause) = failure(&run.result);
        assert_eq!(error, Some("States.Runtime"));
        assert_eq!(
            cause.unwrap(),
            format!(
                "{}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == {bad}",
                prefix("WaitUntil", 2)
            )
        );
        assert_eq!(
            kinds(&run),
            ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
        );
    }
}

/// A wait longer than ~2^31 s is States.Runtime, for a Timestamp and for SecondsPath alike
/// (ASL-WT-04, ASL-Q-08).
#[tokio::test(start_paused = true)]
async fn wait_delay_too_long_is_runtime_timestamp_asl_wt_04() {
    let run = WaitTimestampPath::new(())
        .execute(json!({ "TimestampValue": "2100-01-01T00:00:00Z" }), &opts())
        .await;
    assert_eq!(error_name(&run.result), Some("States.Runtime"));
}

/// SecondsPath of 4e9 s (> 2^31 s) must fail like an over-long Timestamp (ASL-Q-08).
#[tokio::test(start_paused = true)]
async fn wait_delay_too_long_is_runtime_seconds_path_asl_q_08() {
    let run = WaitSecondsPath::new(())
        .execute(
            json!({ "input": { "waitSeconds": 4_000_000_000u64 } }),
            &opts(),
        )
        .await;
    assert_eq!(error_name(&run.result), Some("States.Runtime"));
}

// =============================================================================================
// 7. Choice: ASL-CH-02/04/12/13, ASL-SUB-30/31/36, ASL-IO-10
// =============================================================================================

asl_runtime::asl!(ChoiceMissing = {
    "StartAt": "Decide",
    "States": {
        "Decide": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.x", "NumericEquals": 1, "Next": "One" } ],
            "Default": "Other"
        },
        "One": { "Type": "Succeed" },
        "Other": { "Type": "Succeed" }
    }
});

/// A missing Variable fails the execution with States.Runtime for any operator but IsPresent
/// (ASL-SUB-30, ASL-CH-12).
#[tokio::test(start_paused = true)]
async fn choice_missing_variable_is_runtime_asl_sub_30() {
    let run = ChoiceMissing::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.x': The choice state's condition path references an invalid value.",
            prefix("Decide", 2)
        )
    );
}

asl_runtime::asl!(ChoiceTypes = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                { "Variable": "$.s", "NumericEquals": 1, "Next": "Numeric" },
                { "Variable": "$.n", "BooleanEquals": true, "Next": "Boolean" },
                { "Variable": "$.b", "NumericEquals": 1, "Next": "BoolAsNumber" },
                { "Variable": "$.s", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "Timestamp" },
                { "Variable": "$.n", "StringEquals": "1", "Next": "String" },
                { "Variable": "$.nul", "IsPresent": true, "Next": "Present" }
            ],
            "Default": "None"
        },
        "Numeric": { "Type": "Pass", "Result": "Numeric", "End": true },
        "Boolean": { "Type": "Pass", "Result": "Boolean", "End": true },
        "BoolAsNumber": { "Type": "Pass", "Result": "BoolAsNumber", "End": true },
        "Timestamp": { "Type": "Pass", "Result": "Timestamp", "End": true },
        "String": { "Type": "Pass", "Result": "String", "End": true },
        "Present": { "Type": "Pass", "Result": "Present", "End": true },
        "None": { "Type": "Pass", "Result": "None", "End": true }
    }
});

/// Type mismatches are false, not errors; JSON booleans are not numbers; IsPresent is false
/// on a missing path (ASL-SUB-31, ASL-CH-08/11/13, ASL-CHOP-13).
#[tokio::test(start_paused = true)]
async fn choice_type_mismatch_is_false_asl_sub_31() {
    let m = ChoiceTypes::new(());
    let input = json!({ "s": "1", "n": 1, "b": true, "nul": null });
    assert_eq!(m.run(input).await.unwrap(), json!("Present"));
    let input = json!({ "s": "1", "n": 1, "b": true });
    assert_eq!(m.run(input).await.unwrap(), json!("None"));
}

asl_runtime::asl!(ChoiceShortCircuit = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        { "Variable": "$.x", "IsPresent": true },
                        { "Variable": "$.x", "NumericGreaterThan": 1 }
                    ],
                    "Next": "BigX"
                },
                {
                    "Or": [
                        { "Variable": "$.y", "IsPresent": false },
                        { "Variable": "$.y", "NumericEquals": 0 }
                    ],
                    "Next": "NoY"
                },
                {
                    "Not": { "Variable": "$.y", "NumericEquals": 3 },
                    "Next": "YNot3"
                }
            ],
            "Default": "Other"
        },
        "BigX": { "Type": "Pass", "Result": "BigX", "End": true },
        "NoY": { "Type": "Pass", "Result": "NoY", "End": true },
        "YNot3": { "Type": "Pass", "Result": "YNot3", "End": true },
        "Other": { "Type": "Pass", "Result": "Other", "End": true }
    }
});

/// And/Or evaluate left to right and short-circuit, so an IsPresent guard protects a later
/// rule on a missing path (ASL-SUB-36, ASL-CH-04, ASL-CHOP-16/17).
#[tokio::test(start_paused = true)]
async fn choice_and_or_short_circuit_guards_missing_path_asl_sub_36() {
    let m = ChoiceShortCircuit::new(());
    for (input, expected) in [
        (json!({}), "NoY"),
        (json!({ "x": 5 }), "BigX"),
        (json!({ "x": "str" }), "NoY"),
        (json!({ "y": 0 }), "NoY"),
        (json!({ "y": 4 }), "YNot3"),
        (json!({ "y": 3 }), "Other"),
    ] {
        assert_eq!(
            m.run(input.clone()).await.unwrap(),
            json!(expected),
            "{input}"
        );
    }
}

asl_runtime::asl!(ChoiceNoDefault = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.v", "StringEquals": "a", "Next": "A" } ]
        },
        "A": { "Type": "Succeed" }
    }
});

/// No rule matched and no Default: States.NoChoiceMatched (ASL-CH-02, ASL-ERR-09).
#[tokio::test(start_paused = true)]
async fn choice_no_match_without_default_asl_ch_02_err_09() {
    let m = ChoiceNoDefault::new(());
    assert_eq!(
        error_name(&m.run(json!({ "v": "b" })).await),
        Some("States.NoChoiceMatched")
    );
    assert_eq!(
        m.run(json!({ "v": "a" })).await.unwrap(),
        json!({ "v": "a" })
    );
}

asl_runtime::asl!(ChoiceIo = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "InputPath": "$.inner",
            "OutputPath": "$.payload",
            "Choices": [ { "Variable": "$.v", "NumericEquals": 1, "Next": "Done" } ],
            "Default": "Done"
        },
        "Done": { "Type": "Succeed" }
    }
});

/// Choice output is OutputPath(InputPath(input)); rules read the effective input
/// (ASL-IO-10, ASL-CH-16).
#[tokio::test(start_paused = true)]
async fn choice_output_is_output_path_of_input_path_asl_io_10() {
    let out = ChoiceIo::new(())
        .run(json!({ "inner": { "v": 1, "payload": { "p": true } }, "outer": 0 }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "p": true }));
}

// =============================================================================================
// 8. Parallel: ASL-PAR-02..05, ASL-SUB-24/25/26, ASL-IO-13
// =============================================================================================

asl_runtime::asl!(ParallelOrder = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "InputPath": "$.in",
            "Parameters": { "base.$": "$.base" },
            "Branches": [
                { "StartAt": "B0", "States": { "B0": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "B1", "States": { "B1": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "B2", "States": { "B2": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } }
            ],
            "End": true
        }
    }
});

/// Results are in declaration order although branch 0 finishes last; branches run
/// concurrently (elapsed = max, not sum) and all get the same effective input
/// (ASL-PAR-02/03, ASL-IO-13).
#[tokio::test(start_paused = true)]
async fn parallel_results_in_declaration_order_and_concurrent_asl_par_02_03() {
    let done = Arc::new(Mutex::new(Vec::new()));
    let d = done.clone();
    let m = ParallelOrder::with_dynamic(handler_fn(move |input: Value, ctx| {
        let d = d.clone();
        async move {
            let delay = match ctx.state {
                "B0" => 3,
                "B1" => 1,
                _ => 2,
            };
            sleep(secs(delay)).await;
            d.lock().unwrap().push(ctx.state);
            Ok(json!({ "branch": ctx.state, "input": input, "location": ctx.location.to_vec() }))
        }
    }));
    let t0 = Instant::now();
    let out = m
        .run(json!({ "in": { "base": 10, "x": 0 } }))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(3));
    assert_eq!(*done.lock().unwrap(), vec!["B1", "B2", "B0"]);
    assert_eq!(
        out,
        json!([
            { "branch": "B0", "input": { "base": 10 }, "location": [0] },
            { "branch": "B1", "input": { "base": 10 }, "location": [1] },
            { "branch": "B2", "input": { "base": 10 }, "location": [2] }
        ])
    );
}

asl_runtime::asl!(ParallelFail = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Slow", "States": { "Slow": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                {
                    "StartAt": "Pause",
                    "States": {
                        "Pause": { "Type": "Wait", "Seconds": 2, "Next": "Boom" },
                        "Boom": { "Type": "Fail", "Error": "FailureType", "Cause": "branch 1 failed" }
                    }
                }
            ],
            "End": true
        }
    }
});

/// A failing branch fails the Parallel with the branch's own error (not States.BranchFailed)
/// at the failure time, and the slower sibling is cancelled (ASL-PAR-04, ASL-SUB-24/26,
/// ASL-FL-03).
#[tokio::test(start_paused = true)]
async fn parallel_branch_failure_propagates_and_cancels_siblings_asl_par_04_sub_24_26() {
    let finished = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (f, d) = (finished.clone(), dropped.clone());
    let m = ParallelFail::with_dynamic(handler_fn(move |_, _| {
        let (f, d) = (f.clone(), d.clone());
        async move {
            let _guard = DropFlag(d);
            sleep(secs(10)).await;
            f.store(true, Ordering::SeqCst);
            Ok(json!("slow"))
        }
    }));
    let t0 = Instant::now();
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (Some("FailureType"), Some("branch 1 failed"))
    );
    assert_eq!(t0.elapsed(), secs(2));
    assert!(dropped.load(Ordering::SeqCst), "sibling future not dropped");
    sleep(secs(30)).await;
    assert!(
        !finished.load(Ordering::SeqCst),
        "sibling ran to completion"
    );
}

/// When a branch fails, the running sibling Task is recorded as aborted and the Parallel as
/// failed (ASL-EV-07, ASL-PAR-04).
#[tokio::test(start_paused = true)]
async fn parallel_failure_records_aborted_sibling_asl_ev_07() {
    let m = ParallelFail::with_dynamic(handler_fn(|_, _| async {
        sleep(secs(10)).await;
        Ok(json!("slow"))
    }));
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("FailureType"));
    let events: Vec<(&str, Option<&str>)> = run.history.iter().map(|e| (e.kind, e.state)).collect();
    assert!(
        events.contains(&("ParallelStateFailed", Some("Fan"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("TaskStateAborted", Some("Slow"))),
        "{events:?}"
    );
    assert!(
        !events.contains(&("TaskSucceeded", Some("Slow"))),
        "{events:?}"
    );
    assert_eq!(kinds(&run).last(), Some(&"ExecutionFailed"));
}

asl_runtime::asl!(ParallelCatch = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Boom", "States": { "Boom": { "Type": "Fail", "Error": "FailureType", "Cause": "c" } } }
            ],
            "Catch": [ { "ErrorEquals": ["FailureType"], "ResultPath": "$.error", "Next": "Handled" } ],
            "End": true
        },
        "Handled": { "Type": "Pass", "End": true }
    }
});

/// A Catch on the Parallel matches the branch's Fail error name (ASL-FL-03, ASL-PAR-05).
#[tokio::test(start_paused = true)]
async fn parallel_catch_matches_branch_fail_error_asl_fl_03_par_05() {
    let out = ParallelCatch::new(()).run(json!({ "k": 1 })).await.unwrap();
    assert_eq!(
        out,
        json!({ "k": 1, "error": { "Error": "FailureType", "Cause": "c" } })
    );
}

asl_runtime::asl!(ParallelRetry = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Good", "States": { "Good": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "Flaky", "States": { "Flaky": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } }
            ],
            "Retry": [ { "ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// Retry on a Parallel re-runs every branch, not just the failed one (ASL-PAR-05,
/// ASL-SUB-25, ASL-RT-11).
#[tokio::test(start_paused = true)]
async fn parallel_retry_reruns_all_branches_asl_par_05_sub_25() {
    let good = Arc::new(AtomicUsize::new(0));
    let flaky = Arc::new(AtomicUsize::new(0));
    let (g, f) = (good.clone(), flaky.clone());
    let m = ParallelRetry::with_dynamic(handler_fn(move |_, ctx| {
        let (g, f) = (g.clone(), f.clone());
        async move {
            if ctx.state == "Good" {
                Ok(json!(g.fetch_add(1, Ordering::SeqCst) + 1))
            } else if f.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(TaskError::new("E", "first"))
            } else {
                Ok(json!("flaky ok"))
            }
        }
    }));
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!([2, "flaky ok"]));
    assert_eq!(good.load(Ordering::SeqCst), 2);
    assert_eq!(flaky.load(Ordering::SeqCst), 2);
    assert_eq!(t0.elapsed(), secs(1));
}

// =============================================================================================
// 9. Map: ASL-MAP-03..08, ASL-SUB-06/41/42/43
// =============================================================================================

asl_runtime::asl!(MapSelector = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {
                "index.$": "$$.Map.Item.Index",
                "value.$": "$$.Map.Item.Value",
                "tag.$": "$.tag"
            },
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": { "Inner": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// ItemSelector sees `$` = the Map's effective input and `$$.Map.Item.Index/Value`
/// (ASL-MAP-03, ASL-SUB-06, ASL-CTX-10, ASL-SUB-07).
#[tokio::test(start_paused = true)]
async fn map_item_selector_context_and_input_asl_map_03_sub_06() {
    let out = MapSelector::new(())
        .run(json!({ "items": ["a", { "b": 1 }], "tag": "T" }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!([
            { "index": 0, "value": "a", "tag": "T" },
            { "index": 1, "value": { "b": 1 }, "tag": "T" }
        ])
    );
}

asl_runtime::asl!(MapParameters = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "Parameters": { "constantValue": "constant", "mapValue.$": "$$.Map.Item.Value", "fromInput.$": "$" },
            "ItemProcessor": {
                "StartAt": "IteratorInner",
                "States": { "IteratorInner": { "Type": "Pass", "End": true } },
                "ProcessorConfig": { "Mode": "INLINE" }
            },
            "Next": "Finish"
        },
        "Finish": { "Type": "Succeed" }
    }
});

/// Map `Parameters` is per item, like ItemSelector; output and history as AWS recorded them
/// (ASL-SUB-06, ASL-EV-08; conformance `scenarios__test_map_state_config_inline_parameters`).
#[tokio::test(start_paused = true)]
async fn map_parameters_are_per_item_conformance_inline_parameters() {
    let run = MapParameters::new(())
        .execute(json!(["Hello", "World"]), &opts())
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!([
            { "constantValue": "constant", "mapValue": "Hello", "fromInput": ["Hello", "World"] },
            { "constantValue": "constant", "mapValue": "World", "fromInput": ["Hello", "World"] }
        ])
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(MapContextInside = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": { "Inner": { "Type": "Pass", "Parameters": { "i.$": "$$.Map.Item.Index" }, "End": true } }
            },
            "End": true
        }
    }
});

/// `$$.Map.Item` is only visible in ItemSelector, not in the iteration's own states
/// (ASL-SUB-06, ASL-CTX-10).
#[tokio::test(start_paused = true)]
async fn map_item_context_not_visible_inside_iteration_asl_ctx_10() {
    let r = MapContextInside::new(()).run(json!([1])).await;
    assert_eq!(error_name(&r), Some("States.Runtime"));
}

asl_runtime::asl!(MapWork = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrencyPath": "$.max",
            "ItemProcessor": {
                "StartAt": "Work",
                "States": { "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } }
            },
            "End": true
        }
    }
});

/// Observations of one MapWork run.
#[derive(Default)]
struct MapProbe {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    started: Mutex<Vec<u32>>,
    finished: Mutex<Vec<u32>>,
}

/// Each item is `{"sleep": s}` (or `{"sleep": s, "fail": true}`); the task sleeps s seconds.
fn map_machine(p: &Arc<MapProbe>) -> MapWork {
    let p = p.clone();
    MapWork::with_dynamic(handler_fn(move |input: Value, ctx| {
        let p = p.clone();
        async move {
            let i = ctx.location[0];
            p.started.lock().unwrap().push(i);
            let now = p.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            p.max_in_flight.fetch_max(now, Ordering::SeqCst);
            sleep(secs(input["sleep"].as_u64().unwrap_or(0))).await;
            p.in_flight.fetch_sub(1, Ordering::SeqCst);
            p.finished.lock().unwrap().push(i);
            if input["fail"] == true {
                Err(TaskError::new("ItemError", format!("item {i}")))
            } else {
                Ok(json!({ "item": i }))
            }
        }
    }))
}

fn sleeps(s: &[u64]) -> Vec<Value> {
    s.iter().map(|s| json!({ "sleep": s })).collect()
}

/// Results keep item order whatever the completion order; unbounded concurrency runs all
/// items at once (ASL-MAP-04, ASL-SUB-41/42).
#[tokio::test(start_paused = true)]
async fn map_results_in_item_order_asl_map_04_sub_41() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    let out = map_machine(&p)
        .run(json!({ "items": sleeps(&[3, 1, 2]), "max": 0 }))
        .await
        .unwrap();
    assert_eq!(out, json!([{ "item": 0 }, { "item": 1 }, { "item": 2 }]));
    assert_eq!(*p.finished.lock().unwrap(), vec![1, 2, 0]);
    assert_eq!(t0.elapsed(), secs(3));
}

/// MaxConcurrency 1 is sequential in item order: elapsed = sum (ASL-MAP-05, ASL-SUB-41).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_1_is_sequential_asl_map_05_sub_41() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[3, 1, 2]), "max": 1 }))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(6));
    assert_eq!(*p.started.lock().unwrap(), vec![0, 1, 2]);
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 1);
}

/// MaxConcurrency 2 bounds the iterations in flight (ASL-MAP-05).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_2_bounds_in_flight_asl_map_05() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[1, 1, 1, 1, 1]), "max": 2 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 2);
    assert_eq!(t0.elapsed(), secs(3));
}

/// MaxConcurrency 0 means unlimited, not zero (ASL-SUB-42).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_0_is_unbounded_asl_sub_42() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[1, 1, 1, 1, 1]), "max": 0 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 5);
    assert_eq!(t0.elapsed(), secs(1));
}

/// An empty array gives `[]` and no iteration events (ASL-SUB-43, ASL-MAP-08).
#[tokio::test(start_paused = true)]
async fn map_empty_array_gives_empty_result_asl_sub_43_map_08() {
    let p = Arc::new(MapProbe::default());
    let run = map_machine(&p)
        .execute(json!({ "items": [], "max": 1 }), &opts())
        .await;
    assert_eq!(run.result.as_ref().unwrap(), &json!([]));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
}

/// An iteration failure fails the Map with that iteration's error (ASL-MAP-06, ASL-SUB-24).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_fails_map_with_its_error_asl_map_06() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 1 }, { "sleep": 1, "fail": true }]);
    let r = map_machine(&p)
        .run(json!({ "items": items, "max": 0 }))
        .await;
    assert_eq!(failure(&r), (Some("ItemError"), Some("item 1")));
}

/// A failing iteration aborts the others at once: the Map fails at the failure time and the
/// slower iteration is cancelled (ASL-MAP-06, ASL-SUB-26).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_aborts_siblings_at_once_asl_map_06_sub_26() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 10 }, { "sleep": 1, "fail": true }]);
    let t0 = Instant::now();
    let r = map_machine(&p)
        .run(json!({ "items": items, "max": 0 }))
        .await;
    assert_eq!(error_name(&r), Some("ItemError"));
    assert_eq!(t0.elapsed(), secs(1));
    assert_eq!(
        *p.finished.lock().unwrap(),
        vec![1],
        "item 0 was not aborted"
    );
}

/// The aborted iteration is recorded: MapIterationFailed for the failing one, then
/// MapIterationAborted for the other (ASL-MAP-06, ASL-EV-08).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_records_aborted_iteration_asl_map_06_ev_08() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 10 }, { "sleep": 1, "fail": true }]);
    let run = map_machine(&p)
        .execute(json!({ "items": items, "max": 0 }), &opts())
        .await;
    assert_eq!(error_name(&run.result), Some("ItemError"));
    let k = kinds(&run);
    assert_eq!(
        k.iter().filter(|k| **k == "MapIterationFailed").count(),
        1,
        "{k:?}"
    );
    assert_eq!(
        k.iter().filter(|k| **k == "MapIterationAborted").count(),
        1,
        "{k:?}"
    );
    assert!(!k.contains(&"MapIterationSucceeded"), "{k:?}");
    assert!(k.ends_with(&["MapStateFailed", "ExecutionFailed"]), "{k:?}");
}

/// A missing ItemsPath is States.Runtime (ASL-MAP-02, ASL-ERR-15).
#[tokio::test(start_paused = true)]
async fn map_items_path_missing_is_runtime_asl_map_02_err_15() {
    let p = Arc::new(MapProbe::default());
    let run = map_machine(&p).execute(json!({ "max": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert!(cause.unwrap().starts_with(&prefix("Each", 2)), "{cause:?}");
}

asl_runtime::asl!(MapRetryLegacy = {
    "StartAt": "StartState",
    "States": {
        "StartState": { "Type": "Pass", "Result": [1], "ResultPath": "$.arr", "Next": "MapState" },
        "MapState": {
            "Type": "Map",
            "ResultPath": null,
            "InputPath": "$.arr",
            "MaxConcurrency": 1,
            "Iterator": {
                "StartAt": "HandleItemFail",
                "States": {
                    "HandleItemFail": { "Type": "Fail", "Error": "HandleItemFailError", "Cause": "HandleItemFailCause" }
                }
            },
            "Retry": [ { "ErrorEquals": ["HandleItemFailError"], "MaxAttempts": 2 } ],
            "Next": "Final"
        },
        "Final": { "Type": "Pass", "End": true }
    }
});

/// Retry on a Map re-runs all iterations; the outcome is the last error (ASL-MAP-07,
/// ASL-SUB-25; conformance `scenarios__test_map_state_retry_legacy`).
#[tokio::test(start_paused = true)]
async fn map_retry_reruns_iterations_asl_map_07() {
    let run = MapRetryLegacy::new(()).execute(json!({}), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (Some("HandleItemFailError"), Some("HandleItemFailCause"))
    );
    assert_eq!(
        kinds(&run)
            .iter()
            .filter(|k| **k == "MapIterationStarted")
            .count(),
        3
    );
}

/// The recorded history of a retried Map: MapStateFailed only once, at the end
/// (ASL-EV-08; conformance `scenarios__test_map_state_retry_legacy`).
#[tokio::test(start_paused = true)]
async fn map_retry_history_matches_aws_asl_ev_08() {
    let run = MapRetryLegacy::new(()).execute(json!({}), &opts()).await;
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
}

// =============================================================================================
// 10. Fail: ASL-FL-01/02/03
// =============================================================================================

asl_runtime::asl!(FailLiteral = {
    "StartAt": "Stop",
    "States": { "Stop": { "Type": "Fail", "Error": "MyError", "Cause": "my cause" } }
});

/// Fail ends the execution with its literal Error and Cause (ASL-FL-01, ASL-EV-02).
#[tokio::test(start_paused = true)]
async fn fail_literal_error_and_cause_asl_fl_01() {
    let run = FailLiteral::new(()).execute(json!({}), &opts()).await;
    assert_eq!(failure(&run.result), (Some("MyError"), Some("my cause")));
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(FailBare = {
    "StartAt": "Stop",
    "States": { "Stop": { "Type": "Fail" } }
});

/// A Fail without Error or Cause gives neither (ASL-FL-01; conformance
/// `scenarios__test_map_state_catch_empty_fail` records error and cause null).
#[tokio::test(start_paused = true)]
async fn fail_without_error_gives_none_asl_fl_01() {
    let r = FailBare::new(()).run(json!({})).await;
    assert_eq!(failure(&r), (None, None));
}

asl_runtime::asl!(FailContext = {
    "StartAt": "StartState",
    "States": { "StartState": { "Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$$.StateMachine.Name" } }
});

/// ErrorPath/CausePath read the context object (ASL-FL-02, ASL-CTX-07/08; conformance
/// `context_object__test_error_cause_path`).
#[tokio::test(start_paused = true)]
async fn fail_error_path_cause_path_from_context_asl_fl_02() {
    let o = Options {
        state_machine_name: Some("statemachine_create_and_record_execution_8a7f1555".into()),
        ..opts()
    };
    let run = FailContext::new(()).execute(json!({}), &o).await;
    assert_eq!(
        failure(&run.result),
        (
            Some("StartState"),
            Some("statemachine_create_and_record_execution_8a7f1555")
        )
    );
}

asl_runtime::asl!(FailIntrinsic = {
    "Comment": "RAISE_FAILURE_PATH_INTRINSIC",
    "StartAt": "FailState",
    "States": {
        "FailState": {
            "Type": "Fail",
            "ErrorPath": "States.Format('{}', $.Error)",
            "CausePath": "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)"
        }
    }
});

/// ErrorPath/CausePath may be string intrinsics (ASL-FL-02, ASL-FN-01; conformance
/// `base__test_state_fail_intrinsic`).
#[tokio::test(start_paused = true)]
async fn fail_intrinsic_in_error_path_and_cause_path_asl_fl_02() {
    let r = FailIntrinsic::new(())
        .run(json!({ "Error": "error string", "Cause": "cause string" }))
        .await;
    assert_eq!(
        failure(&r),
        (
            Some("error string"),
            Some("This is a custom error message for error string, caused by cause string.")
        )
    );
}

asl_runtime::asl!(FailPathMissing = {
    "StartAt": "pass",
    "States": {
        "pass": { "Type": "Pass", "Next": "fail", "Parameters": { "Error": "error-value" } },
        "fail": { "Type": "Fail", "ErrorPath": "$.ErrorX" }
    }
});

/// A missing ErrorPath is States.Runtime naming the field (ASL-FL-02; conformance
/// `scenarios__test_invalid_jsonpath__INVALID_JSONPATH_IN_ERRORPATH`).
#[tokio::test(start_paused = true)]
async fn fail_missing_error_path_is_runtime_asl_fl_02() {
    let run = FailPathMissing::new(())
        .execute(json!({ "int-literal": 0 }), &opts())
        .await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    let cause = cause.unwrap();
    assert!(cause.starts_with(&prefix("fail", 4)), "{cause}");
    assert!(
        cause.contains(
            "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found"
        ),
        "{cause}"
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
}

// =============================================================================================
// 11. Payload quota: ASL-IO-09, ASL-SUB-54, ASL-ERR-16
// =============================================================================================

asl_runtime::asl!(BigPass = {
    "StartAt": "Big",
    "States": {
        "Big": { "Type": "Pass", "Parameters": { "s.$": "$.s", "t": "x" }, "End": true }
    }
});

/// The quota is 262,144 bytes of UTF-8 JSON: exactly at the limit passes, one byte over fails
/// with AWS's cause; bytes, not characters, count (ASL-IO-09, ASL-SUB-54, ASL-Q-01;
/// conformance `error_handling__test_start_large_input`).
#[tokio::test(start_paused = true)]
async fn state_output_quota_is_262144_utf8_bytes_asl_sub_54() {
    let m = BigPass::new(());
    // Output `{"s":"<n>","t":"x"}` is n + 16 bytes.
    let at_limit = 262_144 - 16;
    let out = m.run(json!({ "s": text(at_limit) })).await.unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap().len(), 262_144);

    let run = m.execute(json!({ "s": text(at_limit + 1) }), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (
            Some("States.DataLimitExceeded"),
            Some(
                "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit."
            )
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );

    // 131,070 two-byte characters: 262,156 bytes but only 131,086 characters.
    let r = m.run(json!({ "s": "é".repeat(131_070) })).await;
    assert_eq!(error_name(&r), Some("States.DataLimitExceeded"));
}

asl_runtime::asl!(BigInBranch = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Big", "States": { "Big": { "Type": "Pass", "Parameters": { "a.$": "$.s", "b.$": "$.s" }, "End": true } } }
            ],
            "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
            "Catch": [
                { "ErrorEquals": ["States.DataLimitExceeded"], "Next": "Caught" },
                { "ErrorEquals": ["States.ALL"], "Next": "Caught" }
            ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A state output over the quota is terminal: not retried, not caught even when named
/// (ASL-IO-09, ASL-SUB-54, ASL-CT-08, ASL-ERR-16).
#[tokio::test(start_paused = true)]
async fn state_output_over_quota_is_not_caught_asl_io_09_ct_08() {
    let t0 = Instant::now();
    let run = BigInBranch::new(())
        .execute(json!({ "s": text(200_000) }), &opts())
        .await;
    assert_eq!(
        failure(&run.result),
        (
            Some("States.DataLimitExceeded"),
            Some(
                "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit."
            )
        )
    );
    assert_eq!(t0.elapsed(), Duration::ZERO, "not retried");
    assert!(!run.states_entered().contains(&"Caught"));
}

asl_runtime::asl!(BigTaskResult = {
    "Comment": "TASK_SERVICE_LAMBDA_INVOKE_CATCH_ALL",
    "StartAt": "InvokeLambda",
    "States": {
        "InvokeLambda": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload" },
            "Next": "ProcessResult",
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "HandleGeneralError" } ]
        },
        "ProcessResult": { "Type": "Pass", "End": true },
        "HandleGeneralError": { "Type": "Pass", "End": true }
    }
});

/// A task *result* over the quota is a catchable States.DataLimitExceeded (conformance
/// `error_handling__test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response`;
/// ASL-SUB-54).
#[tokio::test(start_paused = true)]
async fn task_result_over_quota_is_catchable_conformance_data_limit() {
    let m = BigTaskResult::with_dynamic(handler_fn(|_, _| async {
        Ok(json!({ "Payload": "é".repeat(140_000) }))
    }));
    let run = m
        .execute(
            json!({ "FunctionName": "lambda_func_83d4f9c9", "Payload": null }),
            &opts(),
        )
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!({
            "Error": "States.DataLimitExceeded",
            "Cause": "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit."
        })
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

asl_runtime::asl!(BigTaskInput = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "a.$": "$.s", "b.$": "$.s" },
            "End": true
        }
    }
});

/// The task input after Parameters is subject to the quota too: the task is not called
/// (ASL-SUB-54, ASL-ERR-16, ASL-IO-09).
#[tokio::test(start_paused = true)]
async fn task_input_over_quota_after_parameters_asl_sub_54() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let m = BigTaskInput::with_dynamic(handler_fn(move |_, _| {
        c.fetch_add(1, Ordering::SeqCst);
        async { Ok(json!("ok")) }
    }));
    let r = m.run(json!({ "s": text(200_000) })).await;
    assert_eq!(error_name(&r), Some("States.DataLimitExceeded"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

// =============================================================================================
// 12. Context object: ASL-CTX-01..09, ASL-SUB-52
// =============================================================================================

asl_runtime::asl!(ContextFields = {
    "StartAt": "First",
    "States": {
        "First": {
            "Type": "Pass",
            "Parameters": {
                "name.$": "$$.Execution.Name",
                "id.$": "$$.Execution.Id",
                "input.$": "$$.Execution.Input",
                "start.$": "$$.Execution.StartTime",
                "state.$": "$$.State.Name",
                "entered.$": "$$.State.EnteredTime",
                "retry.$": "$$.State.RetryCount",
                "machine.$": "$$.StateMachine.Name",
                "machineId.$": "$$.StateMachine.Id"
            },
            "ResultPath": "$.first",
            "Next": "Nap"
        },
        "Nap": { "Type": "Wait", "Seconds": 10, "Next": "Later" },
        "Later": {
            "Type": "Pass",
            "Parameters": { "entered.$": "$$.State.EnteredTime", "start.$": "$$.Execution.StartTime" },
            "ResultPath": "$.later",
            "End": true
        }
    }
});

/// Context object fields; StartTime/EnteredTime in ms precision with trailing zeros dropped;
/// EnteredTime after a 10 s Wait is start + 10 s (ASL-CTX-01/02/03/05/07/08, ASL-SUB-52).
#[tokio::test(start_paused = true)]
async fn context_object_fields_asl_ctx_01_to_08_sub_52() {
    let o = Options {
        start_time: Some(ts("2024-05-06T07:08:09.120Z")),
        execution_name: Some("exec-ctx".into()),
        execution_id: Some("arn:aws:states:eu-west-1:123:execution:SM:exec-ctx".into()),
        state_machine_name: Some("SM".into()),
        state_machine_id: Some("arn:aws:states:eu-west-1:123:stateMachine:SM".into()),
        ..Default::default()
    };
    let input = json!({ "in": [1, "two"] });
    let out = ContextFields::new(())
        .execute(input.clone(), &o)
        .await
        .result
        .unwrap();
    assert_eq!(
        out["first"],
        json!({
            "name": "exec-ctx",
            "id": "arn:aws:states:eu-west-1:123:execution:SM:exec-ctx",
            "input": { "in": [1, "two"] },
            "start": "2024-05-06T07:08:09.12Z",
            "state": "First",
            "entered": "2024-05-06T07:08:09.12Z",
            "retry": 0,
            "machine": "SM",
            "machineId": "arn:aws:states:eu-west-1:123:stateMachine:SM"
        })
    );
    assert_eq!(
        out["later"],
        json!({ "entered": "2024-05-06T07:08:19.12Z", "start": "2024-05-06T07:08:09.12Z" })
    );
    // Whole seconds drop the fraction entirely.
    let out = ContextFields::new(())
        .execute(input, &opts())
        .await
        .result
        .unwrap();
    assert_eq!(out["first"]["start"], json!("2024-01-01T00:00:00Z"));
    assert_eq!(out["later"]["entered"], json!("2024-01-01T00:00:10Z"));
    assert_eq!(out["first"]["name"], json!("exec-1"));
}

asl_runtime::asl!(ContextTask = {
    "StartAt": "Plain",
    "States": {
        "Plain": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "ctx.$": "$$" },
            "ResultPath": "$.plain",
            "Next": "Callback"
        },
        "Callback": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": { "token.$": "$$.Task.Token" },
            "ResultPath": "$.callback",
            "End": true
        }
    }
});

/// A plain Task's context has no `Task` key; a callback Task gets `$$.Task.Token`; the
/// TaskContext carries the execution name (ASL-CTX-09, ASL-TK-09).
#[tokio::test(start_paused = true)]
async fn context_task_token_only_for_callback_tasks_asl_ctx_09() {
    let names = Arc::new(Mutex::new(Vec::new()));
    let n = names.clone();
    let m = ContextTask::with_dynamic(handler_fn(move |input: Value, ctx| {
        n.lock().unwrap().push(ctx.execution_name.to_string());
        async move { Ok(input) }
    }));
    let out = m.execute(json!({}), &opts()).await.result.unwrap();
    assert!(out["plain"]["ctx"].get("Task").is_none(), "{out}");
    assert_eq!(out["plain"]["ctx"]["State"]["Name"], json!("Plain"));
    let token = out["callback"]["token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(*names.lock().unwrap(), vec!["exec-1", "exec-1"]);
}

// =============================================================================================
// 13. History: ASL-EV-01..08, ASL-SUB-44
// =============================================================================================

asl_runtime::asl!(HistoryBasic = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": { "Type": "Pass", "Next": "Invoke" },
        "Invoke": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done" },
        "Done": { "Type": "Succeed" }
    }
});

/// Pass → Task (optimised integration) → Succeed: event kinds, state names, ids 1..n
/// (ASL-EV-01/02/03).
#[tokio::test(start_paused = true)]
async fn history_pass_task_succeed_asl_ev_01_02_03() {
    let m = HistoryBasic::with_dynamic(handler_fn(|_, _| async { Ok(json!({})) }));
    let run = m.execute(json!({}), &opts()).await;
    run.result.as_ref().unwrap();
    let events: Vec<(&str, Option<&str>)> = run.history.iter().map(|e| (e.kind, e.state)).collect();
    assert_eq!(
        events,
        [
            ("ExecutionStarted", None),
            ("PassStateEntered", Some("Prepare")),
            ("PassStateExited", Some("Prepare")),
            ("TaskStateEntered", Some("Invoke")),
            ("TaskScheduled", Some("Invoke")),
            ("TaskStarted", Some("Invoke")),
            ("TaskSucceeded", Some("Invoke")),
            ("TaskStateExited", Some("Invoke")),
            ("SucceedStateEntered", Some("Done")),
            ("SucceedStateExited", Some("Done")),
            ("ExecutionSucceeded", None),
        ]
    );
    assert_sequential_ids(&run);
    assert_eq!(run.states_entered(), ["Prepare", "Invoke", "Done"]);
}

asl_runtime::asl!(HistoryLegacyLambda = {
    "StartAt": "Invoke",
    "States": {
        "Invoke": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:my-function",
            "Retry": [ { "ErrorEquals": ["States.ALL"], "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// A legacy Lambda ARN records LambdaFunction* events; a retried attempt is Failed then a new
/// Scheduled, with no new TaskStateEntered (ASL-EV-04/06).
#[tokio::test(start_paused = true)]
async fn history_legacy_lambda_and_retry_asl_ev_04_06() {
    let m = HistoryLegacyLambda::with_dynamic(Mocks::new().with(
        "Invoke",
        vec![
            MockResponse::throw("Lambda.Unknown", "first"),
            MockResponse::Return(json!("ok")),
        ],
    ));
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(run.result.as_ref().unwrap(), &json!("ok"));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(HistoryCatch = {
    "StartAt": "Invoke",
    "States": {
        "Invoke": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["States.ALL"], "MaxAttempts": 1 } ],
            "Catch": [ { "ErrorEquals": ["Caught"], "Next": "Handle" } ],
            "End": true
        },
        "Handle": { "Type": "Pass", "End": true }
    }
});

/// A caught error exits the state (TaskStateExited) before the catcher's target is entered;
/// an uncaught one ends with ExecutionFailed and no TaskStateExited (ASL-EV-06).
#[tokio::test(start_paused = true)]
async fn history_caught_and_uncaught_errors_asl_ev_06() {
    let m = HistoryCatch::with_dynamic(handler_fn(|input: Value, _| async move {
        let e = input["e"].as_str().unwrap_or("").to_string();
        Err::<Value, _>(TaskError::new(e, "c"))
    }));
    let run = m.execute(json!({ "e": "Caught" }), &opts()).await;
    run.result.as_ref().unwrap();
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let run = m.execute(json!({ "e": "Uncaught" }), &opts()).await;
    assert_eq!(error_name(&run.result), Some("Uncaught"));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(HistoryParallel = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [ { "StartAt": "Only", "States": { "Only": { "Type": "Pass", "End": true } } } ],
            "End": true
        }
    }
});

/// Parallel: Entered → Started → branch events → Exited, with no ParallelStateSucceeded
/// (ASL-EV-07, ASL-SUB-44).
#[tokio::test(start_paused = true)]
async fn history_parallel_has_no_parallel_state_succeeded_asl_ev_07_sub_44() {
    let run = HistoryParallel::new(()).execute(json!({}), &opts()).await;
    assert_eq!(run.result.as_ref().unwrap(), &json!([{}]));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(HistoryWait = {
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 1, "Next": "Check" },
        "Check": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.go", "BooleanEquals": true, "Next": "Done" } ],
            "Default": "Done"
        },
        "Done": { "Type": "Succeed" }
    }
});

/// Wait and Choice record Entered/Exited pairs (ASL-EV-02).
#[tokio::test(start_paused = true)]
async fn history_wait_and_choice_asl_ev_02() {
    let run = HistoryWait::new(())
        .execute(json!({ "go": true }), &opts())
        .await;
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
}

// =============================================================================================
// 14. Never panic on odd inputs (ASL-TOP-07/08, ASL-OPEN-02)
// =============================================================================================

asl_runtime::asl!(ResultPathOnScalar = {
    "StartAt": "Put",
    "States": { "Put": { "Type": "Pass", "Result": 1, "ResultPath": "$.x", "End": true } }
});

/// ResultPath into a non-object raw input is an error, not a panic (ASL-IO-07, ASL-OPEN-02:
/// the error name is unverified, so only failure is checked).
#[tokio::test(start_paused = true)]
async fn result_path_into_non_object_input_fails_asl_io_07() {
    let m = ResultPathOnScalar::new(());
    for input in [
        json!("foo"),
        json!(5),
        json!(null),
        json!([1, 2]),
        json!(true),
    ] {
        assert!(m.run(input.clone()).await.is_err(), "{input}");
    }
    // Bare values are valid state data (ASL-TOP-08).
    assert_eq!(m.run(json!({})).await.unwrap(), json!({ "x": 1 }));
}

asl_runtime::asl!(OddNumbers = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                { "Variable": "$.kind", "StringEquals": "wait", "Next": "WaitN" },
                { "Variable": "$.kind", "StringEquals": "timeout", "Next": "Call" },
                { "Variable": "$.kind", "StringEquals": "add", "Next": "Add" },
                { "Variable": "$.kind", "StringEquals": "range", "Next": "Range" },
                { "Variable": "$.kind", "StringEquals": "map", "Next": "MapN" }
            ],
            "Default": "Compare"
        },
        "WaitN": { "Type": "Wait", "SecondsPath": "$.n", "End": true },
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSecondsPath": "$.n",
            "End": true
        },
        "Add": { "Type": "Pass", "Parameters": { "v.$": "States.MathAdd($.n, 1)" }, "End": true },
        "Range": { "Type": "Pass", "Parameters": { "v.$": "States.ArrayRange(0, $.n, 1)" }, "End": true },
        "MapN": {
            "Type": "Map",
            "ItemsPath": "$.n",
            "MaxConcurrencyPath": "$.n",
            "ItemProcessor": { "StartAt": "I", "States": { "I": { "Type": "Pass", "End": true } } },
            "End": true
        },
        "Compare": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.n", "NumericGreaterThan": 0, "Next": "Pos" } ],
            "Default": "Pos"
        },
        "Pos": { "Type": "Succeed" }
    }
});

/// Huge and non-integral numbers in `…Path` fields and intrinsics fail cleanly
/// (ASL-SUB-38, ASL-TK-04, ASL-FN-07/16, ASL-Q-11, ASL-MAP-05).
#[tokio::test(start_paused = true)]
async fn huge_numbers_give_errors_not_panics_asl_top_08() {
    let m = OddNumbers::with_dynamic(handler_fn(|_, _| async { Ok(json!("called")) }));
    let huge = json!(1.7976931348623157e308);
    let over_u64 = serde_json::from_str::<Value>("18446744073709551616").unwrap();
    for (kind, n) in [
        ("wait", huge.clone()),
        ("wait", over_u64.clone()),
        ("wait", json!(i64::MIN)),
        ("timeout", huge.clone()),
        ("timeout", json!(-5)),
        ("timeout", json!(0)),
        ("add", huge.clone()),
        ("add", json!(i64::MAX)),
        ("range", json!(1_000_000_000)),
        ("range", huge.clone()),
        ("map", huge.clone()),
    ] {
        let r = m.run(json!({ "kind": kind, "n": n })).await;
        assert!(r.is_err(), "{kind} with {n}: {r:?}");
    }
    // Comparisons with extreme numbers are just comparisons.
    for n in [huge, over_u64, json!(u64::MAX), json!(i64::MIN)] {
        m.run(json!({ "kind": "compare", "n": n })).await.unwrap();
    }
}

asl_runtime::asl!(DeepInput = {
    "StartAt": "Scan",
    "States": {
        "Scan": { "Type": "Pass", "InputPath": "$..leaf", "ResultPath": "$.found", "Next": "Call" },
        "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.echo", "End": true }
    }
});

/// Deeply nested input (1,000 levels, Jackson's default nesting limit) is scanned, passed to a
/// task and merged without stack overflow (ASL-TOP-07).
#[tokio::test(start_paused = true)]
async fn deep_nesting_does_not_panic_asl_top_07() {
    let mut v = json!({ "leaf": 1 });
    for _ in 0..1_000 {
        v = json!({ "a": v });
    }
    let m = DeepInput::with_dynamic(handler_fn(|input, _| async move { Ok(input) }));
    let out = m.run(v).await.unwrap();
    assert_eq!(out["found"], json!([1]));
    assert!(out["echo"]["a"].is_object());
}

asl_runtime::asl!(OddInputs = {
    "StartAt": "Shape",
    "States": {
        "Shape": { "Type": "Pass", "Parameters": { "a.$": "$.a", "j.$": "States.StringToJson($.s)", "g.$": "States.ArrayGetItem($.arr, 5)" }, "End": true }
    }
});

/// Non-object inputs, bad intrinsic arguments and out-of-range indexes give errors, not panics
/// (ASL-FN-02/08, ASL-PATH-07, ASL-OPEN-01).
#[tokio::test(start_paused = true)]
async fn odd_inputs_give_errors_not_panics_asl_path_07_fn_02_08() {
    let m = OddInputs::new(());
    for input in [
        json!(null),
        json!("text"),
        json!([1, 2, 3]),
        json!(42),
        json!({ "a": 1, "s": "{not json", "arr": [1, 2, 3, 4, 5, 6] }),
        json!({ "a": 1, "s": "1", "arr": [1] }),
        json!({ "a": 1, "s": "1", "arr": "not an array" }),
        json!({ "a": 1, "s": 5, "arr": [1, 2, 3, 4, 5, 6] }),
    ] {
        assert!(m.run(input.clone()).await.is_err(), "{input}");
    }
    assert_eq!(
        m.run(json!({ "a": 1, "s": "[2]", "arr": [0, 1, 2, 3, 4, 5] }))
            .await
            .unwrap(),
        json!({ "a": 1, "j": [2], "g": 5 })
    );
}

asl_runtime::asl! {
    ForeverLoop = {
        "TimeoutSeconds": 1,
        "StartAt": "Spin",
        "States": {
            "Spin": { "Type": "Pass", "Next": "Again" },
            "Again": { "Type": "Choice", "Choices": [{ "Variable": "$.stop", "IsPresent": true, "Next": "Done" }], "Default": "Spin" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// A loop of synchronous states yields to the scheduler now and then, so the execution
/// timeout still ends it (ASL-ERR-03, ASL-TOP TimeoutSeconds). Real time: paused time only
/// advances when the runtime is idle, which a spinning execution never is.
#[tokio::test]
async fn a_synchronous_loop_still_hits_the_execution_timeout() {
    let err = ForeverLoop::new(()).run(json!({})).await.unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Timeout"));
}

asl_runtime::asl! {
    CallbackToken = {
        "StartAt": "Wait For Approval",
        "States": {
            "Wait For Approval": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "MessageBody": { "token.$": "$$.Task.Token" } },
                "Retry": [{ "ErrorEquals": ["Again"], "IntervalSeconds": 1, "MaxAttempts": 1 }],
                "End": true
            }
        }
    }
}

/// ASL-CTX-09, ASL-SUB-51: a callback Task sees its token in `$$.Task.Token` and in
/// `TaskContext::task_token`, the same one, and a new one per attempt; the handler's result is
/// what the callback delivers.
#[tokio::test(start_paused = true)]
async fn callback_task_token_per_attempt_asl_ctx_09() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let handler = asl_runtime::handler::handler_fn(move |input: Value, ctx: TaskContext| {
        let log = log.clone();
        async move {
            let token = ctx.task_token.as_deref().unwrap_or("").to_string();
            assert_eq!(input["MessageBody"]["token"], json!(token));
            let attempt = ctx.retry_count;
            log.lock().unwrap().push(token);
            if attempt == 0 {
                Err(TaskError::new("Again", "first attempt"))
            } else {
                Ok(json!({"approved": true}))
            }
        }
    });
    let out = CallbackToken::with_dynamic(handler)
        .run(json!({}))
        .await
        .unwrap();
    assert_eq!(out, json!({"approved": true}));
    let tokens = seen.lock().unwrap().clone();
    assert_eq!(tokens.len(), 2);
    assert!(!tokens[0].is_empty());
    assert_ne!(tokens[0], tokens[1]);
}

asl_runtime::asl! {
    ItemContext = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {
                    "value.$": "$$.Map.Item.Value",
                    "original.$": "$$.Execution.Input.tag",
                    "whole.$": "$$.Execution.Name"
                },
                "ItemProcessor": { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } },
                "End": true
            }
        }
    }
}

/// ASL-CTX-02/10: inside an ItemSelector `$$` holds both `Map.Item` and the execution's
/// original input (the context object carries the input only where a path can reach it).
#[tokio::test(start_paused = true)]
async fn item_selector_sees_map_item_and_execution_input_asl_ctx_10() {
    let options = Options {
        execution_name: Some("exec-1".into()),
        ..Options::default()
    };
    let run = ItemContext::new(())
        .execute(json!({"items": [1, 2], "tag": "t"}), &options)
        .await;
    assert_eq!(
        run.result.unwrap(),
        json!([
            {"value": 1, "original": "t", "whole": "exec-1"},
            {"value": 2, "original": "t", "whole": "exec-1"}
        ])
    );
}

asl_runtime::asl! {
    Tolerant = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ToleratedFailureCount": 1,
                "ItemProcessor": {
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{ "Variable": "$.bad", "BooleanEquals": true, "Next": "Bad" }],
                            "Default": "Good"
                        },
                        "Bad": { "Type": "Fail", "Error": "ItemFailed" },
                        "Good": { "Type": "Pass", "End": true }
                    }
                },
                "End": true
            }
        }
    }
}

/// ASL-DMAP-05, ASL-ERR-11: failures up to ToleratedFailureCount let the Map succeed; one
/// more fails it with States.ExceedToleratedFailureThreshold.
#[tokio::test(start_paused = true)]
async fn tolerated_failure_count_threshold_asl_dmap_05() {
    let machine = Tolerant::new(());
    let one_bad = json!([{"bad": true}, {"bad": false}, {"bad": false}]);
    let out = machine.run(one_bad).await.unwrap();
    assert_eq!(out.as_array().map(Vec::len), Some(3));
    assert_eq!(out[1], json!({"bad": false}));
    let two_bad = json!([{"bad": true}, {"bad": true}, {"bad": false}]);
    let err = machine.run(two_bad).await.unwrap_err();
    assert_eq!(
        err.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
}
