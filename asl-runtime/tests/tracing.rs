//! Executions and task calls are traced with `tracing`: a subscriber sees an `execution`
//! span, a `task` span per handler call inside it, and the execution's end.

use std::io::Write;
use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, json};

asl_runtime::asl! {
    Traced = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": { "Type": "Pass", "Parameters": { "n": 1 }, "Next": "Call" },
            "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn executions_tasks_and_events_are_traced() {
    let out = Buffer::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let machine = Traced::with_dynamic(handler_fn(|input, _| async move {
        tracing::info!("inside the handler");
        Ok(input)
    }));
    let options = Options {
        execution_name: Some("traced-1".into()),
        ..Options::default()
    };
    let run = machine.execute(json!({}), &options).await;
    assert_eq!(run.result.unwrap(), json!({"n": 1}));

    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
            .to_string()
    };
    // The handler runs inside the task span, inside the execution span.
    let inside = line("inside the handler");
    assert!(
        inside.contains("execution{machine=\"Traced\" name=\"traced-1\"}"),
        "{inside}"
    );
    assert!(inside.contains("task{state=\"Call\""), "{inside}");
    assert!(line("execution ended").contains("status=\"ExecutionSucceeded\""));
}
