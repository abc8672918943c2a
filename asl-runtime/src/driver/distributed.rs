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

use futures_util::StreamExt;

use super::fanout::{int_field, percentage};
use super::history::At;
use super::items::Items;
use super::results::{Ended, Results};
use super::retry::Failure;
use super::visit::Visit;
use super::{Exec, ExecutionError, Options};
use crate::json;
use crate::machine::{Batcher, Distributed, Map as MapState, Seconds};
use crate::store::{MapRunCounts, MapRunRecord, Status};
use crate::value::{Map, Value};

/// The most children of one Map Run that run at once when `MaxConcurrency` is 0 or absent
/// (ASL-MAP-05).
const DEFAULT_MAX_CONCURRENCY: usize = 10_000;

/// The most bytes of a batch's input, and its default (ASL-DMAP-03).
const MAX_BATCH_BYTES: usize = 256 * 1024;

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
        // Items in the input are known at once; an ItemReader's are read as the run goes.
        let given = match &d.reader {
            None => Some(self.map_items(m, effective, ctx)?),
            Some(_) => None,
        };
        let name = Some(self.s.name);
        let started = self.attempt_at(attempt);
        // An ItemReader's items are not counted ahead: AWS records `length` 0 for them.
        let length = given.as_ref().map_or(0, Vec::len);
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
        let mut batching = match &d.batcher {
            Some(b) => Some(self.batching(b, effective, ctx)?),
            None => None,
        };
        let reading = match &d.reader {
            Some(r) => {
                let params = match &r.parameters {
                    None => Value::object(Map::new()),
                    Some(t) => self.field_template(t, "Arguments", &e, q)?,
                };
                // A negative count fails the Map Run once started (recorded cases).
                let negative = match &r.max_items {
                    Some(Seconds::Path(p)) => crate::path::select(p, &e)
                        .ok()
                        .and_then(|v| v.as_i64())
                        .filter(|&n| n < 0),
                    _ => None,
                };
                let max_items = match negative {
                    Some(n) => Some(n),
                    None => self
                        .eval(int_field(r.max_items.as_ref(), "MaxItemsPath", &e, q))?
                        .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                };
                Some((r, params, max_items))
            }
            None => None,
        };
        let writer_params = match d.writer.as_ref().and_then(|w| w.parameters.as_ref()) {
            None => Value::Null,
            Some(t) => self.field_template(t, "Arguments", &e, q)?,
        };

        let mut run = MapRun::new(self, d, attempt);
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
            counts: MapRunCounts::default(),
            item_counts: MapRunCounts::default(),
            result: None,
            error: None,
            cause: None,
        };
        let started_event = || json!({ "mapRunArn": run.arn.as_str() });
        // A Map Run that failed before a redrive is redriven: this epoch's end is its own
        // event (ASL-EV-11: `MapRunRedriven`).
        let run_at = match (self.x.journal, started) {
            (Some(j), At::Attempt(loc, step, attempt)) if j.epoch() > 0 => {
                let failed_before = (0..j.epoch()).any(|e| {
                    let at = if e == 0 {
                        started
                    } else {
                        At::Redrive(loc, step, attempt, e)
                    };
                    j.recorded("MapRunFailed", &at.key()).is_some()
                });
                if failed_before {
                    At::Redrive(loc, step, attempt, j.epoch())
                } else {
                    started
                }
            }
            _ => started,
        };
        let redriven = !matches!(run_at, At::Attempt(..));
        run.redrive = redriven;
        if let Some(j) = self.x.journal {
            // A Map Run that ended before a restart is not run again: its end is in the
            // history, its result in the store.
            let key = run_at.key();
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
                    if redriven {
                        self.x.event("MapRunRedriven", name, run_at);
                    }
                    self.x.event("MapRunSucceeded", name, run_at);
                    self.x.event("MapStateSucceeded", name, started);
                    return Ok(result);
                }
            }
            if let Some(r) = j.recorded("MapRunFailed", &key) {
                let details = r.details.clone().unwrap_or(Value::Null);
                let text = |k: &str| details[k].as_str().map(str::to_owned);
                self.x
                    .event_with("MapRunStarted", name, started, started_event);
                if redriven {
                    self.x.event("MapRunRedriven", name, run_at);
                }
                self.x.event("MapRunFailed", name, run_at);
                return Err(Failure {
                    error: Some(text("error").unwrap_or_else(|| EXCEEDED.into()).into()),
                    cause: text("cause"),
                    terminal: false,
                });
            }
            if j.recorded("MapRunStarted", &key).is_none() || redriven {
                self.put(&record)?;
            }
        }
        self.x
            .event_with("MapRunStarted", name, started, started_event);
        if redriven {
            let (arn, count) = (run.arn.as_str(), self.x.options.redrive_count);
            self.x.event_with(
                "MapRunRedriven",
                name,
                run_at,
                || json!({ "mapRunArn": arn, "redriveCount": count }),
            );
        }
        // The Map Run fails: its record and event, then the state's failure.
        let fail = |record: &mut MapRunRecord, error: &str, cause: String| {
            record.counts.abort();
            record.item_counts.abort();
            record.status = Status::Failed;
            record.stop_date = Some(self.x.now());
            record.error = Some(error.to_owned());
            record.cause = Some(cause.clone());
            self.put(record)?;
            self.x.event_with(
                "MapRunFailed",
                name,
                run_at,
                || json!({ "error": error, "cause": cause.as_str() }),
            );
            Err::<Value, _>(Failure {
                error: Some(error.to_owned().into()),
                cause: Some(cause),
                terminal: false,
            })
        };
        let objects = self.x.options.objects.as_deref();
        let mut items = match (given, reading) {
            (Some(given), _) => Items::given(given),
            (None, Some((r, params, max_items))) => {
                match Items::open(r, &params, max_items, objects).await {
                    Ok(items) => items,
                    Err(e) => return fail(&mut record, &e.error, e.cause.unwrap_or_default()),
                }
            }
            (None, None) => Items::given(Vec::new()),
        };
        let mut results = match Results::new(d.writer.as_ref(), &writer_params, &run.arn, objects) {
            Ok(r) => r,
            Err(e) => return fail(&mut record, &e.error, e.cause.unwrap_or_default()),
        };

        let limit = match max {
            Some(0) | None => DEFAULT_MAX_CONCURRENCY,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        }
        .max(1);
        let mut pool = futures_util::stream::FuturesUnordered::new();
        let mut children = 0usize;
        let mut failed = 0usize;
        // How many items were read; all of them once `exhausted`.
        let mut read = 0usize;
        let mut exhausted = false;
        loop {
            while pool.len() < limit && !exhausted {
                // The next child's input: an item through ItemSelector, or a full batch.
                let input = loop {
                    let item = match items.next().await {
                        Ok(item) => item,
                        Err(e) => {
                            return fail(&mut record, &e.error, e.cause.unwrap_or_default());
                        }
                    };
                    let Some((key, value)) = item else {
                        exhausted = true;
                        break batching.as_mut().and_then(Batching::finish);
                    };
                    let input =
                        self.item_input(m, effective, key, read, value, Some(&items.origin))?;
                    read += 1;
                    match batching.as_mut() {
                        None => break Some(input),
                        Some(b) => {
                            if let Some(batch) = b.push(input) {
                                break Some(batch);
                            }
                        }
                    }
                };
                let Some(input) = input else {
                    break;
                };
                let i = children;
                children += 1;
                results.started(i);
                // A batch is one child of several items.
                let n = match (&batching, &input) {
                    (Some(_), Value::Object(o)) => o
                        .get("Items")
                        .and_then(Value::as_array)
                        .map_or(1, |a| a.len() as u64),
                    _ => 1,
                };
                record.counts.start(1);
                record.item_counts.start(n);
                let child = run.child(self.x, i);
                pool.push(async move {
                    let start = self.x.now();
                    let outcome = child.run(self.x, m.start, d.express, input.clone()).await;
                    (i, n, child, input, start, outcome)
                });
            }
            let Some((i, n, child, input, start, outcome)) = pool.next().await else {
                break;
            };
            let status = match &outcome {
                Ok(_) => Status::Succeeded,
                Err(e) if e.error.as_deref() == Some("States.Timeout") => Status::TimedOut,
                Err(_) => Status::Failed,
            };
            record.counts.end(1, status);
            record.item_counts.end(n, status);
            let ended = Ended {
                execution_arn: child.options.execution_id.as_deref().unwrap_or(""),
                name: child.options.execution_name.as_deref().unwrap_or(""),
                state_machine_arn: child.options.state_machine_id.as_deref().unwrap_or(""),
                input: &input,
                start,
                stop: self.x.now(),
                outcome: &outcome,
            };
            if let Err(e) = results.ended(i, &ended).await {
                return fail(&mut record, &e.error, e.cause.unwrap_or_default());
            }
            if outcome.is_err() {
                failed += 1;
                // The percentage is of all the children: known once every item is read.
                let total = exhausted.then_some(children);
                if tolerance.exceeded(failed, total) {
                    // The children still running stop with the pool; what ended is written.
                    drop(pool);
                    let _ = results.finish().await;
                    return fail(
                        &mut record,
                        EXCEEDED,
                        "The specified tolerated failure threshold was exceeded".into(),
                    );
                }
            }
        }
        let result = match results.finish().await {
            Ok(r) => r,
            Err(e) => return fail(&mut record, &e.error, e.cause.unwrap_or_default()),
        };
        if self.x.journal.is_some() {
            record.status = Status::Succeeded;
            record.stop_date = Some(self.x.now());
            record.result = Some(result.to_string());
            // Written before the end event: a replay that finds the event finds the result.
            self.put(&record)?;
        }
        self.x.event("MapRunSucceeded", name, run_at);
        self.x.event("MapStateSucceeded", name, started);
        Ok(result)
    }

    /// A template field of the Map (an ItemReader's or ResultWriter's `Parameters` /
    /// `Arguments`, `BatchInput`): JSONata when the state is, else a JSONPath payload template.
    fn field_template(
        &self,
        t: &asl_syntax::template::Template,
        field: &str,
        e: &crate::Env<'_>,
        q: Option<&crate::query::Query<'_>>,
    ) -> Result<Value, Failure> {
        match q {
            Some(q) => self.eval(q.template(t, field)),
            None => self.local(crate::template::eval(t, e)),
        }
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

    /// `ItemBatcher` (ASL-DMAP-03): its limits and `BatchInput`, evaluated once.
    fn batching(
        &self,
        b: &'static Batcher,
        effective: &Value,
        ctx: &Value,
    ) -> Result<Batching, Failure> {
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
            // Without a byte limit, a batch holds what fits in a child's input (ASL-DMAP-03).
            .map_or(MAX_BATCH_BYTES, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            });
        let batch_input = match &b.batch_input {
            None => None,
            Some(t) => Some(self.field_template(t, "BatchInput", &e, q)?),
        };
        // The size of `{"BatchInput":…,"Items":[]}`; each item adds its JSON and a comma.
        let base = match &batch_input {
            Some(v) => r#"{"BatchInput":,"Items":[]}"#.len() + v.to_string().len(),
            None => r#"{"Items":[]}"#.len(),
        };
        Ok(Batching {
            max_items,
            max_bytes,
            batch_input,
            base,
            current: Vec::new(),
            bytes: base,
        })
    }
}

/// Items gathered into batches of at most `max_items` items and `max_bytes` bytes of child
/// input, each `{"BatchInput", "Items"}` (ASL-DMAP-03).
struct Batching {
    max_items: usize,
    max_bytes: usize,
    batch_input: Option<Value>,
    /// The size of an empty batch.
    base: usize,
    current: Vec<Value>,
    bytes: usize,
}

impl Batching {
    /// Adds an item; gives the batch it closed, when it did not fit in it.
    fn push(&mut self, item: Value) -> Option<Value> {
        let size = item.to_string().len();
        let full = !self.current.is_empty()
            && (self.current.len() >= self.max_items || self.bytes + 1 + size > self.max_bytes);
        let closed = full.then(|| self.take());
        self.bytes += size + usize::from(!self.current.is_empty());
        self.current.push(item);
        closed
    }

    /// The last batch, if it has items.
    fn finish(&mut self) -> Option<Value> {
        (!self.current.is_empty()).then(|| self.take())
    }

    fn take(&mut self) -> Value {
        let mut o = Map::with_capacity(2);
        if let Some(v) = &self.batch_input {
            o.insert("BatchInput", v.clone());
        }
        o.insert("Items", Value::array(std::mem::take(&mut self.current)));
        self.bytes = self.base;
        Value::object(o)
    }
}

/// `ToleratedFailureCount` and `ToleratedFailurePercentage` (ASL-DMAP-05): with neither, no
/// failure is tolerated; with one or both, exceeding either fails the Map Run.
struct Tolerance {
    count: Option<u64>,
    percentage: Option<f64>,
}

impl Tolerance {
    /// Whether `failed` children are too many; `total` is the number of children once known
    /// (the percentage waits for it).
    fn exceeded(&self, failed: usize, total: Option<usize>) -> bool {
        match (self.count, self.percentage) {
            (None, None) => failed > 0,
            (count, pct) => {
                count.is_some_and(|c| failed as u64 > c)
                    || pct.is_some_and(|p| {
                        total.is_some_and(|t| failed as f64 * 100.0 / t as f64 > p)
                    })
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
    /// It is being redriven (its children that did not succeed are redriven).
    redrive: bool,
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
        // Without a Label, AWS names the Map Run with a UUID that stays the same for the
        // state from run to run: one derived from the machine's and the state's names.
        let sm = x.state_machine_name();
        let label = match d.label {
            Some(l) => l.to_owned(),
            None => uuid::Uuid::new_v3(
                &uuid::Uuid::NAMESPACE_URL,
                format!("{sm}/{}", v.s.name).as_bytes(),
            )
            .to_string(),
        };
        let machine = format!("{sm}/{label}");
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
            redrive: false,
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
            map_run: self.arn.clone(),
            redrive: self.redrive,
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
                objects: x.options.objects.clone(),
            },
        }
    }
}

/// The tag a Standard child carries: its Map Run's ARN.
pub const MAP_RUN_TAG: &str = "asl:mapRun";

/// A child execution of a Map Run.
struct Child {
    options: Options,
    /// Its Map Run's ARN.
    map_run: String,
    /// Its Map Run is being redriven: a child that did not succeed is redriven too.
    redrive: bool,
}

impl Child {
    /// Runs the processor from `start` on `input`: the child's output, or how it failed
    /// (a timeout is `States.Timeout`).
    async fn run(
        &self,
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
        if let (Some(j), false) = (parent.journal, express) {
            let durable = self.run_durable(j, parent, start, input);
            return tracing::Instrument::instrument(durable, span).await;
        }
        let exec = Exec::new(parent.m, parent.handler, &input, &self.options);
        let body = exec.body_from(start, input, express, None);
        match tracing::Instrument::instrument(body, span).await {
            Some(r) => r,
            None => Err(super::timed_out()),
        }
    }

    /// A Standard child of a durable parent is an execution in the store, with its own
    /// history (ASL-DMAP-01): started once (its ARN is drawn from the parent's seed, so a
    /// replayed parent finds it), resumed where it stopped if the process died, and answered
    /// from its record once closed. Its Tasks are exactly-once as any durable execution's.
    async fn run_durable(
        &self,
        j: &super::journal::Journal,
        parent: &Exec<'_>,
        start: crate::machine::StateId,
        input: Value,
    ) -> Result<Value, ExecutionError> {
        let store = j.shared_store();
        let broken = |e: crate::store::StoreError| ExecutionError {
            error: Some("States.Runtime".into()),
            cause: Some(format!("the execution store failed: {e}")),
        };
        let o = &self.options;
        let arn = o.execution_id.clone().unwrap_or_default();
        let rec = match store.execution(&arn).map_err(broken)? {
            Some(rec) => rec,
            None => {
                let new = crate::store::NewExecution {
                    arn: arn.clone(),
                    name: o.execution_name.clone().unwrap_or_default(),
                    state_machine_arn: o.state_machine_id.clone().unwrap_or_default(),
                    input: input.to_string(),
                    start_date: parent.now(),
                    seed: o.seed.unwrap_or_default(),
                    // No revision and a machine ARN no engine registers: only its parent
                    // runs it.
                    revision_id: None,
                    lease: None,
                    // ListExecutions by Map Run finds its children by it.
                    tags: vec![(MAP_RUN_TAG.to_owned(), self.map_run.clone())],
                };
                store.insert_execution(&new).map_err(broken)?;
                store
                    .execution(&arn)
                    .map_err(broken)?
                    .ok_or_else(|| broken(crate::store::StoreError::NotFound(arn.clone())))?
            }
        };
        // A Map Run being redriven redrives its children that did not succeed; those that
        // did keep their results (ASL-WF-06).
        let rec = match rec.status {
            Status::Failed | Status::TimedOut | Status::Aborted if self.redrive => {
                let count = rec.redrive_count + 1;
                let event = crate::store::HistoryRecord {
                    id: rec.events + 1,
                    previous_id: rec.events,
                    timestamp: parent.now(),
                    kind: "ExecutionRedriven".into(),
                    key: format!("@{count}"),
                    details: Some(crate::json!({ "redriveCount": count })),
                };
                store.reopen(&arn, &event).map_err(broken)?
            }
            _ => rec,
        };
        if rec.status == Status::Running {
            let ran = super::run_durable_child(
                parent.m,
                parent.handler,
                store.clone(),
                rec,
                parent.now(),
                o.objects.clone(),
                start,
            )
            .await;
            if let Err(e) = ran {
                return Err(ExecutionError {
                    error: Some("States.Runtime".into()),
                    cause: Some(format!("the child execution {arn} stopped: {e}")),
                });
            }
        }
        let done = store
            .execution(&arn)
            .map_err(broken)?
            .ok_or_else(|| broken(crate::store::StoreError::NotFound(arn.clone())))?;
        match done.status {
            Status::Succeeded => Ok(done
                .output
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or(Value::Null)),
            _ => Err(ExecutionError {
                error: done.error,
                cause: done.cause,
            }),
        }
    }
}
