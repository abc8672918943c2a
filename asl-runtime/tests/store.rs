//! The execution stores: the same rules for `MemoryStore` and `SqliteStore` (a real file),
//! and a store file that is not ours is refused before anything is written.

use asl_runtime::json;
use asl_runtime::store::{
    Close, HistoryRecord, Lease, ListQuery, MapRunCounts, MapRunRecord, MemoryStore, NewExecution,
    SqliteStore, StateMachineRecord, Status, Store, StoreError,
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
        revision_id: Some("rev-1".into()),
        lease: None,
        tags: Vec::new(),
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
    assert_eq!(existing.revision_id.as_deref(), Some("rev-1"));

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
    assert_eq!(rec.revision_id.as_deref(), Some("rev-1"));
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
    // Each execution keeps its revision; one without is listed without.
    let mut plain = new_execution("plain");
    plain.revision_id = None;
    s.insert_execution(&plain).unwrap();
    let listed = s.list_executions(&q(None, 2, None)).unwrap().items;
    assert_eq!(
        listed
            .iter()
            .map(|e| (e.name.as_str(), e.revision_id.as_deref()))
            .collect::<Vec<_>>(),
        [("plain", None), ("r4", Some("rev-1"))]
    );
    assert!(matches!(
        s.list_executions(&q(None, 0, Some("bogus"))),
        Err(StoreError::InvalidToken(_))
    ));
}

/// An execution inserted with its lease and tags, several at once through the batched
/// writer: each is written with both, and a second start of one name in the same batch finds
/// the first.
async fn batched_inserts(s: std::sync::Arc<dyn Store>) {
    let now = Timestamp::from_second(1_700_000_000).unwrap();
    let until = Timestamp::from_second(1_700_000_030).unwrap();
    let leased = |name: &str| NewExecution {
        lease: Some(Lease {
            owner: "me".into(),
            until,
        }),
        tags: vec![("asl:testCase".into(), format!("case-{name}"))],
        ..new_execution(name)
    };
    let starts = ["x", "y", "x"].map(|n| s.insert_execution_batched(leased(n)));
    let mut answers = Vec::new();
    for f in starts {
        answers.push(f.await.unwrap());
    }
    assert_eq!(answers[0], None);
    assert_eq!(answers[1], None);
    assert_eq!(answers[2].as_ref().map(|e| e.name.as_str()), Some("x"));
    for name in ["x", "y"] {
        let arn = leased(name).arn;
        assert_eq!(s.lease_holder(&arn, now).unwrap().as_deref(), Some("me"));
        // Another owner cannot take it while it runs, as with a lease taken by `lease`.
        assert!(!s.lease(&arn, "other", until, now, None).unwrap());
        assert_eq!(
            s.tags(&arn).unwrap(),
            [("asl:testCase".to_owned(), format!("case-{name}"))]
        );
    }
    // An insert without a lease leaves it to be taken.
    let free = new_execution("z");
    assert_eq!(
        s.insert_execution_batched(free.clone()).await.unwrap(),
        None
    );
    assert_eq!(s.lease_holder(&free.arn, now).unwrap(), None);
    assert!(s.tags(&free.arn).unwrap().is_empty());
}

#[tokio::test]
async fn batched_inserts_take_the_lease_and_write_the_tags() {
    batched_inserts(std::sync::Arc::new(MemoryStore::new())).await;
    let dir = tempfile::tempdir().unwrap();
    batched_inserts(std::sync::Arc::new(
        SqliteStore::open(dir.path().join("asl.db")).unwrap(),
    ))
    .await;
}

/// Map Runs: written when they start, rewritten as they end, listed per execution.
fn map_run_rules(s: &dyn Store) {
    let parent = new_execution("parent").arn;
    let run = |id: &str, start: i64| MapRunRecord {
        arn: format!("arn:aws:states:us-east-1:111111111111:mapRun:M/L:{id}"),
        execution_arn: parent.clone(),
        status: Status::Running,
        start_date: at(start),
        stop_date: None,
        max_concurrency: 0,
        tolerated_failure_percentage: 12.5,
        tolerated_failure_count: 3,
        counts: MapRunCounts {
            pending: 4,
            total: 4,
            ..MapRunCounts::default()
        },
        item_counts: MapRunCounts {
            pending: 9,
            total: 9,
            ..MapRunCounts::default()
        },
        result: None,
        error: None,
        cause: None,
    };
    let (a, b) = (run("a", 2), run("b", 1));
    s.put_map_run(&a).unwrap();
    s.put_map_run(&b).unwrap();
    assert_eq!(s.map_run(&a.arn).unwrap().as_ref(), Some(&a));
    let done = MapRunRecord {
        status: Status::Succeeded,
        stop_date: Some(at(9)),
        counts: MapRunCounts {
            succeeded: 3,
            timed_out: 1,
            total: 4,
            ..MapRunCounts::default()
        },
        result: Some("[1,2,3,null]".into()),
        ..a.clone()
    };
    s.put_map_run(&done).unwrap();
    assert_eq!(s.map_run(&a.arn).unwrap(), Some(done.clone()));
    assert_eq!(s.map_runs(&parent).unwrap(), [b, done]);
    assert!(s.map_runs("arn:other").unwrap().is_empty());
    assert_eq!(s.map_run("arn:none").unwrap(), None);
}

#[test]
fn map_runs_in_both_stores() {
    map_run_rules(&MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    map_run_rules(&SqliteStore::open(&path).unwrap());
    // Still there when the file is opened again.
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.map_runs(&new_execution("parent").arn).unwrap().len(), 2);
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
        7
    );
    assert_eq!(
        s.execution(&a.arn).unwrap().unwrap().revision_id.as_deref(),
        Some("rev-1")
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

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + s).unwrap()
}

const SM: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:";

fn machine(name: &str, created: i64, revision: &str) -> StateMachineRecord {
    StateMachineRecord {
        arn: format!("{SM}{name}"),
        name: name.into(),
        definition: r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#.into(),
        role_arn: "arn:aws:iam::111111111111:role/r".into(),
        kind: "STANDARD".into(),
        created: at(created),
        revision_id: revision.into(),
        revision_date: at(created),
        description: None,
        logging: None,
        tracing: None,
    }
}

/// The state machine and tag rules every store keeps.
fn machine_rules(s: &dyn Store) {
    let a = machine("A", 10, "a-1");
    assert_eq!(s.insert_state_machine(&a).unwrap(), None);
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&a));
    // The same ARN again: nothing written, the existing one returned.
    let mut other = machine("A", 11, "a-other");
    other.definition = "{}".into();
    assert_eq!(s.insert_state_machine(&other).unwrap().as_ref(), Some(&a));
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&a));
    assert_eq!(s.state_machine_revision("a-other").unwrap(), None);
    // A revision id is one machine's: taken ids are refused.
    let taken = s.insert_state_machine(&machine("Z", 12, "a-1"));
    assert!(matches!(taken, Err(StoreError::Invalid(_))), "{taken:?}");
    assert_eq!(s.state_machine(&format!("{SM}Z")).unwrap(), None);

    // Update: a new revision; the old one stays readable, with the current other fields.
    let mut a2 = a.clone();
    a2.definition = r#"{"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}"#.into();
    a2.role_arn = "arn:aws:iam::111111111111:role/r2".into();
    a2.revision_id = "a-2".into();
    a2.revision_date = at(20);
    a2.description = Some("second".into());
    a2.logging = Some(r#"{"level":"ALL"}"#.into());
    s.update_state_machine(&a2).unwrap();
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&a2));
    assert_eq!(s.state_machine_revision("a-2").unwrap().as_ref(), Some(&a2));
    let old = s
        .state_machine_revision("a-1")
        .unwrap()
        .expect("old revision");
    assert_eq!(
        old,
        StateMachineRecord {
            definition: a.definition.clone(),
            role_arn: a.role_arn.clone(),
            revision_id: "a-1".into(),
            revision_date: at(10),
            ..a2.clone()
        }
    );
    assert_eq!(s.state_machine_revision("nope").unwrap(), None);
    // The current revision again (the description alone changes): no new revision.
    let mut a3 = a2.clone();
    a3.description = Some("third".into());
    s.update_state_machine(&a3).unwrap();
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&a3));
    assert_eq!(
        s.state_machine_revision("a-1")
            .unwrap()
            .unwrap()
            .description
            .as_deref(),
        Some("third")
    );
    // A revision id given again with another definition, or another machine's: refused,
    // nothing written.
    let mut bad = a3.clone();
    bad.definition = "{}".into();
    bad.description = None;
    let r = s.update_state_machine(&bad);
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&a3));
    let mut stolen = a3.clone();
    stolen.revision_id = "b-1".into();
    let b = machine("B", 5, "b-1");
    s.insert_state_machine(&b).unwrap();
    let r = s.update_state_machine(&stolen);
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    // No such machine.
    let r = s.update_state_machine(&machine("Nope", 1, "n-1"));
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("state machine does not exist")
    );
    assert_eq!(s.state_machine_revision("n-1").unwrap(), None);

    // Listed by creation date, then ARN.
    s.insert_state_machine(&machine("C", 5, "c-1")).unwrap();
    let names: Vec<_> = s
        .state_machines()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["B", "C", "A"]);

    // Tags: added, overwritten, removed, ordered by key; per resource.
    let act = "arn:aws:states:us-east-1:111111111111:activity:work";
    let tag = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    s.tag_resource(&a.arn, &[tag("team", "x"), tag("env", "dev")])
        .unwrap();
    s.tag_resource(&a.arn, &[tag("team", "y"), tag("cost", "1")])
        .unwrap();
    s.tag_resource(act, &[tag("k", "v")]).unwrap();
    assert_eq!(
        s.tags(&a.arn).unwrap(),
        [tag("cost", "1"), tag("env", "dev"), tag("team", "y")]
    );
    s.untag_resource(&a.arn, &["env".into(), "absent".into()])
        .unwrap();
    assert_eq!(
        s.tags(&a.arn).unwrap(),
        [tag("cost", "1"), tag("team", "y")]
    );
    assert_eq!(s.tags(act).unwrap(), [tag("k", "v")]);
    assert_eq!(s.tags(&b.arn).unwrap(), []);

    // Delete: the machine and its tags go, its revisions stay (as they were); no-op again.
    s.delete_state_machine(&a.arn).unwrap();
    s.delete_state_machine(&a.arn).unwrap();
    assert_eq!(s.state_machine(&a.arn).unwrap(), None);
    assert_eq!(s.tags(&a.arn).unwrap(), []);
    assert_eq!(s.tags(act).unwrap(), [tag("k", "v")]);
    assert_eq!(s.state_machine_revision("a-2").unwrap().as_ref(), Some(&a2));
    assert_eq!(
        s.state_machine_revision("a-1")
            .unwrap()
            .map(|m| m.definition),
        Some(a.definition.clone())
    );
    let r = s.update_state_machine(&a3);
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    let names: Vec<_> = s
        .state_machines()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["B", "C"]);
    // Created again under the same name: a new machine.
    let again = machine("A", 30, "a-new");
    assert_eq!(s.insert_state_machine(&again).unwrap(), None);
    assert_eq!(s.state_machine(&a.arn).unwrap().as_ref(), Some(&again));
    // Deleting an activity deletes its tags.
    s.create_activity(&asl_runtime::store::ActivityRecord {
        arn: act.into(),
        name: "work".into(),
        created: at(0),
    })
    .unwrap();
    s.delete_activity(act).unwrap();
    assert_eq!(s.tags(act).unwrap(), []);
}

#[test]
fn memory_store_state_machines_and_tags() {
    machine_rules(&MemoryStore::new());
}

#[test]
fn sqlite_store_state_machines_and_tags_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    machine_rules(&SqliteStore::open(&path).unwrap());
    // Everything is still there after the file is opened again.
    let s = SqliteStore::open(&path).unwrap();
    let names: Vec<_> = s
        .state_machines()
        .unwrap()
        .into_iter()
        .map(|m| (m.name, m.revision_id))
        .collect();
    assert_eq!(
        names,
        [
            ("B".to_owned(), "b-1".to_owned()),
            ("C".into(), "c-1".into()),
            ("A".into(), "a-new".into())
        ]
    );
    // An old revision of the machine deleted and created again: its definition, role and
    // date, the new machine's other fields.
    let old = s.state_machine_revision("a-2").unwrap().unwrap();
    assert_eq!(
        (old.role_arn.as_str(), old.revision_date, old.created),
        ("arn:aws:iam::111111111111:role/r2", at(20), at(30))
    );
    assert_eq!(
        s.tags(&format!("{SM}A")).unwrap(),
        Vec::<(String, String)>::new()
    );
}

/// A file written by schema 4 (before state machines, tags and execution revisions) is
/// migrated in place: its executions, events and tokens are kept, they have no revision,
/// and state machines and tags work.
#[test]
fn a_schema_4_store_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
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
        CREATE TABLE task_tokens (
            token TEXT PRIMARY KEY, execution INTEGER NOT NULL REFERENCES executions (seq),
            key TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL, output TEXT,
            error TEXT, cause TEXT, created INTEGER NOT NULL, heartbeat INTEGER);
        CREATE INDEX task_tokens_by_status ON task_tokens (status);
        CREATE INDEX task_tokens_by_execution ON task_tokens (execution);
        CREATE TABLE activities (arn TEXT PRIMARY KEY, name TEXT NOT NULL, created INTEGER NOT NULL);
        ALTER TABLE task_tokens ADD COLUMN activity TEXT;
        ALTER TABLE task_tokens ADD COLUMN input TEXT;
        ALTER TABLE task_tokens ADD COLUMN worker TEXT;
        ALTER TABLE task_tokens ADD COLUMN started INTEGER;
        CREATE INDEX task_tokens_by_activity ON task_tokens (activity, status, created);
        ALTER TABLE executions ADD COLUMN owner TEXT;
        ALTER TABLE executions ADD COLUMN lease_until INTEGER;
        CREATE INDEX executions_by_owner ON executions (owner);
        INSERT INTO executions (arn, name, state_machine_arn, status, input, start_date, seed,
                                events, owner, lease_until)
            VALUES ('arn:x', 'x', 'arn:m', 'RUNNING', '{}', 0, 5, 1, 'h/1/u', 7);
        INSERT INTO events VALUES (1, 1, 0, 0, 'ExecutionStarted', '', NULL);
        INSERT INTO task_tokens (token, execution, key, state, status, created)
            VALUES ('tok', 1, '0#0', 'Ask', 'WAITING', 0);
        INSERT INTO activities VALUES ('arn:act', 'act', 3);
        PRAGMA application_id = 1095978033;
        PRAGMA user_version = 4;",
    )
    .unwrap();
    drop(c);
    let s = SqliteStore::open(&path).unwrap();
    let rec = s.execution("arn:x").unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.seed, rec.events, rec.revision_id),
        (Status::Running, 5, 1, None)
    );
    assert_eq!(s.events("arn:x", 1, 0).unwrap()[0].kind, "ExecutionStarted");
    assert!(s.token("tok").unwrap().is_some());
    assert_eq!(s.activities().unwrap().len(), 1);
    assert_eq!(
        s.lease_holder("arn:x", Timestamp::UNIX_EPOCH)
            .unwrap()
            .as_deref(),
        Some("h/1/u")
    );
    // The new tables work, and new executions keep their revision.
    let m = machine("M", 0, "m-1");
    s.insert_state_machine(&m).unwrap();
    assert_eq!(s.state_machine(&m.arn).unwrap(), Some(m));
    s.tag_resource("arn:act", &[("k".into(), "v".into())])
        .unwrap();
    assert_eq!(
        s.tags("arn:act").unwrap(),
        [("k".to_owned(), "v".to_owned())]
    );
    let e = new_execution("y");
    s.insert_execution(&e).unwrap();
    assert_eq!(
        s.execution(&e.arn).unwrap().unwrap().revision_id.as_deref(),
        Some("rev-1")
    );
    drop(s);
    let c = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, asl_runtime::store::SCHEMA_VERSION);
    assert_eq!(v, 6);
    // Schema 6's Map Runs table is there.
    drop(c);
    map_run_rules(&SqliteStore::open(&path).unwrap());
}
