//! The execution stores: the same rules for `MemoryStore` and `SqliteStore` (a real file),
//! and a store file that is not ours is refused before anything is written.

use asl_runtime::json;
use asl_runtime::store::{
    Close, HistoryRecord, ListQuery, MemoryStore, NewExecution, SqliteStore, Status, Store,
    StoreError,
};
use jiff::Timestamp;

fn new_execution(name: &str) -> NewExecution {
    NewExecution {
        arn: format!("arn:aws:states:us-east-1:111111111111:execution:M:{name}"),
        name: name.into(),
        state_machine_arn: "arn:aws:states:us-east-1:111111111111:stateMachine:M".into(),
        input: r#"{"a": 1}"#.into(),
        start_date: Timestamp::from_second(1_700_000_000).unwrap(),
        seed: 42,
    }
}

fn event(id: u64, kind: &str) -> HistoryRecord {
    HistoryRecord {
        id,
        previous_id: id - 1,
        timestamp: Timestamp::from_second(1_700_000_000 + id as i64).unwrap(),
        kind: kind.into(),
        key: format!("{id}"),
        details: Some(json!({"input": "{}", "n": id})),
    }
}

/// The rules every store keeps.
fn rules(s: &dyn Store) {
    let a = new_execution("a");
    assert_eq!(s.insert_execution(&a).unwrap(), None);
    // The same name again: nothing written, the existing one returned.
    let mut again = new_execution("a");
    again.input = "{}".into();
    let existing = s.insert_execution(&again).unwrap().expect("existing");
    assert_eq!(existing.input, a.input);
    assert_eq!(existing.status, Status::Running);
    assert_eq!(existing.seed, 42);

    // Events append contiguously, in one step with their close.
    s.append(
        &a.arn,
        &[event(1, "ExecutionStarted"), event(2, "PassStateEntered")],
        None,
    )
    .unwrap();
    let gap = s.append(&a.arn, &[event(4, "PassStateExited")], None);
    assert!(
        matches!(
            gap,
            Err(StoreError::Conflict {
                expected: 4,
                found: 3,
                ..
            })
        ),
        "{gap:?}"
    );
    let dup = s.append(&a.arn, &[event(2, "PassStateExited")], None);
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    let close = Close {
        status: Status::Succeeded,
        output: Some("{\"b\":2}".into()),
        error: None,
        cause: None,
        stop_date: Timestamp::from_second(1_700_000_100).unwrap(),
    };
    s.append(
        &a.arn,
        &[event(3, "PassStateExited"), event(4, "ExecutionSucceeded")],
        Some(&close),
    )
    .unwrap();
    let rec = s.execution(&a.arn).unwrap().unwrap();
    assert_eq!(rec.status, Status::Succeeded);
    assert_eq!(rec.events, 4);
    assert_eq!(rec.output.as_deref(), Some("{\"b\":2}"));
    assert_eq!(rec.stop_date, Some(close.stop_date));
    // A closed execution takes no more events.
    let late = s.append(&a.arn, &[event(5, "PassStateEntered")], None);
    assert!(matches!(late, Err(StoreError::Conflict { .. })), "{late:?}");

    let all = s.events(&a.arn, 1, 0).unwrap();
    assert_eq!(
        all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(all[1], event(2, "PassStateEntered"));
    assert_eq!(
        s.events(&a.arn, 3, 1).unwrap(),
        [event(3, "PassStateExited")]
    );
    assert!(matches!(
        s.events("arn:none", 1, 0),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.append("arn:none", &[event(1, "ExecutionStarted")], None),
        Err(StoreError::NotFound(_))
    ));

    // Listing: newest first, by status, in pages.
    for n in 0..5 {
        s.insert_execution(&new_execution(&format!("r{n}")))
            .unwrap();
    }
    let q = |status, limit, token| ListQuery {
        state_machine_arn: Some("arn:aws:states:us-east-1:111111111111:stateMachine:M"),
        status,
        limit,
        next_token: token,
    };
    let p1 = s
        .list_executions(&q(Some(Status::Running), 2, None))
        .unwrap();
    assert_eq!(
        p1.items.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["r4", "r3"]
    );
    let t = p1.next_token.expect("more pages");
    let p2 = s
        .list_executions(&q(Some(Status::Running), 2, Some(&t)))
        .unwrap();
    let t = p2.next_token.expect("more pages");
    let p3 = s
        .list_executions(&q(Some(Status::Running), 2, Some(&t)))
        .unwrap();
    assert_eq!(
        p3.items.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["r0"]
    );
    assert_eq!(p3.next_token, None);
    let done = s
        .list_executions(&q(Some(Status::Succeeded), 0, None))
        .unwrap();
    assert_eq!(done.items.len(), 1);
    assert_eq!(s.list_executions(&q(None, 0, None)).unwrap().items.len(), 6);
    assert!(matches!(
        s.list_executions(&q(None, 0, Some("bogus"))),
        Err(StoreError::InvalidToken(_))
    ));
}

#[test]
fn memory_store_rules() {
    rules(&MemoryStore::new());
}

#[test]
fn sqlite_store_rules_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    rules(&SqliteStore::open(&path).unwrap());
    // Everything is still there after the file is opened again.
    let s = SqliteStore::open(&path).unwrap();
    let a = new_execution("a");
    assert_eq!(
        s.execution(&a.arn).unwrap().unwrap().status,
        Status::Succeeded
    );
    assert_eq!(s.events(&a.arn, 1, 0).unwrap().len(), 4);
    assert_eq!(
        s.list_executions(&ListQuery::default())
            .unwrap()
            .items
            .len(),
        6
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let text = "these are my notes, not a database\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = SqliteStore::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Incompatible(_)), "{err:?}");
    assert!(err.to_string().contains("not an asl store"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    drop(c);
    let err = SqliteStore::open(&path).err().expect("refused");
    assert!(err.to_string().contains("not an asl store"), "{err}");
    let c = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = c
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "nothing was added to the foreign database");
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    drop(SqliteStore::open(&path).unwrap());
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(c);
    let err = SqliteStore::open(&path).err().expect("refused");
    assert!(
        err.to_string().contains("newer asl (schema version 99"),
        "{err}"
    );
}

/// A file written by schema 1 (executions and history, before task tokens) is migrated in
/// place: its executions and events are kept, and tokens work.
#[test]
fn a_schema_1_store_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(
        "CREATE TABLE executions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
            state_machine_arn TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL,
            output TEXT, error TEXT, cause TEXT, start_date INTEGER NOT NULL, stop_date INTEGER,
            seed INTEGER NOT NULL, events INTEGER NOT NULL DEFAULT 0,
            redrive_count INTEGER NOT NULL DEFAULT 0, UNIQUE (state_machine_arn, name));
        CREATE INDEX executions_by_status ON executions (status, seq);
        CREATE INDEX executions_by_machine ON executions (state_machine_arn, seq);
        CREATE TABLE events (
            execution INTEGER NOT NULL REFERENCES executions (seq), id INTEGER NOT NULL,
            previous_id INTEGER NOT NULL, timestamp INTEGER NOT NULL, kind TEXT NOT NULL,
            key TEXT NOT NULL, details TEXT, PRIMARY KEY (execution, id)) WITHOUT ROWID;
        INSERT INTO executions (arn, name, state_machine_arn, status, input, start_date, seed, events)
            VALUES ('arn:x', 'x', 'arn:m', 'RUNNING', '{}', 0, 5, 1);
        INSERT INTO events VALUES (1, 1, 0, 0, 'ExecutionStarted', '', NULL);
        PRAGMA application_id = 1095978033;
        PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(c);
    let s = SqliteStore::open(&path).unwrap();
    let rec = s.execution("arn:x").unwrap().unwrap();
    assert_eq!((rec.status, rec.seed, rec.events), (Status::Running, 5, 1));
    assert_eq!(s.events("arn:x", 1, 0).unwrap()[0].kind, "ExecutionStarted");
    s.create_token(&asl_runtime::store::NewToken {
        token: "tok",
        execution_arn: "arn:x",
        key: "0#0",
        state: "Ask",
        created: Timestamp::UNIX_EPOCH,
        activity: None,
    })
    .unwrap();
    assert!(s.token("tok").unwrap().is_some());
    drop(s);
    let c = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, asl_runtime::store::SCHEMA_VERSION);
}
