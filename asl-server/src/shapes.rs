//! The API's shapes: request fields read with the API's validation errors, and answers built
//! as botocore's Step Functions service model has them (AWS JSON 1.0: timestamps are epoch
//! seconds as numbers, absent members left out).

use asl_runtime::store::{ExecutionRecord, HistoryRecord, MapRunCounts, MapRunRecord};
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::error::Fault;

/// A timestamp as AWS JSON 1.0 writes it: seconds since the epoch, milliseconds as the
/// fraction.
pub fn date(t: Timestamp) -> Value {
    let ms = t.as_millisecond();
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// The request's fields.
pub struct Request<'a> {
    body: &'a Map<String, Value>,
}

impl<'a> Request<'a> {
    /// The body, which must be a JSON object.
    pub fn new(body: &'a Value) -> Result<Request<'a>, Fault> {
        match body {
            Value::Object(body) => Ok(Request { body }),
            _ => Err(Fault::serialization(
                "the request body must be a JSON object",
            )),
        }
    }

    /// A string member, if present (`null` counts as absent).
    pub fn str(&self, name: &str) -> Result<Option<&'a str>, Fault> {
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Fault::serialization(format!(
                "STRING_VALUE can not be converted to a String: member '{name}'"
            ))),
        }
    }

    /// A string member the action requires.
    pub fn required(&self, name: &str) -> Result<&'a str, Fault> {
        self.str(name)?.ok_or_else(|| {
            Fault::validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }

    /// A boolean member (absent: `false`).
    pub fn bool(&self, name: &str) -> Result<bool, Fault> {
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Fault::serialization(format!(
                "member '{name}' must be a boolean"
            ))),
        }
    }

    /// An integer member (`maxResults`), within `0..=max`.
    pub fn int(&self, name: &str, max: u64) -> Result<Option<u64>, Fault> {
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if v <= max => Ok(Some(v)),
                _ => Err(Fault::validation(format!(
                    "1 validation error detected: Value '{n}' at '{name}' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ))),
            },
            Some(_) => Err(Fault::serialization(format!(
                "member '{name}' must be an integer"
            ))),
        }
    }

    /// Any member, as given.
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        self.body.get(name).filter(|v| !v.is_null())
    }

    /// A `TagList` member: `[{"key": …, "value": …}]`.
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>, Fault> {
        let Some(list) = self.value(name) else {
            return Ok(Vec::new());
        };
        let bad = || Fault::serialization(format!("member '{name}' must be a list of tags"));
        let list = list.as_array().ok_or_else(bad)?;
        list.iter()
            .map(|t| {
                let key = t.get("key").and_then(Value::as_str).ok_or_else(bad)?;
                let value = t.get("value").and_then(Value::as_str).unwrap_or("");
                Ok((key.to_owned(), value.to_owned()))
            })
            .collect()
    }
}

/// `ExecutionListItem`.
pub fn execution_item(e: &ExecutionRecord) -> Value {
    let mut o = Map::new();
    o.insert("executionArn".into(), json!(e.arn));
    o.insert("stateMachineArn".into(), json!(e.state_machine_arn));
    o.insert("name".into(), json!(e.name));
    o.insert("status".into(), json!(e.status.as_str()));
    o.insert("startDate".into(), date(e.start_date));
    if let Some(d) = e.stop_date {
        o.insert("stopDate".into(), date(d));
    }
    if e.redrive_count > 0 {
        o.insert("redriveCount".into(), json!(e.redrive_count));
    }
    Value::Object(o)
}

/// `DescribeExecutionOutput`.
pub fn describe_execution(e: &ExecutionRecord, redrivable: Option<bool>) -> Value {
    let Value::Object(mut o) = execution_item(e) else {
        unreachable!()
    };
    o.insert("input".into(), json!(e.input));
    o.insert("inputDetails".into(), json!({ "included": true }));
    if let Some(out) = &e.output {
        o.insert("output".into(), json!(out));
        o.insert("outputDetails".into(), json!({ "included": true }));
    }
    if let Some(err) = &e.error {
        o.insert("error".into(), json!(err));
    }
    if let Some(cause) = &e.cause {
        o.insert("cause".into(), json!(cause));
    }
    o.insert("redriveCount".into(), json!(e.redrive_count));
    match redrivable {
        Some(true) => {
            o.insert("redriveStatus".into(), json!("REDRIVABLE"));
        }
        Some(false) => {
            o.insert("redriveStatus".into(), json!("NOT_REDRIVABLE"));
            let reason = match e.status.as_str() {
                "RUNNING" => "Execution is RUNNING and cannot be redriven",
                "SUCCEEDED" => "Execution is SUCCEEDED and cannot be redriven",
                _ => "Execution cannot be redriven",
            };
            o.insert("redriveStatusReason".into(), json!(reason));
        }
        None => {}
    }
    Value::Object(o)
}

/// The state machine of a Map Run's children: `…:stateMachine:<machine>/<label>`.
pub fn map_run_state_machine(map_run_arn: &str) -> String {
    let machine = map_run_arn.rsplit_once(':').map_or(map_run_arn, |(m, _)| m);
    machine.replacen(":mapRun:", ":stateMachine:", 1)
}

/// `MapRunExecutionCounts` (and `MapRunItemCounts`, the same members).
fn map_run_counts(c: &MapRunCounts) -> Value {
    json!({
        "pending": c.pending,
        "running": c.running,
        "succeeded": c.succeeded,
        "failed": c.failed,
        "timedOut": c.timed_out,
        "aborted": c.aborted,
        "total": c.total,
        "resultsWritten": c.succeeded + c.failed + c.timed_out,
        "failuresNotRedrivable": 0,
        "pendingRedrive": 0
    })
}

/// `DescribeMapRunOutput`.
pub fn describe_map_run(r: &MapRunRecord) -> Value {
    let mut o = Map::new();
    o.insert("mapRunArn".into(), json!(r.arn));
    o.insert("executionArn".into(), json!(r.execution_arn));
    o.insert("status".into(), json!(r.status.as_str()));
    o.insert("startDate".into(), date(r.start_date));
    if let Some(t) = r.stop_date {
        o.insert("stopDate".into(), date(t));
    }
    o.insert("maxConcurrency".into(), json!(r.max_concurrency));
    o.insert(
        "toleratedFailurePercentage".into(),
        json!(r.tolerated_failure_percentage),
    );
    o.insert(
        "toleratedFailureCount".into(),
        json!(r.tolerated_failure_count),
    );
    o.insert("itemCounts".into(), map_run_counts(&r.item_counts));
    o.insert("executionCounts".into(), map_run_counts(&r.counts));
    o.insert("redriveCount".into(), json!(0));
    Value::Object(o)
}

/// `MapRunListItem`.
pub fn map_run_item(r: &MapRunRecord) -> Value {
    let mut o = Map::new();
    o.insert("executionArn".into(), json!(r.execution_arn));
    o.insert("mapRunArn".into(), json!(r.arn));
    o.insert(
        "stateMachineArn".into(),
        json!(map_run_state_machine(&r.arn)),
    );
    o.insert("startDate".into(), date(r.start_date));
    if let Some(t) = r.stop_date {
        o.insert("stopDate".into(), date(t));
    }
    Value::Object(o)
}

/// The `HistoryEvent` member that holds an event type's details, if the type has one.
pub fn details_member(kind: &str) -> Option<&'static str> {
    if kind.ends_with("StateEntered") {
        return Some("stateEnteredEventDetails");
    }
    if kind.ends_with("StateExited") {
        return Some("stateExitedEventDetails");
    }
    Some(match kind {
        "ActivityFailed" => "activityFailedEventDetails",
        "ActivityScheduleFailed" => "activityScheduleFailedEventDetails",
        "ActivityScheduled" => "activityScheduledEventDetails",
        "ActivityStarted" => "activityStartedEventDetails",
        "ActivitySucceeded" => "activitySucceededEventDetails",
        "ActivityTimedOut" => "activityTimedOutEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStartFailed" => "taskStartFailedEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskSubmitFailed" => "taskSubmitFailedEventDetails",
        "TaskSubmitted" => "taskSubmittedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "ExecutionRedriven" => "executionRedrivenEventDetails",
        "MapStateStarted" => "mapStateStartedEventDetails",
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionScheduleFailed" => "lambdaFunctionScheduleFailedEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionStartFailed" => "lambdaFunctionStartFailedEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "MapRunStarted" => "mapRunStartedEventDetails",
        "MapRunFailed" => "mapRunFailedEventDetails",
        "MapRunRedriven" => "mapRunRedrivenEventDetails",
        "EvaluationFailed" => "evaluationFailedEventDetails",
        _ => return None,
    })
}

/// `HistoryEvent`.
pub fn history_event(e: &HistoryRecord) -> Value {
    let mut o = Map::new();
    o.insert("timestamp".into(), date(e.timestamp));
    o.insert("type".into(), json!(e.kind));
    o.insert("id".into(), json!(e.id));
    o.insert("previousEventId".into(), json!(e.previous_id));
    if let (Some(member), Some(details)) = (details_member(&e.kind), &e.details) {
        // Members without a value are left out, as AWS leaves them.
        if let Ok(Value::Object(mut d)) = serde_json::to_value(details) {
            d.retain(|_, v| !v.is_null());
            // The store keeps the state's name with every event; AWS's shapes have it only
            // in these.
            if !matches!(
                member,
                "stateEnteredEventDetails"
                    | "stateExitedEventDetails"
                    | "mapIterationStartedEventDetails"
                    | "mapIterationSucceededEventDetails"
                    | "mapIterationFailedEventDetails"
                    | "mapIterationAbortedEventDetails"
            ) {
                d.remove("name");
            }
            if !d.is_empty() {
                o.insert(member.into(), Value::Object(d));
            }
        }
    }
    Value::Object(o)
}
