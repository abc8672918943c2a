//! One attempt of a state's work under Retry, and the Task call itself: Parameters, the input
//! quota, timeouts and heartbeats, task tokens, credentials, the handler call and its events
//! (ASL-TK).

use std::sync::Arc;

use serde_json::Value;

use super::Location;
use super::quota::{MAX_PAYLOAD_BYTES, exceeds};
use super::retry::Failure;
use super::visit::{Visit, env, value_text};
use crate::handler::{TaskCall, TaskContext};
use crate::machine::{Kind, ResourceType, Seconds};
use crate::{Env, StateError};

impl Visit<'_, '_> {
    /// A new task token for this attempt, for Tasks that wait for a job, a callback or an
    /// activity worker (ASL-CTX-09, ASL-SUB-51: a new one per attempt).
    pub(super) fn new_token(&self) -> Option<Arc<str>> {
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
            Kind::Parallel(p) => self.parallel(p, &effective, ctx, loc).await,
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
