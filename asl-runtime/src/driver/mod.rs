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

use crate::Value;
use jiff::Timestamp;

use crate::handler::Dispatch;
use crate::machine::{Machine, StateId};

mod context;
mod distributed;
mod fanout;
mod history;
mod items;
mod journal;
mod quota;
mod results;
mod retry;
mod scope;
mod task;
mod vars;
pub(crate) use vars::{MAX_ASSIGN_BYTES, MAX_TOTAL_BYTES, MAX_VARIABLE_BYTES};
mod visit;
mod wait;

pub use crate::error::ExecutionError;
pub use distributed::MAP_RUN_TAG;
pub use history::Event;
pub use quota::MAX_PAYLOAD_BYTES;
pub use retry::error_matches;

use history::At;
use journal::Journal;
use quota::exceeds;

/// Whether a value is over AWS's payload quota (256 KiB of UTF-8 JSON, ASL-IO-09).
pub fn exceeds_quota(v: &Value) -> bool {
    exceeds(v, MAX_PAYLOAD_BYTES)
}

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
    /// `$$.Execution.RedriveCount`: how often the execution was redriven.
    pub redrive_count: u32,
    /// Record one state's data at each step of its pipeline (TestState's `inspectionData`).
    pub inspect: Option<Arc<Inspection>>,
    /// Where Distributed Maps read items (`ItemReader`) and write results (`ResultWriter`):
    /// S3 on AWS. Without one, such a Map fails with `States.ItemReaderFailed` or
    /// `States.ResultWriterFailed`.
    pub objects: Option<Arc<dyn crate::objects::ObjectStore>>,
}

/// What TestState reports of a state's data flow (`inspectionData`): the state's data after
/// each step of its pipeline, as JSON text — `afterInputPath`, `afterParameters` (JSONata:
/// `afterArguments`), `result`, `afterResultSelector`, `afterResultPath` — for the visits of
/// one state (the last visit's values when it runs more than once).
#[derive(Debug, Default)]
pub struct Inspection {
    state: String,
    fields: Mutex<Vec<(&'static str, String)>>,
}

impl Inspection {
    /// Records the data of the state called `state`.
    pub fn new(state: impl Into<String>) -> Inspection {
        Inspection {
            state: state.into(),
            fields: Mutex::new(Vec::new()),
        }
    }

    /// The recorded steps, in pipeline order.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        self.fields
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn record(&self, field: &'static str, v: &Value) {
        let mut f = self.fields.lock().unwrap_or_else(|p| p.into_inner());
        let text = v.to_string();
        match f.iter_mut().find(|(k, _)| *k == field) {
            Some(slot) => slot.1 = text,
            None => f.push((field, text)),
        }
    }
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
            redrive_count: 0,
            inspect: None,
            objects: None,
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
///
/// Traced (`tracing`): an `execution` span (machine, name), a `task` span around each
/// handler call (state, resource, attempt) and an `info` event when the execution ends. The
/// states' own events are in the history, not traced: a per-state trace point, even one
/// behind a branch, cost 4-7 % on state-heavy machines (BENCHMARKS.md).
pub async fn run(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    input: Value,
    options: &Options,
) -> Execution {
    let span = tracing::info_span!(
        "execution",
        machine = machine.name,
        name = options.execution_name.as_deref().unwrap_or(""),
    );
    let run = run_in(machine, handler, input, options);
    tracing::Instrument::instrument(run, span).await
}

async fn run_in(
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
    exec.event("ExecutionStarted", None, At::Execution);
    tracing::trace!(target: "asl::event", kind = "ExecutionStarted", "event");
    let (kind, result) = match exec.body(input).await {
        Some(Ok(out)) => ("ExecutionSucceeded", Ok(out)),
        Some(Err(e)) => ("ExecutionFailed", Err(e)),
        None => ("ExecutionTimedOut", Err(timed_out())),
    };
    exec.event(kind, None, At::Execution);
    exec.traced_end(kind);
    match &result {
        Ok(_) => tracing::info!(status = kind, "execution ended"),
        Err(e) => tracing::info!(
            status = kind,
            error = e.error.as_deref(),
            cause = e.cause.as_deref(),
            "execution ended"
        ),
    }
    exec.finish(result)
}

/// The longest a Standard execution runs: one year (ASL-WF-02).
const MAX_STANDARD_SECONDS: u64 = 365 * 24 * 3600;

/// The longest an Express execution runs: five minutes (ASL-WF-02).
const MAX_EXPRESS_SECONDS: u64 = 300;

/// The error of an execution that ran past its `TimeoutSeconds` (ASL-TOP).
fn timed_out() -> ExecutionError {
    ExecutionError {
        error: Some("States.Timeout".into()),
        cause: None,
    }
}

/// Why a durable run stopped without closing its execution.
#[derive(Debug)]
pub enum Stopped {
    /// The store failed or another process wrote to the execution; it stays RUNNING in the
    /// store and a later resume continues it.
    Store(crate::store::StoreError),
    /// The recorded input is not JSON (the store was edited by hand).
    BadInput(String),
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Store(e) => e.fmt(f),
            Stopped::BadInput(e) => write!(f, "the recorded input is not JSON: {e}"),
        }
    }
}

impl std::error::Error for Stopped {}

/// Runs, or resumes, the durable execution `rec` of `machine`: every event is written to
/// `store`, and what the store already holds for it is replayed, not done again (see
/// `journal.rs`). `now` is the wall-clock time at this call (`Timestamp::now()` but in
/// tests): timers of a resumed execution run on from it. Returns when the execution is
/// closed in the store.
pub async fn run_durable(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    store: Arc<dyn crate::store::Store>,
    rec: crate::store::ExecutionRecord,
    now: Timestamp,
) -> Result<Outcome, Stopped> {
    run_durable_with(machine, handler, store, rec, now, None).await
}

/// [`run_durable`] with an object store for Distributed Maps (see [`Options::objects`]).
pub async fn run_durable_with(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    store: Arc<dyn crate::store::Store>,
    rec: crate::store::ExecutionRecord,
    now: Timestamp,
    objects: Option<Arc<dyn crate::objects::ObjectStore>>,
) -> Result<Outcome, Stopped> {
    let span = tracing::info_span!("execution", machine = machine.name, arn = %rec.arn);
    let run = run_durable_in(machine, handler, store, rec, now, objects, None);
    tracing::Instrument::instrument(run, span).await
}

/// Runs, or resumes, a Distributed Map's Standard child `rec` from the processor's `start`
/// in its parent's process: durable as any execution (its own history; a Task whose outcome
/// is recorded is not called again), but never unloaded — its parent waits for its end.
pub(crate) async fn run_durable_child(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    store: Arc<dyn crate::store::Store>,
    rec: crate::store::ExecutionRecord,
    now: Timestamp,
    objects: Option<Arc<dyn crate::objects::ObjectStore>>,
    start: StateId,
) -> Result<Outcome, Stopped> {
    run_durable_in(machine, handler, store, rec, now, objects, Some(start)).await
}

async fn run_durable_in(
    machine: &'static Machine,
    handler: &dyn Dispatch,
    store: Arc<dyn crate::store::Store>,
    rec: crate::store::ExecutionRecord,
    now: Timestamp,
    objects: Option<Arc<dyn crate::objects::ObjectStore>>,
    child_from: Option<StateId>,
) -> Result<Outcome, Stopped> {
    let journal =
        Journal::load(store, &rec, rec.seed, rec.redrive_count).map_err(Stopped::Store)?;
    let input: Value =
        serde_json::from_str(&rec.input).map_err(|e| Stopped::BadInput(e.to_string()))?;
    let state_machine_name = rec
        .state_machine_arn
        .rsplit(':')
        .next()
        .unwrap_or(machine.name)
        .to_owned();
    let options = Options {
        execution_name: Some(rec.name.clone()),
        execution_id: Some(rec.arn.clone()),
        role_arn: None,
        state_machine_name: Some(state_machine_name),
        state_machine_id: Some(rec.state_machine_arn.clone()),
        start_time: Some(rec.start_date),
        history: false,
        seed: Some(rec.seed),
        redrive_count: rec.redrive_count,
        inspect: None,
        objects,
    };
    let mut exec = Exec::new(machine, handler, &input, &options);
    exec.journal = Some(&journal);
    // Wall-clock time goes on from now, whatever happened while the process was down.
    exec.clock = now;
    exec.event_with(
        "ExecutionStarted",
        None,
        At::Execution,
        || crate::json!({ "input": rec.input, "roleArn": exec.execution(false)["RoleArn"] }),
    );
    let body = async {
        match child_from {
            None => exec.body(input).await,
            Some(start) => exec.body_from(start, input, false, None).await,
        }
    };
    // Replay is over the first time the whole execution waits (see `journal.rs`); when all
    // that is left waits for callbacks, the execution is unloaded.
    let mut body = std::pin::pin!(body);
    let mut released = false;
    let result = std::future::poll_fn(|cx| {
        let r = body.as_mut().poll(cx);
        if journal.is_full() {
            // The 25,000th event is the execution's last (ASL-Q-02).
            return std::task::Poll::Ready(Some(Some(Err(ExecutionError {
                error: Some("States.Runtime".into()),
                cause: Some(format!(
                    "The execution reached the maximum number of history events ({}).",
                    journal::MAX_EVENTS
                )),
            }))));
        }
        if r.is_pending() {
            if !released {
                released = true;
                journal.release();
                cx.waker().wake_by_ref();
            } else if child_from.is_none() && journal.only_parked() {
                return std::task::Poll::Ready(None);
            }
        }
        r.map(Some)
    })
    .await;
    if let Some(e) = journal.take_broken() {
        return Err(Stopped::Store(e));
    }
    let Some(result) = result else {
        // Everything was written before parking.
        return Ok(Outcome::Parked {
            until: journal.wake_at(),
        });
    };
    use crate::store::{Close, Status};
    let (kind, status, result) = match result {
        Some(Ok(out)) => ("ExecutionSucceeded", Status::Succeeded, Ok(out)),
        Some(Err(e)) => ("ExecutionFailed", Status::Failed, Err(e)),
        None => ("ExecutionTimedOut", Status::TimedOut, Err(timed_out())),
    };
    let close = match result {
        Ok(out) => Close {
            status,
            output: Some(out.to_string()),
            error: None,
            cause: None,
            stop_date: exec.now(),
        },
        Err(e) => Close {
            status,
            output: None,
            error: e.error,
            cause: e.cause,
            stop_date: exec.now(),
        },
    };
    exec.event_with(kind, None, At::Execution, || match &close.output {
        Some(o) => crate::json!({ "output": o }),
        None => crate::json!({ "error": close.error, "cause": close.cause }),
    });
    if journal.flush(Some(&close)).await.is_err() {
        return Err(Stopped::Store(journal.take_broken().unwrap_or_else(|| {
            crate::store::StoreError::Backend("write failed".into())
        })));
    }
    Ok(Outcome::Closed(close.status))
}

/// How a durable run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The execution closed with this status.
    Closed(crate::store::Status),
    /// Everything left waits for callbacks: the execution was unloaded, its state is in the
    /// store. Resume it when a task outcome is delivered, or at `until` (a timeout or
    /// heartbeat deadline) at the latest.
    Parked {
        /// When a deadline passes.
        until: Option<Timestamp>,
    },
}

/// Where the execution is: one index per enclosing branch or iteration. The path is built
/// only when something needs it (a Task call, a nested fan-out), not per iteration.
#[derive(Clone, Debug, Default)]
struct Location {
    parent: Option<Arc<[u32]>>,
    last: Option<u32>,
    /// In durable runs, the scope's prefix of event keys: one `step.attempt.index/` segment
    /// per enclosing branch or iteration (see `journal.rs`); `None` otherwise.
    key: Option<Arc<str>>,
}

impl Location {
    fn path(&self) -> Arc<[u32]> {
        let parent = self.parent.clone().unwrap_or_else(|| Arc::from([]));
        match self.last {
            None => parent,
            Some(i) => parent.iter().copied().chain([i]).collect(),
        }
    }

    /// The top scope of a run; durable runs key their events.
    fn root(durable: bool) -> Location {
        Location {
            key: durable.then(|| Arc::from("")),
            ..Location::default()
        }
    }

    /// Branch or iteration `i` of the fan-out state at `step` of this scope, in `attempt`.
    fn child(&self, i: usize, step: u32, attempt: u32) -> Location {
        self.child_of(&self.path(), i, step, attempt)
    }

    /// [`Location::child`] with this scope's path already built.
    fn child_of(&self, base: &Arc<[u32]>, i: usize, step: u32, attempt: u32) -> Location {
        Location {
            parent: Some(base.clone()),
            last: Some(u32::try_from(i).unwrap_or(u32::MAX)),
            key: self
                .key
                .as_ref()
                .map(|k| format!("{k}{step}.{attempt}.{i}/").into()),
        }
    }
}

enum Flow {
    Next(StateId, Value),
    End(Value),
}

/// The workflow variables of a scope (ASL-VAR-06): shared, copied when a state assigns.
pub(super) use crate::machine::Vars;

/// No variables: one shared empty map, so a scope or visit without variables allocates
/// nothing for them.
pub(super) fn no_vars() -> Vars {
    static EMPTY: OnceLock<Vars> = OnceLock::new();
    EMPTY.get_or_init(Default::default).clone()
}

struct Exec<'a> {
    m: &'static Machine,
    handler: &'a dyn Dispatch,
    options: &'a Options,
    /// The execution input, kept only when the machine reads `$$` (`$$.Execution.Input`).
    input: Option<Value>,
    start: Timestamp,
    /// Wall-clock time at `origin`: the start for a new execution, the moment of resuming for
    /// a resumed one.
    clock: Timestamp,
    origin: tokio::time::Instant,
    /// The journal of a durable run.
    journal: Option<&'a Journal>,
    next_id: AtomicU32,
    /// States entered (in-memory runs trace it at their end, for metrics).
    entered: AtomicU32,
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
        let start = options.start_time.unwrap_or_else(Timestamp::now);
        Exec {
            m,
            handler,
            options,
            input: m.keeps_input.then(|| input.clone()),
            start,
            clock: start,
            origin: tokio::time::Instant::now(),
            journal: None,
            next_id: AtomicU32::new(1),
            entered: AtomicU32::new(0),
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
        self.clock.checked_add(span).unwrap_or(self.clock)
    }

    /// How long until `deadline` on the execution's clock (zero if it has passed).
    fn until(&self, deadline: Timestamp) -> std::time::Duration {
        let d = deadline.duration_since(self.now());
        std::time::Duration::try_from(d).unwrap_or(std::time::Duration::ZERO)
    }

    /// The execution's body under its `TimeoutSeconds` (ASL-TOP): the output or the error,
    /// `None` if it timed out.
    async fn body(&self, input: Value) -> Option<Result<Value, ExecutionError>> {
        self.body_from(self.m.start, input, self.m.express, self.m.timeout_seconds)
            .await
    }

    /// [`Exec::body`] from the state `start`: a machine's body, or a Distributed Map child's
    /// (its processor, Express or not, without the machine's `TimeoutSeconds`).
    async fn body_from(
        &self,
        start: StateId,
        input: Value,
        express: bool,
        timeout_seconds: Option<u64>,
    ) -> Option<Result<Value, ExecutionError>> {
        let body = self.run_scope(
            start,
            input,
            Location::root(self.journal.is_some()),
            0,
            no_vars(),
        );
        // The machine's TimeoutSeconds, within the longest an execution may run: a year for
        // Standard (durable) executions, five minutes for Express ones (ASL-WF-02).
        let cap = match (self.journal, express) {
            (Some(_), _) => Some(MAX_STANDARD_SECONDS),
            (None, true) => Some(MAX_EXPRESS_SECONDS),
            (None, false) => None,
        };
        let seconds = match (timeout_seconds, cap) {
            (Some(s), Some(c)) => Some(s.min(c)),
            (s, c) => s.or(c),
        };
        let result = match seconds {
            Some(s) => {
                // A resumed execution's deadline counts from its start, not from the resume.
                let limit = match self.journal {
                    Some(_) => self.until(
                        self.start
                            .checked_add(jiff::SignedDuration::from_secs(s as i64))
                            .unwrap_or(self.start),
                    ),
                    None => std::time::Duration::from_secs(s),
                };
                tokio::time::timeout(limit, body).await.ok()?
            }
            None => body.await,
        };
        Some(result.map_err(|f| ExecutionError {
            error: f.error.map(Cow::into_owned),
            cause: f.cause,
        }))
    }
}
