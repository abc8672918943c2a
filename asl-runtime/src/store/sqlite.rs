//! The embedded default store: one SQLite file (bundled SQLite, WAL), opened with one call.
//!
//! Schema versions are kept in `PRAGMA user_version` and the file is marked as ours with
//! `PRAGMA application_id`; opening an older file migrates it in one transaction, and a file
//! that is not a database, belongs to something else, or comes from a newer version is
//! refused with [`StoreError::Incompatible`] before anything is written.

use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    ActivityRecord, ActivityTask, Close, ExecutionRecord, HistoryRecord, ListQuery, MapRunCounts,
    MapRunRecord, NewExecution, NewToken, Page, StateMachineRecord, Status, Store, StoreError,
    TokenOutcome, TokenRecord, TokenStatus, next_token, page_limit, parse_token, revision_clash,
};

/// `PRAGMA application_id` of an asl store: "ASL1".
const APPLICATION_ID: i32 = 0x4153_4C31;

/// Each entry takes the schema from version `i` to `i + 1`; the current version is the length.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: executions and their history.
    "CREATE TABLE executions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        arn TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        state_machine_arn TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        output TEXT,
        error TEXT,
        cause TEXT,
        start_date INTEGER NOT NULL,
        stop_date INTEGER,
        seed INTEGER NOT NULL,
        events INTEGER NOT NULL DEFAULT 0,
        redrive_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (state_machine_arn, name)
    );
    CREATE INDEX executions_by_status ON executions (status, seq);
    CREATE INDEX executions_by_machine ON executions (state_machine_arn, seq);
    CREATE TABLE events (
        execution INTEGER NOT NULL REFERENCES executions (seq),
        id INTEGER NOT NULL,
        previous_id INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        details TEXT,
        PRIMARY KEY (execution, id)
    ) WITHOUT ROWID;",
    // 1 → 2: task tokens of callback and activity Tasks.
    "CREATE TABLE task_tokens (
        token TEXT PRIMARY KEY,
        execution INTEGER NOT NULL REFERENCES executions (seq),
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        status TEXT NOT NULL,
        output TEXT,
        error TEXT,
        cause TEXT,
        created INTEGER NOT NULL,
        heartbeat INTEGER
    );
    CREATE INDEX task_tokens_by_status ON task_tokens (status);
    CREATE INDEX task_tokens_by_execution ON task_tokens (execution);",
    // 2 → 3: activities, and activity tasks waiting for workers.
    "CREATE TABLE activities (
        arn TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    ALTER TABLE task_tokens ADD COLUMN activity TEXT;
    ALTER TABLE task_tokens ADD COLUMN input TEXT;
    ALTER TABLE task_tokens ADD COLUMN worker TEXT;
    ALTER TABLE task_tokens ADD COLUMN started INTEGER;
    CREATE INDEX task_tokens_by_activity ON task_tokens (activity, status, created);",
    // 3 → 4: leases, so that two live processes never run one execution together.
    "ALTER TABLE executions ADD COLUMN owner TEXT;
    ALTER TABLE executions ADD COLUMN lease_until INTEGER;
    CREATE INDEX executions_by_owner ON executions (owner);",
    // 4 → 5: state machines (as they are now, and every revision of their definition, which
    // executions name), tags of any resource, and each execution's revision.
    "CREATE TABLE state_machines (
        arn TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        role_arn TEXT NOT NULL,
        kind TEXT NOT NULL,
        created INTEGER NOT NULL,
        revision_id TEXT NOT NULL,
        revision_date INTEGER NOT NULL,
        description TEXT,
        logging TEXT,
        tracing TEXT
    );
    CREATE TABLE state_machine_revisions (
        revision_id TEXT PRIMARY KEY,
        arn TEXT NOT NULL,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        role_arn TEXT NOT NULL,
        kind TEXT NOT NULL,
        created INTEGER NOT NULL,
        revision_date INTEGER NOT NULL,
        description TEXT,
        logging TEXT,
        tracing TEXT
    );
    CREATE INDEX state_machine_revisions_by_arn ON state_machine_revisions (arn);
    CREATE TABLE tags (
        resource_arn TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_arn, key)
    ) WITHOUT ROWID;
    ALTER TABLE executions ADD COLUMN revision_id TEXT;",
    // 5 → 6: the Map Runs of Distributed Maps.
    "CREATE TABLE map_runs (
        arn TEXT PRIMARY KEY,
        execution_arn TEXT NOT NULL,
        status TEXT NOT NULL,
        start_date INTEGER NOT NULL,
        stop_date INTEGER,
        max_concurrency INTEGER NOT NULL,
        tolerated_failure_percentage REAL NOT NULL,
        tolerated_failure_count INTEGER NOT NULL,
        counts TEXT NOT NULL,
        result TEXT,
        error TEXT,
        cause TEXT
    );
    CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, start_date);",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// What a commit waits for. Both survive a crash of the process (a SIGKILL loses nothing);
/// they differ only when the machine itself loses power.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// WAL with `synchronous = NORMAL`: a commit is in the OS before it returns; the WAL is
    /// synced at checkpoints. A power loss can lose the last commits, never corrupt the file.
    #[default]
    Process,
    /// WAL with `synchronous = FULL`: every commit is synced to the disk before it returns.
    PowerLoss,
}

/// A [`Store`] in one SQLite file.
pub struct SqliteStore {
    conn: std::sync::Arc<Mutex<Connection>>,
    batch: std::sync::Arc<Mutex<Batch>>,
    durability: Durability,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn nanos(t: Timestamp) -> i64 {
    // i64 nanoseconds reach the year 2262.
    t.as_nanosecond() as i64
}

fn timestamp(n: i64) -> Timestamp {
    Timestamp::from_nanosecond(n as i128).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl SqliteStore {
    /// Opens (or creates) the store at `path` with [`Durability::Process`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, Durability::default())
    }

    /// Opens (or creates) the store at `path`.
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Incompatible(format!("{}: {e}", path.display())))?;
        let refuse = |why: String| StoreError::Incompatible(format!("{}: {why}", path.display()));
        // The first read tells a database from any other file.
        let (app, version): (i32, u32) = conn
            .query_row(
                "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| refuse(format!("not an asl store ({e})")))?;
        let tables: u32 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| refuse(e.to_string()))?;
        if app != APPLICATION_ID && (app != 0 || tables != 0) {
            return Err(refuse(format!(
                "not an asl store (application id {app:#x}, {tables} schema objects)"
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(refuse(format!(
                "written by a newer asl (schema version {version}; this build knows up to {SCHEMA_VERSION})"
            )));
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(backend)?;
        let sync = match durability {
            Durability::Process => "NORMAL",
            Durability::PowerLoss => "FULL",
        };
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
        ))
        .map_err(backend)?;
        let mut conn = conn;
        if version < SCHEMA_VERSION {
            let tx = conn.transaction().map_err(backend)?;
            for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                tx.execute_batch(m)
                    .map_err(|e| refuse(format!("migration to schema {} failed: {e}", i + 1)))?;
            }
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
        }
        Ok(SqliteStore {
            conn: std::sync::Arc::new(Mutex::new(conn)),
            batch: std::sync::Arc::default(),
            durability,
        })
    }

    /// Queues a write for the group-commit writer, and becomes the writer if none is at work.
    fn enqueue(&self, job: Job) {
        let lead = {
            let mut b = self.batch.lock().unwrap_or_else(|p| p.into_inner());
            b.queue.push(job);
            !std::mem::replace(&mut b.writing, true)
        };
        if lead {
            // With commits that do not wait for the disk, the first write finds no writer and
            // is written at once, on this thread: an execution alone waits no longer than a
            // plain commit. A commit that waits for the disk (PowerLoss) is written on a
            // blocking thread, so that the async workers go on running executions, whose
            // writes gather into the next transaction. Either way, what queues up meanwhile
            // goes together on a blocking thread.
            let inline = self.durability == Durability::Process;
            if !inline || write_batch(&self.conn, &self.batch) {
                let (conn, batch) = (self.conn.clone(), self.batch.clone());
                match tokio::runtime::Handle::try_current() {
                    Ok(rt) => drop(rt.spawn_blocking(move || while write_batch(&conn, &batch) {})),
                    Err(_) => while write_batch(&conn, &batch) {},
                }
            }
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // Every change is one transaction, so a panic elsewhere cannot leave half of one.
        let mut g = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g)
    }
}

const EXECUTION_COLUMNS: &str = "arn, name, state_machine_arn, status, input, output, error, \
     cause, start_date, stop_date, seed, events, redrive_count, revision_id";

fn execution_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExecutionRecord> {
    let status: String = r.get(3)?;
    Ok(ExecutionRecord {
        arn: r.get(0)?,
        name: r.get(1)?,
        state_machine_arn: r.get(2)?,
        status: Status::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("unknown status {status}").into(),
            )
        })?,
        input: r.get(4)?,
        output: r.get(5)?,
        error: r.get(6)?,
        cause: r.get(7)?,
        start_date: timestamp(r.get(8)?),
        stop_date: r.get::<_, Option<i64>>(9)?.map(timestamp),
        seed: r.get::<_, i64>(10)? as u64,
        events: r.get::<_, i64>(11)? as u64,
        redrive_count: r.get(12)?,
        revision_id: r.get(13)?,
    })
}

fn find(tx: &Connection, arn: &str) -> Result<Option<(i64, String, u64)>, StoreError> {
    tx.prepare_cached("SELECT seq, status, events FROM executions WHERE arn = ?1")
        .map_err(backend)?
        .query_row([arn], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })
        .optional()
        .map_err(backend)
}

impl Store for SqliteStore {
    fn insert_execution(&self, e: &NewExecution) -> Result<Option<ExecutionRecord>, StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            let existing = insert_in(&tx, e)?;
            tx.commit().map_err(backend)?;
            Ok(existing)
        })
    }

    fn insert_execution_batched(
        &self,
        e: NewExecution,
    ) -> crate::handler::BoxFuture<'static, Result<Option<ExecutionRecord>, StoreError>> {
        let (reply, done) = tokio::sync::oneshot::channel();
        self.enqueue(Job::Insert(Box::new(e), reply));
        Box::pin(async move {
            done.await
                .unwrap_or_else(|_| Err(StoreError::Backend("the store's writer stopped".into())))
        })
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE arn = ?1"),
                [arn],
                execution_row,
            )
            .optional()
            .map_err(backend)
        })
    }

    fn list_executions(&self, q: &ListQuery<'_>) -> Result<Page<ExecutionRecord>, StoreError> {
        let offset = parse_token(q.next_token)?;
        let limit = page_limit(q.limit);
        self.with(|c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {EXECUTION_COLUMNS} FROM executions
                     WHERE (?1 IS NULL OR state_machine_arn = ?1) AND (?2 IS NULL OR status = ?2)
                     ORDER BY seq DESC LIMIT ?3 OFFSET ?4"
                ))
                .map_err(backend)?;
            let mut items = stmt
                .query_map(
                    params![
                        q.state_machine_arn,
                        q.status.map(Status::as_str),
                        (limit + 1) as i64,
                        offset as i64
                    ],
                    execution_row,
                )
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)?;
            let more = items.len() > limit;
            items.truncate(limit);
            let next_token = next_token(offset, items.len(), more);
            Ok(Page { items, next_token })
        })
    }

    fn append(
        &self,
        arn: &str,
        events: &[HistoryRecord],
        close: Option<&Close>,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            append_in(&tx, arn, events, close)?;
            tx.commit().map_err(backend)
        })
    }

    fn append_batched(
        &self,
        arn: &str,
        events: Vec<HistoryRecord>,
        close: Option<Close>,
    ) -> crate::handler::BoxFuture<'static, Result<(), StoreError>> {
        let (reply, done) = tokio::sync::oneshot::channel();
        self.enqueue(Job::Append {
            arn: arn.to_owned(),
            events,
            close,
            reply,
        });
        Box::pin(async move {
            done.await
                .unwrap_or_else(|_| Err(StoreError::Backend("the store's writer stopped".into())))
        })
    }

    fn lease(
        &self,
        arn: &str,
        owner: &str,
        until: Timestamp,
        now: Timestamp,
        dead: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c
                .prepare_cached(
                    "UPDATE executions SET owner = ?2, lease_until = ?3
                     WHERE arn = ?1 AND status = 'RUNNING'
                       AND (owner IS NULL OR owner = ?2 OR lease_until < ?4 OR owner = ?5)",
                )
                .map_err(backend)?
                .execute(params![arn, owner, nanos(until), nanos(now), dead])
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    fn lease_holder(&self, arn: &str, now: Timestamp) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            c.prepare_cached(
                "SELECT owner FROM executions WHERE arn = ?1 AND owner IS NOT NULL
                 AND lease_until >= ?2",
            )
            .map_err(backend)?
            .query_row(params![arn, nanos(now)], |r| r.get(0))
            .optional()
            .map_err(backend)
        })
    }

    fn renew_leases(&self, owner: &str, until: Timestamp) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE executions SET lease_until = ?2 WHERE owner = ?1 AND status = 'RUNNING'",
                params![owner, nanos(until)],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn reopen(&self, arn: &str, event: &HistoryRecord) -> Result<ExecutionRecord, StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            let (seq, status, have) =
                find(&tx, arn)?.ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
            if status == Status::Running.as_str()
                || status == Status::Succeeded.as_str()
                || event.id != have + 1
            {
                return Err(StoreError::Conflict {
                    arn: arn.to_owned(),
                    expected: event.id,
                    found: have + 1,
                });
            }
            tx.execute(
                "INSERT INTO events (execution, id, previous_id, timestamp, kind, key, details)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    seq,
                    event.id as i64,
                    event.previous_id as i64,
                    nanos(event.timestamp),
                    event.kind,
                    event.key,
                    event.details.as_ref().map(|d| d.to_string())
                ],
            )
            .map_err(backend)?;
            tx.execute(
                "UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL,
                 cause = NULL, stop_date = NULL, events = events + 1,
                 redrive_count = redrive_count + 1 WHERE seq = ?1",
                [seq],
            )
            .map_err(backend)?;
            let rec = tx
                .query_row(
                    &format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE seq = ?1"),
                    [seq],
                    execution_row,
                )
                .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(rec)
        })
    }

    fn events(&self, arn: &str, from: u64, limit: usize) -> Result<Vec<HistoryRecord>, StoreError> {
        self.with(|c| {
            let seq: i64 = c
                .query_row("SELECT seq FROM executions WHERE arn = ?1", [arn], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(backend)?
                .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
            let mut stmt = c
                .prepare_cached(
                    "SELECT id, previous_id, timestamp, kind, key, details FROM events
                     WHERE execution = ?1 AND id >= ?2 ORDER BY id LIMIT ?3",
                )
                .map_err(backend)?;
            let limit = if limit == 0 { -1 } else { limit as i64 };
            stmt.query_map(params![seq, from as i64, limit], |r| {
                let details: Option<String> = r.get(5)?;
                Ok(HistoryRecord {
                    id: r.get::<_, i64>(0)? as u64,
                    previous_id: r.get::<_, i64>(1)? as u64,
                    timestamp: timestamp(r.get(2)?),
                    kind: r.get(3)?,
                    key: r.get(4)?,
                    // Written by `append` from a `Value`, so it parses; a file edited by
                    // hand that does not is read as no details rather than refused.
                    details: details.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })
            .map_err(backend)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)
        })
    }

    fn create_token(&self, t: &NewToken<'_>) -> Result<(), StoreError> {
        let r = t.record();
        let (activity, input) = match &r.activity {
            Some(a) => (Some(&a.activity_arn), Some(&a.input)),
            None => (None, None),
        };
        self.with(|c| {
            let n = c
                .execute(
                    "INSERT OR IGNORE INTO task_tokens
                        (token, execution, key, state, status, created, activity, input)
                     SELECT ?1, seq, ?3, ?4, ?5, ?6, ?7, ?8 FROM executions WHERE arn = ?2",
                    params![
                        r.token,
                        r.execution_arn,
                        r.key,
                        r.state,
                        r.status.as_str(),
                        nanos(r.created),
                        activity,
                        input
                    ],
                )
                .map_err(backend)?;
            if n == 0 && read_token(c, t.token)?.is_none() {
                return Err(StoreError::NotFound(t.execution_arn.to_owned()));
            }
            Ok(())
        })
    }

    fn token(&self, token: &str) -> Result<Option<TokenRecord>, StoreError> {
        self.with(|c| read_token(c, token))
    }

    fn complete_token(
        &self,
        token: &str,
        outcome: &TokenOutcome,
    ) -> Result<TokenRecord, StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            waiting(&tx, token)?;
            match outcome {
                TokenOutcome::Success(o) => tx.execute(
                    "UPDATE task_tokens SET status = 'SUCCEEDED', output = ?2 WHERE token = ?1",
                    params![token, o],
                ),
                TokenOutcome::Failure { error, cause } => tx.execute(
                    "UPDATE task_tokens SET status = 'FAILED', error = ?2, cause = ?3 WHERE token = ?1",
                    params![token, error, cause],
                ),
            }
            .map_err(backend)?;
            let t = read_token(&tx, token)?.ok_or_else(|| StoreError::UnknownTaskToken(token.to_owned()))?;
            tx.commit().map_err(backend)?;
            Ok(t)
        })
    }

    fn heartbeat_token(&self, token: &str, now: Timestamp) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            waiting(&tx, token)?;
            tx.execute(
                "UPDATE task_tokens SET heartbeat = ?2 WHERE token = ?1",
                params![token, nanos(now)],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
    }

    fn close_token(&self, token: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE task_tokens SET status = 'CLOSED' WHERE token = ?1",
                [token],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn claim_activity_task(
        &self,
        activity_arn: &str,
        worker: &str,
        now: Timestamp,
    ) -> Result<Option<TokenRecord>, StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            let token: Option<String> = tx
                .query_row(
                    "SELECT token FROM task_tokens WHERE activity = ?1 AND status = 'SCHEDULED'
                     ORDER BY created, token LIMIT 1",
                    [activity_arn],
                    |r| r.get(0),
                )
                .optional()
                .map_err(backend)?;
            let Some(token) = token else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE task_tokens SET status = 'WAITING', worker = ?2, started = ?3 WHERE token = ?1",
                params![token, worker, nanos(now)],
            )
            .map_err(backend)?;
            let t = read_token(&tx, &token)?;
            tx.commit().map_err(backend)?;
            Ok(t)
        })
    }

    fn put_map_run(&self, r: &MapRunRecord) -> Result<(), StoreError> {
        let numbers = |c: &MapRunCounts| {
            [
                c.pending,
                c.running,
                c.succeeded,
                c.failed,
                c.timed_out,
                c.aborted,
                c.total,
            ]
        };
        // The children's seven counts, then the items'.
        let counts =
            serde_json::json!([numbers(&r.counts), numbers(&r.item_counts)].concat()).to_string();
        self.with(|conn| {
            conn.prepare_cached(
                "REPLACE INTO map_runs (arn, execution_arn, status, start_date, stop_date,
                    max_concurrency, tolerated_failure_percentage, tolerated_failure_count,
                    counts, result, error, cause)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .map_err(backend)?
            .execute(params![
                r.arn,
                r.execution_arn,
                r.status.as_str(),
                nanos(r.start_date),
                r.stop_date.map(nanos),
                r.max_concurrency as i64,
                r.tolerated_failure_percentage,
                r.tolerated_failure_count as i64,
                counts,
                r.result,
                r.error,
                r.cause
            ])
            .map_err(backend)?;
            Ok(())
        })
    }

    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>, StoreError> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE arn = ?1"
            ))
            .map_err(backend)?
            .query_row([arn], map_run_row)
            .optional()
            .map_err(backend)
        })
    }

    fn map_runs(&self, execution_arn: &str) -> Result<Vec<MapRunRecord>, StoreError> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = ?1
                 ORDER BY start_date, arn"
            ))
            .map_err(backend)?
            .query_map([execution_arn], map_run_row)
            .map_err(backend)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)
        })
    }

    fn create_activity(&self, a: &ActivityRecord) -> Result<ActivityRecord, StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO activities (arn, name, created) VALUES (?1, ?2, ?3)",
                params![a.arn, a.name, nanos(a.created)],
            )
            .map_err(backend)?;
            read_activity(c, &a.arn)?.ok_or_else(|| StoreError::Backend("activity vanished".into()))
        })
    }

    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>, StoreError> {
        self.with(|c| read_activity(c, arn))
    }

    fn activities(&self) -> Result<Vec<ActivityRecord>, StoreError> {
        self.with(|c| {
            let mut stmt = c
                .prepare_cached("SELECT arn, name, created FROM activities ORDER BY created, arn")
                .map_err(backend)?;
            stmt.query_map([], activity_row)
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)
        })
    }

    fn delete_activity(&self, arn: &str) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute("DELETE FROM activities WHERE arn = ?1", [arn])
                .map_err(backend)?;
            tx.execute("DELETE FROM tags WHERE resource_arn = ?1", [arn])
                .map_err(backend)?;
            tx.commit().map_err(backend)
        })
    }

    fn insert_state_machine(
        &self,
        m: &StateMachineRecord,
    ) -> Result<Option<StateMachineRecord>, StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            if let Some(existing) = read_machine(&tx, &m.arn)? {
                return Ok(Some(existing));
            }
            if read_revision(&tx, &m.revision_id)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "the revision id {} is taken",
                    m.revision_id
                )));
            }
            write_machine(&tx, "INSERT INTO state_machines", m)?;
            write_machine(&tx, "INSERT INTO state_machine_revisions", m)?;
            tx.commit().map_err(backend)?;
            Ok(None)
        })
    }

    fn update_state_machine(&self, m: &StateMachineRecord) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            if read_machine(&tx, &m.arn)?.is_none() {
                return Err(StoreError::NotFound(m.arn.clone()));
            }
            match read_revision(&tx, &m.revision_id)? {
                Some(r) => {
                    if let Some(why) = revision_clash(&r, m) {
                        return Err(StoreError::Invalid(why));
                    }
                }
                None => write_machine(&tx, "INSERT INTO state_machine_revisions", m)?,
            }
            write_machine(&tx, "REPLACE INTO state_machines", m)?;
            tx.commit().map_err(backend)
        })
    }

    fn state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>, StoreError> {
        self.with(|c| read_machine(c, arn))
    }

    fn state_machines(&self) -> Result<Vec<StateMachineRecord>, StoreError> {
        self.with(|c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {MACHINE_COLUMNS} FROM state_machines ORDER BY created, arn"
                ))
                .map_err(backend)?;
            stmt.query_map([], machine_row)
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)
        })
    }

    fn state_machine_revision(
        &self,
        revision_id: &str,
    ) -> Result<Option<StateMachineRecord>, StoreError> {
        self.with(|c| {
            // One statement, so one consistent read: the revision, and the machine's other
            // fields as they are now (the revision's own, once the machine is deleted).
            c.prepare_cached(
                "SELECT r.arn, coalesce(m.name, r.name), r.definition, r.role_arn,
                        coalesce(m.kind, r.kind), coalesce(m.created, r.created), r.revision_id,
                        r.revision_date,
                        CASE WHEN m.arn IS NULL THEN r.description ELSE m.description END,
                        CASE WHEN m.arn IS NULL THEN r.logging ELSE m.logging END,
                        CASE WHEN m.arn IS NULL THEN r.tracing ELSE m.tracing END
                 FROM state_machine_revisions r LEFT JOIN state_machines m ON m.arn = r.arn
                 WHERE r.revision_id = ?1",
            )
            .map_err(backend)?
            .query_row([revision_id], machine_row)
            .optional()
            .map_err(backend)
        })
    }

    fn delete_state_machine(&self, arn: &str) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute("DELETE FROM state_machines WHERE arn = ?1", [arn])
                .map_err(backend)?;
            tx.execute("DELETE FROM tags WHERE resource_arn = ?1", [arn])
                .map_err(backend)?;
            tx.commit().map_err(backend)
        })
    }

    fn tag_resource(&self, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            write_tags(&tx, arn, tags)?;
            tx.commit().map_err(backend)
        })
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.transaction().map_err(backend)?;
            {
                let mut stmt = tx
                    .prepare_cached("DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2")
                    .map_err(backend)?;
                for k in keys {
                    stmt.execute(params![arn, k]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
    }

    fn tags(&self, arn: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.with(|c| {
            let mut stmt = c
                .prepare_cached("SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY key")
                .map_err(backend)?;
            stmt.query_map([arn], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)
        })
    }

    fn delivered_tokens(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.with(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT t.token, e.arn FROM task_tokens t JOIN executions e ON e.seq = t.execution
                     WHERE t.status IN ('SUCCEEDED', 'FAILED')",
                )
                .map_err(backend)?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)
        })
    }
}

/// The columns of a state machine, in `state_machines` and in `state_machine_revisions` alike
/// (where `revision_id` is the revision's own id).
const MACHINE_COLUMNS: &str = "arn, name, definition, role_arn, kind, created, revision_id, \
     revision_date, description, logging, tracing";

const MAP_RUN_COLUMNS: &str = "arn, execution_arn, status, start_date, stop_date, \
     max_concurrency, tolerated_failure_percentage, tolerated_failure_count, counts, result, \
     error, cause";

fn map_run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MapRunRecord> {
    let bad = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
    };
    let status: String = r.get(2)?;
    let counts: String = r.get(8)?;
    let n: Vec<u64> = serde_json::from_str(&counts).map_err(|e| bad(8, e.to_string()))?;
    let of = |n: &[u64]| match *n {
        [
            pending,
            running,
            succeeded,
            failed,
            timed_out,
            aborted,
            total,
        ] => Some(MapRunCounts {
            pending,
            running,
            succeeded,
            failed,
            timed_out,
            aborted,
            total,
        }),
        _ => None,
    };
    // The children's seven counts, then the items' (a record of 7: the same for both).
    let (executions, items) = match n.len() {
        7 => (of(&n), of(&n)),
        14 => (of(&n[..7]), of(&n[7..])),
        _ => (None, None),
    };
    let (Some(executions), Some(items)) = (executions, items) else {
        return Err(bad(8, format!("counts {counts}")));
    };
    Ok(MapRunRecord {
        arn: r.get(0)?,
        execution_arn: r.get(1)?,
        status: Status::parse(&status).ok_or_else(|| bad(2, format!("unknown status {status}")))?,
        start_date: timestamp(r.get(3)?),
        stop_date: r.get::<_, Option<i64>>(4)?.map(timestamp),
        max_concurrency: r.get::<_, i64>(5)? as u64,
        tolerated_failure_percentage: r.get(6)?,
        tolerated_failure_count: r.get::<_, i64>(7)? as u64,
        counts: executions,
        item_counts: items,
        result: r.get(9)?,
        error: r.get(10)?,
        cause: r.get(11)?,
    })
}

fn write_tags(c: &Connection, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError> {
    let mut stmt = c
        .prepare_cached("REPLACE INTO tags (resource_arn, key, value) VALUES (?1, ?2, ?3)")
        .map_err(backend)?;
    for (k, v) in tags {
        stmt.execute(params![arn, k, v]).map_err(backend)?;
    }
    Ok(())
}

fn machine_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StateMachineRecord> {
    Ok(StateMachineRecord {
        arn: r.get(0)?,
        name: r.get(1)?,
        definition: r.get(2)?,
        role_arn: r.get(3)?,
        kind: r.get(4)?,
        created: timestamp(r.get(5)?),
        revision_id: r.get(6)?,
        revision_date: timestamp(r.get(7)?),
        description: r.get(8)?,
        logging: r.get(9)?,
        tracing: r.get(10)?,
    })
}

fn read_machine(c: &Connection, arn: &str) -> Result<Option<StateMachineRecord>, StoreError> {
    c.prepare_cached(&format!(
        "SELECT {MACHINE_COLUMNS} FROM state_machines WHERE arn = ?1"
    ))
    .map_err(backend)?
    .query_row([arn], machine_row)
    .optional()
    .map_err(backend)
}

/// A revision as it was stored: the machine's record when the revision was made.
fn read_revision(c: &Connection, id: &str) -> Result<Option<StateMachineRecord>, StoreError> {
    c.prepare_cached(&format!(
        "SELECT {MACHINE_COLUMNS} FROM state_machine_revisions WHERE revision_id = ?1"
    ))
    .map_err(backend)?
    .query_row([id], machine_row)
    .optional()
    .map_err(backend)
}

/// Writes `m` into `state_machines` or `state_machine_revisions` (`verb` names the table).
fn write_machine(c: &Connection, verb: &str, m: &StateMachineRecord) -> Result<(), StoreError> {
    c.prepare_cached(&format!(
        "{verb} ({MACHINE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))
    .map_err(backend)?
    .execute(params![
        m.arn,
        m.name,
        m.definition,
        m.role_arn,
        m.kind,
        nanos(m.created),
        m.revision_id,
        nanos(m.revision_date),
        m.description,
        m.logging,
        m.tracing
    ])
    .map_err(backend)?;
    Ok(())
}

fn activity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRecord> {
    Ok(ActivityRecord {
        arn: r.get(0)?,
        name: r.get(1)?,
        created: timestamp(r.get(2)?),
    })
}

fn read_activity(c: &Connection, arn: &str) -> Result<Option<ActivityRecord>, StoreError> {
    c.query_row(
        "SELECT arn, name, created FROM activities WHERE arn = ?1",
        [arn],
        activity_row,
    )
    .optional()
    .map_err(backend)
}

fn read_token(c: &Connection, token: &str) -> Result<Option<TokenRecord>, StoreError> {
    c.query_row(
        "SELECT t.token, e.arn, t.key, t.state, t.status, t.output, t.error, t.cause, t.created,
                t.heartbeat, t.activity, t.input, t.worker, t.started
         FROM task_tokens t JOIN executions e ON e.seq = t.execution WHERE t.token = ?1",
        [token],
        |r| {
            let status: String = r.get(4)?;
            Ok(TokenRecord {
                token: r.get(0)?,
                execution_arn: r.get(1)?,
                key: r.get(2)?,
                state: r.get(3)?,
                status: TokenStatus::parse(&status).unwrap_or(TokenStatus::Closed),
                output: r.get(5)?,
                error: r.get(6)?,
                cause: r.get(7)?,
                created: timestamp(r.get(8)?),
                heartbeat: r.get::<_, Option<i64>>(9)?.map(timestamp),
                activity: match r.get::<_, Option<String>>(10)? {
                    None => None,
                    Some(activity_arn) => Some(ActivityTask {
                        activity_arn,
                        input: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                        worker: r.get(12)?,
                        started: r.get::<_, Option<i64>>(13)?.map(timestamp),
                    }),
                },
            })
        },
    )
    .optional()
    .map_err(backend)
}

/// Checks that the token's task still waits for an outcome.
fn waiting(c: &Connection, token: &str) -> Result<(), StoreError> {
    match read_token(c, token)? {
        None => Err(StoreError::UnknownTaskToken(token.to_owned())),
        Some(t) if t.status != TokenStatus::Waiting => {
            Err(StoreError::TaskClosed(token.to_owned()))
        }
        Some(_) => Ok(()),
    }
}

/// One write waiting for the writer.
enum Job {
    Insert(
        Box<NewExecution>,
        tokio::sync::oneshot::Sender<Result<Option<ExecutionRecord>, StoreError>>,
    ),
    Append {
        arn: String,
        events: Vec<HistoryRecord>,
        close: Option<Close>,
        reply: tokio::sync::oneshot::Sender<Result<(), StoreError>>,
    },
}

/// What a job's write came to, to answer once the transaction is committed.
enum Done {
    Insert(Box<Result<Option<ExecutionRecord>, StoreError>>),
    Append(Result<(), StoreError>),
}

impl Job {
    fn write(&self, tx: &Connection) -> Done {
        match self {
            Job::Insert(e, _) => Done::Insert(Box::new(insert_in(tx, e))),
            Job::Append {
                arn, events, close, ..
            } => Done::Append(append_in(tx, arn, events, close.as_ref())),
        }
    }

    /// Answers the job; `committed` is the transaction's fate.
    fn answer(self, done: Option<Done>, committed: &Result<(), StoreError>) {
        let failed = || {
            StoreError::Backend(match committed {
                Err(e) => e.to_string(),
                Ok(()) => "not written".into(),
            })
        };
        // The execution may be gone (stopped, unloaded): nobody to tell.
        match (self, done) {
            (Job::Insert(_, reply), done) => drop(reply.send(match done {
                Some(Done::Insert(r)) if committed.is_ok() => *r,
                _ => Err(failed()),
            })),
            (Job::Append { reply, .. }, done) => drop(reply.send(match done {
                Some(Done::Append(r)) if committed.is_ok() => r,
                _ => Err(failed()),
            })),
        }
    }
}

impl Done {
    fn is_ok(&self) -> bool {
        match self {
            Done::Insert(r) => r.is_ok(),
            Done::Append(r) => r.is_ok(),
        }
    }
}

/// The appends waiting, and whether a writer is at work.
#[derive(Default)]
struct Batch {
    queue: Vec<Job>,
    writing: bool,
}

/// Group commit: writes everything queued in one transaction (each append in its own
/// savepoint, so one that is refused does not undo the others) and answers each. One sync to
/// the disk serves every execution in the batch. Returns whether more came meanwhile (the
/// caller writes them next); when none did, the writer's turn is over.
fn write_batch(conn: &Mutex<Connection>, batch: &Mutex<Batch>) -> bool {
    {
        let items = {
            let mut b = batch.lock().unwrap_or_else(|p| p.into_inner());
            if b.queue.is_empty() {
                b.writing = false;
                return false;
            }
            std::mem::take(&mut b.queue)
        };
        let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut results = Vec::with_capacity(items.len());
        let committed = (|| {
            let mut tx = c.transaction().map_err(backend)?;
            for job in &items {
                let mut sp = tx.savepoint().map_err(backend)?;
                let r = job.write(&sp);
                if r.is_ok() {
                    sp.commit().map_err(backend)?;
                } else {
                    sp.rollback().map_err(backend)?;
                }
                results.push(r);
            }
            tx.commit().map_err(backend)
        })();
        drop(c);
        let mut results = results.into_iter();
        for job in items {
            job.answer(results.next(), &committed);
        }
    }
    let mut b = batch.lock().unwrap_or_else(|p| p.into_inner());
    if b.queue.is_empty() {
        b.writing = false;
        return false;
    }
    true
}

/// Inserts an execution (with its lease and tags) inside the caller's transaction, unless
/// one of its ARN or name exists: that one is returned.
fn insert_in(tx: &Connection, e: &NewExecution) -> Result<Option<ExecutionRecord>, StoreError> {
    let existing = tx
        .prepare_cached(&format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions
             WHERE arn = ?1 OR (state_machine_arn = ?2 AND name = ?3)"
        ))
        .map_err(backend)?
        .query_row(params![e.arn, e.state_machine_arn, e.name], execution_row)
        .optional()
        .map_err(backend)?;
    if existing.is_some() {
        return Ok(existing);
    }
    tx.prepare_cached(
        "INSERT INTO executions (arn, name, state_machine_arn, status, input, start_date,
            seed, revision_id, owner, lease_until)
         VALUES (?1, ?2, ?3, 'RUNNING', ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .map_err(backend)?
    .execute(params![
        e.arn,
        e.name,
        e.state_machine_arn,
        e.input,
        nanos(e.start_date),
        e.seed as i64,
        e.revision_id,
        e.lease.as_ref().map(|l| &l.owner),
        e.lease.as_ref().map(|l| nanos(l.until)),
    ])
    .map_err(backend)?;
    write_tags(tx, &e.arn, &e.tags)?;
    Ok(None)
}

/// Appends events (and a close) to a running execution inside the caller's transaction.
fn append_in(
    tx: &Connection,
    arn: &str,
    events: &[HistoryRecord],
    close: Option<&Close>,
) -> Result<(), StoreError> {
    let (seq, status, have) = find(tx, arn)?.ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
    let conflict = |expected| StoreError::Conflict {
        arn: arn.to_owned(),
        expected,
        found: have + 1,
    };
    if status != Status::Running.as_str() {
        return Err(conflict(events.first().map_or(have + 1, |e| e.id)));
    }
    if let Some(first) = events.first() {
        if first.id != have + 1 {
            return Err(conflict(first.id));
        }
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO events (execution, id, previous_id, timestamp, kind, key, details)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(backend)?;
        for e in events {
            let details = e.details.as_ref().map(|d| d.to_string());
            stmt.execute(params![
                seq,
                e.id as i64,
                e.previous_id as i64,
                nanos(e.timestamp),
                e.kind,
                e.key,
                details
            ])
            .map_err(backend)?;
        }
    }
    let total = have + events.len() as u64;
    if close.is_some() {
        tx.execute(
            "UPDATE task_tokens SET status = 'CLOSED' WHERE execution = ?1",
            [seq],
        )
        .map_err(backend)?;
    }
    match close {
        None => tx
            .prepare_cached("UPDATE executions SET events = ?2 WHERE seq = ?1")
            .map_err(backend)?
            .execute(params![seq, total as i64])
            .map_err(backend)?,
        Some(cl) => tx
            .execute(
                "UPDATE executions SET events = ?2, status = ?3, output = ?4, error = ?5,
                     cause = ?6, stop_date = ?7 WHERE seq = ?1",
                params![
                    seq,
                    total as i64,
                    cl.status.as_str(),
                    cl.output,
                    cl.error,
                    cl.cause,
                    nanos(cl.stop_date)
                ],
            )
            .map_err(backend)?,
    };
    Ok(())
}
