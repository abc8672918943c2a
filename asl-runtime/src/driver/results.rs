//! Where a Distributed Map's results go (ASL-DMAP-04): into the state's output, or, with a
//! `ResultWriter`, into an object store as AWS lays them out —
//! `<Prefix>/<mapRunId>/SUCCEEDED_<n>.json`, `FAILED_<n>.json` and a `manifest.json` that
//! lists them — while the Map's output becomes `{"MapRunArn", "ResultWriterDetails"}`.
//! Result files are written as the children end (multipart), so a Map Run of millions of
//! children holds one part, not its results.
//!
//! `WriterConfig.Transformation`: `NONE` writes a record per child (its ARN, input, output,
//! dates, status), `COMPACT` its output, `FLATTEN` the elements of outputs that are arrays; a
//! failed child is always a record. `OutputType` `JSON` writes an array, `JSONL` a line each.

use crate::StateError;
use crate::machine::Writer;
use crate::objects::{ObjectError, ObjectStore, Upload};
use crate::value::{Map, Value};
use jiff::Timestamp;

/// The error of a Map whose results cannot be written (ASL-DMAP-04).
pub(super) const WRITER_FAILED: &str = "States.ResultWriterFailed";

/// A result file is closed, and the next begun, past this size (AWS: 5 GB).
const MAX_FILE_BYTES: u64 = 5 * 1000 * 1000 * 1000;

fn failed(e: ObjectError) -> StateError {
    StateError::new(WRITER_FAILED, format!("{}: {}", e.error, e.cause))
}

/// One child's end, as results need it.
pub(super) struct Ended<'c> {
    pub(super) execution_arn: &'c str,
    pub(super) name: &'c str,
    pub(super) state_machine_arn: &'c str,
    pub(super) input: &'c Value,
    pub(super) start: Timestamp,
    pub(super) stop: Timestamp,
    pub(super) outcome: &'c Result<Value, crate::ExecutionError>,
}

/// `WriterConfig.Transformation`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Transformation {
    None,
    Compact,
    Flatten,
}

/// A Map Run's results on their way out.
pub(super) enum Results<'a> {
    /// The outputs, in item order: the Map's output (no ResultWriter).
    Inline(Vec<Value>),
    /// `WriterConfig` alone: transformed, then the Map's output.
    Transformed {
        transformation: Transformation,
        jsonl: bool,
        slots: Vec<Option<Value>>,
    },
    /// Written to an object store.
    Written(Box<Files<'a>>),
}

impl<'a> Results<'a> {
    /// The results of a Map Run `map_run_arn`, written as `writer` says; `params` are its
    /// evaluated `Parameters`/`Arguments`.
    pub(super) fn new(
        writer: Option<&Writer>,
        params: &Value,
        map_run_arn: &str,
        store: Option<&'a dyn ObjectStore>,
    ) -> Result<Results<'a>, StateError> {
        let Some(w) = writer else {
            return Ok(Results::Inline(Vec::new()));
        };
        let transformation = match w.transformation {
            Some("COMPACT") => Transformation::Compact,
            Some("FLATTEN") => Transformation::Flatten,
            Some(_) => Transformation::None,
            // Exported without a WriterConfig: records; kept in the output: outputs.
            None if w.resource.is_some() => Transformation::None,
            None => Transformation::Compact,
        };
        let jsonl = w.output_type == Some("JSONL");
        if w.resource.is_none() {
            return Ok(Results::Transformed {
                transformation,
                jsonl,
                slots: Vec::new(),
            });
        }
        let store = store.ok_or_else(|| {
            StateError::new(
                WRITER_FAILED,
                "This runtime has no object store for the ResultWriter: give the run one (Options::objects, Engine::set_objects, or asl serve with S3 integrations).",
            )
        })?;
        let bucket = params["Bucket"]
            .as_str()
            .ok_or_else(|| {
                StateError::new(
                    WRITER_FAILED,
                    "The ResultWriter's Parameters have no Bucket.",
                )
            })?
            .to_owned();
        // `<Prefix>/<mapRunId>/`: the id is the Map Run ARN's last part.
        let id = map_run_arn.rsplit(':').next().unwrap_or(map_run_arn);
        let dir = match params["Prefix"].as_str().unwrap_or("") {
            "" => format!("{id}/"),
            p if p.ends_with('/') => format!("{p}{id}/"),
            p => format!("{p}/{id}/"),
        };
        Ok(Results::Written(Box::new(Files {
            store,
            bucket,
            dir,
            map_run_arn: map_run_arn.to_owned(),
            transformation,
            jsonl,
            succeeded: Kind::new("SUCCEEDED"),
            failed: Kind::new("FAILED"),
        })))
    }

    /// Makes room for the result of child `i`, started in item order.
    pub(super) fn started(&mut self, i: usize) {
        match self {
            Results::Inline(v) if v.len() <= i => v.resize(i + 1, Value::Null),
            Results::Transformed { slots, .. } if slots.len() <= i => slots.resize(i + 1, None),
            _ => {}
        }
    }

    /// Takes the end of child `i`; `tolerated_failure` is its slot's value when it failed
    /// within the tolerance and results are kept in the output.
    pub(super) async fn ended(&mut self, i: usize, e: &Ended<'_>) -> Result<(), StateError> {
        match self {
            Results::Inline(v) => {
                if let Some(slot) = v.get_mut(i) {
                    *slot = match e.outcome {
                        Ok(out) => out.clone(),
                        Err(err) => super::retry::Failure {
                            error: err.error.clone().map(Into::into),
                            cause: err.cause.clone(),
                            terminal: false,
                        }
                        .error_output(),
                    };
                }
                Ok(())
            }
            Results::Transformed {
                transformation,
                slots,
                ..
            } => {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(match (e.outcome, *transformation) {
                        (Ok(out), Transformation::Compact | Transformation::Flatten) => out.clone(),
                        _ => record(e),
                    });
                }
                Ok(())
            }
            Results::Written(files) => files.ended(e).await.map_err(failed),
        }
    }

    /// The Map's output: the results, or where they were written.
    pub(super) async fn finish(self) -> Result<Value, StateError> {
        match self {
            Results::Inline(v) => Ok(Value::array(v)),
            Results::Transformed {
                transformation,
                jsonl,
                slots,
            } => {
                let mut out = Vec::with_capacity(slots.len());
                for v in slots.into_iter().flatten() {
                    match (v, transformation) {
                        (Value::Array(a), Transformation::Flatten) => out.extend(a.iter().cloned()),
                        (v, _) => out.push(v),
                    }
                }
                Ok(if jsonl {
                    // JSON Lines kept in the output: one string of lines.
                    let lines: Vec<String> = out.iter().map(Value::to_string).collect();
                    Value::from(lines.join("\n"))
                } else {
                    Value::array(out)
                })
            }
            Results::Written(files) => files.finish().await.map_err(failed),
        }
    }
}

/// A child's record (`Transformation` `NONE`, and every failed child): DescribeExecution's
/// fields in PascalCase, sorted, with the input and output as JSON text.
fn record(e: &Ended<'_>) -> Value {
    let mut m = Map::with_capacity(14);
    let date = |t| Value::from(crate::timestamp::format_context(t));
    let included = || Value::object(Map::from_iter([("Included", Value::Bool(true))]));
    if let Err(err) = e.outcome {
        m.insert("Cause", err.cause.clone().unwrap_or_default().into());
        m.insert("Error", err.error.clone().unwrap_or_default().into());
    }
    m.insert("ExecutionArn", e.execution_arn.into());
    m.insert("Input", e.input.to_string().into());
    m.insert("InputDetails", included());
    m.insert("Name", e.name.into());
    if let Ok(out) = e.outcome {
        m.insert("Output", out.to_string().into());
    }
    m.insert("OutputDetails", included());
    m.insert("RedriveCount", 0.into());
    match e.outcome {
        Ok(_) => {
            m.insert("RedriveStatus", "NOT_REDRIVABLE".into());
            m.insert(
                "RedriveStatusReason",
                "Execution is SUCCEEDED and cannot be redriven".into(),
            );
        }
        Err(_) => {
            m.insert("RedriveStatus", "REDRIVABLE_BY_MAP_RUN".into());
        }
    }
    m.insert("StartDate", date(e.start));
    m.insert("StateMachineArn", e.state_machine_arn.into());
    let status = match e.outcome {
        Ok(_) => "SUCCEEDED",
        Err(err) if err.error.as_deref() == Some("States.Timeout") => "TIMED_OUT",
        Err(_) => "FAILED",
    };
    m.insert("Status", status.into());
    m.insert("StopDate", date(e.stop));
    Value::object(m)
}

/// Result files in an object store.
pub(super) struct Files<'a> {
    store: &'a dyn ObjectStore,
    bucket: String,
    /// `<Prefix>/<mapRunId>/`.
    dir: String,
    map_run_arn: String,
    transformation: Transformation,
    jsonl: bool,
    succeeded: Kind<'a>,
    failed: Kind<'a>,
}

/// The files of one status: the one being written, and those done.
struct Kind<'a> {
    status: &'static str,
    open: Option<Open<'a>>,
    /// `(key, size)` of each file written.
    done: Vec<(String, u64)>,
}

struct Open<'a> {
    upload: Box<dyn Upload<'a> + 'a>,
    key: String,
    bytes: u64,
    entries: u64,
}

impl<'a> Kind<'a> {
    fn new(status: &'static str) -> Kind<'a> {
        Kind {
            status,
            open: None,
            done: Vec::new(),
        }
    }

    /// Appends one entry, opening a file first if need be.
    async fn add(
        &mut self,
        store: &'a dyn ObjectStore,
        bucket: &str,
        dir: &str,
        jsonl: bool,
        entry: &Value,
    ) -> Result<(), ObjectError> {
        if self.open.is_none() {
            let key = format!("{dir}{}_{}.json", self.status, self.done.len());
            let upload = store.upload(bucket, &key).await?;
            self.open = Some(Open {
                upload,
                key,
                bytes: 0,
                entries: 0,
            });
        }
        let Some(open) = self.open.as_mut() else {
            return Ok(());
        };
        let mut text = Vec::new();
        match (jsonl, open.entries) {
            (true, _) => {}
            (false, 0) => text.push(b'['),
            (false, _) => text.push(b','),
        }
        text.extend_from_slice(entry.to_string().as_bytes());
        if jsonl {
            text.push(b'\n');
        }
        open.bytes += text.len() as u64;
        open.entries += 1;
        open.upload.write(text).await?;
        if open.bytes >= MAX_FILE_BYTES {
            self.close(jsonl).await?;
        }
        Ok(())
    }

    /// Ends the file being written, if any.
    async fn close(&mut self, jsonl: bool) -> Result<(), ObjectError> {
        let Some(mut open) = self.open.take() else {
            return Ok(());
        };
        if !jsonl {
            open.upload.write(b"]".to_vec()).await?;
        }
        let size = open.upload.finish().await?;
        self.done.push((open.key, size));
        Ok(())
    }

    fn manifest(&self) -> Value {
        Value::array(
            self.done
                .iter()
                .map(|(key, size)| {
                    let mut m = Map::with_capacity(2);
                    m.insert("Key", key.as_str().into());
                    m.insert("Size", (*size).into());
                    Value::object(m)
                })
                .collect(),
        )
    }
}

impl<'a> Files<'a> {
    async fn ended(&mut self, e: &Ended<'_>) -> Result<(), ObjectError> {
        let bucket = self.bucket.as_str();
        match e.outcome {
            Ok(out) => match self.transformation {
                Transformation::None => {
                    let r = record(e);
                    self.succeeded
                        .add(self.store, bucket, &self.dir, self.jsonl, &r)
                        .await
                }
                Transformation::Compact => {
                    self.succeeded
                        .add(self.store, bucket, &self.dir, self.jsonl, out)
                        .await
                }
                Transformation::Flatten => match out {
                    Value::Array(items) => {
                        for item in items.iter() {
                            self.succeeded
                                .add(self.store, bucket, &self.dir, self.jsonl, item)
                                .await?;
                        }
                        Ok(())
                    }
                    other => {
                        self.succeeded
                            .add(self.store, bucket, &self.dir, self.jsonl, other)
                            .await
                    }
                },
            },
            Err(_) => {
                let r = record(e);
                self.failed
                    .add(self.store, bucket, &self.dir, self.jsonl, &r)
                    .await
            }
        }
    }

    /// Closes the files and writes `manifest.json`; the Map's output says where it is.
    async fn finish(mut self) -> Result<Value, ObjectError> {
        self.succeeded.close(self.jsonl).await?;
        self.failed.close(self.jsonl).await?;
        let mut files = Map::with_capacity(3);
        files.insert("FAILED", self.failed.manifest());
        files.insert("PENDING", Value::array(Vec::new()));
        files.insert("SUCCEEDED", self.succeeded.manifest());
        let mut manifest = Map::with_capacity(3);
        manifest.insert("DestinationBucket", self.bucket.as_str().into());
        manifest.insert("MapRunArn", self.map_run_arn.as_str().into());
        manifest.insert("ResultFiles", Value::object(files));
        let key = format!("{}manifest.json", self.dir);
        self.store
            .put(
                &self.bucket,
                &key,
                Value::object(manifest).to_string().into_bytes(),
            )
            .await?;
        let mut details = Map::with_capacity(2);
        details.insert("Bucket", self.bucket.as_str().into());
        details.insert("Key", key.into());
        let mut out = Map::with_capacity(2);
        out.insert("MapRunArn", self.map_run_arn.as_str().into());
        out.insert("ResultWriterDetails", Value::object(details));
        Ok(Value::object(out))
    }
}
