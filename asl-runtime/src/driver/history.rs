//! The event history (ASL-EV): sequential event ids (counted even when the history is not
//! kept), AWS's event names per state type, and the guard that records `…StateAborted` when a
//! failing sibling cancels a running state.

use std::sync::atomic::Ordering;

use crate::Value;
use jiff::Timestamp;

use super::{Exec, Location};
use crate::machine::Kind;

/// Which point of the execution emits an event. In durable runs it becomes the event's key
/// (see `journal.rs`); otherwise it is not looked at.
#[derive(Clone, Copy)]
pub(super) enum At<'k> {
    /// The execution itself (`Execution…` events).
    Execution,
    /// A state visit: the scope and the visit's step in it.
    State(&'k Location, u32),
    /// One attempt (retry) of a state visit's work.
    Attempt(&'k Location, u32, u32),
    /// A Map iteration or Parallel branch, by its own scope.
    Scope(&'k Location),
    /// One attempt of a state visit's work, run again by the redrive `epoch` (a Distributed
    /// Map's Map Run: its end in that redrive is its own event).
    Redrive(&'k Location, u32, u32, u32),
}

impl At<'_> {
    pub(super) fn key(self) -> String {
        let prefix = |l: &Location| l.key.as_deref().unwrap_or("").to_owned();
        match self {
            At::Execution => String::new(),
            At::State(l, step) => format!("{}{step}", prefix(l)),
            At::Attempt(l, step, attempt) => format!("{}{step}#{attempt}", prefix(l)),
            At::Scope(l) => prefix(l),
            At::Redrive(l, step, attempt, epoch) => {
                format!("{}{step}#{attempt}@{epoch}", prefix(l))
            }
        }
    }
}

/// One history event (ASL-EV-01): its 1-based id, AWS's event type, and the state it
/// concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// 1-based and sequential within the execution (ids are counted even when history is off).
    pub id: u32,
    /// AWS's `HistoryEvent.type` (`TaskStateEntered`, `MapIterationStarted`, …).
    pub kind: &'static str,
    /// The state's name, for state and task events.
    pub state: Option<&'static str>,
}

impl Exec<'_> {
    /// Records an event and returns its id.
    pub(super) fn event(&self, kind: &'static str, state: Option<&'static str>, at: At<'_>) -> u32 {
        self.event_with(kind, state, at, || Value::Null).0
    }

    /// Records an event with details (written only in durable runs) and returns its id and,
    /// in durable runs, its time: the recorded one if the event was recorded before a restart.
    pub(super) fn event_with(
        &self,
        kind: &'static str,
        state: Option<&'static str>,
        at: At<'_>,
        details: impl FnOnce() -> Value,
    ) -> (u32, Option<Timestamp>) {
        self.record(kind, state, at, None, details)
    }

    /// [`Exec::event_with`] for an event that happened at `t` (durable runs: something
    /// another process did, as a worker taking an activity task).
    pub(super) fn event_at(
        &self,
        kind: &'static str,
        state: Option<&'static str>,
        at: At<'_>,
        t: Timestamp,
        details: impl FnOnce() -> Value,
    ) -> u32 {
        self.record(kind, state, at, Some(t), details).0
    }

    /// Records an event at `t` (default now); its details carry the state's name.
    fn record(
        &self,
        kind: &'static str,
        state: Option<&'static str>,
        at: At<'_>,
        t: Option<Timestamp>,
        details: impl FnOnce() -> Value,
    ) -> (u32, Option<Timestamp>) {
        let Some(j) = self.journal else {
            return (self.next_event(kind, state), None);
        };
        let t = t.unwrap_or_else(|| self.now());
        let (id, t, new) = j.event(kind, at.key(), t, || {
            let mut d = details();
            if let (Some(s), Some(m)) = (state, d.as_object_mut()) {
                m.get_or_insert_with("name", || s.into());
            }
            match d {
                Value::Null => state.map(|s| crate::json!({ "name": s })),
                d => Some(d),
            }
        });
        // A replayed event happened before: it is not traced again.
        if new {
            self.traced(kind, state, t);
        }
        (u32::try_from(id).unwrap_or(u32::MAX), Some(t))
    }

    /// In durable runs every new history event is a `trace` event of target `asl::event`
    /// (what metrics count: `kind`, `state`; an execution's end has its `seconds` since the
    /// start). In-memory runs trace only their start and end, the end with the number of
    /// states entered (`transitions`): a trace point per state costs 4-7 % on state-heavy
    /// machines even when nothing listens.
    fn traced(&self, kind: &'static str, state: Option<&'static str>, t: Timestamp) {
        if kind.starts_with("Execution") && kind != "ExecutionStarted" {
            let seconds = (t.as_millisecond() - self.start.as_millisecond()) as f64 / 1000.0;
            tracing::trace!(target: "asl::event", kind, seconds, "event");
        } else {
            tracing::trace!(target: "asl::event", kind, state = state.unwrap_or(""), "event");
        }
    }

    /// Counts a state entered, for the execution's end trace (see [`Exec::traced`]).
    #[inline]
    pub(super) fn count_entered(&self) {
        // As `next_id`: one task polls an execution, a plain load and store suffice.
        let n = self.entered.load(Ordering::Relaxed);
        self.entered.store(n + 1, Ordering::Relaxed);
    }

    /// The end of an in-memory run, traced as durable runs trace each event.
    pub(super) fn traced_end(&self, kind: &'static str) {
        let seconds = (self.now().as_millisecond() - self.start.as_millisecond()) as f64 / 1000.0;
        let transitions = self.entered.load(Ordering::Relaxed);
        tracing::trace!(target: "asl::event", kind, seconds, transitions, "event");
    }

    pub(super) fn next_event(&self, kind: &'static str, state: Option<&'static str>) -> u32 {
        // One execution is polled by one task at a time (branches and iterations are
        // futures inside it, never spawned), so a plain load and store suffice; no
        // read-modify-write on the hot path.
        let id = self.next_id.load(Ordering::Relaxed);
        self.next_id.store(id + 1, Ordering::Relaxed);
        if let Some(h) = &self.history {
            let mut h = h.lock().unwrap_or_else(|p| p.into_inner());
            h.push(Event { id, kind, state });
        }
        id
    }
}

pub(super) fn entered_event(kind: &Kind) -> &'static str {
    match kind {
        Kind::Pass(_) => "PassStateEntered",
        Kind::Task(_) => "TaskStateEntered",
        Kind::Choice(_) => "ChoiceStateEntered",
        Kind::Wait(_) => "WaitStateEntered",
        Kind::Succeed => "SucceedStateEntered",
        Kind::Fail(_) => "FailStateEntered",
        Kind::Parallel(_) => "ParallelStateEntered",
        Kind::Map(_) => "MapStateEntered",
        Kind::Unsupported(_) => "StateEntered",
    }
}

pub(super) fn exited_event(kind: &Kind) -> &'static str {
    match kind {
        Kind::Pass(_) => "PassStateExited",
        Kind::Task(_) => "TaskStateExited",
        Kind::Choice(_) => "ChoiceStateExited",
        Kind::Wait(_) => "WaitStateExited",
        Kind::Succeed => "SucceedStateExited",
        Kind::Parallel(_) => "ParallelStateExited",
        _ => "MapStateExited",
    }
}

/// The event recorded when a running state is stopped because a sibling branch or iteration
/// failed (ASL-EV-07/08, ASL-SUB-26).
pub(super) fn aborted_event(kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::Task(_) => Some("TaskStateAborted"),
        Kind::Wait(_) => Some("WaitStateAborted"),
        Kind::Parallel(_) => Some("ParallelStateAborted"),
        Kind::Map(_) => Some("MapStateAborted"),
        _ => None,
    }
}

/// Records an abort event if dropped before [`AbortGuard::done`]: a branch or iteration
/// cancelled by a failing sibling is dropped mid-state.
pub(super) struct AbortGuard<'e, 'a> {
    pub(super) x: &'e Exec<'a>,
    pub(super) kind: Option<&'static str>,
    pub(super) state: Option<&'static str>,
    pub(super) at: At<'e>,
}

impl AbortGuard<'_, '_> {
    pub(super) fn done(mut self) {
        self.kind = None;
    }
}

impl Drop for AbortGuard<'_, '_> {
    fn drop(&mut self) {
        if let Some(k) = self.kind {
            self.x.event(k, self.state, self.at);
        }
    }
}
