//! One attempt of a state's work under Retry, and the Task call itself: Parameters, the input
//! quota, timeouts and heartbeats, task tokens, credentials, the handler call and its events
//! (ASL-TK).

use std::sync::Arc;

use crate::value::Map;
use crate::{Value, json};

use super::Location;
use super::history::At;
use super::quota::{MAX_PAYLOAD_BYTES, exceeds};
use super::retry::Failure;
use super::visit::{Visit, value_text};
use crate::handler::{TaskCall, TaskContext};
use crate::machine::{Kind, ResourceType, Seconds};
use crate::store::TokenStatus;
use crate::{Env, StateError};

impl Visit<'_, '_> {
    /// A new task token for this attempt, for Tasks that wait for a job, a callback or an
    /// activity worker (ASL-CTX-09, ASL-SUB-51: a new one per attempt).
    ///
    /// In durable runs the token derives from the execution's seed and the attempt, so the
    /// attempt dispatched again after a restart carries the token already handed out.
    pub(super) fn new_token(&self, attempt: u32) -> Option<Arc<str>> {
        match &self.s.kind {
            Kind::Task(t)
                if matches!(
                    t.resource_type,
                    ResourceType::Sync | ResourceType::Callback | ResourceType::Activity
                ) =>
            {
                Some(match self.x.journal {
                    Some(j) => j.token(&self.attempt_at(attempt).key()).into(),
                    None => uuid::Uuid::new_v4().to_string().into(),
                })
            }
            _ => None,
        }
    }

    /// The idempotency key of an attempt in a durable run: the execution, the state, its
    /// place (enclosing branches and iterations, the visit) and the attempt.
    fn idempotency_key(&self, attempt: u32) -> Option<Arc<str>> {
        let j = self.x.journal?;
        Some(
            format!(
                "{}/{}/{}",
                j.arn(),
                self.s.name,
                self.attempt_at(attempt).key()
            )
            .into(),
        )
    }

    /// One attempt of the state's work: InputPath and Parameters are evaluated again for each
    /// attempt (ASL-RT-11).
    pub(super) async fn attempt(
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
                let e = self.env(&effective, ctx);
                let jsonata = self.s.jsonata.then(|| self.query(&effective, ctx));
                let q = jsonata.as_ref();
                let input = match (&t.parameters, q) {
                    // JSONata `Arguments` (ASL-JA-06).
                    (Some(p), Some(q)) => self.eval(q.template(p, "Arguments"))?,
                    (Some(p), None) => self.local(crate::template::eval(p, &e))?,
                    (None, _) => effective.clone().into_owned(),
                };
                match (&t.parameters, q) {
                    (Some(_), Some(_)) => self.inspect("afterArguments", &input),
                    (Some(_), None) => self.inspect("afterParameters", &input),
                    (None, _) => {}
                }
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
                let timeout =
                    self.eval(seconds(t.timeout.as_ref(), "TimeoutSecondsPath", &e, q))?;
                let heartbeat =
                    self.eval(seconds(t.heartbeat.as_ref(), "HeartbeatSecondsPath", &e, q))?;
                let credentials = match (&t.credentials, q) {
                    (Some(c), Some(q)) => Some(self.eval(q.template(c, "Credentials"))?),
                    (Some(c), None) => Some(self.local(crate::template::eval(c, &e))?),
                    (None, _) => None,
                };
                drop(jsonata);
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
                        idempotency_key: self.idempotency_key(retry_count),
                    },
                };
                self.task(t, call, timeout, heartbeat).await
            }
            Kind::Parallel(p) => self.parallel(p, &effective, ctx, loc, retry_count).await,
            Kind::Map(m) => self.map(m, &effective, ctx, loc, retry_count).await,
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
        let attempt = call.context.retry_count;
        let at = self.attempt_at(attempt);
        let name = Some(self.s.name);
        let resource = t.resource;
        let resource_type = resource_type_name(t.resource_type, resource);
        let shape = Shape {
            task: !lambda && t.resource_type != ResourceType::Activity,
            resource_type,
            resource,
        };
        let (_, scheduled_at) = self.x.event_with(scheduled, name, at, || {
            let mut d = Map::new();
            if shape.task {
                d.insert("resourceType", resource_type.into());
                d.insert("resource", resource.into());
                d.insert("region", self.region(resource).into());
                d.insert("parameters", call.input.to_string().into());
            } else {
                d.insert("resource", resource.into());
                d.insert("input", call.input.to_string().into());
            }
            if let Some(s) = timeout {
                d.insert("timeoutInSeconds", s.into());
            }
            if let (Some(s), false) = (heartbeat, lambda) {
                d.insert("heartbeatInSeconds", s.into());
            }
            Value::object(d)
        });
        // In a durable run a callback Task is a real callback: the handler delivers the
        // token, and the outcome comes from `SendTaskSuccess`/`SendTaskFailure` (ASL-TK-09);
        // an activity Task is queued for workers (`GetActivityTask`), and no handler is
        // called. Otherwise the handler's result stands for the job's, the callback's or the
        // worker's.
        let durable = self.x.journal.is_some();
        let callback = durable && t.resource_type == ResourceType::Callback;
        let activity = durable && t.resource_type == ResourceType::Activity;
        let kinds = Kinds {
            started,
            succeeded,
            failed,
            timed_out,
            shape,
        };
        // An activity is started when a worker takes it.
        let started_at = match activity {
            true => None,
            false => self.x.event_with(started, name, at, || Value::Null).1,
        };
        let token = call.context.task_token.clone();
        if !callback && matches!(t.resource_type, ResourceType::Sync | ResourceType::Callback) {
            self.x.event("TaskSubmitted", name, at);
        }
        // A handler cannot send heartbeats, so a heartbeat interval is a deadline too
        // (ASL-TK-03: expiry is reported as States.Timeout, ASL-SUB-27).
        let limit = match (timeout, heartbeat) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let timed_out_failure = || Failure {
            error: Some("States.Timeout".into()),
            cause: None,
            terminal: false,
        };
        let mut limit = limit.map(std::time::Duration::from_secs);
        if let Some(j) = self.x.journal {
            let key = at.key();
            // Replay: an attempt whose outcome was recorded is answered from it.
            for kind in [succeeded, failed, timed_out] {
                if let Some(r) = j.recorded(kind, &key) {
                    self.set_outcome_at(r.timestamp);
                    if let (true, Some(token)) = (callback, &token) {
                        // Taken into the history before a restart; the token may not have
                        // been closed yet.
                        if let Err(e) = j.store().close_token(token) {
                            j.fail(e);
                        }
                    }
                    let d = r.details.as_ref().unwrap_or(&Value::Null);
                    return if kind == succeeded {
                        let text = d.get("output").and_then(Value::as_str).unwrap_or("null");
                        Ok(serde_json::from_str(text).unwrap_or(Value::Null))
                    } else {
                        Err(Failure {
                            error: d
                                .get("error")
                                .and_then(Value::as_str)
                                .map(|e| e.to_owned().into()),
                            cause: d.get("cause").and_then(Value::as_str).map(str::to_owned),
                            terminal: false,
                        })
                    };
                }
            }
            // An attempt in flight at a restart has only what is left of its time.
            if let (Some(l), Some(started)) = (limit, started_at.or(scheduled_at)) {
                let span = jiff::SignedDuration::try_from(l).unwrap_or(jiff::SignedDuration::MAX);
                let deadline = started.checked_add(span).unwrap_or(jiff::Timestamp::MAX);
                limit = Some(self.x.until(deadline));
            }
            if callback && j.recorded("TaskSubmitted", &key).is_some() {
                // The token was delivered before a restart: wait for its outcome.
                let token = token.as_deref().unwrap_or_default();
                let started = started_at.unwrap_or_else(|| self.x.now());
                return self
                    .await_callback(token, at, started, timeout, heartbeat, resource, &kinds)
                    .await;
            }
            // No new work while a resumed execution replays; then the attempt's events are
            // written before its handler is called.
            j.replayed().await;
            self.x.persist().await?;
            if let (true, Some(token)) = (callback || activity, &token) {
                let now = self.x.now();
                let new = crate::store::NewToken {
                    token,
                    execution_arn: j.arn(),
                    key: &key,
                    state: self.s.name,
                    created: now,
                    activity: activity.then(|| crate::store::ActivityTask {
                        activity_arn: resource.to_owned(),
                        input: call.input.to_string(),
                        worker: None,
                        started: None,
                    }),
                };
                if let Err(e) = j.store().create_token(&new) {
                    return Err(super::visit::store_failed(j, e));
                }
                if activity {
                    // Queued for workers: no handler is called.
                    let scheduled = scheduled_at.unwrap_or(now);
                    return self
                        .await_callback(token, at, scheduled, timeout, heartbeat, resource, &kinds)
                        .await;
                }
            }
        }
        let span = tracing::info_span!("task", state = self.s.name, resource, attempt);
        let fut = tracing::Instrument::instrument(self.x.handler.call(call), span);
        let fut = async {
            match self.x.journal {
                Some(j) => j.busy(fut).await,
                None => fut.await,
            }
        };
        let result = match limit {
            Some(l) if l.is_zero() => {
                drop(fut);
                Err(None)
            }
            Some(l) => match tokio::time::timeout(l, fut).await {
                Ok(r) => r.map_err(Some),
                Err(_) => Err(None),
            },
            None => fut.await.map_err(Some),
        };
        let outcome = match result {
            Err(None) => {
                let f = timed_out_failure();
                self.record_outcome(timed_out, at, || shape.error(Some("States.Timeout"), None));
                return Err(f);
            }
            Ok(v) if exceeds(&v, MAX_PAYLOAD_BYTES) => Err(Failure {
                error: Some("States.DataLimitExceeded".into()),
                cause: Some(format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    service_name(t.resource).unwrap_or(self.s.name)
                )),
                terminal: false,
            }),
            Ok(v) if callback => {
                // Delivered: the callback's outcome is the task's (ASL-EV-03).
                self.x
                    .event_with("TaskSubmitted", name, at, || shape.output(v.to_string()));
                let token = token.as_deref().unwrap_or_default();
                let started = started_at.unwrap_or_else(|| self.x.now());
                return self
                    .await_callback(token, at, started, timeout, heartbeat, resource, &kinds)
                    .await;
            }
            Ok(v) => Ok(v),
            // An empty name is a failure reported without one (a `SendTaskFailure` with no
            // `error`): the execution reports no error name.
            Err(Some(e)) => Err(Failure {
                error: (!e.error.is_empty()).then_some(e.error),
                cause: e.cause,
                terminal: false,
            }),
        };
        match &outcome {
            Ok(v) => self.record_outcome(succeeded, at, || shape.output(v.to_string())),
            Err(f) => self.record_outcome(failed, at, || {
                shape.error(f.error.as_deref(), f.cause.as_deref())
            }),
        }
        outcome
    }

    /// Waits for the outcome of a callback (`.waitForTaskToken`) or an activity task in a
    /// durable run: the execution holds no thread, and is unloaded when nothing else of it
    /// runs. `TimeoutSeconds` count from the attempt's start (an activity's: from its
    /// scheduling), `HeartbeatSeconds` from the last heartbeat (an activity's: once a worker
    /// took it) (ASL-TK-03/09); either expiring is `States.Timeout` (ASL-SUB-27).
    #[allow(clippy::too_many_arguments)]
    async fn await_callback(
        &self,
        token: &str,
        at: At<'_>,
        started: jiff::Timestamp,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
        resource: &str,
        kinds: &Kinds,
    ) -> Result<Value, Failure> {
        let Some(j) = self.x.journal else {
            return Err(super::visit::store_failure());
        };
        let _ = resource;
        let shape = kinds.shape;
        let name = Some(self.s.name);
        let after = |t: jiff::Timestamp, secs: u64| {
            t.checked_add(jiff::SignedDuration::from_secs(secs as i64))
                .unwrap_or(jiff::Timestamp::MAX)
        };
        // What was emitted since the last write (`TaskSubmitted`) is written before parking:
        // the token is out.
        self.x.persist().await?;
        loop {
            let Ok(rec) = j.task_token(token) else {
                return Err(super::visit::store_failure());
            };
            let rec = rec.ok_or_else(super::visit::store_failure)?;
            // An activity task a worker took: `ActivityStarted`, at the moment it was taken.
            let mut beat_from = Some(started);
            if let Some(a) = &rec.activity {
                beat_from = a.started;
                if let (Some(worker), Some(t)) = (&a.worker, a.started) {
                    self.x.event_at(
                        kinds.started,
                        name,
                        at,
                        t,
                        || json!({ "workerName": worker }),
                    );
                }
            }
            let outcome = match rec.status {
                TokenStatus::Succeeded => {
                    let out = rec.output.unwrap_or_else(|| "null".into());
                    self.record_outcome(kinds.succeeded, at, || shape.output(out.clone()));
                    Ok(serde_json::from_str(&out).unwrap_or(Value::Null))
                }
                TokenStatus::Failed => {
                    let (error, cause) = (rec.error, rec.cause);
                    self.record_outcome(kinds.failed, at, || {
                        shape.error(error.as_deref(), cause.as_deref())
                    });
                    Err(Failure {
                        // A failure sent without an error name reports none.
                        error: error.filter(|e| !e.is_empty()).map(Into::into),
                        cause,
                        terminal: false,
                    })
                }
                TokenStatus::Scheduled | TokenStatus::Waiting | TokenStatus::Closed => {
                    let mut deadline = timeout.map(|s| after(started, s));
                    if let (Some(h), Some(from)) = (heartbeat, beat_from) {
                        let d = after(rec.heartbeat.unwrap_or(from).max(from), h);
                        deadline = Some(deadline.map_or(d, |x| x.min(d)));
                    }
                    let expired = rec.status == TokenStatus::Closed
                        || deadline.is_some_and(|d| d <= self.x.now());
                    if !expired {
                        j.park(deadline.map(|d| self.x.until(d)), deadline).await;
                        continue;
                    }
                    self.record_outcome(kinds.timed_out, at, || {
                        shape.error(Some("States.Timeout"), None)
                    });
                    Err(Failure {
                        error: Some("States.Timeout".into()),
                        cause: None,
                        terminal: false,
                    })
                }
            };
            // The outcome is in the history before the token is closed.
            self.x.persist().await?;
            if let Err(e) = j.store().close_token(token) {
                return Err(super::visit::store_failed(j, e));
            }
            return outcome;
        }
    }

    /// Records an attempt's outcome event, and when it happened.
    fn record_outcome(&self, kind: &'static str, at: At<'_>, details: impl FnOnce() -> Value) {
        let (_, t) = self.x.event_with(kind, Some(self.s.name), at, details);
        if let Some(t) = t {
            self.set_outcome_at(t);
        }
    }
}

/// The event types of one kind of Task (`Task…`, `LambdaFunction…`, `Activity…`).
struct Kinds {
    started: &'static str,
    succeeded: &'static str,
    failed: &'static str,
    timed_out: &'static str,
    shape: Shape,
}

/// The details of a Task's outcome events, in the shape of their family (API-SEE):
/// `Task…` events name the resource (`resourceType`, `resource`), `LambdaFunction…` and
/// `Activity…` events do not.
#[derive(Clone, Copy)]
struct Shape {
    /// The `Task…` family.
    task: bool,
    resource_type: &'static str,
    resource: &'static str,
}

impl Shape {
    fn base(self) -> Map {
        let mut d = Map::new();
        if self.task {
            d.insert("resourceType", self.resource_type.into());
            d.insert("resource", self.resource.into());
        }
        d
    }

    /// `…Succeeded`, `TaskSubmitted`: the output as JSON text.
    fn output(self, output: String) -> Value {
        let mut d = self.base();
        d.insert("output", output.into());
        Value::object(d)
    }

    /// `…Failed`, `…TimedOut`: the error and cause, each left out when there is none.
    fn error(self, error: Option<&str>, cause: Option<&str>) -> Value {
        let mut d = self.base();
        if let Some(e) = error {
            d.insert("error", e.into());
        }
        if let Some(c) = cause {
            d.insert("cause", c.into());
        }
        Value::object(d)
    }
}

impl Visit<'_, '_> {
    /// The region of a Task's call: its resource's, else the execution's (from its ARN).
    fn region(&self, resource: &str) -> String {
        let of = |arn: &str| {
            arn.split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        };
        of(resource)
            .or_else(|| self.x.execution_id().and_then(|id| of(id)))
            .unwrap_or_else(|| "us-east-1".to_owned())
    }
}

/// AWS's `resourceType` of a task event: the service of an integration (`lambda` in
/// `arn:aws:states:::lambda:invoke`).
fn resource_type_name(r: ResourceType, resource: &str) -> &str {
    match r {
        ResourceType::Lambda => "lambda",
        ResourceType::Activity => "activity",
        _ => service_name(resource).unwrap_or("states"),
    }
}

/// The resource's service for messages (`lambda` in `arn:aws:states:::lambda:invoke`).
fn service_name(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:aws:states:::")?;
    let rest = rest.strip_prefix("aws-sdk:").unwrap_or(rest);
    rest.split(':').next()
}

/// `TimeoutSeconds[Path]` / `HeartbeatSeconds[Path]` (ASL-TK-04); the JSONata forms must
/// give a positive integer (ASL-JA-10).
fn seconds(
    s: Option<&Seconds>,
    field: &str,
    e: &Env<'_>,
    q: Option<&crate::query::Query<'_>>,
) -> Result<Option<u64>, StateError> {
    match s {
        None => Ok(None),
        Some(Seconds::Static(n)) => Ok(Some(*n)),
        Some(Seconds::Jsonata(p)) => match q {
            Some(q) => {
                let name = field.strip_suffix("Path").unwrap_or(field);
                let v = q.eval_as(p, name, crate::query::Expect::PositiveInteger)?;
                Ok(v.as_f64().map(|x| x as u64))
            }
            None => Ok(None),
        },
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
