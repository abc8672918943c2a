//! The in-memory store: for tests and for Express executions, which AWS keeps no durable
//! record of.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{
    Close, ExecutionRecord, HistoryRecord, ListQuery, NewExecution, Page, Status, Store,
    StoreError, next_token, page_limit, parse_token,
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
        };
        let i = g.executions.len();
        g.index.insert(e.arn.clone(), i);
        g.executions.push(rec);
        g.events.insert(e.arn.clone(), Vec::new());
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
}
