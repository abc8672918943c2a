//! How Task states reach Rust code.
//!
//! Each generated machine has its own typed handler trait (one async method per Task state).
//! The driver does not see it: it calls a [`Dispatch`], which the generated code implements
//! for every handler of that trait with one `match` on the task index. The same
//! [`Dispatch`] is how one dynamic handler can drive any machine ([`DynamicHandler`], the
//! conformance mocks, [`crate::mock::MockConfig`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Value;

use crate::error::StateError;
use crate::machine::ResourceType;

/// An error a Task handler returns: AWS's error name and cause (ASL-ERR-18). Retry and Catch
/// match on [`StateError::error`].
pub type TaskError = StateError;

/// What a task returns.
pub type TaskResult = Result<Value, TaskError>;

/// A boxed, sendable task future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a handler learns about the call besides its input.
#[derive(Clone, Debug)]
pub struct TaskContext {
    /// The Task state's name.
    pub state: &'static str,
    /// Its `Resource`.
    pub resource: &'static str,
    /// What kind of resource it is (Lambda ARN, integration, `.sync`, callback, activity).
    pub resource_type: ResourceType,
    /// Retries done so far in this state visit (`$$.State.RetryCount`, ASL-RT-12).
    pub retry_count: u32,
    /// The Map iteration or Parallel branch path from the top (`[]` at top level): one index
    /// per enclosing Map iteration or Parallel branch, outermost first.
    pub location: Arc<[u32]>,
    /// The execution name (`$$.Execution.Name`).
    pub execution_name: Arc<str>,
    /// `Credentials`, evaluated (ASL-TK-06), if the state has them.
    pub credentials: Option<Value>,
    /// The task token of this attempt (`$$.Task.Token`) for `.sync`, `.waitForTaskToken` and
    /// activity Tasks; a new one per attempt (ASL-CTX-09, ASL-SUB-51). The handler's return
    /// value is what the callback (`SendTaskSuccess`/`SendTaskFailure`) would deliver.
    pub task_token: Option<Arc<str>>,
    /// In durable (Standard) executions, the attempt's idempotency key: the execution, the
    /// state, its place (enclosing Map iterations and Parallel branches, the visit) and the
    /// attempt. An attempt that was in flight when the process died is dispatched again with
    /// the same key, so a handler can make its side effect happen once. `None` in-memory.
    pub idempotency_key: Option<Arc<str>>,
}

/// One call to a Task.
#[derive(Debug)]
pub struct TaskCall {
    /// The index of the Task's handler method.
    pub handler: u32,
    /// The effective input (after InputPath and Parameters).
    pub input: Value,
    /// What the handler learns about the call besides its input.
    pub context: TaskContext,
}

/// The object-safe interface the driver calls for every Task. Generated code implements it
/// for the machine's typed handler trait; [`DynamicHandler`]s implement it for any machine.
pub trait Dispatch: Send + Sync {
    /// Runs the Task bound to handler method `call.handler` with `call.input`.
    fn call(&self, call: TaskCall) -> BoxFuture<'_, TaskResult>;
}

/// One handler for every Task state of any machine: it receives the state name, resource,
/// input and context. Mocks and generic tools are written against this.
pub trait DynamicHandler: Send + Sync {
    /// Runs one Task: `input` is the effective input (after InputPath and Parameters), `context`
    /// names the state and resource.
    fn call<'a>(&'a self, input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult>;
}

/// A boxed handler is a handler: a program that chooses its handlers at run time holds
/// them as `Box<dyn DynamicHandler>`.
impl<H: DynamicHandler + ?Sized> DynamicHandler for Box<H> {
    fn call<'a>(&'a self, input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        (**self).call(input, context)
    }
}

/// A shared handler is a handler (`Arc<dyn DynamicHandler>`, one handler for many machines).
impl<H: DynamicHandler + ?Sized> DynamicHandler for Arc<H> {
    fn call<'a>(&'a self, input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        (**self).call(input, context)
    }
}

/// Adapts a [`DynamicHandler`] to the driver.
pub struct Dynamic<'h, H: ?Sized>(pub &'h H);

impl<H: DynamicHandler + ?Sized> Dispatch for Dynamic<'_, H> {
    fn call(&self, call: TaskCall) -> BoxFuture<'_, TaskResult> {
        let h = self.0;
        Box::pin(async move { h.call(call.input, &call.context).await })
    }
}

/// Adapts an owned [`DynamicHandler`] to the driver.
pub struct Owned<H>(pub H);

impl<H: DynamicHandler> Dispatch for Owned<H> {
    fn call(&self, call: TaskCall) -> BoxFuture<'_, TaskResult> {
        Box::pin(async move { self.0.call(call.input, &call.context).await })
    }
}

/// A [`DynamicHandler`] from a closure returning a future.
pub fn handler_fn<F, Fut>(f: F) -> impl DynamicHandler
where
    F: Fn(Value, TaskContext) -> Fut + Send + Sync,
    Fut: Future<Output = TaskResult> + Send + 'static,
{
    struct FnHandler<F>(F);
    impl<F, Fut> DynamicHandler for FnHandler<F>
    where
        F: Fn(Value, TaskContext) -> Fut + Send + Sync,
        Fut: Future<Output = TaskResult> + Send + 'static,
    {
        fn call<'a>(&'a self, input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
            Box::pin((self.0)(input, context.clone()))
        }
    }
    FnHandler(f)
}
