//! Durable runs: the execution's history is its journal.
//!
//! A durable execution writes every history event to the [`Store`], each with a `key` naming
//! the point of the execution that emitted it: the scope (one `step.attempt.index/` segment
//! per enclosing Parallel branch or Map iteration), the state visit's step number in that
//! scope, and the attempt. Events are buffered and written in one transaction before
//! anything is done that cannot be undone or recomputed: before a Task is dispatched, before
//! a timer is armed, when the execution closes.
//!
//! After a crash the execution is run again from its start against the recorded events
//! (deterministic replay, as Temporal and Restate do). Pure states are recomputed. An event
//! whose `(kind, key)` is recorded is not written again: its id and timestamp are reused, so
//! `$$.State.EnteredTime`, Wait deadlines and `entered at the event id #N` come out as they
//! did; a Task attempt whose outcome is recorded is answered from it and its handler is not
//! called; an attempt that was in flight is dispatched again with the same idempotency key
//! and task token. Everything drawn at run time derives from the execution's recorded seed
//! and the point that draws it, never from the order in which concurrent branches ran.
//!
//! While a resumed execution replays, no new Task is dispatched: a sibling branch's recorded
//! failure may still cancel it. The gate opens the first time the whole execution waits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::Value;
use jiff::Timestamp;

use crate::store::{Close, HistoryRecord, Store, StoreError, TokenRecord};

/// The most events a Standard execution's history holds; the last is its end (ASL-Q-02).
pub(crate) const MAX_EVENTS: u64 = 25_000;

/// A recorded event, as replay needs it.
pub(crate) struct Recorded {
    pub(crate) id: u64,
    pub(crate) timestamp: Timestamp,
    pub(crate) details: Option<Value>,
}

/// The journal of one durable execution.
pub(crate) struct Journal {
    store: Arc<dyn Store>,
    arn: Arc<str>,
    seed: u64,
    /// Recorded events by `kind` + NUL + `key`.
    recorded: HashMap<String, Recorded>,
    /// Events not yet written.
    pending: Mutex<Vec<HistoryRecord>>,
    /// The id of the last event emitted (recorded or pending).
    last_id: AtomicU64,
    replaying: AtomicBool,
    released: tokio::sync::Notify,
    /// Branches waiting for a callback, and branches doing anything else that waits (a
    /// handler call, a timer). When only the former remain, the execution is unloaded.
    parked: AtomicUsize,
    busy: AtomicUsize,
    /// The earliest moment a parked branch must wake (a timeout or heartbeat deadline).
    wake_at: Mutex<Option<Timestamp>>,
    /// How often the execution was redriven (its epoch).
    epoch: u32,
    /// For each state visit left unfinished by an earlier run (entered, never exited), the
    /// highest attempt recorded for it.
    unfinished: HashMap<String, u32>,
    /// Set when the history reached [`MAX_EVENTS`] but one: the run must end.
    full: AtomicBool,
    /// Set when a write failed: the run stops without closing the execution, which stays
    /// RUNNING in the store to be resumed.
    broken: Mutex<Option<StoreError>>,
    /// What `previousEventId` links to, per scope.
    chains: Mutex<Chains>,
}

/// AWS's `previousEventId`: an event follows the last event of its own scope (a Parallel
/// branch, a Map iteration, the top), counting the scopes nested in it; the first event of a
/// scope follows the last event its parent scope itself recorded (the `ParallelStateStarted`,
/// `MapStateStarted` or `MapIterationStarted` before it). So branches that run together each
/// form their own chain, and the state's end event follows the branch that ended last.
#[derive(Default)]
struct Chains {
    /// The last event recorded in each scope itself.
    own: HashMap<String, u64>,
    /// The last event recorded in each scope or a scope nested in it.
    nested: HashMap<String, u64>,
}

/// The scope of an event's key: every enclosing branch's or iteration's `step.attempt.index/`.
fn scope_of(key: &str) -> &str {
    match key.rfind('/') {
        Some(i) => &key[..=i],
        None => "",
    }
}

/// The scope around `scope` (`""` for the top).
fn parent_of(scope: &str) -> &str {
    let inner = scope.strip_suffix('/').unwrap_or(scope);
    match inner.rfind('/') {
        Some(i) => &inner[..=i],
        None => "",
    }
}

impl Chains {
    fn previous(&self, scope: &str) -> u64 {
        if let Some(&id) = self.nested.get(scope) {
            return id;
        }
        let mut s = scope;
        while !s.is_empty() {
            s = parent_of(s);
            if let Some(&id) = self.own.get(s) {
                return id;
            }
        }
        0
    }

    fn record(&mut self, scope: &str, id: u64) {
        self.own.insert(scope.to_owned(), id);
        let mut s = scope;
        loop {
            self.nested.insert(s.to_owned(), id);
            if s.is_empty() {
                break;
            }
            s = parent_of(s);
        }
    }
}

fn index_key(kind: &str, key: &str) -> String {
    let mut s = String::with_capacity(kind.len() + 1 + key.len());
    s.push_str(kind);
    s.push('\0');
    s.push_str(key);
    s
}

impl Journal {
    /// The journal of `arn`, with the events already recorded for it.
    pub(crate) fn load(
        store: Arc<dyn Store>,
        rec: &crate::store::ExecutionRecord,
        seed: u64,
        epoch: u32,
    ) -> Result<Journal, StoreError> {
        let arn = rec.arn.as_str();
        // A new execution has nothing recorded: no need to ask.
        let events = if rec.events == 0 {
            Vec::new()
        } else {
            store.events(arn, 1, 0)?
        };
        let unfinished = if epoch > 0 {
            unfinished_visits(&events)
        } else {
            HashMap::new()
        };
        let last = events.last().map_or(0, |e| e.id);
        let replaying = !events.is_empty();
        let mut chains = Chains::default();
        for e in &events {
            chains.record(scope_of(&e.key), e.id);
        }
        let recorded = events
            .into_iter()
            .map(|e| {
                (
                    index_key(&e.kind, &e.key),
                    Recorded {
                        id: e.id,
                        timestamp: e.timestamp,
                        details: e.details,
                    },
                )
            })
            .collect();
        Ok(Journal {
            store,
            arn: arn.into(),
            seed,
            recorded,
            pending: Mutex::new(Vec::new()),
            last_id: AtomicU64::new(last),
            replaying: AtomicBool::new(replaying),
            released: tokio::sync::Notify::new(),
            parked: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
            wake_at: Mutex::new(None),
            broken: Mutex::new(None),
            full: AtomicBool::new(false),
            epoch,
            unfinished,
            chains: Mutex::new(chains),
        })
    }

    /// How often the execution was redriven.
    pub(crate) fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The execution ARN.
    pub(crate) fn arn(&self) -> &Arc<str> {
        &self.arn
    }

    /// The recorded event `kind` at `key`, if any.
    pub(crate) fn recorded(&self, kind: &str, key: &str) -> Option<&Recorded> {
        if self.recorded.is_empty() {
            return None;
        }
        self.recorded.get(&index_key(kind, key))
    }

    /// Emits an event: the recorded one's id and time if it was recorded before the restart,
    /// else a new one, buffered until the next [`Journal::flush`].
    pub(crate) fn event(
        &self,
        kind: &'static str,
        key: String,
        now: Timestamp,
        details: impl FnOnce() -> Option<Value>,
    ) -> (u64, Timestamp, bool) {
        // A redriven execution ends again: its end events are its epoch's own.
        let key = if self.epoch > 0 && kind.starts_with("Execution") && kind != "ExecutionStarted" {
            format!("@{}", self.epoch)
        } else {
            key
        };
        if let Some(r) = self.recorded(kind, &key) {
            return (r.id, r.timestamp, false);
        }
        let ends = kind.starts_with("Execution") && kind != "ExecutionStarted";
        if self.full.load(Ordering::Relaxed)
            || (!ends && self.last_id.load(Ordering::Relaxed) + 1 >= MAX_EVENTS)
        {
            // No room but for the execution's end: nothing more is recorded.
            self.full.store(true, Ordering::Relaxed);
            if !ends {
                return (MAX_EVENTS, now, false);
            }
        }
        let id = self.last_id.fetch_add(1, Ordering::Relaxed) + 1;
        let previous_id = {
            let mut chains = self.chains.lock().unwrap_or_else(|p| p.into_inner());
            let scope = scope_of(&key);
            let previous = chains.previous(scope);
            chains.record(scope, id);
            previous
        };
        let mut p = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        p.push(HistoryRecord {
            id,
            previous_id,
            timestamp: now,
            kind: kind.to_owned(),
            key,
            details: details(),
        });
        (id, now, true)
    }

    /// Writes the buffered events (and the close, if given) in one transaction. On failure
    /// the journal is broken: the run must stop.
    pub(crate) async fn flush(&self, close: Option<&Close>) -> Result<(), ()> {
        if self.is_broken() || (self.is_full() && close.is_none()) {
            return Err(());
        }
        let events = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        if events.is_empty() && close.is_none() {
            return Ok(());
        }
        // Queued now, in the order the events were taken; awaited as work in progress.
        let written = self.store.append_batched(&self.arn, events, close.cloned());
        match self.busy(written).await {
            Ok(()) => Ok(()),
            Err(e) => {
                *self.broken.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                Err(())
            }
        }
    }

    /// Whether the history is full: the run must end.
    pub(crate) fn is_full(&self) -> bool {
        self.full.load(Ordering::Relaxed)
    }

    /// Whether a write failed: the run must stop.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Why the run had to stop, if it did.
    pub(crate) fn take_broken(&self) -> Option<StoreError> {
        self.broken.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Waits, while the execution replays, until replay is over (see the module docs).
    pub(crate) async fn replayed(&self) {
        if self.replaying.load(Ordering::Acquire) {
            let notified = self.released.notified();
            if self.replaying.load(Ordering::Acquire) {
                notified.await;
            }
        }
    }

    /// Called when the whole execution waits: replay is over.
    pub(crate) fn release(&self) {
        if self.replaying.swap(false, Ordering::AcqRel) {
            self.released.notify_waiters();
        }
    }

    /// A value in `[0, 1)` drawn for the point `key`: the same on every replay.
    pub(crate) fn draw(&self, key: &str) -> f64 {
        (crate::intrinsics::mix(self.seed, key, 0) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The first attempt number, in event keys, of the state visit at `key`: in a redrive, a
    /// Task left unfinished starts after its recorded attempts (its work runs again, with
    /// fresh retry counters, ASL-RT-10), and a Parallel or Map left unfinished goes on in its
    /// last attempt (its finished branches and iterations replay, the others run again,
    /// ASL-WF-06).
    pub(crate) fn redrive_base(&self, key: &str, kind: &crate::machine::Kind) -> u32 {
        match self.unfinished.get(key) {
            None => 0,
            Some(&last) => match kind {
                crate::machine::Kind::Parallel(_) | crate::machine::Kind::Map(_) => last,
                _ => last + 1,
            },
        }
    }

    /// The draws of the state visit at `key` (`States.UUID`, `States.MathRandom`).
    pub(crate) fn draws(&self, key: String) -> crate::intrinsics::Draws {
        crate::intrinsics::Draws::new(self.seed, key)
    }

    /// The task token of the attempt at `key`: derived from the seed (secret to the store),
    /// so a replay hands out the same token.
    pub(crate) fn token(&self, key: &str) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.seed.to_le_bytes());
        h.update(self.arn.as_bytes());
        h.update([0]);
        h.update(key.as_bytes());
        let d = h.finalize();
        d.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Journal {
    /// The store.
    pub(crate) fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// The store, shared (a Distributed Map's Standard children live in it too).
    pub(crate) fn shared_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// A task token of this execution.
    pub(crate) fn task_token(&self, token: &str) -> Result<Option<TokenRecord>, ()> {
        self.store.token(token).map_err(|e| self.fail(e))
    }

    /// Marks the journal broken by a store error.
    pub(crate) fn fail(&self, e: StoreError) {
        *self.broken.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    }

    /// Counts a branch as doing something other than waiting for a callback while `f` runs.
    pub(crate) async fn busy<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.busy.fetch_add(1, Ordering::Relaxed);
        let _done = Decrement(&self.busy);
        f.await
    }

    /// Waits for a callback until `deadline` at the latest, checking the store again every
    /// `poll`: the outcome may come from another process.
    pub(crate) async fn park(
        &self,
        left: Option<std::time::Duration>,
        deadline: Option<Timestamp>,
    ) {
        const POLL: std::time::Duration = std::time::Duration::from_millis(200);
        if let Some(d) = deadline {
            let mut w = self.wake_at.lock().unwrap_or_else(|p| p.into_inner());
            *w = Some(w.map_or(d, |w| w.min(d)));
        }
        self.parked.fetch_add(1, Ordering::Relaxed);
        let _done = Decrement(&self.parked);
        tokio::time::sleep(left.map_or(POLL, |l| l.min(POLL))).await;
    }

    /// Whether every branch of the execution waits for a callback: then it can be unloaded
    /// and resumed from the store when an outcome arrives or `wake_at` passes.
    pub(crate) fn only_parked(&self) -> bool {
        self.parked.load(Ordering::Relaxed) > 0 && self.busy.load(Ordering::Relaxed) == 0
    }

    /// When an unloaded execution must be resumed at the latest.
    pub(crate) fn wake_at(&self) -> Option<Timestamp> {
        *self.wake_at.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The state visits the runs before the last redrive left unfinished (entered, never
/// exited), with the highest attempt recorded for each (0 if none). What the redriven run
/// recorded itself is replayed like any run's.
fn unfinished_visits(events: &[HistoryRecord]) -> HashMap<String, u32> {
    let before = events
        .iter()
        .rposition(|e| e.kind == "ExecutionRedriven")
        .unwrap_or(events.len());
    let mut entered: HashMap<&str, u32> = HashMap::new();
    let mut exited = std::collections::HashSet::new();
    let mut attempts: HashMap<&str, u32> = HashMap::new();
    for e in &events[..before] {
        if e.kind.ends_with("StateEntered") {
            entered.insert(&e.key, 0);
        } else if e.kind.ends_with("Exited") {
            exited.insert(e.key.as_str());
        } else if let Some((visit, a)) = e.key.rsplit_once('#')
            && let Ok(a) = a.parse::<u32>()
        {
            let m = attempts.entry(visit).or_insert(0);
            *m = (*m).max(a);
        }
    }
    entered
        .into_keys()
        .filter(|k| !exited.contains(k))
        .map(|k| (k.to_owned(), attempts.get(k).copied().unwrap_or(0)))
        .collect()
}

#[cfg(test)]
mod chain_tests {
    use super::*;

    /// API-SEE `previousEventId`: a Parallel's two branches each chain from
    /// `ParallelStateStarted`; the state's end follows the branch that ended last.
    #[test]
    fn branches_chain_apart_and_join_at_the_end() {
        let mut c = Chains::default();
        let mut next = 0;
        let mut add = |c: &mut Chains, key: &str| {
            next += 1;
            let p = c.previous(scope_of(key));
            c.record(scope_of(key), next);
            p
        };
        assert_eq!(add(&mut c, ""), 0); // 1 ExecutionStarted
        assert_eq!(add(&mut c, "1"), 1); // 2 ParallelStateEntered
        assert_eq!(add(&mut c, "1#0"), 2); // 3 ParallelStateStarted
        assert_eq!(add(&mut c, "1.0.0/1"), 3); // 4 branch 0 enters
        assert_eq!(add(&mut c, "1.0.1/1"), 3); // 5 branch 1 enters
        assert_eq!(add(&mut c, "1.0.0/1"), 4); // 6 branch 0 exits
        assert_eq!(add(&mut c, "1.0.1/1"), 5); // 7 branch 1 exits
        assert_eq!(add(&mut c, "1#0"), 7); // 8 ParallelStateSucceeded
        assert_eq!(add(&mut c, "1"), 8); // 9 ParallelStateExited
        assert_eq!(add(&mut c, "1.0.1/1.0.0/1"), 7); // a scope nested in branch 1
    }
}
