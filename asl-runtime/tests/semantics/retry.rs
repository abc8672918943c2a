//! Retry: ASL-RT-03..12, ASL-SUB-21/22/23.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, TaskContext, TaskError, TaskResult, Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{counted, error_name, failure, gaps, ms, opts, secs};

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
