//! Activities (ASL-EV-05, ASL-WF-04): create, describe, list and delete them; an activity
//! Task waits for a worker in any process to take it with `get_activity_task` (a 60 s long
//! poll) and answer with its token.

use std::time::Duration;

use asl_runtime::engine::Engine;
use asl_runtime::store::{MemoryStore, Status};
use asl_runtime::{Value, json};

use crate::t0;

asl_runtime::asl! {
    pub Resize = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": "arn:aws:states:us-east-1:123456789012:activity:resize",
                "TimeoutSeconds": 300,
                "HeartbeatSeconds": 30,
                "End": true
            }
        }
    }
}

/// In a durable run an activity Task calls no handler: workers do the work.
fn no_handler() -> Resize {
    Resize::with_dynamic(asl_runtime::handler::handler_fn(|_, _| async {
        panic!("an activity Task called its handler")
    }))
}

fn kinds(engine: &Engine, arn: &str) -> Vec<(String, Option<Value>)> {
    engine
        .store()
        .events(arn, 1, 0)
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.details))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn activities_are_created_listed_and_deleted() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let a = engine.create_activity("resize").unwrap();
    assert_eq!(
        a.arn,
        "arn:aws:states:us-east-1:123456789012:activity:resize"
    );
    assert_eq!(engine.create_activity("resize").unwrap(), a, "idempotent");
    engine.create_activity("thumbnails").unwrap();
    assert_eq!(engine.describe_activity(&a.arn).unwrap(), a);
    let names: Vec<_> = engine
        .list_activities()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["resize", "thumbnails"]);
    engine.delete_activity(&a.arn).unwrap();
    assert_eq!(
        engine.describe_activity(&a.arn).unwrap_err().name(),
        "ActivityDoesNotExist"
    );
    assert_eq!(
        engine
            .get_activity_task(&a.arn, Some("w"))
            .await
            .unwrap_err()
            .name(),
        "ActivityDoesNotExist"
    );
    assert_eq!(
        engine.create_activity("bad name").unwrap_err().name(),
        "InvalidName"
    );
}

/// A worker takes the task, heartbeats, and answers; the history records who took it.
#[tokio::test(start_paused = true)]
async fn a_worker_takes_the_task_and_answers() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let activity = engine.create_activity("resize").unwrap();
    let sm = engine.register("Resize", no_handler());
    // Nothing to do yet: a poll waits its 60 s and gets nothing.
    let t = tokio::time::Instant::now();
    assert_eq!(
        engine
            .get_activity_task(&activity.arn, Some("worker-2"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(t.elapsed(), Duration::from_secs(60));
    let x = engine
        .start_execution(&sm, None, r#"{"image": "cat.png"}"#)
        .unwrap();
    // No worker for two minutes: still waiting (TimeoutSeconds is 300).
    tokio::time::sleep(Duration::from_secs(120)).await;
    let task = engine
        .get_activity_task(&activity.arn, Some("worker-1"))
        .await
        .unwrap()
        .expect("a task");
    assert_eq!(
        serde_json::from_str::<Value>(&task.input).unwrap(),
        json!({"image": "cat.png"})
    );
    // Each task goes to one worker: another poller gets nothing.
    let other = tokio::time::timeout(
        Duration::from_secs(10),
        engine.get_activity_task(&activity.arn, Some("worker-2")),
    )
    .await;
    assert!(other.is_err(), "{other:?}");
    engine.send_task_heartbeat(&task.task_token).unwrap();
    tokio::time::sleep(Duration::from_secs(20)).await;
    engine
        .send_task_success(&task.task_token, r#"{"width": 64}"#)
        .unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"width":64}"#));
    let events = kinds(&engine, &x.execution_arn);
    let names: Vec<_> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        events[3].1.as_ref().unwrap()["workerName"],
        json!("worker-1")
    );
}

/// No worker in TimeoutSeconds, or a worker that stops heartbeating: `States.Timeout`.
#[tokio::test(start_paused = true)]
async fn activity_timeouts() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let activity = engine.create_activity("resize").unwrap();
    let sm = engine.register("Resize", no_handler());
    let nobody = engine.start_execution(&sm, None, "{}").unwrap();
    let done = engine.wait(&nobody.execution_arn).await.unwrap();
    assert_eq!(
        (done.status, done.error.as_deref()),
        (Status::Failed, Some("States.Timeout"))
    );
    assert!(
        kinds(&engine, &nobody.execution_arn)
            .iter()
            .any(|e| e.0 == "ActivityTimedOut")
    );

    let silent = engine.start_execution(&sm, None, "{}").unwrap();
    let task = engine
        .get_activity_task(&activity.arn, Some("w"))
        .await
        .unwrap()
        .unwrap();
    let taken = tokio::time::Instant::now();
    let done = engine.wait(&silent.execution_arn).await.unwrap();
    assert_eq!(done.error.as_deref(), Some("States.Timeout"));
    let waited = taken.elapsed().as_secs_f64();
    assert!(
        (30.0..30.5).contains(&waited),
        "heartbeat expired after {waited} s"
    );
    assert_eq!(
        engine
            .send_task_success(&task.task_token, "{}")
            .unwrap_err()
            .name(),
        "TaskTimedOut"
    );
}
