//! The one driver every compiled machine runs on.
//!
//! It is not generic: it walks a machine's static [`Machine`] descriptor, calls the compiled
//! Choice function and dispatches Tasks through `&dyn` [`Dispatch`]. All async work lives
//! here: task calls with retries and timeouts, waits, Parallel branches and Map iterations.
//! Branches and iterations run concurrently inside the execution's own task (no spawning), so
//! a failing branch cancels its siblings by dropping them (ASL-PAR-04, ASL-MAP-06).
//!
//! Time is tokio's: in tests with paused time, Waits and retry backoffs are exact and instant.
//! Wall-clock instants (`$$.Execution.StartTime`, Wait `Timestamp`) are
//! [`Options::start_time`] plus tokio's elapsed time.
//!
//! One submodule per concept: `scope` walks the states of a scope, `visit` is one state visit
//! and its data flow, `retry` the Retry/Catch loop, `task` one attempt of a state's work,
//! `fanout` Parallel and Map, `wait` Wait delays, `context` the `$$` object, `history` the
//! events, `quota` the payload quota. This module holds the entry point ([`run`]), its
//! settings and outcome, and the per-execution state (`Exec`). Items private to this module
//! are visible to every submodule; submodules share theirs as `pub(super)`.

use std::borrow::Cow;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, OnceLock};

use jiff::Timestamp;
use serde_json::Value;

use crate::handler::Dispatch;
use crate::machine::{Machine, StateId};

mod context;
mod fanout;
mod history;
mod quota;
mod retry;
mod scope;
mod task;
mod visit;
mod wait;

pub use crate::error::ExecutionError;
pub use history::Event;
pub use quota::MAX_PAYLOAD_BYTES;
pub use retry::error_matches;

use quota::exceeds;

/// Per-execution settings. The defaults describe a fresh execution now.
#[derive(Clone, Debug)]
pub struct Options {
    /// `$$.Execution.Name`; default a random UUID.
    pub execution_name: Option<String>,
    /// `$$.Execution.Id`; default an ARN built from the names.
    pub execution_id: Option<String>,
    /// `$$.Execution.RoleArn`.
    pub role_arn: Option<String>,
    /// `$$.StateMachine.Name`; default the machine's Rust name.
    pub state_machine_name: Option<String>,
    /// `$$.StateMachine.Id`; default an ARN built from the name.
    pub state_machine_id: Option<String>,
    /// `$$.Execution.StartTime`; default the system clock.
    pub start_time: Option<Timestamp>,
    /// Keep the event history (AWS keeps none for Express machines; ids are counted anyway).
    pub history: bool,
    /// Seed for `JitterStrategy: FULL` delays; default from the OS.
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            execution_name: None,
            execution_id: None,
            role_arn: None,
            state_machine_name: None,
            state_machine_id: None,
            start_time: None,
            history: true,
            seed: None,
        }
    }
}

/// The outcome of one execution.
#[derive(Debug)]
pub struct Execution {
    /// The execution output (ASL-TOP-07), or how the execution failed.
    pub result: Result<Value, ExecutionError>,
    /// The events in order (empty when [`Options::history`] is off).
    pub history: Vec<Event>,
}

impl Execution {
    /// The names of the states entered, in order.
    pub fn states_entered(&self) -> Vec<&'static str> {
        self.history
            .iter()
            .filter(|e| e.kind.ends_with("StateEntered"))
            .filter_map(|e| e.state)
            .collect()
    }
}

/// Runs one execution of `machine` with `input`.
pub async fn run(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    input: Value,
    options: &Options,
) -> Execution {
    let exec = Exec::new(machine, handler, &input, options);
    // AWS refuses to start an execution whose input is over the quota (ASL-Q); states then
    // need not re-check values they pass through unchanged.
    if exceeds(&input, MAX_PAYLOAD_BYTES) {
        return exec.finish(Err(ExecutionError {
            error: Some("States.DataLimitExceeded".into()),
            cause: Some(
                "The execution input exceeds the maximum number of bytes service limit.".into(),
            ),
        }));
    }
    exec.event("ExecutionStarted", None);
    let body = exec.run_scope(machine.start, input, Location::default());
    let result = match machine.timeout_seconds {
        Some(s) => match tokio::time::timeout(std::time::Duration::from_secs(s), body).await {
            Ok(r) => r,
            Err(_) => {
                exec.event("ExecutionTimedOut", None);
                return exec.finish(Err(ExecutionError {
                    error: Some("States.Timeout".into()),
                    cause: None,
                }));
            }
        },
        None => body.await,
    };
    let result = result.map_err(|f| ExecutionError {
        error: f.error.map(Cow::into_owned),
        cause: f.cause,
    });
    exec.event(
        if result.is_ok() {
            "ExecutionSucceeded"
        } else {
            "ExecutionFailed"
        },
        None,
    );
    exec.finish(result)
}

/// Where the execution is: one index per enclosing branch or iteration. The path is built
/// only when something needs it (a Task call, a nested fan-out), not per iteration.
#[derive(Clone, Debug, Default)]
struct Location {
    parent: Option<Arc<[u32]>>,
    last: Option<u32>,
}

impl Location {
    fn path(&self) -> Arc<[u32]> {
        let parent = self.parent.clone().unwrap_or_else(|| Arc::from([]));
        match self.last {
            None => parent,
            Some(i) => parent.iter().copied().chain([i]).collect(),
        }
    }

    fn child(&self, i: usize) -> Location {
        Location::child_of(&self.path(), i)
    }

    fn child_of(base: &Arc<[u32]>, i: usize) -> Location {
        Location {
            parent: Some(base.clone()),
            last: Some(u32::try_from(i).unwrap_or(u32::MAX)),
        }
    }
}

enum Flow {
    Next(StateId, Value),
    End(Value),
}

struct Exec<'a> {
    m: &'static Machine,
    handler: &'a dyn Dispatch,
    options: &'a Options,
    /// The execution input, kept only when the machine reads `$$` (`$$.Execution.Input`).
    input: Option<Value>,
    start: Timestamp,
    origin: tokio::time::Instant,
    next_id: AtomicU32,
    history: Option<Mutex<Vec<Event>>>,
    // Built on first use: most executions never read the context object, name or RNG.
    name: OnceLock<Arc<str>>,
    execution: OnceLock<Value>,
    execution_without_input: OnceLock<Value>,
    state_machine: OnceLock<Value>,
    rng: OnceLock<Mutex<rand::rngs::StdRng>>,
}

impl<'a> Exec<'a> {
    fn new(
        m: &'static Machine,
        handler: &'a dyn Dispatch,
        input: &Value,
        options: &'a Options,
    ) -> Exec<'a> {
        Exec {
            m,
            handler,
            options,
            input: m.keeps_input.then(|| input.clone()),
            start: options.start_time.unwrap_or_else(Timestamp::now),
            origin: tokio::time::Instant::now(),
            next_id: AtomicU32::new(1),
            history: options.history.then(|| Mutex::new(Vec::new())),
            name: OnceLock::new(),
            execution: OnceLock::new(),
            execution_without_input: OnceLock::new(),
            state_machine: OnceLock::new(),
            rng: OnceLock::new(),
        }
    }

    fn finish(self, result: Result<Value, ExecutionError>) -> Execution {
        let history = self
            .history
            .map(|h| h.into_inner().unwrap_or_else(|p| p.into_inner()))
            .unwrap_or_default();
        Execution { result, history }
    }

    fn now(&self) -> Timestamp {
        let elapsed = self.origin.elapsed();
        let span = jiff::SignedDuration::try_from(elapsed).unwrap_or(jiff::SignedDuration::ZERO);
        self.start.checked_add(span).unwrap_or(self.start)
    }
}
