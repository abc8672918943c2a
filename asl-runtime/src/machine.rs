//! Static descriptors of a compiled machine.
//!
//! Generated code writes one `static` [`Machine`] per definition: every path, payload
//! template and intrinsic call already parsed (the `Cow<'static, …>` trees of `asl_syntax`,
//! borrowed), every transition resolved to a state index, every retrier and catcher as plain
//! numbers. The driver ([`crate::driver`]) walks these descriptors; nothing known at compile
//! time is parsed at run time. Choice rules are not data: they are compiled into the machine's
//! [`ChooseFn`], a Rust function of boolean expressions.
//!
//! States of all scopes (the machine, Parallel branches, Map processors) share one array;
//! each scope is identified by the index of its `StartAt` state.

use asl_syntax::intrinsic::Call;
use asl_syntax::path::Path;
use asl_syntax::template::Template;

use crate::{Env, StateError};

/// Index of a state in [`Machine::states`].
pub type StateId = u32;

/// The compiled Choice rules of a machine: given a Choice state's index and its effective
/// input, the index of the next state, `States.NoChoiceMatched`, or a `States.Runtime` for
/// a missing `Variable`.
pub type ChooseFn = fn(StateId, &Env<'_>) -> Result<StateId, StateError>;

/// One compiled state machine.
#[derive(Debug)]
pub struct Machine {
    /// The Rust name of the machine (`OrderProcessing`).
    pub name: &'static str,
    /// The definition as compiled, compact JSON.
    pub definition: &'static str,
    pub states: &'static [State],
    /// The top-level `StartAt`.
    pub start: StateId,
    /// Top-level `TimeoutSeconds` (ASL-TOP).
    pub timeout_seconds: Option<u64>,
    pub express: bool,
    /// Whether any state reads the context object (then the execution input is kept for
    /// `$$.Execution.Input`).
    pub uses_context: bool,
    /// The Choice states' rules.
    pub choose: ChooseFn,
    /// Task states in handler order: `tasks[i]` is the state bound to handler method `i`.
    pub tasks: &'static [StateId],
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("name", &self.name)
            .field("type", &self.kind.type_name())
            .finish_non_exhaustive()
    }
}

/// An `InputPath`, `OutputPath` or `ResultPath`: ASL tells absent, `null` and a path apart
/// (ASL-SUB-01).
#[derive(Clone, Debug)]
pub enum IoPath {
    /// Absent, or `"$"`: identity (for ResultPath: the result replaces the input).
    Identity,
    /// `null`: `{}` for InputPath/OutputPath; the raw input kept for ResultPath.
    Null,
    Path(Path),
}

/// One state.
pub struct State {
    pub name: &'static str,
    /// `Next`, or `None` for `End` (and for Choice, Succeed, Fail).
    pub next: Option<StateId>,
    pub input_path: IoPath,
    pub output_path: IoPath,
    /// Whether any field of the state reads the context object `$$`, so the driver builds it
    /// only for the states that need it.
    pub uses_context: bool,
    pub kind: Kind,
}

/// What a state does.
#[derive(Debug)]
pub enum Kind {
    Pass(Pass),
    Task(Task),
    /// Rules compiled into [`Machine::choose`].
    Choice,
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Map),
    /// A state using a feature this runtime does not execute yet (JSONata, variables,
    /// Distributed Map): entering it fails the execution with `States.Runtime` and this text,
    /// rather than computing something AWS would not.
    Unsupported(&'static str),
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass(_) => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
            Kind::Unsupported(_) => "Unsupported",
        }
    }
}

/// A Pass state (ASL-PS-01).
#[derive(Debug)]
pub struct Pass {
    /// `Result`: static JSON, never evaluated (ASL-PT-07).
    pub result: Option<Template>,
    pub parameters: Option<Template>,
    pub result_path: IoPath,
}

/// What a Task's `Resource` is, for the events it records (ASL-EV-03/04/05).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceType {
    /// A legacy Lambda function ARN: `LambdaFunction*` events.
    Lambda,
    /// An optimised or SDK integration, request-response.
    Integration,
    /// `.sync` / `.sync:2`: also `TaskSubmitted`.
    Sync,
    /// `.waitForTaskToken`.
    Callback,
    /// An activity ARN.
    Activity,
}

/// A Task state (ASL-TK).
#[derive(Debug)]
pub struct Task {
    pub resource: &'static str,
    pub resource_type: ResourceType,
    /// The handler method bound to this state (index into [`Machine::tasks`]).
    pub handler: u32,
    pub parameters: Option<Template>,
    pub timeout: Option<Seconds>,
    pub heartbeat: Option<Seconds>,
    pub credentials: Option<Template>,
    pub result: ResultSpec,
}

/// A number given statically or through a `…Path` twin.
#[derive(Debug)]
pub enum Seconds {
    Static(u64),
    Path(Path),
}

/// The result half of the pipeline and error handling, shared by Task, Parallel and Map.
#[derive(Debug)]
pub struct ResultSpec {
    pub result_selector: Option<Template>,
    pub result_path: IoPath,
    pub retry: &'static [Retrier],
    pub catch: &'static [Catcher],
}

/// One `Retry` entry (ASL-RT).
#[derive(Debug)]
pub struct Retrier {
    pub error_equals: &'static [&'static str],
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// One `Catch` entry (ASL-CT).
#[derive(Debug)]
pub struct Catcher {
    pub error_equals: &'static [&'static str],
    pub next: StateId,
    pub result_path: IoPath,
}

/// A Wait state (ASL-WT).
#[derive(Debug)]
pub enum Wait {
    Seconds(u64),
    SecondsPath(Path),
    /// A validated literal timestamp, as Unix seconds (truncated, ASL-SUB-37).
    Timestamp(i64),
    TimestampPath(Path),
}

/// A Fail state (ASL-FL).
#[derive(Debug)]
pub struct Fail {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` and their `…Path` twins (ASL-FL-02).
#[derive(Debug)]
pub enum FailField {
    Literal(&'static str),
    Path(Path),
    Call(Call),
}

/// A Parallel state (ASL-PAR).
#[derive(Debug)]
pub struct Parallel {
    /// The `StartAt` of each branch, in declaration order.
    pub branches: &'static [StateId],
    pub parameters: Option<Template>,
    pub result: ResultSpec,
}

/// An inline Map state (ASL-MAP).
#[derive(Debug)]
pub struct Map {
    /// The processor's `StartAt`.
    pub start: StateId,
    /// `ItemsPath` (default `$`).
    pub items_path: Option<Path>,
    /// `ItemSelector` (or the deprecated `Parameters`), evaluated per item.
    pub item_selector: Option<Template>,
    /// `MaxConcurrency[Path]`; 0 or absent = unbounded (ASL-SUB-42).
    pub max_concurrency: Option<Seconds>,
    pub tolerated_failure_count: Option<Seconds>,
    pub tolerated_failure_percentage: Option<Percentage>,
    pub result: ResultSpec,
}

/// `ToleratedFailurePercentage[Path]`.
#[derive(Debug)]
pub enum Percentage {
    Static(f64),
    Path(Path),
}
