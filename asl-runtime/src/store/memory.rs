//! The in-memory store: for tests and for Express executions, which AWS keeps no durable
//! record of.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use jiff::Timestamp;

use super::{
    ActivityRecord, Close, ExecutionRecord, HistoryRecord, ListQuery, MapRunRecord, NewExecution,
    NewToken, Page, StateMachineRecord, Status, Store, StoreError, TokenOutcome, TokenRecord,
    TokenStatus, next_token, page_limit, parse_token, revision_clash,
};

/// A [`Store`] in memory: the same rules as [`super::SqliteStore`], gone with the process.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// In start order.
    executions: Vec<ExecutionRecord>,
    index: HashMap<String, usize>,
    events: HashMap<String, Vec<HistoryRecord>>,
    tokens: HashMap<String, TokenRecord>,
    activities: Vec<ActivityRecord>,
    /// Execution → (holder, until).
    leases: HashMap<String, (String, Timestamp)>,
    /// State machines as they are now, by ARN.
    machines: HashMap<String, StateMachineRecord>,
    /// Every revision: the machine's record as it was when the revision was made.
    revisions: HashMap<String, StateMachineRecord>,
    /// Resource ARN → key → value.
    tags: HashMap<String, BTreeMap<String, String>>,
    /// Map Runs, as written.
    map_runs: Vec<MapRunRecord>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the data consistent (every change is
        // written in one step), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn insert_execution(&self, e: &NewExecution) -> Result<Option<ExecutionRecord>, StoreError> {
        let mut g = self.lock();
        if let Some(x) = g.executions.iter().find(|x| {
            x.arn == e.arn || (x.state_machine_arn == e.state_machine_arn && x.name == e.name)
        }) {
            return Ok(Some(x.clone()));
        }
        let rec = ExecutionRecord {
            arn: e.arn.clone(),
            name: e.name.clone(),
            state_machine_arn: e.state_machine_arn.clone(),
            status: Status::Running,
            input: e.input.clone(),
            output: None,
            error: None,
            cause: None,
            start_date: e.start_date,
            stop_date: None,
            seed: e.seed,
            events: 0,
            redrive_count: 0,
            revision_id: e.revision_id.clone(),
        };
        let i = g.executions.len();
        g.index.insert(e.arn.clone(), i);
        g.executions.push(rec);
        g.events.insert(e.arn.clone(), Vec::new());
        if let Some(l) = &e.lease {
            g.leases.insert(e.arn.clone(), (l.owner.clone(), l.until));
        }
        drop(g);
        if !e.tags.is_empty() {
            self.tag_resource(&e.arn, &e.tags)?;
        }
        Ok(None)
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        let g = self.lock();
        Ok(g.index.get(arn).map(|&i| g.executions[i].clone()))
    }

    fn list_executions(&self, q: &ListQuery<'_>) -> Result<Page<ExecutionRecord>, StoreError> {
        let offset = parse_token(q.next_token)?;
        let limit = page_limit(q.limit);
        let g = self.lock();
        let mut matching = g.executions.iter().rev().filter(|x| {
            q.state_machine_arn.is_none_or(|m| x.state_machine_arn == m)
                && q.status.is_none_or(|s| x.status == s)
        });
        let items: Vec<_> = matching
            .by_ref()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        let more = matching.next().is_some();
        let next_token = next_token(offset, items.len(), more);
        Ok(Page { items, next_token })
    }

    fn append(
        &self,
        arn: &str,
        events: &[HistoryRecord],
        close: Option<&Close>,
    ) -> Result<(), StoreError> {
        let mut g = self.lock();
        let i = *g
            .index
            .get(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        let have = g.executions[i].events;
        let closed = g.executions[i].status != Status::Running;
        if let Some(first) = events.first()
            && (first.id != have + 1 || closed)
        {
            return Err(StoreError::Conflict {
                arn: arn.to_owned(),
                expected: first.id,
                found: have + 1,
            });
        }
        if closed && close.is_some() {
            return Err(StoreError::Conflict {
                arn: arn.to_owned(),
                expected: have + 1,
                found: have + 1,
            });
        }
        g.events
            .get_mut(arn)
            .expect("events of an indexed execution")
            .extend_from_slice(events);
        if close.is_some() {
            for t in g.tokens.values_mut().filter(|t| t.execution_arn == arn) {
                t.status = TokenStatus::Closed;
            }
        }
        let x = &mut g.executions[i];
        x.events += events.len() as u64;
        if let Some(c) = close {
            x.status = c.status;
            x.output = c.output.clone();
            x.error = c.error.clone();
            x.cause = c.cause.clone();
            x.stop_date = Some(c.stop_date);
        }
        Ok(())
    }

    fn lease(
        &self,
        arn: &str,
        owner: &str,
        until: Timestamp,
        now: Timestamp,
        dead: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut g = self.lock();
        let running = g
            .index
            .get(arn)
            .is_some_and(|&i| g.executions[i].status == Status::Running);
        if !running {
            return Ok(false);
        }
        let free = match g.leases.get(arn) {
            None => true,
            Some((holder, t)) => holder == owner || *t < now || Some(holder.as_str()) == dead,
        };
        if free {
            g.leases.insert(arn.to_owned(), (owner.to_owned(), until));
        }
        Ok(free)
    }

    fn lease_holder(&self, arn: &str, now: Timestamp) -> Result<Option<String>, StoreError> {
        Ok(self
            .lock()
            .leases
            .get(arn)
            .filter(|(_, t)| *t >= now)
            .map(|(h, _)| h.clone()))
    }

    fn renew_leases(&self, owner: &str, until: Timestamp) -> Result<(), StoreError> {
        for (holder, t) in self.lock().leases.values_mut() {
            if holder == owner {
                *t = until;
            }
        }
        Ok(())
    }

    fn reopen(&self, arn: &str, event: &HistoryRecord) -> Result<ExecutionRecord, StoreError> {
        let mut g = self.lock();
        let i = *g
            .index
            .get(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        let x = &g.executions[i];
        if matches!(x.status, Status::Running | Status::Succeeded) || event.id != x.events + 1 {
            return Err(StoreError::Conflict {
                arn: arn.to_owned(),
                expected: event.id,
                found: x.events + 1,
            });
        }
        g.events
            .get_mut(arn)
            .expect("events of an indexed execution")
            .push(event.clone());
        let x = &mut g.executions[i];
        x.events += 1;
        x.status = Status::Running;
        x.output = None;
        x.error = None;
        x.cause = None;
        x.stop_date = None;
        x.redrive_count += 1;
        Ok(x.clone())
    }

    fn events(&self, arn: &str, from: u64, limit: usize) -> Result<Vec<HistoryRecord>, StoreError> {
        let g = self.lock();
        let all = g
            .events
            .get(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        let start = (from.max(1) - 1) as usize;
        let take = if limit == 0 { usize::MAX } else { limit };
        Ok(all.iter().skip(start).take(take).cloned().collect())
    }

    fn create_token(&self, t: &NewToken<'_>) -> Result<(), StoreError> {
        let mut g = self.lock();
        if !g.index.contains_key(t.execution_arn) {
            return Err(StoreError::NotFound(t.execution_arn.to_owned()));
        }
        g.tokens
            .entry(t.token.to_owned())
            .or_insert_with(|| t.record());
        Ok(())
    }

    fn token(&self, token: &str) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self.lock().tokens.get(token).cloned())
    }

    fn complete_token(
        &self,
        token: &str,
        outcome: &TokenOutcome,
    ) -> Result<TokenRecord, StoreError> {
        let mut g = self.lock();
        let t = waiting(&mut g.tokens, token)?;
        match outcome {
            TokenOutcome::Success(o) => {
                t.status = TokenStatus::Succeeded;
                t.output = Some(o.clone());
            }
            TokenOutcome::Failure { error, cause } => {
                t.status = TokenStatus::Failed;
                t.error = error.clone();
                t.cause = cause.clone();
            }
        }
        Ok(t.clone())
    }

    fn heartbeat_token(&self, token: &str, now: Timestamp) -> Result<(), StoreError> {
        let mut g = self.lock();
        waiting(&mut g.tokens, token)?.heartbeat = Some(now);
        Ok(())
    }

    fn close_token(&self, token: &str) -> Result<(), StoreError> {
        if let Some(t) = self.lock().tokens.get_mut(token) {
            t.status = TokenStatus::Closed;
        }
        Ok(())
    }

    fn claim_activity_task(
        &self,
        activity_arn: &str,
        worker: &str,
        now: Timestamp,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let mut g = self.lock();
        let oldest = g
            .tokens
            .values_mut()
            .filter(|t| {
                t.status == TokenStatus::Scheduled
                    && t.activity
                        .as_ref()
                        .is_some_and(|a| a.activity_arn == activity_arn)
            })
            .min_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)));
        Ok(oldest.map(|t| {
            t.status = TokenStatus::Waiting;
            if let Some(a) = &mut t.activity {
                a.worker = Some(worker.to_owned());
                a.started = Some(now);
            }
            t.clone()
        }))
    }

    fn put_map_run(&self, r: &MapRunRecord) -> Result<(), StoreError> {
        let mut g = self.lock();
        match g.map_runs.iter_mut().find(|x| x.arn == r.arn) {
            Some(x) => *x = r.clone(),
            None => g.map_runs.push(r.clone()),
        }
        Ok(())
    }

    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>, StoreError> {
        Ok(self.lock().map_runs.iter().find(|x| x.arn == arn).cloned())
    }

    fn map_runs(&self, execution_arn: &str) -> Result<Vec<MapRunRecord>, StoreError> {
        let mut runs: Vec<MapRunRecord> = self
            .lock()
            .map_runs
            .iter()
            .filter(|x| x.execution_arn == execution_arn)
            .cloned()
            .collect();
        runs.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
        Ok(runs)
    }

    fn create_activity(&self, a: &ActivityRecord) -> Result<ActivityRecord, StoreError> {
        let mut g = self.lock();
        if let Some(x) = g.activities.iter().find(|x| x.arn == a.arn) {
            return Ok(x.clone());
        }
        g.activities.push(a.clone());
        Ok(a.clone())
    }

    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>, StoreError> {
        Ok(self
            .lock()
            .activities
            .iter()
            .find(|x| x.arn == arn)
            .cloned())
    }

    fn activities(&self) -> Result<Vec<ActivityRecord>, StoreError> {
        Ok(self.lock().activities.clone())
    }

    fn delete_activity(&self, arn: &str) -> Result<(), StoreError> {
        let mut g = self.lock();
        g.activities.retain(|x| x.arn != arn);
        g.tags.remove(arn);
        Ok(())
    }

    fn insert_state_machine(
        &self,
        m: &StateMachineRecord,
    ) -> Result<Option<StateMachineRecord>, StoreError> {
        let mut g = self.lock();
        if let Some(x) = g.machines.get(&m.arn) {
            return Ok(Some(x.clone()));
        }
        if g.revisions.contains_key(&m.revision_id) {
            return Err(StoreError::Invalid(format!(
                "the revision id {} is taken",
                m.revision_id
            )));
        }
        g.revisions.insert(m.revision_id.clone(), m.clone());
        g.machines.insert(m.arn.clone(), m.clone());
        Ok(None)
    }

    fn update_state_machine(&self, m: &StateMachineRecord) -> Result<(), StoreError> {
        let mut g = self.lock();
        if !g.machines.contains_key(&m.arn) {
            return Err(StoreError::NotFound(m.arn.clone()));
        }
        match g.revisions.get(&m.revision_id) {
            Some(r) => {
                if let Some(why) = revision_clash(r, m) {
                    return Err(StoreError::Invalid(why));
                }
            }
            None => {
                g.revisions.insert(m.revision_id.clone(), m.clone());
            }
        }
        g.machines.insert(m.arn.clone(), m.clone());
        Ok(())
    }

    fn state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>, StoreError> {
        Ok(self.lock().machines.get(arn).cloned())
    }

    fn state_machines(&self) -> Result<Vec<StateMachineRecord>, StoreError> {
        let mut all: Vec<_> = self.lock().machines.values().cloned().collect();
        all.sort_by(|a, b| (a.created, &a.arn).cmp(&(b.created, &b.arn)));
        Ok(all)
    }

    fn state_machine_revision(
        &self,
        revision_id: &str,
    ) -> Result<Option<StateMachineRecord>, StoreError> {
        let g = self.lock();
        let Some(r) = g.revisions.get(revision_id) else {
            return Ok(None);
        };
        Ok(Some(match g.machines.get(&r.arn) {
            Some(now) => StateMachineRecord {
                definition: r.definition.clone(),
                role_arn: r.role_arn.clone(),
                revision_id: r.revision_id.clone(),
                revision_date: r.revision_date,
                ..now.clone()
            },
            None => r.clone(),
        }))
    }

    fn delete_state_machine(&self, arn: &str) -> Result<(), StoreError> {
        let mut g = self.lock();
        g.machines.remove(arn);
        g.tags.remove(arn);
        Ok(())
    }

    fn tag_resource(&self, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError> {
        let mut g = self.lock();
        let have = g.tags.entry(arn.to_owned()).or_default();
        for (k, v) in tags {
            have.insert(k.clone(), v.clone());
        }
        Ok(())
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<(), StoreError> {
        let mut g = self.lock();
        if let Some(have) = g.tags.get_mut(arn) {
            for k in keys {
                have.remove(k);
            }
            if have.is_empty() {
                g.tags.remove(arn);
            }
        }
        Ok(())
    }

    fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .lock()
            .tags
            .get(arn)
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    fn delivered_tokens(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .lock()
            .tokens
            .values()
            .filter(|t| matches!(t.status, TokenStatus::Succeeded | TokenStatus::Failed))
            .map(|t| (t.token.clone(), t.execution_arn.clone()))
            .collect())
    }
}

/// The token, if its task still waits for an outcome.
fn waiting<'t>(
    tokens: &'t mut HashMap<String, TokenRecord>,
    token: &str,
) -> Result<&'t mut TokenRecord, StoreError> {
    match tokens.get_mut(token) {
        None => Err(StoreError::UnknownTaskToken(token.to_owned())),
        Some(t) if t.status != TokenStatus::Waiting => {
            Err(StoreError::TaskClosed(token.to_owned()))
        }
        Some(t) => Ok(t),
    }
}
