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

use crate::handler::Dispatch;
use crate::machine::Machine;
use crate::store::{
    ExecutionRecord, HistoryRecord, ListQuery, NewExecution, Page, SqliteStore, Status, Store,
    StoreError,
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
    /// `ExecutionDoesNotExist`.
    ExecutionDoesNotExist(String),
    /// `ExecutionAlreadyExists`: the name is taken by a closed execution, or by a running
    /// one with other input.
    ExecutionAlreadyExists(String),
    /// `InvalidName`.
    InvalidName(String),
    /// `InvalidExecutionInput`: not JSON, or over the payload quota.
    InvalidExecutionInput(String),
    /// `InvalidToken`: a `next_token` this API did not hand out.
    InvalidToken(String),
    /// The store failed; the API's `ServiceUnavailable`/internal error.
    Store(StoreError),
}

impl ApiError {
    /// The Step Functions API's error name (`__type` without the namespace).
    pub fn name(&self) -> &'static str {
        match self {
            ApiError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            ApiError::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            ApiError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            ApiError::InvalidName(_) => "InvalidName",
            ApiError::InvalidExecutionInput(_) => "InvalidExecutionInput",
            ApiError::InvalidToken(_) => "InvalidToken",
            ApiError::Store(_) => "ServiceUnavailable",
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::StateMachineDoesNotExist(m)
            | ApiError::ExecutionDoesNotExist(m)
            | ApiError::ExecutionAlreadyExists(m)
            | ApiError::InvalidName(m)
            | ApiError::InvalidExecutionInput(m)
            | ApiError::InvalidToken(m) => write!(f, "{}: {m}", self.name()),
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
    machine: &'static Machine,
    dispatch: Arc<dyn Dispatch>,
}

struct Inner {
    store: Arc<dyn Store>,
    account: Account,
    machines: RwLock<HashMap<String, Arc<Registered>>>,
    /// Executions this engine is running, with a signal for their end.
    running: Mutex<HashMap<String, tokio::sync::watch::Receiver<bool>>>,
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
                machines: RwLock::new(HashMap::new()),
                running: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// An engine over the SQLite store at `path` (created if missing).
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Engine, StoreError> {
        Ok(Engine::new(SqliteStore::open(path)?))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The ARN of the state machine called `name`.
    pub fn state_machine_arn(&self, name: &str) -> String {
        let a = &self.inner.account;
        format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            a.region, a.account
        )
    }

    /// Makes a compiled machine available under `name`; returns its ARN. Registering a name
    /// again replaces its handlers (for executions started or resumed from then on).
    pub fn register(&self, name: &str, machine: impl Compiled) -> String {
        let arn = self.state_machine_arn(name);
        let r = Arc::new(Registered {
            name: name.to_owned(),
            machine: machine.descriptor(),
            dispatch: machine.dispatcher(),
        });
        self.inner
            .machines
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(arn.clone(), r);
        arn
    }

    fn registered(&self, arn: &str) -> Option<Arc<Registered>> {
        self.inner
            .machines
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(arn)
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
                if let Some(r) = self.registered(&rec.state_machine_arn)
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
        let value: serde_json::Value = serde_json::from_str(input).map_err(|e| {
            ApiError::InvalidExecutionInput(format!("Invalid State Machine Execution Input: '{e}'"))
        })?;
        if crate::driver::exceeds_quota(&value) {
            return Err(ApiError::InvalidExecutionInput(
                "The execution input exceeds the maximum number of bytes service limit.".into(),
            ));
        }
        let a = &self.inner.account;
        let new = NewExecution {
            arn: format!(
                "arn:aws:states:{}:{}:execution:{}:{name}",
                a.region, a.account, r.name
            ),
            name,
            state_machine_arn: state_machine_arn.to_owned(),
            input: input.to_owned(),
            start_date: Timestamp::now(),
            seed: rand::random(),
        };
        match self.inner.store.insert_execution(&new)? {
            None => {
                let rec = self
                    .inner
                    .store
                    .execution(&new.arn)?
                    .ok_or_else(|| ApiError::ExecutionDoesNotExist(new.arn.clone()))?;
                let out = StartExecutionOutput {
                    execution_arn: rec.arn.clone(),
                    start_date: rec.start_date,
                };
                self.spawn(r, rec);
                Ok(out)
            }
            Some(existing)
                if existing.status == Status::Running && same_json(&existing.input, &value) =>
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
        let (tx, rx) = tokio::sync::watch::channel(false);
        {
            let mut running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
            if running.contains_key(&rec.arn) {
                return false;
            }
            running.insert(rec.arn.clone(), rx);
        }
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let arn = rec.arn.clone();
            let outcome = crate::driver::run_durable(
                r.machine,
                &*r.dispatch,
                inner.store.clone(),
                rec,
                Timestamp::now(),
            )
            .await;
            if let Err(e) = outcome {
                // The execution stays RUNNING in the store; a later resume continues it.
                eprintln!("asl: execution {arn} stopped: {e}");
            }
            inner
                .running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&arn);
            let _ = tx.send(true);
        });
        true
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
    /// first or, with `reverse`, newest first.
    pub fn get_execution_history(
        &self,
        execution_arn: &str,
        reverse: bool,
        max_results: usize,
        next_token: Option<&str>,
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
        Ok(Page { items, next_token })
    }

    /// Waits until the execution is closed, and returns it.
    pub async fn wait(&self, execution_arn: &str) -> Result<ExecutionRecord, ApiError> {
        let rx = self
            .inner
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(execution_arn)
            .cloned();
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

fn same_json(text: &str, v: &serde_json::Value) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|t| &t == v)
}
