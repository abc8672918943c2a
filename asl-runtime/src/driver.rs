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

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use asl_syntax::path::Path;
use futures_util::StreamExt;
use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

use crate::handler::{Dispatch, TaskCall, TaskContext};
use crate::machine::{
    Catcher, FailField, IoPath, Kind, Machine, Percentage, ResourceType, ResultSpec, Seconds,
    State, StateId, Wait,
};
use crate::{Env, StateError};

/// The effective input as an owned value: when InputPath was the identity (borrowed), the raw
/// input itself, moved rather than cloned.
macro_rules! owned_or {
    ($effective:expr, $raw:expr) => {
        match $effective {
            Cow::Owned(v) => v,
            Cow::Borrowed(_) => $raw,
        }
    };
}

/// AWS's payload quota: 256 KiB of UTF-8 JSON (ASL-IO-09, ASL-SUB-54).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// How the execution failed: AWS's `error` and `cause` (either may be absent: a Fail state
/// without `Error` or `Cause`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionError {
    /// AWS's error name (`States.Timeout`, a task's error, a Fail state's `Error`).
    pub error: Option<String>,
    /// The cause text.
    pub cause: Option<String>,
}

impl std::fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.error.as_deref().unwrap_or("(no error name)"))?;
        if let Some(c) = &self.cause {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecutionError {}

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

/// One history event (ASL-EV-01): its 1-based id, AWS's event type, and the state it
/// concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// 1-based and sequential within the execution (ids are counted even when history is off).
    pub id: u32,
    /// AWS's `HistoryEvent.type` (`TaskStateEntered`, `MapIterationStarted`, …).
    pub kind: &'static str,
    /// The state's name, for state and task events.
    pub state: Option<&'static str>,
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

/// A failure travelling up from a state.
#[derive(Clone, Debug)]
struct Failure {
    error: Option<Cow<'static, str>>,
    cause: Option<String>,
    /// Ends the execution: no retrier or catcher sees it (`States.Runtime`, a state output over
    /// the payload quota; ASL-ERR-15/16, ASL-SUB-19).
    terminal: bool,
}

impl Failure {
    fn error_name(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }

    /// The Error Output a catcher receives: both keys always (ASL-CT-04, ASL-SUB-09).
    ///
    /// A failure with an error name but no cause has `"Cause": ""` (ASL-SUB-09, observed for
    /// States.Timeout); one with neither, as a `SendTaskFailure` without fields, has both
    /// `null` (conformance `callback/…no_error_field…CATCH`).
    fn error_output(&self) -> Value {
        match (&self.error, &self.cause) {
            (None, None) => json!({ "Error": null, "Cause": null }),
            (error, cause) => json!({
                "Error": error.as_deref().unwrap_or(""),
                "Cause": cause.as_deref().unwrap_or(""),
            }),
        }
    }
}

impl From<StateError> for Failure {
    fn from(e: StateError) -> Failure {
        let terminal = e.error == "States.Runtime";
        Failure {
            error: Some(e.error),
            cause: e.cause,
            terminal,
        }
    }
}

/// Whether `error` is matched by an `ErrorEquals` list (ASL-ERR-01/02, ASL-SUB-18/19).
///
/// `States.Runtime` is never matched. `States.DataLimitExceeded` is matched like any error
/// when a task failed with it: AWS catches an oversized task result with `States.ALL`
/// (conformance `error_handling/…catch_state_all_data_limit_exceeded_on_large_utf8_response`).
/// A state *output* over the quota is terminal instead, and never reaches this function.
pub fn error_matches(error_equals: &[&str], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    error_equals.iter().any(|&e| {
        e == error
            || e == "States.ALL"
            || (e == "States.TaskFailed"
                && error != "States.Timeout"
                && error != "States.HeartbeatTimeout")
    })
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

/// How far [`Exec::run_sync`] got.
enum SyncRun {
    /// The scope ended (output or failure).
    Done(Result<Value, Failure>),
    /// Stopped before this state: it is asynchronous, or the budget ran out.
    Paused(StateId, Value),
}

/// Synchronous states run between two yields to the scheduler.
const SYNC_BUDGET: u32 = 4096;

/// Pass, Choice, Succeed, Fail (and unsupported states, which fail at once) need no `.await`.
fn is_sync(kind: &Kind) -> bool {
    !matches!(
        kind,
        Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) | Kind::Wait(_)
    )
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

    /// `$$.Execution.Name`: given, or a random UUID.
    fn name(&self) -> &Arc<str> {
        self.name.get_or_init(|| {
            self.options
                .execution_name
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
                .into()
        })
    }

    fn state_machine_name(&self) -> String {
        self.options
            .state_machine_name
            .clone()
            .unwrap_or_else(|| self.m.name.to_string())
    }

    /// `$$.Execution` (ASL-CTX-01..06), with or without `Input`.
    fn execution(&self, with_input: bool) -> &Value {
        let cell = if with_input {
            &self.execution
        } else {
            &self.execution_without_input
        };
        cell.get_or_init(|| {
            let o = self.options;
            let name = self.name().to_string();
            let id = o.execution_id.clone().unwrap_or_else(|| {
                format!(
                    "arn:aws:states:us-east-1:111111111111:execution:{}:{name}",
                    self.state_machine_name()
                )
            });
            let role = o
                .role_arn
                .clone()
                .unwrap_or_else(|| "arn:aws:iam::111111111111:role/asl-local".to_string());
            let mut execution = Map::new();
            execution.insert("Id".into(), id.into());
            if with_input {
                execution.insert("Input".into(), self.input.clone().unwrap_or(Value::Null));
            }
            execution.insert(
                "StartTime".into(),
                crate::timestamp::format_context(self.start).into(),
            );
            execution.insert("Name".into(), name.into());
            execution.insert("RoleArn".into(), role.into());
            execution.insert("RedriveCount".into(), 0.into());
            Value::Object(execution)
        })
    }

    /// `$$.StateMachine` (ASL-CTX-08).
    fn state_machine(&self) -> &Value {
        self.state_machine.get_or_init(|| {
            let name = self.state_machine_name();
            let id = self.options.state_machine_id.clone().unwrap_or_else(|| {
                format!("arn:aws:states:us-east-1:111111111111:stateMachine:{name}")
            });
            json!({"Id": id, "Name": name})
        })
    }

    fn rng(&self) -> &Mutex<rand::rngs::StdRng> {
        self.rng.get_or_init(|| {
            Mutex::new(match self.options.seed {
                Some(s) => rand::rngs::StdRng::seed_from_u64(s),
                None => rand::rngs::StdRng::from_os_rng(),
            })
        })
    }

    fn finish(self, result: Result<Value, ExecutionError>) -> Execution {
        let history = self
            .history
            .map(|h| h.into_inner().unwrap_or_else(|p| p.into_inner()))
            .unwrap_or_default();
        Execution { result, history }
    }

    /// Records an event and returns its id.
    fn event(&self, kind: &'static str, state: Option<&'static str>) -> u32 {
        // One execution is polled by one task at a time (branches and iterations are
        // futures inside it, never spawned), so a plain load and store suffice; no
        // read-modify-write on the hot path.
        let id = self.next_id.load(Ordering::Relaxed);
        self.next_id.store(id + 1, Ordering::Relaxed);
        if let Some(h) = &self.history {
            let mut h = h.lock().unwrap_or_else(|p| p.into_inner());
            h.push(Event { id, kind, state });
        }
        id
    }

    fn now(&self) -> Timestamp {
        let elapsed = self.origin.elapsed();
        let span = jiff::SignedDuration::try_from(elapsed).unwrap_or(jiff::SignedDuration::ZERO);
        self.start.checked_add(span).unwrap_or(self.start)
    }

    /// The context object for a state visit (ASL-CTX).
    fn context(&self, state: &State, entered: Timestamp, retry_count: u32) -> Value {
        let mut c = Map::with_capacity(3);
        c.insert(
            "Execution".into(),
            self.execution(state.context_input).clone(),
        );
        c.insert("StateMachine".into(), self.state_machine().clone());
        c.insert(
            "State".into(),
            json!({
                "EnteredTime": crate::timestamp::format_context(entered),
                "Name": state.name,
                "RetryCount": retry_count,
            }),
        );
        Value::Object(c)
    }

    /// Runs one scope (the machine, a branch, an iteration) from `start` to its end.
    fn run_scope(
        &self,
        start: StateId,
        input: Value,
        loc: Location,
    ) -> futures_util::future::BoxFuture<'_, Result<Value, Failure>> {
        Box::pin(async move {
            let mut cur = start;
            let mut data = input;
            loop {
                // Pass, Choice, Succeed and Fail run synchronously, without a future.
                match self.run_sync(cur, data) {
                    SyncRun::Done(r) => return r,
                    SyncRun::Paused(c, d) => {
                        cur = c;
                        data = d;
                    }
                }
                let Some(state) = self.m.states.get(cur as usize) else {
                    return Err(StateError::runtime(format!("no state #{cur}")).into());
                };
                if is_sync(&state.kind) {
                    // A long run of synchronous states: let other tasks (and the execution
                    // timeout) in before going on.
                    tokio::task::yield_now().await;
                    continue;
                }
                let v = self.enter(state);
                let guard = AbortGuard {
                    x: self,
                    kind: aborted_event(&state.kind),
                    state: Some(state.name),
                };
                // Boxed: the async states' futures are large, and keeping them out of this
                // loop's future keeps every scope (each Map iteration) small.
                let flow = Box::pin(self.state_async(&v, data, &loc)).await;
                guard.done();
                match flow? {
                    Flow::Next(next, out) => {
                        cur = next;
                        data = out;
                    }
                    Flow::End(out) => return Ok(out),
                }
            }
        })
    }

    /// Runs synchronous states from `cur` until the scope ends, an asynchronous state is next,
    /// or [`SYNC_BUDGET`] states have run.
    fn run_sync(&self, mut cur: StateId, mut data: Value) -> SyncRun {
        for _ in 0..SYNC_BUDGET {
            let Some(state) = self.m.states.get(cur as usize) else {
                return SyncRun::Done(Err(StateError::runtime(format!("no state #{cur}")).into()));
            };
            if !is_sync(&state.kind) {
                return SyncRun::Paused(cur, data);
            }
            let v = self.enter(state);
            match self.state_sync(&v, cur, data) {
                Ok(Flow::Next(next, out)) => {
                    cur = next;
                    data = out;
                }
                Ok(Flow::End(out)) => return SyncRun::Done(Ok(out)),
                Err(f) => return SyncRun::Done(Err(f)),
            }
        }
        SyncRun::Paused(cur, data)
    }

    /// Enters a state: its `…StateEntered` event, and the visit's facts.
    fn enter(&self, s: &'static State) -> Visit<'_, 'a> {
        let entered_id = self.event(entered_event(&s.kind), Some(s.name));
        let entered_at = if s.uses_context {
            self.now()
        } else {
            self.start
        };
        Visit {
            x: self,
            s,
            entered_id,
            entered_at,
        }
    }

    fn state_sync(&self, v: &Visit<'_, '_>, id: StateId, raw: Value) -> Result<Flow, Failure> {
        let s = v.s;
        Ok(match &s.kind {
            Kind::Pass(p) => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let result = match (&p.result, &p.parameters) {
                    (Some(r), _) => Some(r.to_json()),
                    (None, Some(t)) => {
                        Some(v.local(crate::template::eval(t, &env(&effective, &ctx)))?)
                    }
                    (None, None) => match effective {
                        Cow::Owned(e) => Some(e),
                        // The result is the raw input itself.
                        Cow::Borrowed(_) => None,
                    },
                };
                let out = match result {
                    Some(r) => v.result_path(&p.result_path, raw, r)?,
                    None => match &p.result_path {
                        IoPath::Identity | IoPath::Null => raw,
                        rp => v.result_path(rp, raw.clone(), raw)?,
                    },
                };
                v.exit(out, &ctx)?
            }
            Kind::Choice => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let next = v.local((self.m.choose)(id, &env(&effective, &ctx)))?;
                let effective = owned_or!(effective, raw);
                let out = v.output_path(effective, &ctx)?;
                v.size_check_if_changed(&out)?;
                self.event("ChoiceStateExited", Some(s.name));
                Flow::Next(next, out)
            }
            Kind::Succeed => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let effective = owned_or!(effective, raw);
                let out = v.output_path(effective, &ctx)?;
                v.size_check_if_changed(&out)?;
                self.event("SucceedStateExited", Some(s.name));
                Flow::End(out)
            }
            Kind::Fail(f) => {
                let ctx = v.ctx(0);
                let e = env(&raw, &ctx);
                let error = v.local(fail_field(f.error.as_ref(), "ErrorPath", &e))?;
                let cause = v.local(fail_field(f.cause.as_ref(), "CausePath", &e))?;
                return Err(Failure {
                    error: error.map(Cow::Owned),
                    cause,
                    terminal: false,
                });
            }
            Kind::Unsupported(why) => return Err(v.failure(StateError::runtime(*why))),
            Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) | Kind::Wait(_) => {
                return Err(v.failure(StateError::runtime(
                    "internal: async state on the sync path",
                )));
            }
        })
    }

    async fn state_async(
        &self,
        v: &Visit<'_, '_>,
        raw: Value,
        loc: &Location,
    ) -> Result<Flow, Failure> {
        match &v.s.kind {
            Kind::Wait(w) => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let delay = v.local(self.wait_delay(w, &effective, &ctx))?;
                if delay > 0 {
                    tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
                }
                let effective = owned_or!(effective, raw);
                v.exit(effective, &ctx)
            }
            _ => v.with_retry(raw, loc).await,
        }
    }

    fn wait_delay(&self, w: &Wait, input: &Value, ctx: &Value) -> Result<u64, StateError> {
        let e = env(input, ctx);
        match w {
            Wait::Seconds(n) => Ok(*n),
            Wait::SecondsPath(p) => {
                let v = crate::path::select(p, &e).map_err(|_| {
                    StateError::runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                let text = json_text(&v);
                match v.as_number() {
                    Some(n) if n.as_i64().is_some_and(|i| i < 0) => {
                        Err(StateError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {text}",
                            p.source
                        )))
                    }
                    Some(n) if n.is_u64() => {
                        let secs = n.as_u64().unwrap_or(0);
                        delay_within_limit(secs)
                    }
                    _ => Err(StateError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {text}",
                        p.source
                    ))),
                }
            }
            Wait::Timestamp(t) => self.delay_until(*t),
            Wait::TimestampPath(p) => {
                let v = crate::path::select(p, &e).map_err(|_| {
                    StateError::runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                let ts = v.as_str().and_then(crate::timestamp::parse).ok_or_else(|| {
                    StateError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.source,
                        v.as_str().map_or_else(|| json_text(&v), str::to_string)
                    ))
                })?;
                self.delay_until(ts.as_second())
            }
        }
    }

    /// Seconds from now until `target` (Unix seconds, ASL-WT-04, ASL-SUB-37).
    fn delay_until(&self, target: i64) -> Result<u64, StateError> {
        let now = self.now().as_second();
        delay_within_limit(u64::try_from(target.saturating_sub(now)).unwrap_or(0))
    }
}

/// A Wait delay of 2^31 s or more is `States.Runtime` (ASL-WT-04, ASL-SUB-37), whichever
/// field gave it.
fn delay_within_limit(secs: u64) -> Result<u64, StateError> {
    if secs >= u64::from(i32::MAX.unsigned_abs()) {
        return Err(StateError::runtime("Wait state delay is too long"));
    }
    Ok(secs)
}

fn entered_event(kind: &Kind) -> &'static str {
    match kind {
        Kind::Pass(_) => "PassStateEntered",
        Kind::Task(_) => "TaskStateEntered",
        Kind::Choice => "ChoiceStateEntered",
        Kind::Wait(_) => "WaitStateEntered",
        Kind::Succeed => "SucceedStateEntered",
        Kind::Fail(_) => "FailStateEntered",
        Kind::Parallel(_) => "ParallelStateEntered",
        Kind::Map(_) => "MapStateEntered",
        Kind::Unsupported(_) => "StateEntered",
    }
}

fn exited_event(kind: &Kind) -> &'static str {
    match kind {
        Kind::Pass(_) => "PassStateExited",
        Kind::Task(_) => "TaskStateExited",
        Kind::Choice => "ChoiceStateExited",
        Kind::Wait(_) => "WaitStateExited",
        Kind::Succeed => "SucceedStateExited",
        Kind::Parallel(_) => "ParallelStateExited",
        _ => "MapStateExited",
    }
}

/// The event recorded when a running state is stopped because a sibling branch or iteration
/// failed (ASL-EV-07/08, ASL-SUB-26).
fn aborted_event(kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::Task(_) => Some("TaskStateAborted"),
        Kind::Wait(_) => Some("WaitStateAborted"),
        Kind::Parallel(_) => Some("ParallelStateAborted"),
        Kind::Map(_) => Some("MapStateAborted"),
        _ => None,
    }
}

/// Records an abort event if dropped before [`AbortGuard::done`]: a branch or iteration
/// cancelled by a failing sibling is dropped mid-state.
struct AbortGuard<'e, 'a> {
    x: &'e Exec<'a>,
    kind: Option<&'static str>,
    state: Option<&'static str>,
}

impl AbortGuard<'_, '_> {
    fn done(mut self) {
        self.kind = None;
    }
}

impl Drop for AbortGuard<'_, '_> {
    fn drop(&mut self) {
        if let Some(k) = self.kind {
            self.x.event(k, self.state);
        }
    }
}

fn env<'v>(input: &'v Value, ctx: &'v Value) -> Env<'v> {
    Env {
        input,
        context: ctx,
        vars: None,
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `Error`/`Cause` of a Fail state (ASL-FL-02).
fn fail_field(
    f: Option<&FailField>,
    field: &str,
    e: &Env<'_>,
) -> Result<Option<String>, StateError> {
    Ok(match f {
        None => None,
        Some(FailField::Literal(s)) => Some((*s).to_string()),
        Some(FailField::Call(c)) => Some(crate::intrinsics::eval_string(c, e)?),
        Some(FailField::Path(p)) => {
            let v = crate::path::select(p, e)
                .map_err(|m| StateError::runtime(m.field_cause(field, e.input)))?;
            Some(match v {
                Value::String(s) => s,
                other => json_text(&other),
            })
        }
    })
}

/// Whether the compact JSON text of `v` is longer than `limit` bytes (ASL-SUB-54). A cheap
/// upper bound first (one walk, no formatting); the exact length only when the bound is over.
fn exceeds(v: &Value, limit: usize) -> bool {
    upper_len(v) > limit && exact_len_exceeds(v, limit)
}

/// An upper bound of the serialized length, in one walk without looking inside strings: a
/// string of n bytes serializes to at most 6n + 2 (every byte escaped as `\u00XX`), an
/// integer to its digits, a float to at most 24 bytes.
fn upper_len(v: &Value) -> usize {
    fn string(s: &str) -> usize {
        s.len().saturating_mul(6).saturating_add(2)
    }
    match v {
        Value::Null => 4,
        Value::Bool(b) => 4 + usize::from(!*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.checked_ilog10().map_or(1, |d| d as usize + 1)
            } else if let Some(i) = n.as_i64() {
                i.unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 1)
                    + 1
            } else {
                24
            }
        }
        Value::String(s) => string(s),
        Value::Array(a) => 2 + a.len().saturating_sub(1) + a.iter().map(upper_len).sum::<usize>(),
        Value::Object(m) => {
            2 + m.len().saturating_sub(1)
                + m.iter()
                    .map(|(k, v)| string(k) + 1 + upper_len(v))
                    .sum::<usize>()
        }
    }
}

/// The exact test: serialize, stopping as soon as the count passes `limit`.
fn exact_len_exceeds(v: &Value, limit: usize) -> bool {
    struct Counter {
        n: usize,
        limit: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.n += buf.len();
            if self.n > self.limit {
                return Err(std::io::Error::other("limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter { n: 0, limit };
    serde_json::to_writer(&mut c, v).is_err()
}

/// One visit of one state: what its events and errors need to know.
struct Visit<'e, 'a> {
    x: &'e Exec<'a>,
    s: &'static State,
    entered_id: u32,
    entered_at: Timestamp,
}

impl Visit<'_, '_> {
    /// The context object, built only for states that read `$$`. Tasks that wait for a
    /// job or a callback also get `Task.Token`, a new one per attempt (ASL-CTX-09, ASL-SUB-51).
    fn ctx(&self, retry_count: u32) -> Value {
        self.ctx_with_token(retry_count, None)
    }

    /// [`Visit::ctx`] with `Task.Token` for a Task attempt that has one.
    fn ctx_with_token(&self, retry_count: u32, token: Option<&str>) -> Value {
        if !self.s.uses_context {
            return Value::Null;
        }
        let mut c = self.x.context(self.s, self.entered_at, retry_count);
        if let (Some(token), Value::Object(m)) = (token, &mut c) {
            m.insert("Task".into(), json!({ "Token": token }));
        }
        c
    }

    /// A new task token for this attempt, for Tasks that wait for a job, a callback or an
    /// activity worker (ASL-CTX-09, ASL-SUB-51: a new one per attempt).
    fn new_token(&self) -> Option<Arc<str>> {
        match &self.s.kind {
            Kind::Task(t)
                if matches!(
                    t.resource_type,
                    ResourceType::Sync | ResourceType::Callback | ResourceType::Activity
                ) =>
            {
                Some(uuid::Uuid::new_v4().to_string().into())
            }
            _ => None,
        }
    }

    /// Turns an error raised by this state's own data flow into a failure; `States.Runtime`
    /// causes get AWS's prefix (ASL-SUB-29).
    fn local<T>(&self, r: Result<T, StateError>) -> Result<T, Failure> {
        r.map_err(|e| self.failure(e))
    }

    fn failure(&self, e: StateError) -> Failure {
        let mut f = Failure::from(e);
        if f.terminal {
            f.cause = Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                self.s.name,
                self.entered_id,
                f.cause.as_deref().unwrap_or("")
            ));
        }
        f
    }

    /// InputPath (ASL-IO-02): borrowed when it is the identity.
    fn input_path<'r>(&self, raw: &'r Value, ctx: &Value) -> Result<Cow<'r, Value>, Failure> {
        match &self.s.input_path {
            IoPath::Identity => Ok(Cow::Borrowed(raw)),
            IoPath::Null => Ok(Cow::Owned(Value::Object(Map::new()))),
            IoPath::Path(path) => self.local(select(path, raw, ctx)).map(Cow::Owned),
        }
    }

    /// OutputPath (ASL-IO-08). The data is consumed: a plain member/index path moves the
    /// selected value out instead of copying it.
    fn output_path(&self, mut data: Value, ctx: &Value) -> Result<Value, Failure> {
        match &self.s.output_path {
            IoPath::Identity => Ok(data),
            IoPath::Null => Ok(Value::Object(Map::new())),
            IoPath::Path(path) => match take_simple(&mut data, path) {
                Some(v) => Ok(v),
                None => self.local(select(path, &data, ctx)),
            },
        }
    }

    /// ResultPath (ASL-IO-07, ASL-SUB-01/02).
    fn result_path(&self, p: &IoPath, raw: Value, result: Value) -> Result<Value, Failure> {
        match p {
            IoPath::Identity => Ok(result),
            IoPath::Null => Ok(raw),
            IoPath::Path(path) => {
                let mut out = raw;
                self.local(crate::path::set(&mut out, path, result))?;
                Ok(out)
            }
        }
    }

    /// The payload quota on a state's output (ASL-IO-09): terminal.
    fn size_check(&self, out: &Value) -> Result<(), Failure> {
        if exceeds(out, MAX_PAYLOAD_BYTES) {
            return Err(Failure {
                error: Some("States.DataLimitExceeded".into()),
                cause: Some(format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    self.s.name
                )),
                terminal: true,
            });
        }
        Ok(())
    }

    /// The quota, unless the state passes its input through unchanged (identity InputPath and
    /// OutputPath): that value was checked when it was produced.
    fn size_check_if_changed(&self, out: &Value) -> Result<(), Failure> {
        if matches!(self.s.input_path, IoPath::Identity)
            && matches!(self.s.output_path, IoPath::Identity)
        {
            return Ok(());
        }
        self.size_check(out)
    }

    /// OutputPath, the quota, the exit event, the transition.
    fn exit(&self, data: Value, ctx: &Value) -> Result<Flow, Failure> {
        let out = self.output_path(data, ctx)?;
        self.size_check(&out)?;
        self.x.event(exited_event(&self.s.kind), Some(self.s.name));
        Ok(match self.s.next {
            Some(n) => Flow::Next(n, out),
            None => Flow::End(out),
        })
    }

    fn spec(&self) -> &'static ResultSpec {
        match &self.s.kind {
            Kind::Task(t) => &t.result,
            Kind::Parallel(p) => &p.result,
            Kind::Map(m) => &m.result,
            _ => &EMPTY_SPEC,
        }
    }

    /// Task, Parallel and Map: attempts under Retry, then Catch (ASL-RT, ASL-CT).
    async fn with_retry(&self, raw: Value, loc: &Location) -> Result<Flow, Failure> {
        let spec = self.spec();
        let mut counters = [0u64; 8];
        let mut counters_vec = Vec::new();
        let counters: &mut [u64] = if spec.retry.len() <= counters.len() {
            &mut counters[..spec.retry.len()]
        } else {
            counters_vec.resize(spec.retry.len(), 0);
            &mut counters_vec
        };
        let mut retry_count = 0u32;
        loop {
            let token = self.new_token();
            let ctx = self.ctx_with_token(retry_count, token.as_deref());
            let failure = match self.attempt(&raw, &ctx, retry_count, token, loc).await {
                Ok(result) => {
                    let e = env(&result, &ctx);
                    let selected = match &spec.result_selector {
                        Some(t) => self.local(crate::template::eval(t, &e))?,
                        None => result,
                    };
                    let out = self.result_path(&spec.result_path, raw, selected)?;
                    return self.exit(out, &ctx);
                }
                Err(f) => f,
            };
            if failure.terminal {
                return Err(failure);
            }
            let name = failure.error_name();
            if let Some(i) = spec
                .retry
                .iter()
                .position(|r| error_matches(r.error_equals, name))
            {
                let r = &spec.retry[i];
                if counters[i] < r.max_attempts {
                    counters[i] += 1;
                    let delay = self.backoff(r, counters[i]);
                    tokio::time::sleep(delay).await;
                    retry_count += 1;
                    continue;
                }
            }
            // Retries are over: Parallel and Map record their failure once (ASL-EV-07/08;
            // recorded histories show no MapStateFailed between retried attempts).
            match self.s.kind {
                Kind::Parallel(_) => self.x.event("ParallelStateFailed", Some(self.s.name)),
                Kind::Map(_) => self.x.event("MapStateFailed", Some(self.s.name)),
                _ => 0,
            };
            if let Some(c) = spec
                .catch
                .iter()
                .find(|c| error_matches(c.error_equals, name))
            {
                return self.caught(c, raw, &failure);
            }
            return Err(failure);
        }
    }

    /// The delay before the k-th retry granted by `r` (ASL-RT-08, ASL-SUB-23).
    fn backoff(&self, r: &crate::machine::Retrier, k: u64) -> std::time::Duration {
        let exp = i32::try_from(k.saturating_sub(1)).unwrap_or(i32::MAX);
        let mut secs = r.interval_seconds as f64 * r.backoff_rate.powi(exp);
        if let Some(max) = r.max_delay_seconds {
            secs = secs.min(max as f64);
        }
        if r.full_jitter {
            let mut rng = self.x.rng().lock().unwrap_or_else(|p| p.into_inner());
            secs *= rng.random::<f64>();
        }
        std::time::Duration::try_from_secs_f64(secs).unwrap_or(std::time::Duration::MAX)
    }

    /// A catcher took the failure: Error Output through the catcher's ResultPath, no
    /// ResultSelector or OutputPath (ASL-IO-14, ASL-SUB-08).
    fn caught(&self, c: &Catcher, raw: Value, f: &Failure) -> Result<Flow, Failure> {
        let out = self.result_path(&c.result_path, raw, f.error_output())?;
        self.size_check(&out)?;
        self.x.event(exited_event(&self.s.kind), Some(self.s.name));
        Ok(Flow::Next(c.next, out))
    }

    /// One attempt of the state's work: InputPath and Parameters are evaluated again for each
    /// attempt (ASL-RT-11).
    async fn attempt(
        &self,
        raw: &Value,
        ctx: &Value,
        retry_count: u32,
        token: Option<Arc<str>>,
        loc: &Location,
    ) -> Result<Value, Failure> {
        let effective = self.input_path(raw, ctx)?;
        match &self.s.kind {
            Kind::Task(t) => {
                let e = env(&effective, ctx);
                let input = match &t.parameters {
                    Some(p) => self.local(crate::template::eval(p, &e))?,
                    None => effective.clone().into_owned(),
                };
                // The task input after Parameters is under the quota too (ASL-SUB-54). AWS's
                // cause for this case is not recorded; the wording follows the output case.
                if exceeds(&input, MAX_PAYLOAD_BYTES) {
                    return Err(Failure {
                        error: Some("States.DataLimitExceeded".into()),
                        cause: Some(format!(
                            "The state/task '{}' was given an input with a size exceeding the maximum number of bytes service limit.",
                            self.s.name
                        )),
                        terminal: true,
                    });
                }
                let timeout = self.local(seconds(t.timeout.as_ref(), "TimeoutSecondsPath", &e))?;
                let heartbeat =
                    self.local(seconds(t.heartbeat.as_ref(), "HeartbeatSecondsPath", &e))?;
                let credentials = match &t.credentials {
                    Some(c) => Some(self.local(crate::template::eval(c, &e))?),
                    None => None,
                };
                let call = TaskCall {
                    handler: t.handler,
                    input,
                    context: TaskContext {
                        state: self.s.name,
                        resource: t.resource,
                        resource_type: t.resource_type,
                        retry_count,
                        location: loc.path(),
                        execution_name: self.x.name().clone(),
                        credentials,
                        task_token: token,
                    },
                };
                self.task(t, call, timeout, heartbeat).await
            }
            Kind::Parallel(p) => {
                let e = env(&effective, ctx);
                let input = match &p.parameters {
                    Some(t) => self.local(crate::template::eval(t, &e))?,
                    None => effective.clone().into_owned(),
                };
                self.x.event("ParallelStateStarted", Some(self.s.name));
                let branches = p
                    .branches
                    .iter()
                    .enumerate()
                    .map(|(i, &start)| self.x.run_scope(start, input.clone(), loc.child(i)));
                let results = futures_util::future::try_join_all(branches).await?;
                Ok(Value::Array(results))
            }
            Kind::Map(m) => self.map(m, &effective, ctx, loc).await,
            _ => Ok(effective.into_owned()),
        }
    }

    async fn task(
        &self,
        t: &'static crate::machine::Task,
        call: TaskCall,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    ) -> Result<Value, Failure> {
        let lambda = t.resource_type == ResourceType::Lambda;
        let (scheduled, started, succeeded, failed, timed_out) = if lambda {
            (
                "LambdaFunctionScheduled",
                "LambdaFunctionStarted",
                "LambdaFunctionSucceeded",
                "LambdaFunctionFailed",
                "LambdaFunctionTimedOut",
            )
        } else if t.resource_type == ResourceType::Activity {
            (
                "ActivityScheduled",
                "ActivityStarted",
                "ActivitySucceeded",
                "ActivityFailed",
                "ActivityTimedOut",
            )
        } else {
            (
                "TaskScheduled",
                "TaskStarted",
                "TaskSucceeded",
                "TaskFailed",
                "TaskTimedOut",
            )
        };
        let name = Some(self.s.name);
        self.x.event(scheduled, name);
        self.x.event(started, name);
        if matches!(t.resource_type, ResourceType::Sync | ResourceType::Callback) {
            self.x.event("TaskSubmitted", name);
        }
        // A handler cannot send heartbeats, so a heartbeat interval is a deadline too
        // (ASL-TK-03: expiry is reported as States.Timeout, ASL-SUB-27).
        let limit = match (timeout, heartbeat) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let fut = self.x.handler.call(call);
        let result = match limit {
            Some(secs) => {
                match tokio::time::timeout(std::time::Duration::from_secs(secs), fut).await {
                    Ok(r) => r,
                    Err(_) => {
                        self.x.event(timed_out, name);
                        return Err(Failure {
                            error: Some("States.Timeout".into()),
                            cause: None,
                            terminal: false,
                        });
                    }
                }
            }
            None => fut.await,
        };
        match result {
            Ok(v) => {
                if exceeds(&v, MAX_PAYLOAD_BYTES) {
                    self.x.event(failed, name);
                    return Err(Failure {
                        error: Some("States.DataLimitExceeded".into()),
                        cause: Some(format!(
                            "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                            service_name(t.resource).unwrap_or(self.s.name)
                        )),
                        terminal: false,
                    });
                }
                self.x.event(succeeded, name);
                Ok(v)
            }
            Err(e) => {
                self.x.event(failed, name);
                // An empty name is a failure reported without one (a `SendTaskFailure` with
                // no `error`): the execution reports no error name.
                Err(Failure {
                    error: (!e.error.is_empty()).then_some(e.error),
                    cause: e.cause,
                    terminal: false,
                })
            }
        }
    }

    /// Inline Map (ASL-MAP, ASL-IO-12).
    async fn map(
        &self,
        m: &'static crate::machine::Map,
        effective: &Value,
        ctx: &Value,
        loc: &Location,
    ) -> Result<Value, Failure> {
        let e = env(effective, ctx);
        let items = match &m.items_path {
            Some(p) => self.local(select(p, effective, ctx))?,
            None => effective.clone(),
        };
        let items: Vec<(Option<String>, Value)> = match items {
            Value::Array(a) => a.into_iter().map(|v| (None, v)).collect(),
            Value::Object(o) => o.into_iter().map(|(k, v)| (Some(k), v)).collect(),
            other => {
                return Err(self.failure(StateError::runtime(format!(
                    "Map state input must be an array but was: {}",
                    json_text(&other)
                ))));
            }
        };
        let max = self.local(int_field(
            m.max_concurrency.as_ref(),
            "MaxConcurrencyPath",
            &e,
        ))?;
        let tolerated_count = self.local(int_field(
            m.tolerated_failure_count.as_ref(),
            "ToleratedFailureCountPath",
            &e,
        ))?;
        let tolerated_pct = self.local(percentage(m.tolerated_failure_percentage.as_ref(), &e))?;
        // Each item's input: ItemSelector with `$$.Map.Item` (ASL-MAP-03, ASL-CTX-10).
        let mut inputs = Vec::with_capacity(items.len());
        for (i, (key, value)) in items.into_iter().enumerate() {
            let input = match &m.item_selector {
                // Without `$$` in the selector there is no context to build.
                Some(t) if !self.s.uses_context => {
                    self.local(crate::template::eval(t, &env(effective, &Value::Null)))?
                }
                Some(t) => {
                    let mut c = match self.x.context(self.s, self.entered_at, 0) {
                        Value::Object(c) => c,
                        _ => Map::new(),
                    };
                    let mut item = Map::new();
                    if let Some(k) = key {
                        item.insert("Key".into(), k.into());
                    }
                    item.insert("Index".into(), i.into());
                    item.insert("Value".into(), value);
                    c.insert("Map".into(), json!({ "Item": item }));
                    let c = Value::Object(c);
                    self.local(crate::template::eval(t, &env(effective, &c)))?
                }
                None => value,
            };
            inputs.push(input);
        }
        let total = inputs.len();
        self.x.event("MapStateStarted", Some(self.s.name));
        let limit = match max {
            Some(0) | None => total.max(1),
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        };
        let tolerant = tolerated_count.is_some() || tolerated_pct.is_some();
        let name = Some(self.s.name);
        // Iterations run concurrently up to `limit` in flight. Each is polled once at once:
        // one that finishes without waiting (no Task, no Wait) never enters the pool, which
        // saves its allocation. The pool is unordered, so a free slot is refilled as soon as
        // any iteration ends and a failure stops the Map at once (ASL-MAP-05/06); results go
        // back to item order (ASL-MAP-04).
        let mut pool = futures_util::stream::FuturesUnordered::new();
        let mut results: Vec<Value> = vec![Value::Null; total];
        let mut failed = 0usize;
        let mut items = inputs.into_iter().enumerate();
        let base = loc.path();
        loop {
            let mut done = None;
            while done.is_none() && pool.len() < limit {
                let Some((i, input)) = items.next() else {
                    break;
                };
                self.x.event("MapIterationStarted", name);
                // An iteration of synchronous states runs to its end here: no future at all.
                let (from, input) = match self.x.run_sync(m.start, input) {
                    SyncRun::Done(r) => {
                        done = Some((i, r));
                        continue;
                    }
                    SyncRun::Paused(from, input) => (from, input),
                };
                let mut fut = self.x.run_scope(from, input, Location::child_of(&base, i));
                match std::future::poll_fn(|cx| std::task::Poll::Ready(fut.as_mut().poll(cx))).await
                {
                    std::task::Poll::Ready(r) => done = Some((i, r)),
                    std::task::Poll::Pending => pool.push(async move {
                        let guard = AbortGuard {
                            x: self.x,
                            kind: Some("MapIterationAborted"),
                            state: name,
                        };
                        let r = fut.await;
                        guard.done();
                        (i, r)
                    }),
                }
            }
            let (i, r) = match done {
                Some(d) => d,
                None => match pool.next().await {
                    Some(d) => d,
                    None => break,
                },
            };
            self.x.event(
                if r.is_ok() {
                    "MapIterationSucceeded"
                } else {
                    "MapIterationFailed"
                },
                name,
            );
            let Some(slot) = results.get_mut(i) else {
                continue;
            };
            match r {
                Ok(v) => *slot = v,
                Err(f) if tolerant && !f.terminal => {
                    failed += 1;
                    let over_count = tolerated_count.is_some_and(|c| failed as u64 > c);
                    let over_pct =
                        tolerated_pct.is_some_and(|p| (failed as f64) * 100.0 / (total as f64) > p);
                    if over_count || over_pct {
                        return Err(Failure {
                            error: Some("States.ExceedToleratedFailureThreshold".into()),
                            cause: Some(
                                "The specified tolerated failure threshold was exceeded".into(),
                            ),
                            terminal: false,
                        });
                    }
                    *slot = f.error_output();
                }
                Err(f) => return Err(f),
            }
        }
        self.x.event("MapStateSucceeded", name);
        Ok(Value::Array(results))
    }
}

static EMPTY_SPEC: ResultSpec = ResultSpec {
    result_selector: None,
    result_path: IoPath::Identity,
    retry: &[],
    catch: &[],
};

/// Moves the value at a `$`-rooted path of member names and non-negative indexes out of
/// `data` (leaving `null`); `None` when the path has another shape or matches nothing, so the
/// caller falls back to [`select`] and its error texts.
fn take_simple(data: &mut Value, path: &Path) -> Option<Value> {
    use asl_syntax::path::{Root, Segment, Selector};
    if path.root != Root::Input || path.function.is_some() {
        return None;
    }
    let simple = path.segments.iter().all(|s| {
        matches!(
            s,
            Segment::Child(Selector::Name(_)) | Segment::Child(Selector::Index(0..))
        )
    });
    if !simple {
        return None;
    }
    let mut cur = data;
    for seg in path.segments.iter() {
        cur = match seg {
            Segment::Child(Selector::Name(n)) => cur.as_object_mut()?.get_mut(n.as_ref())?,
            Segment::Child(Selector::Index(i)) => {
                cur.as_array_mut()?.get_mut(usize::try_from(*i).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur.take())
}

fn select(path: &Path, input: &Value, ctx: &Value) -> Result<Value, StateError> {
    crate::path::select(path, &env(input, ctx)).map_err(StateError::from)
}

/// The resource's service for messages (`lambda` in `arn:aws:states:::lambda:invoke`).
fn service_name(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:aws:states:::")?;
    let rest = rest.strip_prefix("aws-sdk:").unwrap_or(rest);
    rest.split(':').next()
}

/// `TimeoutSeconds[Path]` / `HeartbeatSeconds[Path]` (ASL-TK-04).
fn seconds(s: Option<&Seconds>, field: &str, e: &Env<'_>) -> Result<Option<u64>, StateError> {
    match s {
        None => Ok(None),
        Some(Seconds::Static(n)) => Ok(Some(*n)),
        Some(Seconds::Path(p)) => {
            let v = crate::path::select(p, e).map_err(StateError::from)?;
            match v.as_u64() {
                Some(n) if n > 0 => Ok(Some(n)),
                _ => Err(StateError::runtime(format!(
                    "The {field} field refers to value \"{}\" which is not a valid positive integer: {}",
                    value_text(&v),
                    p.source
                ))),
            }
        }
    }
}

/// `MaxConcurrencyPath`, `ToleratedFailureCountPath` (ASL-MAP-05, ASL-DMAP-05).
fn int_field(s: Option<&Seconds>, field: &str, e: &Env<'_>) -> Result<Option<u64>, StateError> {
    match s {
        None => Ok(None),
        Some(Seconds::Static(n)) => Ok(Some(*n)),
        Some(Seconds::Path(p)) => {
            let v = crate::path::select(p, e).map_err(StateError::from)?;
            match v.as_i64() {
                Some(n) if n < 0 && field == "ToleratedFailureCountPath" => Err(
                    StateError::runtime("ToleratedFailureCount cannot be negative."),
                ),
                Some(n) if n >= 0 => Ok(Some(n.unsigned_abs())),
                // A negative MaxConcurrency is not a count; AWS's text for it is not
                // recorded, so it gets the invalid-integer wording (ASL-MAP-05).
                _ => Err(StateError::runtime(format!(
                    "The {field} field refers to value \"{}\" which is not a valid integer: {}",
                    value_text(&v),
                    p.source
                ))),
            }
        }
    }
}

/// `ToleratedFailurePercentage[Path]` (ASL-DMAP-05).
fn percentage(s: Option<&Percentage>, e: &Env<'_>) -> Result<Option<f64>, StateError> {
    let v = match s {
        None => return Ok(None),
        Some(Percentage::Static(n)) => *n,
        Some(Percentage::Path(p)) => {
            let v = crate::path::select(p, e).map_err(StateError::from)?;
            v.as_f64().ok_or_else(|| {
                StateError::runtime(format!(
                    "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}",
                    value_text(&v),
                    p.source
                ))
            })?
        }
    };
    if !(0.0..=100.0).contains(&v) {
        return Err(StateError::runtime(
            "ToleratedFailurePercentage must be between 0 and 100.",
        ));
    }
    Ok(Some(v))
}

/// A value as AWS quotes it in `…Path` messages: strings bare, others as JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size bound never undercounts, and `exceeds` agrees with the serialized length at
    /// the boundary (ASL-IO-09).
    #[test]
    fn payload_size_bound_and_exact_test() {
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-1),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1.5e300),
            json!(-0.000001),
            json!("plain"),
            json!("quote\" back\\ nl\n ctl\u{1} é 😀"),
            json!({"a": [1, 2.5, "x"], "b": {"c": null}, "": []}),
        ];
        for v in &values {
            let n = serde_json::to_string(v).unwrap().len();
            assert!(upper_len(v) >= n, "{v}: bound {} < {n}", upper_len(v));
            assert!(!exceeds(v, n), "{v}");
            assert!(exceeds(v, n - 1), "{v}");
        }
    }

    /// ASL-ERR-01/02, ASL-SUB-18/19: wildcards and the unmatchable States.Runtime.
    #[test]
    fn error_matching() {
        assert!(error_matches(&["States.ALL"], "Custom"));
        assert!(error_matches(&["States.ALL"], "States.Timeout"));
        assert!(!error_matches(&["States.ALL"], "States.Runtime"));
        assert!(!error_matches(&["States.Runtime"], "States.Runtime"));
        assert!(error_matches(&["States.TaskFailed"], "Lambda.Unknown"));
        assert!(!error_matches(&["States.TaskFailed"], "States.Timeout"));
        assert!(error_matches(&["States.Timeout"], "States.Timeout"));
        assert!(!error_matches(&["A", "B"], "C"));
        assert!(!error_matches(&["custom"], "Custom"));
    }
}
