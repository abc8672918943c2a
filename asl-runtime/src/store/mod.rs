//! Where Standard executions live: their records and their full event history; and the
//! state machines created over the API (every revision of their definitions, which executions
//! name) and the tags of resources.
//!
//! The history is also the journal a crashed execution resumes from (see `driver/journal.rs`):
//! every event carries a `key` that names the point of the execution that emitted it
//! (scope path, state visit, attempt), so a replay after a restart recognises the events it
//! already recorded, takes task outcomes and timestamps from them, and appends only what is
//! new. Two implementations: [`MemoryStore`] (tests, Express) and [`SqliteStore`] (the
//! embedded default, one file, WAL).

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::{Durability, SCHEMA_VERSION, SqliteStore};

use crate::Value;
use jiff::Timestamp;

/// An execution's status, with AWS's names (`ExecutionStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Started and not closed.
    Running,
    /// Closed with an output.
    Succeeded,
    /// Closed with an error.
    Failed,
    /// Closed by the machine's `TimeoutSeconds` (`States.Timeout`).
    TimedOut,
    /// Closed by `StopExecution`.
    Aborted,
    /// Closed, and a redrive was requested that has not started yet.
    PendingRedrive,
}

impl Status {
    /// AWS's name: `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, `PENDING_REDRIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
            Status::PendingRedrive => "PENDING_REDRIVE",
        }
    }

    /// The status named by AWS's name.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "RUNNING" => Status::Running,
            "SUCCEEDED" => Status::Succeeded,
            "FAILED" => Status::Failed,
            "TIMED_OUT" => Status::TimedOut,
            "ABORTED" => Status::Aborted,
            "PENDING_REDRIVE" => Status::PendingRedrive,
            _ => return None,
        })
    }
}

/// What is known of an execution when it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct NewExecution {
    /// The execution ARN, unique in the store.
    pub arn: String,
    /// The execution name, unique per state machine.
    pub name: String,
    /// The state machine's ARN.
    pub state_machine_arn: String,
    /// The input, as JSON text exactly as given.
    pub input: String,
    /// When it started.
    pub start_date: Timestamp,
    /// The seed every draw of the execution derives from (jitter, `States.UUID`, …), so a
    /// resumed execution draws the same values.
    pub seed: u64,
    /// The revision of the state machine's definition it runs (see
    /// [`StateMachineRecord::revision_id`]); `None` for a machine registered without one.
    pub revision_id: Option<String>,
    /// The lease taken with the insert (see [`Store::lease`]), so that the process that
    /// starts an execution runs it without a second write.
    pub lease: Option<Lease>,
    /// Tags of the execution, written with it (see [`Store::tag_resource`]).
    pub tags: Vec<(String, String)>,
}

/// Who runs an execution, and until when unless renewed (see [`Store::lease`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Lease {
    /// The process holding it.
    pub owner: String,
    /// When it runs out.
    pub until: Timestamp,
}

/// An execution as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionRecord {
    /// The execution ARN, unique in the store.
    pub arn: String,
    /// The execution name.
    pub name: String,
    /// The state machine's ARN.
    pub state_machine_arn: String,
    /// Its status.
    pub status: Status,
    /// The input, JSON text.
    pub input: String,
    /// The output, JSON text, once it succeeded.
    pub output: Option<String>,
    /// The error name, once it failed.
    pub error: Option<String>,
    /// The cause, once it failed.
    pub cause: Option<String>,
    /// When it started.
    pub start_date: Timestamp,
    /// When it closed.
    pub stop_date: Option<Timestamp>,
    /// The seed of its draws.
    pub seed: u64,
    /// How many history events it has.
    pub events: u64,
    /// How often it was redriven.
    pub redrive_count: u32,
    /// The revision of the state machine's definition it started with, and runs to its end
    /// (a resume or a redrive too), whatever the machine became since; `None` for a machine
    /// registered without revisions.
    pub revision_id: Option<String>,
}

/// A state machine as stored (AWS's `DescribeStateMachine`).
#[derive(Clone, Debug, PartialEq)]
pub struct StateMachineRecord {
    /// Its ARN, unique in the store.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// The definition's JSON text, exactly as given.
    pub definition: String,
    /// The IAM role it runs with (`roleArn`).
    pub role_arn: String,
    /// `"STANDARD"` or `"EXPRESS"`.
    pub kind: String,
    /// When it was created.
    pub created: Timestamp,
    /// The current revision's id: a new UUID v4 string per create, and per update that
    /// changes the definition or the role.
    pub revision_id: String,
    /// When the current revision was made (`created` for the first one).
    pub revision_date: Timestamp,
    /// Its description, if given.
    pub description: Option<String>,
    /// `loggingConfiguration` as JSON text, if given.
    pub logging: Option<String>,
    /// `tracingConfiguration` as JSON text, if given.
    pub tracing: Option<String>,
}

/// One history event as stored (AWS's `HistoryEvent`).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRecord {
    /// 1-based, contiguous within the execution.
    pub id: u64,
    /// The id of the event that led to it (0 for the first).
    pub previous_id: u64,
    /// When it happened.
    pub timestamp: Timestamp,
    /// AWS's event type (`TaskStateEntered`, …).
    pub kind: String,
    /// The point of the execution that emitted it: scope path, state visit, attempt. With
    /// `kind` it identifies the event across a replay.
    pub key: String,
    /// The event's details (`…EventDetails` of AWS's shape), if it has any.
    pub details: Option<Value>,
}

/// How an execution closed, written together with its last events.
#[derive(Clone, Debug, PartialEq)]
pub struct Close {
    /// The final status.
    pub status: Status,
    /// The output (JSON text) of a succeeded execution.
    pub output: Option<String>,
    /// The error name of a failed one.
    pub error: Option<String>,
    /// The cause of a failed one.
    pub cause: Option<String>,
    /// When it closed.
    pub stop_date: Timestamp,
}

/// Which executions to list, and from where (AWS's `ListExecutions`).
#[derive(Clone, Debug, Default)]
pub struct ListQuery<'a> {
    /// Only this state machine's executions.
    pub state_machine_arn: Option<&'a str>,
    /// Only executions with this status.
    pub status: Option<Status>,
    /// At most this many (1..=1000; 0 means 100, AWS's default).
    pub limit: usize,
    /// The `next_token` of the previous page.
    pub next_token: Option<&'a str>,
}

/// A page of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items, newest execution first (or events in the order asked).
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next_token: Option<String>,
}

/// Where a task token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    /// An activity task no worker has taken yet.
    Scheduled,
    /// Handed out (to a callback's recipient, or to an activity worker); no outcome yet.
    Waiting,
    /// `SendTaskSuccess` arrived.
    Succeeded,
    /// `SendTaskFailure` arrived.
    Failed,
    /// The task timed out, or its execution closed: no outcome is taken any more.
    Closed,
}

impl TokenStatus {
    fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Scheduled => "SCHEDULED",
            TokenStatus::Waiting => "WAITING",
            TokenStatus::Succeeded => "SUCCEEDED",
            TokenStatus::Failed => "FAILED",
            TokenStatus::Closed => "CLOSED",
        }
    }

    fn parse(s: &str) -> Option<TokenStatus> {
        Some(match s {
            "SCHEDULED" => TokenStatus::Scheduled,
            "WAITING" => TokenStatus::Waiting,
            "SUCCEEDED" => TokenStatus::Succeeded,
            "FAILED" => TokenStatus::Failed,
            "CLOSED" => TokenStatus::Closed,
            _ => return None,
        })
    }
}

/// A task token handed out by a callback (`.waitForTaskToken`) or activity Task.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRecord {
    /// The token.
    pub token: String,
    /// The execution waiting on it.
    pub execution_arn: String,
    /// The task attempt's event key in that execution.
    pub key: String,
    /// The Task state's name.
    pub state: String,
    /// Where it stands.
    pub status: TokenStatus,
    /// `SendTaskSuccess`'s output (JSON text).
    pub output: Option<String>,
    /// `SendTaskFailure`'s error.
    pub error: Option<String>,
    /// `SendTaskFailure`'s cause.
    pub cause: Option<String>,
    /// When it was handed out.
    pub created: Timestamp,
    /// The last `SendTaskHeartbeat`.
    pub heartbeat: Option<Timestamp>,
    /// For an activity task: the activity's ARN, its input (JSON text), and once a worker
    /// took it, the worker's name and when.
    pub activity: Option<ActivityTask>,
}

/// A task token to record: a callback's, handed out at once, or an activity task's, queued
/// for `GetActivityTask`.
#[derive(Clone, Debug)]
pub struct NewToken<'a> {
    /// The token.
    pub token: &'a str,
    /// The execution waiting on it.
    pub execution_arn: &'a str,
    /// The task attempt's event key in that execution.
    pub key: &'a str,
    /// The Task state's name.
    pub state: &'a str,
    /// Now.
    pub created: Timestamp,
    /// For an activity task: the activity and the input (no worker yet).
    pub activity: Option<ActivityTask>,
}

impl NewToken<'_> {
    fn record(&self) -> TokenRecord {
        TokenRecord {
            token: self.token.to_owned(),
            execution_arn: self.execution_arn.to_owned(),
            key: self.key.to_owned(),
            state: self.state.to_owned(),
            status: match self.activity {
                Some(_) => TokenStatus::Scheduled,
                None => TokenStatus::Waiting,
            },
            output: None,
            error: None,
            cause: None,
            created: self.created,
            heartbeat: None,
            activity: self.activity.clone(),
        }
    }
}

/// The activity part of a task token.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityTask {
    /// The activity's ARN.
    pub activity_arn: String,
    /// The task's input, JSON text.
    pub input: String,
    /// The worker that took it (`GetActivityTask`'s `workerName`).
    pub worker: Option<String>,
    /// When a worker took it.
    pub started: Option<Timestamp>,
}

/// An activity (`CreateActivity`).
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRecord {
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// When it was created.
    pub created: Timestamp,
}

/// A Distributed Map's Map Run (what `DescribeMapRun` answers), and the result its parent
/// execution replays (ASL-DMAP-01, ASL-EV-09).
#[derive(Clone, Debug, PartialEq)]
pub struct MapRunRecord {
    /// Its ARN (`arn:aws:states:…:mapRun:<machine>/<label>:<id>`).
    pub arn: String,
    /// The execution whose Map state started it.
    pub execution_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub status: Status,
    /// When it started.
    pub start_date: Timestamp,
    /// When it ended.
    pub stop_date: Option<Timestamp>,
    /// `MaxConcurrency` (0: the default, 10,000).
    pub max_concurrency: u64,
    /// `ToleratedFailurePercentage`.
    pub tolerated_failure_percentage: f64,
    /// `ToleratedFailureCount`.
    pub tolerated_failure_count: u64,
    /// The children's counts (`executionCounts`; an item or a batch each).
    pub counts: MapRunCounts,
    /// The items' counts (`itemCounts`): the children's, unless an ItemBatcher gives a child
    /// several items.
    pub item_counts: MapRunCounts,
    /// The Map Run's result, JSON text, once it succeeded.
    pub result: Option<String>,
    /// The error of a failed Map Run.
    pub error: Option<String>,
    /// Its cause.
    pub cause: Option<String>,
}

/// How many children (or items) of a Map Run are in each state (`MapRunExecutionCounts`,
/// `MapRunItemCounts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapRunCounts {
    /// Not started yet.
    pub pending: u64,
    /// Running.
    pub running: u64,
    /// Succeeded.
    pub succeeded: u64,
    /// Failed.
    pub failed: u64,
    /// Timed out.
    pub timed_out: u64,
    /// Stopped.
    pub aborted: u64,
    /// All of them.
    pub total: u64,
}

impl MapRunCounts {
    /// `n` more started.
    pub fn start(&mut self, n: u64) {
        self.total += n;
        self.running += n;
    }

    /// `n` of those running ended with `status` (`SUCCEEDED`, `TIMED_OUT`, or else failed).
    pub fn end(&mut self, n: u64, status: Status) {
        self.running = self.running.saturating_sub(n);
        match status {
            Status::Succeeded => self.succeeded += n,
            Status::TimedOut => self.timed_out += n,
            _ => self.failed += n,
        }
    }

    /// Those still running were stopped.
    pub fn abort(&mut self) {
        self.aborted += self.running;
        self.running = 0;
    }
}

/// What `SendTaskSuccess` or `SendTaskFailure` delivers.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenOutcome {
    /// The task's output, JSON text.
    Success(String),
    /// The task's error and cause.
    Failure {
        /// The error name.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
}

/// What went wrong in a store.
#[derive(Debug)]
pub enum StoreError {
    /// The file is not a store this version can open (not a database, a newer schema, …).
    Incompatible(String),
    /// Another writer appended to this execution: the ids would not be contiguous. The
    /// caller's copy of the execution is stale and must stop.
    Conflict {
        /// The execution.
        arn: String,
        /// The id the caller wanted to write.
        expected: u64,
        /// The next id in the store.
        found: u64,
    },
    /// No such execution (or, from [`Store::update_state_machine`], no such state machine).
    NotFound(String),
    /// The call would break a rule of the store: a state machine revision id given again
    /// with another definition or role, or for another machine. Nothing was written.
    Invalid(String),
    /// The next-token given does not come from this store.
    InvalidToken(String),
    /// No task was handed this task token.
    UnknownTaskToken(String),
    /// The task of this token already has its outcome, timed out, or its execution closed.
    TaskClosed(String),
    /// The database failed (I/O, full disk, locked for too long).
    Backend(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Incompatible(m) => write!(f, "incompatible store: {m}"),
            StoreError::Conflict {
                arn,
                expected,
                found,
            } => write!(
                f,
                "execution {arn} was written by another process: wanted to append event {expected}, the store is at {found}"
            ),
            StoreError::NotFound(arn) if arn.contains(":stateMachine:") => {
                write!(f, "state machine does not exist: {arn}")
            }
            StoreError::NotFound(arn) => write!(f, "execution does not exist: {arn}"),
            StoreError::Invalid(m) => write!(f, "refused: {m}"),
            StoreError::InvalidToken(t) => write!(f, "invalid next token: {t}"),
            StoreError::UnknownTaskToken(t) => write!(f, "no task has the token {t}"),
            StoreError::TaskClosed(t) => write!(f, "the task of token {t} is closed"),
            StoreError::Backend(m) => write!(f, "store: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// The execution store. Every method is one atomic step: a crash leaves the store as it was
/// before the call or after it, never between.
pub trait Store: Send + Sync {
    /// Inserts a new execution, with its lease and tags. If one with the same state machine
    /// and name exists, nothing is written and it is returned (name idempotency is the
    /// caller's rule).
    fn insert_execution(&self, e: &NewExecution) -> Result<Option<ExecutionRecord>, StoreError>;

    /// One execution.
    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError>;

    /// A page of executions, newest first.
    fn list_executions(&self, q: &ListQuery<'_>) -> Result<Page<ExecutionRecord>, StoreError>;

    /// Appends events to a running execution, and closes it if `close` is given, in one
    /// transaction. The first event's id must be the next one ([`StoreError::Conflict`]
    /// otherwise); appending to a closed execution is a conflict too.
    fn append(
        &self,
        arn: &str,
        events: &[HistoryRecord],
        close: Option<&Close>,
    ) -> Result<(), StoreError>;

    /// Takes or renews the lease of a RUNNING execution for `owner` until `until`: granted
    /// when nobody holds it, `owner` holds it, its lease ran out before `now`, or `dead` holds
    /// it (a holder known to be gone). Returns whether `owner` holds it now. Only the holder
    /// of its lease runs an execution, so two live processes never run one together.
    fn lease(
        &self,
        arn: &str,
        owner: &str,
        until: Timestamp,
        now: Timestamp,
        dead: Option<&str>,
    ) -> Result<bool, StoreError>;

    /// Who holds the lease of an execution, if its lease has not run out at `now`.
    fn lease_holder(&self, arn: &str, now: Timestamp) -> Result<Option<String>, StoreError>;

    /// Extends to `until` every lease `owner` holds on a running execution.
    fn renew_leases(&self, owner: &str, until: Timestamp) -> Result<(), StoreError>;

    /// [`Store::insert_execution`], as a future: a store may write it with others and with
    /// appends in one transaction (see [`Store::append_batched`]).
    fn insert_execution_batched(
        &self,
        e: NewExecution,
    ) -> crate::handler::BoxFuture<'static, Result<Option<ExecutionRecord>, StoreError>> {
        let r = self.insert_execution(&e);
        Box::pin(async move { r })
    }

    /// [`Store::append`], as a future: a store may gather the appends of many executions
    /// into one transaction (one sync to the disk for all). The append is queued when this is
    /// called, so appends made in order are written in order.
    fn append_batched(
        &self,
        arn: &str,
        events: Vec<HistoryRecord>,
        close: Option<Close>,
    ) -> crate::handler::BoxFuture<'static, Result<(), StoreError>> {
        let r = self.append(arn, &events, close.as_ref());
        Box::pin(std::future::ready(r))
    }

    /// Reopens a closed execution that did not succeed, for a redrive: appends `event`
    /// (`ExecutionRedriven`, the next id), makes it RUNNING again with no output, error or
    /// stop date, and counts the redrive; all in one transaction. A running or succeeded
    /// execution, or a stale id, is a [`StoreError::Conflict`].
    fn reopen(&self, arn: &str, event: &HistoryRecord) -> Result<ExecutionRecord, StoreError>;

    /// Events `from..` (1-based ids) in ascending order, at most `limit` (0: all).
    fn events(&self, arn: &str, from: u64, limit: usize) -> Result<Vec<HistoryRecord>, StoreError>;

    /// Records a task token (no-op if it exists).
    fn create_token(&self, t: &NewToken<'_>) -> Result<(), StoreError>;

    /// A task token.
    fn token(&self, token: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// Delivers a task's outcome: [`StoreError::UnknownTaskToken`] if no task has the token,
    /// [`StoreError::TaskClosed`] if it has its outcome already or is closed.
    fn complete_token(
        &self,
        token: &str,
        outcome: &TokenOutcome,
    ) -> Result<TokenRecord, StoreError>;

    /// Records a heartbeat for a waiting task (same errors as [`Store::complete_token`]).
    fn heartbeat_token(&self, token: &str, now: Timestamp) -> Result<(), StoreError>;

    /// Closes a token: its task timed out, or its outcome was taken into the history.
    fn close_token(&self, token: &str) -> Result<(), StoreError>;

    /// The executions with a task outcome delivered and not yet taken: `(token, execution)`.
    fn delivered_tokens(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Hands the oldest queued task of an activity to `worker`, if there is one.
    fn claim_activity_task(
        &self,
        activity_arn: &str,
        worker: &str,
        now: Timestamp,
    ) -> Result<Option<TokenRecord>, StoreError>;

    /// Creates an activity, or returns the one of that ARN (`CreateActivity` is idempotent).
    fn create_activity(&self, a: &ActivityRecord) -> Result<ActivityRecord, StoreError>;

    /// One activity.
    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>, StoreError>;

    /// All activities, oldest first.
    fn activities(&self) -> Result<Vec<ActivityRecord>, StoreError>;

    /// Deletes an activity and its tags (no-op if it does not exist).
    fn delete_activity(&self, arn: &str) -> Result<(), StoreError>;

    /// Writes a Map Run (a new one, or its new state).
    fn put_map_run(&self, r: &MapRunRecord) -> Result<(), StoreError>;

    /// One Map Run.
    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>, StoreError>;

    /// The Map Runs an execution started, oldest first.
    fn map_runs(&self, execution_arn: &str) -> Result<Vec<MapRunRecord>, StoreError>;

    /// Inserts a new state machine and its first revision (`m.revision_id`). If one with
    /// that ARN exists, nothing is written and it is returned: the caller decides (the same
    /// definition and role: `CreateStateMachine` succeeds idempotently; otherwise
    /// `StateMachineAlreadyExists`). A revision id already used is [`StoreError::Invalid`].
    fn insert_state_machine(
        &self,
        m: &StateMachineRecord,
    ) -> Result<Option<StateMachineRecord>, StoreError>;

    /// Replaces the current record of the machine `m.arn` with `m`. A new `m.revision_id` adds
    /// that revision (its definition, role and `m.revision_date`); earlier revisions stay
    /// readable with [`Store::state_machine_revision`]. The current revision id again (an
    /// update of the description, logging or tracing only) keeps the revision as it was; given
    /// with another definition or role, or a revision id of another machine, it is
    /// [`StoreError::Invalid`]. [`StoreError::NotFound`] if there is no such machine.
    fn update_state_machine(&self, m: &StateMachineRecord) -> Result<(), StoreError>;

    /// One state machine, as it is now.
    fn state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>, StoreError>;

    /// All state machines, ordered by creation date, then ARN.
    fn state_machines(&self) -> Result<Vec<StateMachineRecord>, StoreError>;

    /// The machine as it was at a revision: its record with that revision's id, definition,
    /// role and revision date, the other fields as they are now (as they were at that
    /// revision if the machine was deleted since). `None` if no revision has that id.
    fn state_machine_revision(
        &self,
        revision_id: &str,
    ) -> Result<Option<StateMachineRecord>, StoreError>;

    /// Deletes a state machine and its tags (no-op if it does not exist). Its revisions are
    /// kept: executions that started on them still run, and are still described, with them.
    fn delete_state_machine(&self, arn: &str) -> Result<(), StoreError>;

    /// Adds tags to a resource (a state machine or an activity, by ARN), overwriting the
    /// values of keys it has. The caller checks that the resource exists.
    fn tag_resource(&self, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError>;

    /// Removes tags from a resource by key (keys it does not have are ignored).
    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<(), StoreError>;

    /// A resource's tags, ordered by key.
    fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, StoreError>;
}

/// Page tokens are opaque to callers: the offset, as text.
fn parse_token(t: Option<&str>) -> Result<usize, StoreError> {
    match t {
        None => Ok(0),
        Some(t) => t
            .strip_prefix("o")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| StoreError::InvalidToken(t.to_owned())),
    }
}

fn page_limit(limit: usize) -> usize {
    if limit == 0 { 100 } else { limit.min(1000) }
}

fn next_token(offset: usize, taken: usize, more: bool) -> Option<String> {
    more.then(|| format!("o{}", offset + taken))
}

/// Why `m` cannot be written with the revision `r` it names (`r` is that revision as
/// stored), if it cannot: a revision is one definition and role of one machine.
fn revision_clash(r: &StateMachineRecord, m: &StateMachineRecord) -> Option<String> {
    if r.arn != m.arn {
        Some(format!(
            "the revision {} belongs to the state machine {}",
            r.revision_id, r.arn
        ))
    } else if r.definition != m.definition || r.role_arn != m.role_arn {
        Some(format!(
            "the revision {} has another definition or role: a new one needs a new revision id",
            r.revision_id
        ))
    } else {
        None
    }
}
