//! Express executions: in memory, no history kept — unless the machine's
//! `loggingConfiguration` asks for logs, which AWS sends to CloudWatch Logs and this server
//! writes as JSON lines, one file per log group, in its log directory.
//!
//! A logged execution runs on the durable driver over a throwaway in-memory store, so that
//! its events carry their details (input, output, errors) as a Standard history has them;
//! then the events its level selects are written, the execution data left out unless
//! `includeExecutionData` is true. An execution without logging runs on the plain driver.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use asl_runtime::Value;
use asl_runtime::driver::{ExecutionError, Options, run, run_durable};
use asl_runtime::store::{HistoryRecord, MemoryStore, NewExecution, Status, Store};
use serde_json::Value as Json;

use crate::Entry;

/// `loggingConfiguration`, as the API takes it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Logging {
    level: Level,
    include_data: bool,
    /// The log group's name (from `destinations[0].cloudWatchLogsLogGroup.logGroupArn`).
    group: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Off,
    All,
    Error,
    Fatal,
}

impl Logging {
    /// Reads a `loggingConfiguration`; `InvalidLoggingConfiguration` as AWS has it.
    pub fn parse(v: Option<&Json>) -> Result<Logging, String> {
        let Some(v) = v else {
            return Ok(Logging {
                level: Level::Off,
                include_data: false,
                group: None,
            });
        };
        let level = match v.get("level").and_then(Json::as_str) {
            None | Some("OFF") => Level::Off,
            Some("ALL") => Level::All,
            Some("ERROR") => Level::Error,
            Some("FATAL") => Level::Fatal,
            Some(other) => return Err(format!("Invalid log level: '{other}'")),
        };
        let include_data = v
            .get("includeExecutionData")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let destinations = v.get("destinations").and_then(Json::as_array);
        if destinations.is_some_and(|d| d.len() > 1) {
            return Err("Logging destinations are limited to one".into());
        }
        let group = destinations
            .and_then(|d| d.first())
            .and_then(|d| d.pointer("/cloudWatchLogsLogGroup/logGroupArn"))
            .and_then(Json::as_str)
            .map(|arn| {
                // arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*
                let parts: Vec<&str> = arn.split(':').collect();
                match parts.as_slice() {
                    ["arn", _, "logs", _, _, "log-group", name, ..] => Ok((*name).to_owned()),
                    _ => Err(format!("Invalid Log Group ARN: '{arn}'")),
                }
            })
            .transpose()?;
        if level != Level::Off && group.is_none() {
            return Err("Logging destinations are required when the log level is not OFF".into());
        }
        Ok(Logging {
            level,
            include_data,
            group,
        })
    }

    fn off(&self) -> bool {
        self.level == Level::Off || self.group.is_none()
    }

    /// Whether an event of `kind` is logged at this level.
    fn logs(&self, kind: &str) -> bool {
        let fatal = matches!(
            kind,
            "ExecutionFailed" | "ExecutionAborted" | "ExecutionTimedOut"
        );
        let error = fatal
            || kind == "FailStateEntered"
            || kind == "EvaluationFailed"
            || kind.ends_with("Failed")
            || kind.ends_with("TimedOut")
            || kind.ends_with("Aborted");
        match self.level {
            Level::Off => false,
            Level::All => true,
            Level::Error => error,
            Level::Fatal => fatal,
        }
    }
}

/// How an Express execution ended.
pub(crate) struct Ended {
    pub result: Result<Value, ExecutionError>,
}

/// Runs one Express execution; logs it as `logging` says into `dir`.
pub(crate) async fn execute(
    entry: &Entry,
    input: Value,
    options: Options,
    logging: &Logging,
    dir: &Path,
) -> Ended {
    if logging.off() {
        let done = run(entry.machine, &*entry.dispatch, input, &options).await;
        return Ended {
            result: done.result,
        };
    }
    let store = Arc::new(MemoryStore::new());
    let arn = options.execution_id.clone().unwrap_or_default();
    let start = options.start_time.unwrap_or_else(jiff::Timestamp::now);
    let new = NewExecution {
        arn: arn.clone(),
        name: options.execution_name.clone().unwrap_or_default(),
        state_machine_arn: options.state_machine_id.clone().unwrap_or_default(),
        input: input.to_string(),
        start_date: start,
        seed: rand_seed(),
        revision_id: None,
        lease: None,
        tags: Vec::new(),
    };
    let inserted = store
        .insert_execution(&new)
        .ok()
        .and_then(|_| store.execution(&arn).ok().flatten());
    let Some(rec) = inserted else {
        return Ended {
            result: Err(runtime_error("the execution could not be recorded")),
        };
    };
    let shared: Arc<dyn Store> = store.clone();
    let ran = run_durable(entry.machine, &*entry.dispatch, shared, rec, start).await;
    let closed = store.execution(&arn).ok().flatten();
    let result = match (ran, closed) {
        (Ok(_), Some(rec)) => match rec.status {
            Status::Succeeded => Ok(rec
                .output
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or(Value::Null)),
            _ => Err(ExecutionError {
                error: rec.error,
                cause: rec.cause,
            }),
        },
        (Err(e), _) => Err(runtime_error(&e.to_string())),
        (Ok(_), None) => Err(runtime_error("the execution vanished")),
    };
    if let (Ok(events), Some(group)) = (store.events(&arn, 1, 0), &logging.group) {
        let lines: Vec<String> = events
            .iter()
            .filter(|e| logging.logs(&e.kind))
            .map(|e| log_record(e, &arn, logging.include_data).to_string())
            .collect();
        if let Err(e) = append(&dir.join(format!("{group}.log")), &lines) {
            tracing::warn!(group = %group, error = %e, "execution log not written");
        }
    }
    Ended { result }
}

fn runtime_error(cause: &str) -> ExecutionError {
    ExecutionError {
        error: Some("States.Runtime".into()),
        cause: Some(cause.to_owned()),
    }
}

fn rand_seed() -> u64 {
    let id = uuid::Uuid::new_v4();
    let b = id.as_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// One record as Step Functions writes it to CloudWatch Logs.
fn log_record(e: &HistoryRecord, execution_arn: &str, include_data: bool) -> Json {
    let mut details = e
        .details
        .as_ref()
        .and_then(|d| serde_json::to_value(d).ok())
        .unwrap_or_else(|| Json::Object(Default::default()));
    if let Json::Object(d) = &mut details {
        d.retain(|_, v| !v.is_null());
        if !include_data {
            for k in ["input", "output", "parameters"] {
                if d.remove(k).is_some() {
                    d.insert(format!("{k}Details"), json_truncated());
                }
            }
        }
    }
    serde_json::json!({
        "id": e.id.to_string(),
        "type": e.kind,
        "details": details,
        "previous_event_id": e.previous_id.to_string(),
        "event_timestamp": e.timestamp.as_millisecond().to_string(),
        "execution_arn": execution_arn,
        "redrive_count": "0",
    })
}

fn json_truncated() -> Json {
    serde_json::json!({ "truncated": false })
}

fn append(path: &PathBuf, lines: &[String]) -> std::io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut text = lines.join("\n");
    text.push('\n');
    f.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl_runtime::json;

    #[test]
    fn levels_select_events_as_aws_documents() {
        let at = |level: &str| {
            Logging::parse(Some(&serde_json::json!({
                "level": level,
                "destinations": [{ "cloudWatchLogsLogGroup": {
                    "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*" } }]
            })))
            .unwrap()
        };
        let all = at("ALL");
        let error = at("ERROR");
        let fatal = at("FATAL");
        assert!(all.logs("PassStateEntered"));
        assert!(!error.logs("PassStateEntered") && error.logs("TaskFailed"));
        assert!(error.logs("FailStateEntered") && error.logs("ExecutionFailed"));
        assert!(!fatal.logs("TaskFailed") && fatal.logs("ExecutionTimedOut"));
        assert_eq!(all.group.as_deref(), Some("g"));
        assert!(at("OFF").off());
    }

    #[test]
    fn a_level_without_a_destination_is_refused() {
        assert!(Logging::parse(Some(&serde_json::json!({ "level": "ALL" }))).is_err());
        assert!(Logging::parse(Some(&serde_json::json!({ "level": "LOUD" }))).is_err());
        let bad = serde_json::json!({ "level": "ALL", "destinations": [
            { "cloudWatchLogsLogGroup": { "logGroupArn": "nope" } }] });
        assert!(Logging::parse(Some(&bad)).is_err());
    }

    #[test]
    fn records_leave_out_the_data_unless_asked() {
        let e = HistoryRecord {
            id: 1,
            previous_id: 0,
            timestamp: jiff::Timestamp::from_millisecond(1_700_000_000_123).unwrap(),
            kind: "ExecutionStarted".into(),
            key: String::new(),
            details: Some(json!({ "input": "{\"secret\":1}", "roleArn": "r" })),
        };
        let r = log_record(&e, "arn:x", false);
        assert_eq!(
            r["details"],
            serde_json::json!({ "inputDetails": { "truncated": false }, "roleArn": "r" })
        );
        assert_eq!(r["event_timestamp"], "1700000000123");
        assert_eq!(r["id"], "1");
        let r = log_record(&e, "arn:x", true);
        assert_eq!(r["details"]["input"], "{\"secret\":1}");
    }
}
