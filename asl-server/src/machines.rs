//! State machines the server knows: definitions created over the API, compiled at run time
//! by the same front end and driver as `asl!` (`asl_runtime::dynamic`), and compiled Rust
//! machines a program serves with its own handlers. And what answers their Task states.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use asl_runtime::handler::{BoxFuture, Dispatch, DynamicHandler, TaskCall, TaskResult};
use asl_runtime::machine::ResourceType;
use asl_runtime::mock::{MockConfig, Mocks};
use asl_runtime::{StateError, Value};

/// The tag an execution started as `stateMachineArn#TestCase` carries, naming its test case
/// of the mock configuration (kept in the store, so a restarted server finds it again).
pub const TEST_CASE_TAG: &str = "asl:testCase";

/// What answers Task states for one machine, in order: the execution's MockConfigFile test
/// case (if it mocks the state), a handler registered for the Task's resource,
/// `states:startExecution[.sync[:2]]` on this engine, the service integrations if the server
/// has them and they know the resource, then — in durable runs —
/// nothing for callback Tasks (the execution waits for `SendTaskSuccess`), and otherwise a
/// `States.TaskFailed` that says how to give the Task an answer.
pub(crate) struct Answers {
    /// The machine's name (the MockConfigFile's key).
    pub machine: String,
    pub shared: Arc<Shared>,
}

/// A handler of service integrations and the Resources it answers.
#[derive(Clone)]
pub(crate) struct Integrations {
    pub handler: Arc<dyn DynamicHandler>,
    pub handles: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

/// `(machine name, execution name)`.
pub(crate) type ExecutionKey = (String, String);

/// What every machine's [`Answers`] share.
pub(crate) struct Shared {
    pub engine: asl_runtime::engine::Engine,
    pub mock_config: Option<MockConfig>,
    pub handlers: RwLock<HashMap<String, Arc<dyn DynamicHandler>>>,
    /// Service integrations that answer the Resources they know (`asl-aws` in `asl serve`),
    /// after test cases and registered handlers.
    pub integrations: RwLock<Option<Integrations>>,
    /// The mocks of each execution that has a test case, with their counters.
    pub mocks: Mutex<HashMap<ExecutionKey, Option<Arc<Mocks>>>>,
}

impl Shared {
    /// The execution ARN of `name` of machine `machine`.
    pub fn execution_arn(&self, machine: &str, name: &str) -> String {
        self.engine
            .state_machine_arn(machine)
            .replacen(":stateMachine:", ":execution:", 1)
            + ":"
            + name
    }

    /// The mocks of an execution, if it was started with a test case.
    fn mocks(self: &Arc<Self>, machine: &str, execution: &str) -> Option<Arc<Mocks>> {
        let config = self.mock_config.as_ref()?;
        let key = (machine.to_owned(), execution.to_owned());
        let mut all = self.mocks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = all.get(&key) {
            return m.clone();
        }
        let arn = self.execution_arn(machine, execution);
        let case = self
            .engine
            .store()
            .tags(&arn)
            .ok()
            .and_then(|tags| tags.into_iter().find(|(k, _)| k == TEST_CASE_TAG))
            .map(|(_, v)| v);
        let mocks = case
            .and_then(|c| config.test_case(machine, &c).ok())
            .map(Arc::new);
        all.insert(key.clone(), mocks.clone());
        drop(all);
        // Forgotten when the execution succeeds. A failed one keeps them, counters included:
        // a redrive goes on with the responses after the ones it had.
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let closed = shared.engine.wait(&arn).await;
            if closed.is_ok_and(|e| e.status == asl_runtime::store::Status::Succeeded) {
                shared
                    .mocks
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&key);
            }
        });
        mocks
    }
}

impl Dispatch for Answers {
    fn call(&self, call: TaskCall) -> BoxFuture<'_, TaskResult> {
        Box::pin(async move {
            let ctx = &call.context;
            let durable = ctx.idempotency_key.is_some();
            let callback = ctx.resource_type == ResourceType::Callback;
            if let Some(mocks) = self.shared.mocks(&self.machine, &ctx.execution_name)
                && mocks.has_state(ctx.state)
            {
                let result = mocks.call(call.input, ctx).await;
                if durable && callback {
                    // A mocked callback: the message "was sent", and the mocked response is
                    // what the callback delivers.
                    if let Some(token) = ctx.task_token.clone() {
                        let engine = self.shared.engine.clone();
                        tokio::spawn(async move {
                            let r = match result {
                                Ok(v) => engine.send_task_success(&token, &v.to_string()),
                                Err(e) => engine.send_task_failure(
                                    &token,
                                    Some(&e.error),
                                    e.cause.as_deref(),
                                ),
                            };
                            if let Err(e) = r {
                                tracing::warn!(error = %e, "mocked callback not delivered");
                            }
                        });
                    }
                    return Ok(Value::Null);
                }
                return result;
            }
            let handler = self
                .shared
                .handlers
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(ctx.resource)
                .cloned();
            if let Some(h) = handler {
                return h.call(call.input, ctx).await;
            }
            if let Some(wait) = crate::children::start_execution(ctx.resource) {
                return crate::children::run(&self.shared.engine, wait, call.input, ctx).await;
            }
            let integrations = self
                .shared
                .integrations
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .filter(|i| (i.handles)(ctx.resource));
            if let Some(i) = integrations {
                let result = i.handler.call(call.input, ctx).await;
                // A callback's message was sent: the execution waits for its token.
                return match result {
                    Ok(_) if durable && callback => Ok(Value::Null),
                    r => r,
                };
            }
            if durable && callback {
                // Nobody to send the token to: the execution waits for SendTaskSuccess,
                // SendTaskFailure or its timeout; the token is in the history.
                return Ok(Value::Null);
            }
            Err(StateError::new(
                "States.TaskFailed",
                format!(
                    "asl serve has no answer for the resource '{}' of the state '{}': start the execution as '<stateMachineArn>#<TestCase>' with a test case of the mock configuration (--mock-config), register a handler for the resource, or use an activity.",
                    ctx.resource, ctx.state
                ),
            ))
        })
    }
}
