//! The execution API: Standard executions that live in a [`Store`], named and shaped after
//! the Step Functions API (`StartExecution`, `DescribeExecution`, `ListExecutions`,
//! `GetExecutionHistory`), so that a server can expose it one to one.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # asl_runtime::asl! { pub Flow = { "StartAt": "P", "States": { "P": { "Type": "Pass", "End": true } } } }
//! use asl_runtime::engine::Engine;
//! let engine = Engine::open("executions.db")?;       // one SQLite file, created if missing
//! let machine = engine.register("Flow", Flow::new(()));
//! engine.resume()?;                                  // executions a crash interrupted go on
//! let started = engine.start_execution(&machine, Some("order-42"), r#"{"id": 42}"#)?;
//! let closed = engine.wait(&started.execution_arn).await?;
//! println!("{} {:?}", closed.status.as_str(), closed.output);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use jiff::Timestamp;

use crate::Value;
use crate::driver::Outcome;
use crate::handler::Dispatch;
use crate::machine::Machine;
use crate::store::{
    ActivityRecord, ExecutionRecord, HistoryRecord, Lease, ListQuery, NewExecution, Page,
    SqliteStore, Status, Store, StoreError, TokenOutcome,
};

/// A compiled machine with its handlers bound: what [`Engine::register`] takes. Generated
/// machine types implement it.
pub trait Compiled {
    /// The static descriptor.
    fn descriptor(&self) -> &'static Machine;
    /// The bound handlers.
    fn dispatcher(&self) -> Arc<dyn Dispatch>;
}

/// An error of the execution API, with the Step Functions API's error names.
#[derive(Debug)]
pub enum ApiError {
    /// `StateMachineDoesNotExist`.
    StateMachineDoesNotExist(String),
    /// `ActivityDoesNotExist`.
    ActivityDoesNotExist(String),
    /// `ExecutionDoesNotExist`.
    ExecutionDoesNotExist(String),
    /// `ExecutionAlreadyExists`: the name is taken by a closed execution, or by a running
    /// one with other input.
    ExecutionAlreadyExists(String),
    /// `InvalidName`.
    InvalidName(String),
    /// `ExecutionNotRedrivable`: it runs, it succeeded, or it stopped too long ago.
    ExecutionNotRedrivable(String),
    /// `InvalidExecutionInput`: not JSON, or over the payload quota.
    InvalidExecutionInput(String),
    /// `InvalidToken`: a task token no task was handed, or a `next_token` this API did not
    /// hand out.
    InvalidToken(String),
    /// `InvalidOutput`: a task output that is not JSON, or over the payload quota.
    InvalidOutput(String),
    /// `TaskTimedOut`: the task of the token timed out, already has its outcome, or its
    /// execution closed.
    TaskTimedOut(String),
    /// The store failed; the API's `ServiceUnavailable`/internal error.
    Store(StoreError),
}

impl ApiError {
    /// The Step Functions API's error name (`__type` without the namespace).
    pub fn name(&self) -> &'static str {
        match self {
            ApiError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            ApiError::ActivityDoesNotExist(_) => "ActivityDoesNotExist",
            ApiError::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            ApiError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            ApiError::InvalidName(_) => "InvalidName",
            ApiError::ExecutionNotRedrivable(_) => "ExecutionNotRedrivable",
            ApiError::InvalidExecutionInput(_) => "InvalidExecutionInput",
            ApiError::InvalidToken(_) => "InvalidToken",
            ApiError::InvalidOutput(_) => "InvalidOutput",
            ApiError::TaskTimedOut(_) => "TaskTimedOut",
            ApiError::Store(_) => "ServiceUnavailable",
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::StateMachineDoesNotExist(m)
            | ApiError::ActivityDoesNotExist(m)
            | ApiError::ExecutionDoesNotExist(m)
            | ApiError::ExecutionAlreadyExists(m)
            | ApiError::InvalidName(m)
            | ApiError::ExecutionNotRedrivable(m)
            | ApiError::InvalidExecutionInput(m)
            | ApiError::InvalidToken(m)
            | ApiError::InvalidOutput(m)
            | ApiError::TaskTimedOut(m) => write!(f, "{}: {m}", self.name()),
            ApiError::Store(e) => write!(f, "{}: {e}", self.name()),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(arn) => {
                ApiError::ExecutionDoesNotExist(format!("Execution Does Not Exist: '{arn}'"))
            }
            StoreError::InvalidToken(t) => ApiError::InvalidToken(format!("Invalid Token: '{t}'")),
            e => ApiError::Store(e),
        }
    }
}

/// What `GetActivityTask` hands a worker.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityTaskOutput {
    /// The token to answer with (`send_task_success`, `send_task_failure`,
    /// `send_task_heartbeat`).
    pub task_token: String,
    /// The task's input, JSON text.
    pub input: String,
}

/// What `StartExecution` returns.
#[derive(Clone, Debug, PartialEq)]
pub struct StartExecutionOutput {
    /// The execution's ARN.
    pub execution_arn: String,
    /// When it started (for a repeated start of a running execution, the original start).
    pub start_date: Timestamp,
}

/// Where executions are named: the ARN's region and account.
#[derive(Clone, Debug)]
pub struct Account {
    /// The region in ARNs (default `us-east-1`).
    pub region: String,
    /// The account id in ARNs (default `123456789012`).
    pub account: String,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            region: "us-east-1".into(),
            account: "123456789012".into(),
        }
    }
}

struct Registered {
    name: String,
    /// The state machine's ARN.
    arn: String,
    machine: &'static Machine,
    dispatch: Arc<dyn Dispatch>,
    /// The revision of the definition it is, if registered as one.
    revision_id: Option<String>,
}

/// The machines an engine knows.
#[derive(Default)]
struct Machines {
    /// By state machine ARN: the registration new executions run.
    current: HashMap<String, Arc<Registered>>,
    /// By revision id: what executions that started on that revision run.
    revisions: HashMap<String, Arc<Registered>>,
    /// By state machine ARN: the last registration of a machine unregistered since, for
    /// its executions that still run.
    deleted: HashMap<String, Arc<Registered>>,
}

struct Inner {
    store: Arc<dyn Store>,
    account: Account,
    machines: RwLock<Machines>,
    /// Executions this engine runs or has parked, with a signal for their end.
    runs: Mutex<HashMap<String, Run>>,
    /// Whether the task that resumes parked executions runs.
    poller: std::sync::atomic::AtomicBool,
    clock: Clock,
    /// Who this engine is, in the store's leases: `host/pid/random`.
    owner: String,
    /// Where Distributed Maps read items and write results.
    objects: RwLock<Option<Arc<dyn crate::objects::ObjectStore>>>,
}

/// Where the engine reads the time.
#[derive(Clone, Copy)]
enum Clock {
    System,
    /// `start` plus tokio's elapsed time since `origin`: with tokio's paused time in tests.
    Tokio {
        start: Timestamp,
        origin: tokio::time::Instant,
    },
}

impl Clock {
    fn now(self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Tokio { start, origin } => {
                let d = jiff::SignedDuration::try_from(origin.elapsed())
                    .unwrap_or(jiff::SignedDuration::ZERO);
                start.checked_add(d).unwrap_or(start)
            }
        }
    }
}

/// An execution this engine looks after.
struct Run {
    /// Its future is alive; otherwise it is parked on callbacks, unloaded.
    loaded: bool,
    /// For a parked one: when a deadline passes.
    until: Option<Timestamp>,
    done: tokio::sync::watch::Sender<bool>,
    /// The task running it, while loaded.
    task: Option<tokio::task::AbortHandle>,
}

/// How often parked executions are checked for outcomes delivered by other processes.
const POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// How long a lease on an execution lasts; the engine renews its leases every third of it,
/// and adopts then the executions whose holder is gone.
const LEASE: std::time::Duration = std::time::Duration::from_secs(30);

/// When a lease taken at `now` runs out.
fn lease_end(now: Timestamp) -> Timestamp {
    now.checked_add(jiff::SignedDuration::try_from(LEASE).unwrap_or_default())
        .unwrap_or(now)
}

/// This machine's name, as the kernel knows it (Linux); `localhost` elsewhere.
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

/// Whether the holder of a lease is a process of this machine that no longer exists: its
/// executions can be taken over at once instead of when the lease runs out. A holder on
/// another machine, or where processes cannot be looked up, is taken to be alive.
fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.split('/');
    let (Some(h), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    if h != host() || pid == std::process::id().to_string() || pid.is_empty() {
        return false;
    }
    if !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    // Gone, or a zombie nobody reaped yet (state `Z` after the command name).
    match std::fs::read_to_string(std::path::Path::new("/proc").join(pid).join("stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Runs Standard executions durably over a [`Store`]. Cheap to clone; every clone is the same
/// engine. Executions run as tasks on the tokio runtime the calls are made from.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// An engine over `store`.
    pub fn new(store: impl Store + 'static) -> Engine {
        Engine::with_store(Arc::new(store))
    }

    /// An engine over a shared store.
    pub fn with_store(store: Arc<dyn Store>) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                store,
                account: Account::default(),
                machines: RwLock::new(Machines::default()),
                runs: Mutex::new(HashMap::new()),
                poller: std::sync::atomic::AtomicBool::new(false),
                clock: Clock::System,
                owner: format!("{}/{}/{}", host(), std::process::id(), uuid::Uuid::new_v4()),
                objects: RwLock::new(None),
            }),
        }
    }

    /// The same engine reading time from tokio's clock, starting at `start`: for tests in
    /// paused time, where a day of timers passes at once. Call before anything else.
    pub fn with_tokio_clock(self, start: Timestamp) -> Engine {
        let inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("Engine::with_tokio_clock must be called on a new engine"));
        Engine {
            inner: Arc::new(Inner {
                clock: Clock::Tokio {
                    start,
                    origin: tokio::time::Instant::now(),
                },
                ..inner
            }),
        }
    }

    /// Sets where the Distributed Maps of this engine's executions read items and write
    /// results (S3 on AWS; see [`crate::objects`]). Executions started later use it.
    pub fn set_objects(&self, objects: Arc<dyn crate::objects::ObjectStore>) {
        *self
            .inner
            .objects
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(objects);
    }

    /// The engine's time.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// An engine over the SQLite store at `path` (created if missing).
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Engine, StoreError> {
        Ok(Engine::new(SqliteStore::open(path)?))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The region and account of the ARNs this engine makes.
    pub fn account(&self) -> &Account {
        &self.inner.account
    }

    /// The ARN of the state machine called `name`.
    pub fn state_machine_arn(&self, name: &str) -> String {
        let a = &self.inner.account;
        format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            a.region, a.account
        )
    }

    /// The ARN of the activity called `name`.
    pub fn activity_arn(&self, name: &str) -> String {
        let a = &self.inner.account;
        format!("arn:aws:states:{}:{}:activity:{name}", a.region, a.account)
    }

    /// Makes a compiled machine available under `name`, as its current registration; returns
    /// its ARN. Registering a name again replaces its handlers for executions started or
    /// resumed from then on (an execution that started on a revision registered with
    /// [`Engine::register_revision`] runs that revision). Its executions record no revision.
    pub fn register(&self, name: &str, machine: impl Compiled) -> String {
        self.add(name, None, machine, true)
    }

    /// Makes a compiled machine available under `name` as the revision `revision_id` of its
    /// definition (the store's [`crate::store::StateMachineRecord::revision_id`]); returns the
    /// machine's ARN. Executions that started on that revision run it, when they are resumed,
    /// woken or redriven, whatever the machine's current registration is. With `current`, it
    /// is also the machine's current registration: new executions run it and record its
    /// revision id.
    pub fn register_revision(
        &self,
        name: &str,
        revision_id: &str,
        machine: impl Compiled,
        current: bool,
    ) -> String {
        self.add(name, Some(revision_id.to_owned()), machine, current)
    }

    fn add(
        &self,
        name: &str,
        revision_id: Option<String>,
        machine: impl Compiled,
        current: bool,
    ) -> String {
        let arn = self.state_machine_arn(name);
        let r = Arc::new(Registered {
            name: name.to_owned(),
            arn: arn.clone(),
            machine: machine.descriptor(),
            dispatch: machine.dispatcher(),
            revision_id: revision_id.clone(),
        });
        let mut m = self
            .inner
            .machines
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(id) = revision_id {
            m.revisions.insert(id, r.clone());
        }
        if current {
            m.deleted.remove(&arn);
            m.current.insert(arn.clone(), r);
        }
        arn
    }

    /// Withdraws a state machine (`DeleteStateMachine`): new executions of it are refused
    /// with `StateMachineDoesNotExist`, and its executions cannot be redriven; executions
    /// that run go on to their end (AWS marks the machine `DELETING` and lets them finish),
    /// resumed and woken as before. Registering it again makes it available again.
    pub fn unregister(&self, state_machine_arn: &str) {
        let mut m = self
            .inner
            .machines
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(r) = m.current.remove(state_machine_arn) {
            m.deleted.insert(state_machine_arn.to_owned(), r);
        }
    }

    /// The current registration of a machine: what a new execution runs.
    fn registered(&self, arn: &str) -> Option<Arc<Registered>> {
        self.inner
            .machines
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .current
            .get(arn)
            .cloned()
    }

    /// What an existing execution runs: the revision it started on, if registered; else its
    /// machine's current registration, or the last one of a machine unregistered since.
    fn registered_for(&self, rec: &ExecutionRecord) -> Option<Arc<Registered>> {
        let m = self
            .inner
            .machines
            .read()
            .unwrap_or_else(|p| p.into_inner());
        rec.revision_id
            .as_ref()
            .and_then(|id| m.revisions.get(id))
            .filter(|r| r.arn == rec.state_machine_arn)
            .or_else(|| m.current.get(&rec.state_machine_arn))
            .or_else(|| m.deleted.get(&rec.state_machine_arn))
            .cloned()
    }

    /// Resumes every RUNNING execution of a registered machine that this engine is not
    /// running yet; returns how many it resumed. Call it once after registering, at start.
    pub fn resume(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        let mut token: Option<String> = None;
        loop {
            let page = self.inner.store.list_executions(&ListQuery {
                status: Some(Status::Running),
                limit: 1000,
                next_token: token.as_deref(),
                ..ListQuery::default()
            })?;
            for rec in page.items {
                let tracked = self
                    .inner
                    .runs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains_key(&rec.arn);
                if !tracked
                    && let Some(r) = self.registered_for(&rec)
                    && self.spawn(r, rec)
                {
                    n += 1;
                }
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => return Ok(n),
            }
        }
    }

    /// `StartExecution`: starts an execution of the machine `state_machine_arn`. A name is
    /// idempotent as AWS has it: while an execution of that name runs with the same input,
    /// starting it again returns it; a closed one, or other input, is `ExecutionAlreadyExists`.
    pub fn start_execution(
        &self,
        state_machine_arn: &str,
        name: Option<&str>,
        input: &str,
    ) -> Result<StartExecutionOutput, ApiError> {
        let (r, new, value) = self.new_execution(state_machine_arn, name, input, Vec::new())?;
        let inserted = self.inner.store.insert_execution(&new);
        self.started(r, new, &value, inserted?)
    }

    /// [`start_execution`](Self::start_execution) from async code, with tags written with
    /// the execution (the server keeps a MockConfigFile test case so). The insert goes with
    /// the store's batched writes ([`Store::insert_execution_batched`]): under load, many
    /// starts and appends share one transaction.
    pub async fn start_tagged_execution(
        &self,
        state_machine_arn: &str,
        name: Option<&str>,
        input: &str,
        tags: Vec<(String, String)>,
    ) -> Result<StartExecutionOutput, ApiError> {
        let (r, new, value) = self.new_execution(state_machine_arn, name, input, tags)?;
        let inserted = self.inner.store.insert_execution_batched(new.clone()).await;
        self.started(r, new, &value, inserted?)
    }

    /// The checks of `StartExecution`, and the execution to insert.
    fn new_execution(
        &self,
        state_machine_arn: &str,
        name: Option<&str>,
        input: &str,
        tags: Vec<(String, String)>,
    ) -> Result<(Arc<Registered>, NewExecution, Value), ApiError> {
        let r = self.registered(state_machine_arn).ok_or_else(|| {
            ApiError::StateMachineDoesNotExist(format!(
                "State Machine Does Not Exist: '{state_machine_arn}'"
            ))
        })?;
        let name = match name {
            Some(n) => {
                check_name(n)?;
                n.to_owned()
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        let value: Value = serde_json::from_str(input).map_err(|e| {
            ApiError::InvalidExecutionInput(format!("Invalid State Machine Execution Input: '{e}'"))
        })?;
        if crate::driver::exceeds_quota(&value) {
            return Err(ApiError::InvalidExecutionInput(
                "The execution input exceeds the maximum number of bytes service limit.".into(),
            ));
        }
        let a = &self.inner.account;
        let now = self.now();
        let new = NewExecution {
            arn: format!(
                "arn:aws:states:{}:{}:execution:{}:{name}",
                a.region, a.account, r.name
            ),
            name,
            state_machine_arn: state_machine_arn.to_owned(),
            input: input.to_owned(),
            start_date: now,
            seed: rand::random(),
            revision_id: r.revision_id.clone(),
            // Taken with the insert: one write starts the execution.
            lease: Some(Lease {
                owner: self.inner.owner.clone(),
                until: lease_end(now),
            }),
            tags,
        };
        Ok((r, new, value))
    }

    /// After the insert: runs the new execution, or answers for the one of that name.
    fn started(
        &self,
        r: Arc<Registered>,
        new: NewExecution,
        value: &Value,
        existing: Option<ExecutionRecord>,
    ) -> Result<StartExecutionOutput, ApiError> {
        match existing {
            None => {
                // What the store now holds, without reading it back.
                let rec = ExecutionRecord {
                    arn: new.arn,
                    name: new.name,
                    state_machine_arn: new.state_machine_arn,
                    status: Status::Running,
                    input: new.input,
                    output: None,
                    error: None,
                    cause: None,
                    start_date: new.start_date,
                    stop_date: None,
                    seed: new.seed,
                    events: 0,
                    redrive_count: 0,
                    revision_id: new.revision_id,
                };
                let out = StartExecutionOutput {
                    execution_arn: rec.arn.clone(),
                    start_date: rec.start_date,
                };
                self.adopt(r, rec);
                Ok(out)
            }
            Some(existing)
                if existing.status == Status::Running && same_json(&existing.input, value) =>
            {
                Ok(StartExecutionOutput {
                    execution_arn: existing.arn,
                    start_date: existing.start_date,
                })
            }
            Some(existing) => Err(ApiError::ExecutionAlreadyExists(format!(
                "Execution Already Exists: '{}'",
                existing.arn
            ))),
        }
    }

    /// Runs `rec` on this runtime unless this engine runs it already.
    fn spawn(&self, r: Arc<Registered>, rec: ExecutionRecord) -> bool {
        match self.take_lease(&rec.arn) {
            Ok(true) => {}
            // Another live process runs it.
            Ok(false) => return false,
            Err(e) => {
                eprintln!("asl: cannot lease {}: {e}", rec.arn);
                return false;
            }
        }
        self.adopt(r, rec)
    }

    /// Runs `rec`, whose lease this engine holds, unless it runs it already.
    fn adopt(&self, r: Arc<Registered>, rec: ExecutionRecord) -> bool {
        {
            let mut runs = self.inner.runs.lock().unwrap_or_else(|p| p.into_inner());
            match runs.get_mut(&rec.arn) {
                Some(run) if run.loaded => return false,
                Some(run) => run.loaded = true,
                None => {
                    runs.insert(
                        rec.arn.clone(),
                        Run {
                            loaded: true,
                            until: None,
                            done: tokio::sync::watch::channel(false).0,
                            task: None,
                        },
                    );
                }
            }
        }
        self.launch(r, rec);
        true
    }

    /// Takes (or renews) this engine's lease on a running execution; takes it over at once
    /// from a holder that is gone (see [`holder_is_gone`]).
    fn take_lease(&self, arn: &str) -> Result<bool, StoreError> {
        let store = &self.inner.store;
        let now = self.now();
        let until = lease_end(now);
        let owner = &self.inner.owner;
        if store.lease(arn, owner, until, now, None)? {
            return Ok(true);
        }
        match store.lease_holder(arn, now)? {
            Some(holder) if holder_is_gone(&holder) => {
                store.lease(arn, owner, until, now, Some(&holder))
            }
            _ => Ok(false),
        }
    }

    /// Runs `rec`, which the caller marked loaded.
    fn launch(&self, r: Arc<Registered>, rec: ExecutionRecord) {
        // Leases are renewed, and parked executions resumed, by the poller.
        self.start_poller();
        let engine = self.clone();
        let arn = rec.arn.clone();
        let store = engine.inner.store.clone();
        let now = engine.now();
        let objects = engine
            .inner
            .objects
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let handle = tokio::spawn(async move {
            crate::driver::run_durable_with(r.machine, &*r.dispatch, store, rec, now, objects).await
        });
        let abort = handle.abort_handle();
        // A second task looks after the first, so that a panicking handler or a stop that
        // aborts the run still ends the bookkeeping (and `wait`).
        let watched = arn.clone();
        tokio::spawn(async move {
            let arn = watched;
            let outcome = handle.await;
            let mut runs = engine.inner.runs.lock().unwrap_or_else(|p| p.into_inner());
            match outcome {
                Ok(Ok(Outcome::Parked { until })) => {
                    if let Some(run) = runs.get_mut(&arn) {
                        run.loaded = false;
                        run.until = until;
                        // Nothing runs: keep no handle to the finished task.
                        run.task = None;
                    }
                    drop(runs);
                    engine.start_poller();
                    return;
                }
                Ok(Ok(Outcome::Closed(_))) => {}
                // The execution stays RUNNING in the store; a later resume continues it.
                Ok(Err(e)) => eprintln!("asl: execution {arn} stopped: {e}"),
                Err(e) if e.is_panic() => {
                    eprintln!("asl: execution {arn} stopped: a handler panicked")
                }
                Err(_) => {}
            }
            if let Some(run) = runs.remove(&arn) {
                let _ = run.done.send(true);
            }
        });
        if let Some(run) = self
            .inner
            .runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&arn)
            && run.loaded
        {
            run.task = Some(abort);
        }
    }

    /// `StopExecution`: closes a running execution as ABORTED with `error` and `cause`
    /// (an `ExecutionAborted` event). Its running tasks are cancelled if this engine runs it;
    /// another process running it stops at its next write. Stopping a closed execution
    /// changes nothing. Returns the stop date.
    pub fn stop_execution(
        &self,
        execution_arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<Timestamp, ApiError> {
        loop {
            let rec = self.describe_execution(execution_arn)?;
            if rec.status != Status::Running {
                return Ok(rec.stop_date.unwrap_or(rec.start_date));
            }
            let now = self.now();
            let event = HistoryRecord {
                id: rec.events + 1,
                previous_id: rec.events,
                timestamp: now,
                kind: "ExecutionAborted".into(),
                key: String::new(),
                details: Some(crate::json!({ "error": error, "cause": cause })),
            };
            let close = crate::store::Close {
                status: Status::Aborted,
                output: None,
                error: error.map(str::to_owned),
                cause: cause.map(str::to_owned),
                stop_date: now,
            };
            match self
                .inner
                .store
                .append(execution_arn, &[event], Some(&close))
            {
                // The execution moved on meanwhile: read it again.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
                Ok(()) => {}
            }
            // As the driver traces its events (`asl::event`), with the machine named.
            let seconds = (now.as_millisecond() - rec.start_date.as_millisecond()) as f64 / 1000.0;
            let machine = rec.state_machine_arn.rsplit(':').next().unwrap_or("");
            tracing::trace!(target: "asl::event", kind = "ExecutionAborted", seconds, machine, "event");
            let run = self
                .inner
                .runs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(execution_arn);
            if let Some(run) = run {
                if let Some(task) = run.task {
                    task.abort();
                }
                let _ = run.done.send(true);
            }
            return Ok(now);
        }
    }

    /// Resumes `arn` if this engine has it parked.
    fn wake(&self, arn: &str) -> Result<(), StoreError> {
        // Claimed under the lock: of two wakes (the poller's and a `send_task_*`), one runs it.
        let claimed = match self
            .inner
            .runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(arn)
        {
            Some(run) if !run.loaded => {
                run.loaded = true;
                true
            }
            _ => false,
        };
        if !claimed {
            return Ok(());
        }
        let rec = self.inner.store.execution(arn);
        let registered = match &rec {
            Ok(Some(rec)) if rec.status == Status::Running => self.registered_for(rec),
            _ => None,
        };
        let leased = match (&rec, &registered) {
            (Ok(Some(rec)), Some(_)) => self.take_lease(&rec.arn).unwrap_or(false),
            _ => false,
        };
        match (rec, registered) {
            (Ok(Some(rec)), Some(r)) if leased => self.launch(r, rec),
            (rec, _) => {
                // Closed meanwhile (stopped from elsewhere), gone, or unreadable for now.
                let mut runs = self.inner.runs.lock().unwrap_or_else(|p| p.into_inner());
                match rec {
                    Err(e) => {
                        if let Some(run) = runs.get_mut(arn) {
                            run.loaded = false;
                        }
                        return Err(e);
                    }
                    Ok(_) => {
                        if let Some(run) = runs.remove(arn) {
                            let _ = run.done.send(true);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Starts, once, the task that resumes parked executions when an outcome for them was
    /// delivered (by any process) or a deadline of theirs passed.
    fn start_poller(&self) {
        if self
            .inner
            .poller
            .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let renew_every = (LEASE.as_millis() / 3 / POLL.as_millis()).max(1) as u64;
            for round in 1u64.. {
                tokio::time::sleep(POLL).await;
                let Some(inner) = weak.upgrade() else { return };
                let engine = Engine { inner };
                let now = engine.now();
                if round % renew_every == 0 {
                    let until = lease_end(now);
                    if let Err(e) = engine.inner.store.renew_leases(&engine.inner.owner, until) {
                        eprintln!("asl: cannot renew leases: {e}");
                    }
                    // Executions whose holder is gone (its lease ran out) are taken over.
                    if let Err(e) = engine.resume() {
                        eprintln!("asl: cannot adopt executions: {e}");
                    }
                }
                let mut due: Vec<String> = engine
                    .inner
                    .runs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .iter()
                    .filter(|(_, r)| !r.loaded && r.until.is_some_and(|u| u <= now))
                    .map(|(a, _)| a.clone())
                    .collect();
                if let Ok(delivered) = engine.inner.store.delivered_tokens() {
                    due.extend(delivered.into_iter().map(|(_, arn)| arn));
                }
                for arn in due {
                    if let Err(e) = engine.wake(&arn) {
                        eprintln!("asl: cannot resume {arn}: {e}");
                    }
                }
            }
        });
    }

    /// `SendTaskSuccess`: the task that handed out `token` succeeded with `output` (JSON
    /// text). Works from any process that opens the same store.
    pub fn send_task_success(&self, token: &str, output: &str) -> Result<(), ApiError> {
        check_token(token)?;
        let value: Value = serde_json::from_str(output)
            .map_err(|e| ApiError::InvalidOutput(format!("Invalid Output: '{e}'")))?;
        if crate::driver::exceeds_quota(&value) {
            return Err(ApiError::InvalidOutput(
                "The output exceeds the maximum number of bytes service limit.".into(),
            ));
        }
        self.deliver(token, &TokenOutcome::Success(output.to_owned()))
    }

    /// `SendTaskFailure`: the task that handed out `token` failed.
    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        check_token(token)?;
        self.deliver(
            token,
            &TokenOutcome::Failure {
                error: error.map(str::to_owned),
                cause: cause.map(str::to_owned),
            },
        )
    }

    /// `SendTaskHeartbeat`: the task that handed out `token` is alive; its
    /// `HeartbeatSeconds` count again from now.
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), ApiError> {
        check_token(token)?;
        self.inner
            .store
            .heartbeat_token(token, self.now())
            .map_err(|e| token_error(token, e))
    }

    fn deliver(&self, token: &str, outcome: &TokenOutcome) -> Result<(), ApiError> {
        let t = self
            .inner
            .store
            .complete_token(token, outcome)
            .map_err(|e| token_error(token, e))?;
        // Parked here: resume it now. Elsewhere: its engine's poller finds it.
        self.wake(&t.execution_arn)?;
        Ok(())
    }

    /// How many executions this engine has in memory, and how many it has parked on
    /// callbacks (unloaded: held in the store only).
    pub fn load(&self) -> (usize, usize) {
        let runs = self.inner.runs.lock().unwrap_or_else(|p| p.into_inner());
        let loaded = runs.values().filter(|r| r.loaded).count();
        (loaded, runs.len() - loaded)
    }

    /// `CreateActivity`: an activity named `name` (idempotent: the same name gives the same
    /// activity). Returns it.
    pub fn create_activity(&self, name: &str) -> Result<ActivityRecord, ApiError> {
        check_name(name)?;
        let arn = self.activity_arn(name);
        Ok(self.inner.store.create_activity(&ActivityRecord {
            arn,
            name: name.to_owned(),
            created: self.now(),
        })?)
    }

    /// `DescribeActivity`.
    pub fn describe_activity(&self, activity_arn: &str) -> Result<ActivityRecord, ApiError> {
        self.inner.store.activity(activity_arn)?.ok_or_else(|| {
            ApiError::ActivityDoesNotExist(format!("Activity Does Not Exist: '{activity_arn}'"))
        })
    }

    /// `ListActivities`, oldest first.
    pub fn list_activities(&self) -> Result<Vec<ActivityRecord>, ApiError> {
        Ok(self.inner.store.activities()?)
    }

    /// `DeleteActivity` (deleting one that does not exist is not an error).
    pub fn delete_activity(&self, activity_arn: &str) -> Result<(), ApiError> {
        Ok(self.inner.store.delete_activity(activity_arn)?)
    }

    /// `GetActivityTask`: waits up to 60 seconds for a task of the activity, and hands it to
    /// `worker_name`: its token and input. `None` when none came. Works from any process
    /// that opens the same store; each task goes to one worker.
    pub async fn get_activity_task(
        &self,
        activity_arn: &str,
        worker_name: Option<&str>,
    ) -> Result<Option<ActivityTaskOutput>, ApiError> {
        self.describe_activity(activity_arn)?;
        let worker = worker_name.unwrap_or("");
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let claimed = self
                .inner
                .store
                .claim_activity_task(activity_arn, worker, self.now())?;
            if let Some(t) = claimed {
                // The execution learns of it when it next looks: wake it if parked here.
                self.wake(&t.execution_arn)?;
                return Ok(Some(ActivityTaskOutput {
                    task_token: t.token,
                    input: t.activity.map(|a| a.input).unwrap_or_default(),
                }));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(POLL.min(deadline - tokio::time::Instant::now())).await;
        }
    }

    /// `RedriveExecution` (ASL-WF-06): runs again, from where it stopped, an execution that
    /// failed, was aborted or timed out in the last 14 days. Its finished states are not run
    /// again (nor the finished branches and iterations of a Parallel or Map); the states it
    /// left unfinished run again with fresh retry counters. Returns the redrive date.
    pub fn redrive_execution(&self, execution_arn: &str) -> Result<Timestamp, ApiError> {
        let rec = self.describe_execution(execution_arn)?;
        let not_redrivable = |why: String| ApiError::ExecutionNotRedrivable(why);
        if !matches!(
            rec.status,
            Status::Failed | Status::Aborted | Status::TimedOut
        ) {
            return Err(not_redrivable(format!(
                "Execution with status {} cannot be redriven: '{execution_arn}'",
                rec.status.as_str()
            )));
        }
        let now = self.now();
        let window = jiff::SignedDuration::from_hours(14 * 24);
        if rec
            .stop_date
            .is_some_and(|s| s.checked_add(window).is_ok_and(|limit| limit < now))
        {
            return Err(not_redrivable(format!(
                "Execution stopped more than 14 days ago cannot be redriven: '{execution_arn}'"
            )));
        }
        // A redrive runs the definition the execution started with, of a machine that still
        // exists (AWS: not redrivable while the machine is DELETING).
        let r = match (
            self.registered(&rec.state_machine_arn),
            self.registered_for(&rec),
        ) {
            (Some(_), Some(r)) => r,
            (None, Some(_)) => {
                return Err(not_redrivable(format!(
                    "State machine is in DELETING status: '{}'",
                    rec.state_machine_arn
                )));
            }
            (_, None) => {
                return Err(ApiError::StateMachineDoesNotExist(format!(
                    "State Machine Does Not Exist: '{}'",
                    rec.state_machine_arn
                )));
            }
        };
        let count = rec.redrive_count + 1;
        let event = HistoryRecord {
            id: rec.events + 1,
            previous_id: rec.events,
            timestamp: now,
            kind: "ExecutionRedriven".into(),
            key: format!("@{count}"),
            details: Some(crate::json!({ "redriveCount": count })),
        };
        let reopened = self
            .inner
            .store
            .reopen(execution_arn, &event)
            .map_err(|e| match e {
                StoreError::Conflict { .. } => not_redrivable(format!(
                    "Execution is being redriven or runs: '{execution_arn}'"
                )),
                e => e.into(),
            })?;
        self.spawn(r, reopened);
        Ok(now)
    }

    /// `DescribeExecution`.
    pub fn describe_execution(&self, execution_arn: &str) -> Result<ExecutionRecord, ApiError> {
        self.inner.store.execution(execution_arn)?.ok_or_else(|| {
            ApiError::ExecutionDoesNotExist(format!("Execution Does Not Exist: '{execution_arn}'"))
        })
    }

    /// `ListExecutions`: newest first, by machine and status, in pages.
    pub fn list_executions(&self, q: &ListQuery<'_>) -> Result<Page<ExecutionRecord>, ApiError> {
        if let Some(m) = q.state_machine_arn
            && self.registered(m).is_none()
        {
            return Err(ApiError::StateMachineDoesNotExist(format!(
                "State Machine Does Not Exist: '{m}'"
            )));
        }
        Ok(self.inner.store.list_executions(q)?)
    }

    /// `GetExecutionHistory`: events in pages of `max_results` (0: 100, at most 1000), oldest
    /// first or, with `reverse`, newest first; without `include_data`, the events leave out
    /// inputs, outputs and parameters (AWS's `includeExecutionData: false`).
    pub fn get_execution_history(
        &self,
        execution_arn: &str,
        reverse: bool,
        max_results: usize,
        next_token: Option<&str>,
        include_data: bool,
    ) -> Result<Page<HistoryRecord>, ApiError> {
        let rec = self.describe_execution(execution_arn)?;
        let limit = if max_results == 0 {
            100
        } else {
            max_results.min(1000)
        } as u64;
        // The token is the next event id to return.
        let next = match next_token {
            None => None,
            Some(t) => Some(
                t.strip_prefix('e')
                    .and_then(|n| n.parse::<u64>().ok())
                    .filter(|&n| n >= 1 && n <= rec.events)
                    .ok_or_else(|| ApiError::InvalidToken(format!("Invalid Token: '{t}'")))?,
            ),
        };
        let (from, to) = if reverse {
            let hi = next.unwrap_or(rec.events);
            (hi.saturating_sub(limit - 1).max(1), hi)
        } else {
            let lo = next.unwrap_or(1);
            (lo, (lo + limit - 1).min(rec.events))
        };
        let mut items = if rec.events == 0 {
            Vec::new()
        } else {
            self.inner
                .store
                .events(execution_arn, from, (to + 1 - from) as usize)?
        };
        let more = if reverse { from > 1 } else { to < rec.events };
        let next_token = more.then(|| format!("e{}", if reverse { from - 1 } else { to + 1 }));
        if reverse {
            items.reverse();
        }
        if !include_data {
            for e in &mut items {
                if let Some(d) = e.details.as_mut().and_then(Value::as_object_mut) {
                    for k in ["input", "output", "parameters"] {
                        d.remove(k);
                    }
                }
            }
        }
        Ok(Page { items, next_token })
    }

    /// Waits until the execution is closed, and returns it.
    pub async fn wait(&self, execution_arn: &str) -> Result<ExecutionRecord, ApiError> {
        let rx = self
            .inner
            .runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(execution_arn)
            .map(|r| r.done.subscribe());
        if let Some(mut rx) = rx {
            let _ = rx.wait_for(|done| *done).await;
        }
        self.describe_execution(execution_arn)
    }
}

/// AWS's rule for execution names: 1..=80 characters, none of whitespace, `< > { } [ ]`,
/// `? *`, `" # % \ ^ | ~ ` $ & , ; : /`, or control characters.
fn check_name(n: &str) -> Result<(), ApiError> {
    let bad = n.is_empty()
        || n.chars().count() > 80
        || n.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c));
    if bad {
        return Err(ApiError::InvalidName(format!("Invalid Name: '{n}'")));
    }
    Ok(())
}

/// A task token is 1 to 1024 characters (the API's constraint).
fn check_token(token: &str) -> Result<(), ApiError> {
    if token.is_empty() || token.len() > 1024 {
        return Err(ApiError::InvalidToken(format!("Invalid Token: '{token}'")));
    }
    Ok(())
}

fn token_error(token: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownTaskToken(_) => {
            ApiError::InvalidToken(format!("Invalid Token: '{token}'"))
        }
        StoreError::TaskClosed(_) => ApiError::TaskTimedOut(format!("Task Timed Out: '{token}'")),
        e => ApiError::Store(e),
    }
}

fn same_json(text: &str, v: &Value) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|t| &t == v)
}
