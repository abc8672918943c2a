//! One visit of one state: entering it, its data flow (InputPath, OutputPath, ResultPath),
//! errors raised by that data flow (with AWS's `States.Runtime` prefix), and leaving it.

use std::borrow::Cow;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::value::{Map, Value};
use asl_syntax::path::Path;
use jiff::Timestamp;

use super::history::{At, entered_event, exited_event};
use super::retry::Failure;
use super::{Exec, Flow, Location, Vars};
use crate::machine::{IoPath, State};
use crate::{Env, StateError};

/// One visit of one state: what its events and errors need to know.
pub(super) struct Visit<'e, 'a> {
    pub(super) x: &'e Exec<'a>,
    pub(super) s: &'static State,
    pub(super) entered_id: u32,
    /// When the state was entered: exact in durable runs and for states that read `$$`,
    /// the execution's start otherwise (nothing reads it then).
    pub(super) entered_at: Timestamp,
    /// The scope the state runs in.
    pub(super) loc: &'e Location,
    /// The visit's number in its scope: with `loc`, the key of its events.
    pub(super) step: u32,
    /// In durable runs, the visit's own draws (`States.UUID`, `States.MathRandom`).
    pub(super) draws: Option<crate::intrinsics::Draws>,
    /// The number of the visit's first attempt in its events' keys: 0, except when a redrive
    /// runs again a state left unfinished (see `journal.rs`).
    pub(super) attempt_base: u32,
    /// In durable runs, when the last attempt's outcome was recorded (Unix nanoseconds; a
    /// retry's backoff runs from it).
    pub(super) outcome_at: AtomicI64,
    /// The workflow variables at the state's entry (ASL-VAR-04: every `Assign` and `Output`
    /// of the state reads these).
    pub(super) vars: Vars,
    /// What the state's `Assign` set: the scope's variables after the state, and the values
    /// assigned (for the `…StateExited` event).
    pub(super) assigned: std::sync::Mutex<Option<(Vars, Map)>>,
}

impl<'a> Exec<'a> {
    /// Enters a state, the `step`-th visit in scope `loc`: its `…StateEntered` event, and the
    /// visit's facts.
    pub(super) fn enter<'e>(
        &'e self,
        s: &'static State,
        loc: &'e Location,
        step: u32,
        input: &Value,
        vars: &Vars,
    ) -> Visit<'e, 'a> {
        self.count_entered();
        // In durable runs the event carries the state's input (`StateEnteredEventDetails`).
        let (entered_id, at) = self.event_with(
            entered_event(&s.kind),
            Some(s.name),
            At::State(loc, step),
            || crate::json!({ "input": input.to_string() }),
        );
        let entered_at = match at {
            Some(t) => t,
            None if s.uses_context => self.now(),
            None => self.start,
        };
        Visit {
            x: self,
            s,
            entered_id,
            entered_at,
            loc,
            step,
            outcome_at: AtomicI64::new(i64::MIN),
            vars: vars.clone(),
            assigned: std::sync::Mutex::new(None),
            draws: self.journal.map(|j| j.draws(At::State(loc, step).key())),
            attempt_base: match self.journal {
                Some(j) => j.redrive_base(&At::State(loc, step).key(), &s.kind),
                None => 0,
            },
        }
    }

    /// The visit of a state whose `…StateEntered` event (`entered_id`) was recorded by the
    /// lowered path of `run_sync`: no journal, no `$$`.
    pub(super) fn entered_lowered<'e>(
        &'e self,
        s: &'static State,
        loc: &'e Location,
        step: u32,
        entered_id: u32,
    ) -> Visit<'e, 'a> {
        Visit {
            x: self,
            s,
            entered_id,
            entered_at: self.start,
            loc,
            step,
            outcome_at: AtomicI64::new(i64::MIN),
            vars: super::no_vars(),
            assigned: std::sync::Mutex::new(None),
            draws: None,
            attempt_base: 0,
        }
    }

    /// Writes what the journal holds before something that cannot be undone (a Task call, a
    /// timer). A failed write stops the run (see `run_durable`).
    pub(super) async fn persist(&self) -> Result<(), Failure> {
        match self.journal {
            Some(j) if j.flush(None).await.is_err() => Err(store_failure()),
            _ => Ok(()),
        }
    }

    /// Sleeps `delay` from `since`: in durable runs the timer is written first and, after a
    /// restart, only what is left of it is slept; a timer whose moment passed fires at once.
    pub(super) async fn sleep_from(
        &self,
        since: Option<Timestamp>,
        delay: std::time::Duration,
    ) -> Result<(), Failure> {
        if self.journal.is_none() {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            return Ok(());
        }
        self.persist().await?;
        let since = since.unwrap_or_else(|| self.now());
        let span = jiff::SignedDuration::try_from(delay).unwrap_or(jiff::SignedDuration::MAX);
        let deadline = since.checked_add(span).unwrap_or(Timestamp::MAX);
        let left = self.until(deadline);
        if !left.is_zero()
            && let Some(j) = self.journal
        {
            j.busy(tokio::time::sleep(left)).await;
        }
        Ok(())
    }
}

impl Visit<'_, '_> {
    /// When the last attempt's outcome was recorded, in durable runs.
    pub(super) fn outcome_at(&self) -> Option<Timestamp> {
        match self.outcome_at.load(Ordering::Relaxed) {
            i64::MIN => None,
            n => Timestamp::from_nanosecond(i128::from(n)).ok(),
        }
    }

    /// Notes when the last attempt's outcome was recorded.
    pub(super) fn set_outcome_at(&self, t: Timestamp) {
        let n = i64::try_from(t.as_nanosecond()).unwrap_or(i64::MAX);
        self.outcome_at.store(n, Ordering::Relaxed);
    }

    /// What this visit's paths, templates and intrinsics evaluate against.
    pub(super) fn env<'v>(&'v self, input: &'v Value, ctx: &'v Value) -> Env<'v> {
        Env {
            draws: self.draws.as_ref(),
            vars: Some(&self.vars),
            ..Env::new(input, ctx)
        }
    }

    /// Where the events of attempt `retry_count` of this visit belong.
    pub(super) fn attempt_at(&self, retry_count: u32) -> At<'_> {
        At::Attempt(self.loc, self.step, self.attempt_base + retry_count)
    }

    /// Where this visit's own events belong.
    pub(super) fn at(&self) -> At<'_> {
        At::State(self.loc, self.step)
    }

    /// Records the visit's `…StateExited` event; in durable runs it carries the state's
    /// output (`StateExitedEventDetails`).
    pub(super) fn exited(&self, kind: &'static str, output: &Value) {
        self.x.event_with(kind, Some(self.s.name), self.at(), || {
            let mut details = Map::with_capacity(2);
            details.insert("output", Value::from(output.to_string()));
            // ASL-VAR-11: each assigned variable's value as JSON text.
            if let Some((_, assigned)) = &*self.assigned.lock().unwrap_or_else(|p| p.into_inner()) {
                let vars: Map = assigned
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.to_json_string())))
                    .collect();
                details.insert("assignedVariables", Value::object(vars));
            }
            Value::object(details)
        });
    }

    /// Records one of this visit's events.
    pub(super) fn event(&self, kind: &'static str) -> u32 {
        self.x.event(kind, Some(self.s.name), self.at())
    }

    /// Turns an error raised by this state's own data flow into a failure; `States.Runtime`
    /// causes get AWS's prefix (ASL-SUB-29).
    pub(super) fn local<T>(&self, r: Result<T, StateError>) -> Result<T, Failure> {
        r.map_err(|e| self.failure(e))
    }

    pub(super) fn failure(&self, e: StateError) -> Failure {
        let mut f = Failure::from(e);
        if f.terminal {
            f.cause = Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                self.s.name,
                self.entered_id,
                f.cause.as_deref().unwrap_or("")
            ));
        }
        f
    }

    /// InputPath (ASL-IO-02): borrowed when it is the identity.
    pub(super) fn input_path<'r>(
        &self,
        raw: &'r Value,
        ctx: &Value,
    ) -> Result<Cow<'r, Value>, Failure> {
        let effective =
            match &self.s.input_path {
                IoPath::Identity => Cow::Borrowed(raw),
                IoPath::Null => Cow::Owned(Value::object(Map::new())),
                IoPath::Path(path) => Cow::Owned(self.local(
                    crate::path::select(path, &self.env(raw, ctx)).map_err(StateError::from),
                )?),
            };
        if !self.s.jsonata {
            self.inspect("afterInputPath", &effective);
        }
        Ok(effective)
    }

    /// Records this state's data after a step of its pipeline, when the execution inspects it
    /// ([`super::Inspection`], TestState).
    #[inline]
    pub(super) fn inspect(&self, step: &'static str, v: &Value) {
        if let Some(i) = &self.x.options.inspect
            && i.state == self.s.name
        {
            i.record(step, v);
        }
    }

    /// OutputPath (ASL-IO-08). The data is consumed: a plain member/index path moves the
    /// selected value out instead of copying it.
    pub(super) fn output_path(&self, mut data: Value, ctx: &Value) -> Result<Value, Failure> {
        match &self.s.output_path {
            IoPath::Identity => Ok(data),
            IoPath::Null => Ok(Value::object(Map::new())),
            IoPath::Path(path) => match take_simple(&mut data, path) {
                Some(v) => Ok(v),
                None => self.local(
                    crate::path::select(path, &self.env(&data, ctx)).map_err(StateError::from),
                ),
            },
        }
    }

    /// ResultPath (ASL-IO-07, ASL-SUB-01/02).
    pub(super) fn result_path(
        &self,
        p: &IoPath,
        raw: Value,
        result: Value,
    ) -> Result<Value, Failure> {
        match p {
            IoPath::Identity => Ok(result),
            IoPath::Null => Ok(raw),
            IoPath::Path(path) => {
                let mut out = raw;
                self.local(crate::path::set(&mut out, path, result))?;
                Ok(out)
            }
        }
    }

    /// OutputPath, the quota, the exit event, the transition.
    pub(super) fn exit(&self, data: Value, ctx: &Value) -> Result<Flow, Failure> {
        let out = self.output_path(data, ctx)?;
        self.size_check(&out)?;
        Ok(self.exit_checked(out))
    }

    /// The exit event and the transition of an output already within the quota.
    pub(super) fn exit_checked(&self, out: Value) -> Flow {
        self.exited(exited_event(&self.s.kind), &out);
        match self.s.next {
            Some(n) => Flow::Next(n, out),
            None => Flow::End(out),
        }
    }
}

/// A value as AWS quotes it in `…Path` messages: strings bare, others as JSON.
pub(super) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_json_string(),
    }
}

/// Moves the value at a `$`-rooted path of member names and non-negative indexes out of
/// `data` (leaving `null`); `None` when the path has another shape or matches nothing, so the
/// caller falls back to [`select`] and its error texts.
fn take_simple(data: &mut Value, path: &Path) -> Option<Value> {
    use asl_syntax::path::{Root, Segment, Selector};
    if path.root != Root::Input || path.function.is_some() {
        return None;
    }
    let simple = path.segments.iter().all(|s| {
        matches!(
            s,
            Segment::Child(Selector::Name(_)) | Segment::Child(Selector::Index(0..))
        )
    });
    if !simple {
        return None;
    }
    let mut cur = data;
    for seg in path.segments.iter() {
        cur = match seg {
            Segment::Child(Selector::Name(n)) => cur.as_object_mut()?.get_mut(n.as_ref())?,
            Segment::Child(Selector::Index(i)) => {
                cur.as_array_mut()?.get_mut(usize::try_from(*i).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur.take())
}

/// Marks the journal broken by `e` and returns the failure that stops the run.
pub(super) fn store_failed(j: &super::journal::Journal, e: crate::store::StoreError) -> Failure {
    j.fail(e);
    store_failure()
}

/// The failure that stops a durable run whose store failed: terminal, and never recorded
/// (`run_durable` sees the broken journal and leaves the execution RUNNING).
pub(super) fn store_failure() -> Failure {
    Failure {
        error: Some("States.Runtime".into()),
        cause: Some("the execution store failed".into()),
        terminal: true,
    }
}
