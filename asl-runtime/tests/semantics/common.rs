//! Helpers shared by the semantics tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::__private::jiff::Timestamp;
use asl_runtime::handler::handler_fn;
use asl_runtime::{Execution, ExecutionError, Options, StateError, TaskError, TaskResult, Value};
use tokio::time::Instant;

pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

pub(crate) fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub(crate) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Options with a fixed start time, name and seed, so context values are predictable.
pub(crate) fn opts() -> Options {
    Options {
        start_time: Some(ts("2024-01-01T00:00:00Z")),
        execution_name: Some("exec-1".into()),
        seed: Some(7),
        ..Default::default()
    }
}

/// The `(error, cause)` of a failed execution; panics on success.
pub(crate) fn failure(r: &Result<Value, ExecutionError>) -> (Option<&str>, Option<&str>) {
    match r {
        Ok(v) => panic!("expected a failure, got output {v}"),
        Err(e) => (e.error.as_deref(), e.cause.as_deref()),
    }
}

pub(crate) fn error_name(r: &Result<Value, ExecutionError>) -> Option<&str> {
    failure(r).0
}

/// AWS's prefix on `States.Runtime` causes (ASL-SUB-29, ASL-ERR-15).
pub(crate) fn prefix(state: &str, entered_id: u32) -> String {
    format!(
        "An error occurred while executing the state '{state}' (entered at the event id #{entered_id}). "
    )
}

pub(crate) fn kinds(e: &Execution) -> Vec<&'static str> {
    e.history.iter().map(|e| e.kind).collect()
}

/// Event ids are 1..=n, in order (ASL-EV-01).
pub(crate) fn assert_sequential_ids(e: &Execution) {
    for (i, ev) in e.history.iter().enumerate() {
        assert_eq!(ev.id as usize, i + 1, "event {ev:?} out of sequence");
    }
}

/// A task error without a cause.
/// A handler that counts its calls and always answers with `result`.
pub(crate) fn counted(result: TaskResult) -> (Arc<AtomicUsize>, impl asl_runtime::DynamicHandler) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let handler = handler_fn(move |_, _| {
        c.fetch_add(1, Ordering::SeqCst);
        let result = result.clone();
        async move { result }
    });
    (calls, handler)
}

pub(crate) fn bare_error(name: &'static str) -> TaskError {
    StateError {
        error: name.into(),
        cause: None,
    }
}

/// Differences between consecutive instants.
pub(crate) fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Sets a flag when dropped: detects that a task's future was cancelled.
pub(crate) struct DropFlag(pub(crate) Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A string of `n` ASCII bytes.
pub(crate) fn text(n: usize) -> String {
    "x".repeat(n)
}
