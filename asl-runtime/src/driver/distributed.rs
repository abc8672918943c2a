//! Distributed Map (ASL-DMAP): each item, or batch of items, is the input of a child execution
//! of the Map's processor. A child has its own context (`$$.Execution`, `$$.StateMachine` named
//! `<machine>/<label>`), its own variables (none of the parent's, ASL-DMAP-07) and its own
//! history, which is not the parent's: the parent records a Map Run (ASL-EV-09) —
//! `MapStateStarted`, `MapRunStarted {mapRunArn}`, then `MapRunSucceeded` or `MapRunFailed`.
//!
//! Children run as executions of their own on this runtime, concurrently up to
//! `MaxConcurrency` (default 10,000, ASL-MAP-05). A failed child is tolerated up to
//! `ToleratedFailureCount` / `ToleratedFailurePercentage` (ASL-DMAP-05); past either, the Map
//! Run fails with `States.ExceedToleratedFailureThreshold` and the children still running are
//! stopped.

use std::borrow::Cow;

use futures_util::StreamExt;

use super::fanout::{int_field, percentage};
use super::retry::Failure;
use super::visit::Visit;
use super::{Exec, ExecutionError, Options};
use crate::json;
use crate::machine::{Batcher, Distributed, Map as MapState};
use crate::store::{MapRunCounts, MapRunRecord, Status};
use crate::value::{Map, Value};

/// The most children of one Map Run that run at once when `MaxConcurrency` is 0 or absent
/// (ASL-MAP-05).
const DEFAULT_MAX_CONCURRENCY: usize = 10_000;

/// The error of a Map Run that failed more children than it tolerates (ASL-DMAP-05).
const EXCEEDED: &str = "States.ExceedToleratedFailureThreshold";

impl Visit<'_, '_> {
    /// Distributed Map (ASL-DMAP, ASL-EV-09).
    pub(super) async fn distributed_map(
        &self,
        m: &'static MapState,
        d: &'static Distributed,
        effective: &Value,
        ctx: &Value,
        attempt: u32,
    ) -> Result<Value, Failure> {
        let items = self.map_items(m, effective, ctx)?;
        let name = Some(self.s.name);
        let started = self.attempt_at(attempt);
        let length = items.len();
        self.x.event_with(
            "MapStateStarted",
            name,
            started,
            || json!({ "length": length }),
        );
        // A Distributed Map reads its settings once started (recorded cases: a bad
        // ToleratedFailureCountPath fails the execution after MapStateStarted).
        let e = self.env(effective, ctx);
        let jsonata = self.s.jsonata.then(|| self.query(effective, ctx));
        let q = jsonata.as_ref();
        let max = self.eval(int_field(
            m.max_concurrency.as_ref(),
            "MaxConcurrencyPath",
            &e,
            q,
        ))?;
        let tolerance = Tolerance {
            count: self.eval(int_field(
                m.tolerated_failure_count.as_ref(),
                "ToleratedFailureCountPath",
                &e,
                q,
            ))?,
            percentage: self.eval(percentage(m.tolerated_failure_percentage.as_ref(), &e, q))?,
        };
        let mut inputs = Vec::with_capacity(items.len());
        for (i, (key, value)) in items.into_iter().enumerate() {
            inputs.push(self.item_input(m, effective, key, i, value)?);
        }
        if let Some(b) = &d.batcher {
            inputs = self.batches(b, inputs, effective, ctx)?;
        }

        let run = MapRun::new(self, d, attempt);
        let total = inputs.len();
        let mut record = MapRunRecord {
            arn: run.arn.clone(),
            execution_arn: self
                .x
                .journal
                .map(|j| j.arn().to_string())
                .unwrap_or_default(),
            status: Status::Running,
            start_date: self.x.now(),
            stop_date: None,
            max_concurrency: max.unwrap_or(0),
            tolerated_failure_percentage: tolerance.percentage.unwrap_or(0.0),
            tolerated_failure_count: tolerance.count.unwrap_or(0),
            counts: MapRunCounts {
                pending: total as u64,
                total: total as u64,
                ..MapRunCounts::default()
            },
            result: None,
            error: None,
            cause: None,
        };
        let started_event = || json!({ "mapRunArn": run.arn.as_str() });
        if let Some(j) = self.x.journal {
            // A Map Run that ended before a restart is not run again: its end is in the
            // history, its result in the store.
            let key = started.key();
            if j.recorded("MapRunSucceeded", &key).is_some() {
                let result = j
                    .store()
                    .map_run(&run.arn)
                    .ok()
                    .flatten()
                    .and_then(|r| r.result)
                    .and_then(|r| serde_json::from_str::<Value>(&r).ok());
                if let Some(result) = result {
                    self.x
                        .event_with("MapRunStarted", name, started, started_event);
                    self.x.event("MapRunSucceeded", name, started);
                    self.x.event("MapStateSucceeded", name, started);
                    return Ok(result);
                }
            }
            if let Some(r) = j.recorded("MapRunFailed", &key) {
                let details = r.details.clone().unwrap_or(Value::Null);
                let text = |k: &str| details[k].as_str().map(str::to_owned);
                self.x
                    .event_with("MapRunStarted", name, started, started_event);
                self.x.event("MapRunFailed", name, started);
                return Err(Failure {
                    error: Some(text("error").unwrap_or_else(|| EXCEEDED.into()).into()),
                    cause: text("cause"),
                    terminal: false,
                });
            }
            if j.recorded("MapRunStarted", &key).is_none() {
                self.put(&record)?;
            }
        }
        self.x
            .event_with("MapRunStarted", name, started, started_event);
        let limit = match max {
            Some(0) | None => DEFAULT_MAX_CONCURRENCY,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        }
        .min(total)
        .max(1);
        let mut pool = futures_util::stream::FuturesUnordered::new();
        let mut results = vec![Value::Null; total];
        let mut failed = 0usize;
        let mut items = inputs.into_iter().enumerate();
        loop {
            while pool.len() < limit {
                let Some((i, input)) = items.next() else {
                    break;
                };
                let child = run.child(self.x, i);
                pool.push(async move { (i, child.run(self.x, m.start, d.express, input).await) });
            }
            let Some((i, outcome)) = pool.next().await else {
                break;
            };
            let counts = &mut record.counts;
            counts.pending = counts.pending.saturating_sub(1);
            match &outcome {
                Ok(_) => counts.succeeded += 1,
                Err(e) if e.error.as_deref() == Some("States.Timeout") => counts.timed_out += 1,
                Err(_) => counts.failed += 1,
            }
            match outcome {
                Ok(v) => results[i] = v,
                Err(e) => {
                    failed += 1;
                    if tolerance.exceeded(failed, total) {
                        let cause = "The specified tolerated failure threshold was exceeded";
                        let counts = &mut record.counts;
                        counts.aborted = counts.pending;
                        counts.pending = 0;
                        record.status = Status::Failed;
                        record.stop_date = Some(self.x.now());
                        record.error = Some(EXCEEDED.into());
                        record.cause = Some(cause.into());
                        self.put(&record)?;
                        self.x.event_with(
                            "MapRunFailed",
                            name,
                            started,
                            || json!({ "error": EXCEEDED, "cause": cause }),
                        );
                        // The children still running stop with the pool.
                        return Err(Failure {
                            error: Some(EXCEEDED.into()),
                            cause: Some(cause.into()),
                            terminal: false,
                        });
                    }
                    results[i] = Failure {
                        error: e.error.map(Cow::Owned),
                        cause: e.cause,
                        terminal: false,
                    }
                    .error_output();
                }
            }
        }
        let result = Value::array(results);
        if self.x.journal.is_some() {
            record.status = Status::Succeeded;
            record.stop_date = Some(self.x.now());
            record.result = Some(result.to_string());
            // Written before the end event: a replay that finds the event finds the result.
            self.put(&record)?;
        }
        self.x.event("MapRunSucceeded", name, started);
        self.x.event("MapStateSucceeded", name, started);
        Ok(result)
    }

    /// Writes the Map Run to the store of a durable run. A failed write stops the run as
    /// any failed write does: the execution stays RUNNING, to be resumed.
    fn put(&self, r: &MapRunRecord) -> Result<(), Failure> {
        if let Some(j) = self.x.journal
            && let Err(e) = j.store().put_map_run(r)
        {
            j.fail(e);
            return Err(super::visit::store_failure());
        }
        Ok(())
    }

    /// `ItemBatcher` (ASL-DMAP-03): the items in batches of at most `MaxItemsPerBatch` items
    /// and `MaxInputBytesPerBatch` bytes of child input, each `{"BatchInput", "Items"}`.
    fn batches(
        &self,
        b: &'static Batcher,
        inputs: Vec<Value>,
        effective: &Value,
        ctx: &Value,
    ) -> Result<Vec<Value>, Failure> {
        let e = self.env(effective, ctx);
        let jsonata = self.s.jsonata.then(|| self.query(effective, ctx));
        let q = jsonata.as_ref();
        let max_items = self
            .eval(int_field(
                b.max_items.as_ref(),
                "MaxItemsPerBatchPath",
                &e,
                q,
            ))?
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX))
            .max(1);
        let max_bytes = self
            .eval(int_field(
                b.max_bytes.as_ref(),
                "MaxInputBytesPerBatchPath",
                &e,
                q,
            ))?
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let batch_input = match &b.batch_input {
            None => None,
            Some(t) => Some(match q {
                Some(q) => self.eval(q.template(t, "BatchInput"))?,
                None => self.local(crate::template::eval(t, &e))?,
            }),
        };
        // The size of `{"BatchInput":…,"Items":[]}`; each item adds its JSON and a comma.
        let base = match &batch_input {
            Some(v) => r#"{"BatchInput":,"Items":[]}"#.len() + v.to_string().len(),
            None => r#"{"Items":[]}"#.len(),
        };
        let batch = |items: Vec<Value>| {
            let mut o = Map::with_capacity(2);
            if let Some(v) = &batch_input {
                o.insert("BatchInput", v.clone());
            }
            o.insert("Items", Value::array(items));
            Value::object(o)
        };
        let mut batches = Vec::new();
        let mut current = Vec::new();
        let mut bytes = base;
        for item in inputs {
            let size = item.to_string().len() + usize::from(!current.is_empty());
            if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
                batches.push(batch(std::mem::take(&mut current)));
                bytes = base;
            }
            bytes += item.to_string().len() + usize::from(!current.is_empty());
            current.push(item);
        }
        if !current.is_empty() {
            batches.push(batch(current));
        }
        Ok(batches)
    }
}

/// `ToleratedFailureCount` and `ToleratedFailurePercentage` (ASL-DMAP-05): with neither, no
/// failure is tolerated; with one or both, exceeding either fails the Map Run.
struct Tolerance {
    count: Option<u64>,
    percentage: Option<f64>,
}

impl Tolerance {
    fn exceeded(&self, failed: usize, total: usize) -> bool {
        match (self.count, self.percentage) {
            (None, None) => failed > 0,
            (count, pct) => {
                count.is_some_and(|c| failed as u64 > c)
                    || pct.is_some_and(|p| failed as f64 * 100.0 / total as f64 > p)
            }
        }
    }
}

/// One Map Run: its ARN and the names its children take.
struct MapRun {
    arn: String,
    /// `arn:aws:states:<region>:<account>`, of the parent.
    prefix: String,
    /// `<machine>/<label>`: the children's state machine name (ASL-CTX-08).
    machine: String,
    /// In durable runs, the point the children's names are drawn for (the same on replay).
    draws: Option<String>,
}

impl MapRun {
    fn new(v: &Visit<'_, '_>, d: &Distributed, attempt: u32) -> MapRun {
        let x = v.x;
        // The parent's region and account, from its ARN when it has one.
        let prefix = x
            .execution_id()
            .and_then(|id| {
                let parts: Vec<&str> = id.splitn(6, ':').collect();
                (parts.len() == 6).then(|| parts[..5].join(":"))
            })
            .unwrap_or_else(|| "arn:aws:states:us-east-1:111111111111".into());
        let machine = format!("{}/{}", x.state_machine_name(), d.label.unwrap_or(v.s.name));
        let draws = x.journal.map(|_| v.attempt_at(attempt).key() + "#mapRun");
        let id = match (&draws, x.journal) {
            (Some(key), Some(j)) => j.draws(key.clone()).next_uuid(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        MapRun {
            arn: format!("{prefix}:mapRun:{machine}:{id}"),
            prefix,
            machine,
            draws,
        }
    }

    /// The options of child `i`: its name, ARN and state machine (ASL-CTX-08).
    fn child(&self, x: &Exec<'_>, i: usize) -> Child {
        let (name, seed) = match (&self.draws, x.journal) {
            (Some(key), Some(j)) => {
                let d = j.draws(format!("{key}.{i}"));
                (d.next_uuid(), Some(d.next_u64()))
            }
            _ => (uuid::Uuid::new_v4().to_string(), None),
        };
        Child {
            options: Options {
                execution_id: Some(format!("{}:execution:{}:{name}", self.prefix, self.machine)),
                execution_name: Some(name),
                role_arn: x.options.role_arn.clone(),
                state_machine_name: Some(self.machine.clone()),
                state_machine_id: Some(format!("{}:stateMachine:{}", self.prefix, self.machine)),
                start_time: Some(x.now()),
                history: false,
                seed,
                redrive_count: 0,
                inspect: None,
            },
        }
    }
}

/// A child execution of a Map Run.
struct Child {
    options: Options,
}

impl Child {
    /// Runs the processor from `start` on `input`: the child's output, or how it failed
    /// (a timeout is `States.Timeout`).
    async fn run(
        self,
        parent: &Exec<'_>,
        start: crate::machine::StateId,
        express: bool,
        input: Value,
    ) -> Result<Value, ExecutionError> {
        let span = tracing::info_span!(
            "execution",
            machine = self.options.state_machine_name.as_deref().unwrap_or(""),
            name = self.options.execution_name.as_deref().unwrap_or(""),
        );
        let exec = Exec::new(parent.m, parent.handler, &input, &self.options);
        let body = exec.body_from(start, input, express, None);
        match tracing::Instrument::instrument(body, span).await {
            Some(r) => r,
            None => Err(super::timed_out()),
        }
    }
}
