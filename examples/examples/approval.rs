//! A durable approval workflow: an expense waits for a manager's answer, for days if need
//! be, in a SQLite file. The process can be killed at any moment and started again; nothing
//! is lost and no step runs twice.
//!
//! ```text
//! cargo run --example approval                            # starts (or resumes) the expense, prints the token
//! cargo run --example approval -- approve TOKEN [NAME]    # in another terminal: approve it
//! cargo run --example approval -- reject TOKEN [REASON]   # … or reject it
//! ```
//!
//! The first command keeps running until the execution ends, then prints the states it went
//! through and its output. The store is `approval.db` in the current directory
//! (`ASL_APPROVAL_DB` names another file).

use asl_runtime::engine::Engine;
use asl_runtime::store::{ListQuery, Status};
use asl_runtime::{TaskContext, TaskResult, Value, json};

asl_runtime::asl!(pub Approval = file "../machines/approval.asl.json");

/// The Rust behind the Task states.
struct Office;

impl approval::Handler for Office {
    async fn check(&self, input: Value, _cx: TaskContext) -> TaskResult {
        let expense = &input["Payload"];
        Ok(json!({ "Payload": { "amount": expense["amount"], "employee": expense["employee"] } }))
    }

    /// Sends the request to the manager: here, it prints it. The execution then waits for
    /// `SendTaskSuccess` or `SendTaskFailure` with the token, from any process.
    async fn ask_manager(&self, input: Value, cx: TaskContext) -> TaskResult {
        let body = &input["MessageBody"];
        println!(
            "approval requested: {} asks for {} (idempotency key {})",
            body["expense"]["employee"],
            body["expense"]["amount"],
            cx.idempotency_key.as_deref().unwrap_or("-")
        );
        print_token(body["token"].as_str().unwrap_or_default());
        Ok(json!({ "MessageId": "local" }))
    }

    async fn pay(&self, input: Value, _cx: TaskContext) -> TaskResult {
        let p = &input["Payload"];
        println!(
            "paying {} to {}",
            p["expense"]["amount"], p["expense"]["employee"]
        );
        Ok(json!({ "Payload": { "paid": true } }))
    }
}

fn print_token(token: &str) {
    println!("waiting for a decision; in another terminal run:");
    println!("  cargo run --example approval -- approve {token} [APPROVER]");
    println!("  cargo run --example approval -- reject {token} [REASON]");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::var("ASL_APPROVAL_DB").unwrap_or_else(|_| "approval.db".into());
    let engine = Engine::open(&db)?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["approve", token, rest @ ..] => {
            let approver = rest.first().copied().unwrap_or("manager");
            engine.send_task_success(token, &json!({ "approver": approver }).to_string())?;
            println!("approved; the waiting process finishes the expense");
        }
        ["reject", token, rest @ ..] => {
            let reason = rest.first().copied().unwrap_or("not approved");
            engine.send_task_failure(token, Some("Rejected"), Some(reason))?;
            println!("rejected; the waiting process finishes the expense");
        }
        [] => run(&engine, &db).await?,
        _ => {
            eprintln!("usage: approval [approve TOKEN [APPROVER] | reject TOKEN [REASON]]");
            std::process::exit(2);
        }
    }
    Ok(())
}

/// Starts the expense, or resumes the one a killed process left, and waits for its end.
async fn run(engine: &Engine, db: &str) -> Result<(), Box<dyn std::error::Error>> {
    let machine = engine.register("Approval", Approval::new(Office));
    let resumed = engine.resume()?;
    let running = engine.list_executions(&ListQuery {
        state_machine_arn: Some(&machine),
        status: Some(Status::Running),
        ..ListQuery::default()
    })?;
    let arn = match running.items.first() {
        Some(x) if resumed == 0 => {
            println!("another process runs {} in {db}; stop it first", x.name);
            return Ok(());
        }
        Some(x) => {
            println!("resumed {resumed} execution(s) from {db}: {}", x.name);
            // Its request went out before: show the token it waits on again.
            if let Some(token) = pending_token(engine, &x.arn)? {
                print_token(&token);
            }
            x.arn.clone()
        }
        None => {
            let input = json!({ "amount": 420, "employee": "ana" }).to_string();
            let x = engine.start_execution(&machine, None, &input)?;
            println!("started {} in {db}", x.execution_arn);
            x.execution_arn
        }
    };
    let done = engine.wait(&arn).await?;
    let path: Vec<String> = engine
        .store()
        .events(&arn, 1, 0)?
        .into_iter()
        .filter(|e| e.kind.ends_with("StateEntered"))
        .filter_map(|e| e.details?.get("name")?.as_str().map(str::to_owned))
        .collect();
    println!("path: {}", path.join(" → "));
    match done.status {
        Status::Succeeded => println!("succeeded: {}", done.output.unwrap_or_default()),
        s => println!(
            "{}: {} {}",
            s.as_str(),
            done.error.unwrap_or_default(),
            done.cause.unwrap_or_default()
        ),
    }
    Ok(())
}

/// The token an execution waits on: the last request it sent, read from its history.
fn pending_token(engine: &Engine, arn: &str) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let events = engine.store().events(arn, 1, 0)?;
    Ok(events
        .iter()
        .rev()
        .filter(|e| e.kind == "TaskScheduled")
        .filter_map(|e| e.details.as_ref()?.get("parameters")?.as_str())
        .filter_map(|p| serde_json::from_str::<Value>(p).ok())
        .find_map(|p| p["MessageBody"]["token"].as_str().map(str::to_owned)))
}
