//! Static descriptors of a compiled machine.
//!
//! Generated code writes one `static` [`Machine`] per definition: every path, payload
//! template and intrinsic call already parsed (the `Cow<'static, …>` trees of `asl_syntax`,
//! borrowed), every transition resolved to a state index, every retrier and catcher as plain
//! numbers. The driver ([`crate::driver`]) walks these descriptors; nothing known at compile
//! time is parsed at run time. Choice rules are not data: they are compiled into the machine's
//! [`ChooseFn`], a Rust function of boolean expressions.
//!
//! A definition that arrives at run time gets the same descriptor, built on the heap and
//! leaked ([`crate::dynamic`]); its JSONPath Choice rules are data ([`ChoiceRule::rule`]).
//!
//! States of all scopes (the machine, Parallel branches, Map processors) share one array;
//! each scope is identified by the index of its `StartAt` state.

use asl_syntax::intrinsic::Call;
use asl_syntax::jsonata::Parsed;
use asl_syntax::path::Path;
use asl_syntax::template::Template;

use crate::{Env, StateError};

/// Index of a state in [`Machine::states`].
pub type StateId = u32;

/// The compiled JSONPath Choice rules of a machine: given a Choice state's index and its
/// effective input, the index of the first rule that matches (into [`Choice::rules`]), `None`
/// when none does, or a `States.Runtime` for a missing `Variable`.
pub type ChooseFn = fn(StateId, &Env<'_>) -> Result<Option<u32>, StateError>;

/// The states the compiler lowered to straight-line Rust: given such a state's index and its
/// input, its whole data flow (InputPath, Parameters or Result, ResultPath, OutputPath; the
/// Choice rules), without descriptors. See [`Step`].
///
/// `vars` are the scope's workflow variables: a lowered JSONata state reads them, and one
/// with an `Assign` writes them, only once it is sure to return [`Step::Output`] or
/// [`Step::Choose`] (a state that returns [`Step::Slow`] has changed nothing).
pub type StepFn = fn(StateId, crate::Value, &mut Vars) -> Step;

/// A scope's workflow variables (ASL-VAR-06): shared, copied when a state assigns.
pub type Vars = std::sync::Arc<crate::value::Map>;

/// What a lowered state computed.
///
/// Lowered code takes only the common road: anything unusual (a path that selects nothing, an
/// argument of the wrong type, no Choice rule matching) gives [`Step::Slow`] with the input
/// untouched, and the state runs again through its descriptor, which reports it as AWS does.
/// Lowered code has no side effects, so the second run sees what the first saw: speed never
/// changes an answer.
#[derive(Debug)]
pub enum Step {
    /// A Pass state's output.
    Output {
        /// The output.
        value: crate::Value,
        /// What the compiler knows of its size, so that the payload quota need not measure it.
        size: Size,
    },
    /// A Choice state's next state; its output is its input.
    Choose(StateId, crate::Value),
    /// Not taken: run the state through its descriptor.
    Slow(crate::Value),
}

/// What the compiler knows of the size of a lowered Pass state's output (ASL-IO-09).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Nothing: the output is measured.
    Unknown,
    /// Built from literals and numbers only: its JSON text is at most [`Size::SMALL`] bytes.
    Small,
    /// The input with at most this many more bytes of JSON text (one member written into it,
    /// whose size bound the generated code computed): while the driver knows a bound of the
    /// input, it adds this instead of measuring the whole output.
    Grown(usize),
}

impl Size {
    /// The most a [`Size::Small`] output's JSON text takes: a quarter of the quota.
    pub const SMALL: usize = 64 * 1024;
}

/// A [`ChooseFn`] for machines with no compiled Choice rules (machines built at run time
/// carry their rules as data, [`ChoiceRule::rule`]): no rule matches.
pub fn no_choose(_: StateId, _: &Env<'_>) -> Result<Option<u32>, StateError> {
    Ok(None)
}

/// A [`StepFn`] for machines with no lowered state.
pub fn no_step(_: StateId, input: crate::Value, _: &mut Vars) -> Step {
    Step::Slow(input)
}

/// One compiled state machine.
#[derive(Debug)]
pub struct Machine {
    /// The Rust name of the machine (`OrderProcessing`).
    pub name: &'static str,
    /// The definition as compiled, compact JSON.
    pub definition: &'static str,
    /// Every state of every scope (machine, Parallel branches, Map processors), indexed by
    /// [`StateId`].
    pub states: &'static [State],
    /// The top-level `StartAt`.
    pub start: StateId,
    /// Top-level `TimeoutSeconds` (ASL-TOP).
    pub timeout_seconds: Option<u64>,
    /// Whether the machine was compiled and checked as an Express workflow (ASL-VAL-25); the
    /// driver does not read it.
    pub express: bool,
    /// Whether any state may read `$$.Execution.Input`: then the driver keeps a copy of the
    /// execution input for the context object.
    pub keeps_input: bool,
    /// The Choice states' JSONPath rules, compiled ([`no_choose`] for machines built at run
    /// time, whose rules are data: [`ChoiceRule::rule`]).
    pub choose: ChooseFn,
    /// The lowered states' straight-line code (states with [`State::lowered`]).
    pub step: StepFn,
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
    /// A path: what InputPath/OutputPath select, where ResultPath writes (ASL-IO-07).
    Path(Path),
}

/// One state.
pub struct State {
    /// The state's name (its key in `States`).
    pub name: &'static str,
    /// `Next`, or `None` for `End` (and for Choice, Succeed, Fail).
    pub next: Option<StateId>,
    /// `InputPath` (ASL-IO-02).
    pub input_path: IoPath,
    /// `OutputPath` (ASL-IO-08).
    pub output_path: IoPath,
    /// Whether any field of the state reads the context object `$$`, so the driver builds it
    /// only for the states that need it.
    pub uses_context: bool,
    /// Whether a `$$` path of the state may reach `Execution.Input` (`$$`, `$$.Execution`,
    /// `$$.Execution.Input…`, wildcards): only then does its context object carry the input,
    /// so a Map's per-item context does not copy the whole execution input.
    pub context_input: bool,
    /// Whether [`Machine::step`] runs this state (a Pass or Choice state of a simple shape).
    pub lowered: bool,
    /// `QueryLanguage: JSONata` (ASL-JA-01): the state's templates are JSONata templates, its
    /// output is `Output` (ASL-JA-07), and it has no InputPath/OutputPath/ResultPath.
    pub jsonata: bool,
    /// `Assign` (ASL-VAR-01): a JSONPath template (`.$` paths and intrinsics) or a JSONata
    /// template, evaluated against the values at state entry (ASL-VAR-04).
    pub assign: Option<Template>,
    /// JSONata `Output` (ASL-JA-07); `None`: the result, or the input for states without one.
    pub output: Option<Template>,
    /// The state's type and its type-specific fields.
    pub kind: Kind,
}

/// What a state does.
#[derive(Debug)]
pub enum Kind {
    /// A Pass state.
    Pass(Pass),
    /// A Task state.
    Task(Task),
    /// A Choice state: JSONPath rules are compiled into [`Machine::choose`]; JSONata rules
    /// are conditions evaluated here.
    Choice(Choice),
    /// A Wait state.
    Wait(Wait),
    /// A Succeed state: output is OutputPath(InputPath(input)) (ASL-IO-10).
    Succeed,
    /// A Fail state.
    Fail(Fail),
    /// A Parallel state.
    Parallel(Parallel),
    /// A Map state, inline or distributed (one with an `ItemReader` or a `ResultWriter` is
    /// [`Kind::Unsupported`] for now).
    Map(Map),
    /// A state using a feature this runtime does not execute yet (JSONata, variables,
    /// Distributed Map): entering it fails the execution with `States.Runtime` and this text,
    /// rather than computing something AWS would not.
    Unsupported(&'static str),
}

impl Kind {
    /// The state's `Type` as ASL spells it (`"Unsupported"` for [`Kind::Unsupported`]).
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass(_) => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice(_) => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
            Kind::Unsupported(_) => "Unsupported",
        }
    }
}

/// A Choice state's rules and default (ASL-CH).
#[derive(Debug)]
pub struct Choice {
    /// `Choices`, in order.
    pub rules: &'static [ChoiceRule],
    /// `Default`.
    pub default: Option<StateId>,
}

/// One rule of `Choices`.
#[derive(Debug)]
pub struct ChoiceRule {
    /// `Next`.
    pub next: StateId,
    /// JSONata `Condition` (`true`/`false` or an expression); `None` for a JSONPath rule,
    /// which [`Machine::choose`] tests.
    pub condition: Option<Template>,
    /// A JSONPath rule as data, for machines built at run time
    /// ([`crate::dynamic::DynamicMachine`]), which have no compiled [`Machine::choose`]: the
    /// driver evaluates it with [`crate::choice::choose`]. `None` in generated code, whose
    /// `choose` function holds the rule as Rust code.
    pub rule: Option<&'static asl_syntax::ast::Rule>,
    /// The rule's `Assign`, replacing the state's when the rule is chosen (ASL-VAR-05).
    pub assign: Option<Template>,
    /// The rule's JSONata `Output`, replacing the state's when the rule is chosen (ASL-CH-15).
    pub output: Option<Template>,
}

/// A Pass state (ASL-PS-01).
#[derive(Debug)]
pub struct Pass {
    /// `Result`: static JSON, never evaluated (ASL-PT-07).
    pub result: Option<Template>,
    /// `Parameters` (ASL-IO-03): the result when there is no `Result`.
    pub parameters: Option<Template>,
    /// `ResultPath`: merges the result into the raw input (ASL-IO-07, ASL-SUB-02).
    pub result_path: IoPath,
}

/// What a Task's `Resource` is, for the events it records (ASL-EV-03/04/05); decided by
/// [`asl_syntax::layout::resource_type`] for compiled and dynamic machines alike.
pub use asl_syntax::layout::ResourceType;

/// A Task state (ASL-TK).
#[derive(Debug)]
pub struct Task {
    /// The `Resource` URI as written (ASL-TK-01).
    pub resource: &'static str,
    /// The kind of resource, which decides the task events recorded.
    pub resource_type: ResourceType,
    /// The handler method bound to this state (index into [`Machine::tasks`]).
    pub handler: u32,
    /// `Parameters`: the task input, evaluated again for each attempt (ASL-IO-03, ASL-RT-11).
    pub parameters: Option<Template>,
    /// `TimeoutSeconds[Path]`: expiry fails the attempt with `States.Timeout` (ASL-TK-02/04).
    pub timeout: Option<Seconds>,
    /// `HeartbeatSeconds[Path]`: a handler cannot send heartbeats, so this is a deadline too
    /// (ASL-TK-03, ASL-SUB-27).
    pub heartbeat: Option<Seconds>,
    /// `Credentials`, evaluated for each attempt and passed to the handler (ASL-TK-06).
    pub credentials: Option<Template>,
    /// `ResultSelector`, `ResultPath`, `Retry` and `Catch`.
    pub result: ResultSpec,
}

/// A number given statically or through a `…Path` twin.
#[derive(Debug)]
pub enum Seconds {
    /// A literal value.
    Static(u64),
    /// A reference path, read from the state's effective input when the state runs.
    Path(Path),
    /// A JSONata expression (ASL-JA-09).
    Jsonata(Parsed),
}

/// The result half of the pipeline and error handling, shared by Task, Parallel and Map.
#[derive(Debug)]
pub struct ResultSpec {
    /// `ResultSelector` (ASL-IO-05), with `$` = the raw result.
    pub result_selector: Option<Template>,
    /// `ResultPath` (ASL-IO-07), merging into the state's raw input.
    pub result_path: IoPath,
    /// The retriers, in order: the first that matches decides (ASL-RT-09).
    pub retry: &'static [Retrier],
    /// The catchers, in order: the first that matches wins (ASL-CT-03).
    pub catch: &'static [Catcher],
}

/// One `Retry` entry (ASL-RT).
#[derive(Debug)]
pub struct Retrier {
    /// `ErrorEquals` (ASL-RT-02); `States.ALL` and `States.TaskFailed` act as wildcards
    /// (ASL-ERR-01/02).
    pub error_equals: &'static [&'static str],
    /// `IntervalSeconds`: the delay before this retrier's first retry (ASL-RT-03).
    pub interval_seconds: u64,
    /// `MaxAttempts`: retries, not runs; 0 = matched but never retried (ASL-RT-04).
    pub max_attempts: u64,
    /// `BackoffRate`: the delay's multiplier per retry (ASL-RT-05/08).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: the cap on each computed delay (ASL-RT-06).
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// One `Catch` entry (ASL-CT).
#[derive(Debug)]
pub struct Catcher {
    /// `ErrorEquals`, matched as for a retrier (ASL-CT-02).
    pub error_equals: &'static [&'static str],
    /// `Next`: the state that receives the Error Output.
    pub next: StateId,
    /// `ResultPath` for the Error Output, merging into the raw input (ASL-CT-05, ASL-IO-14).
    pub result_path: IoPath,
    /// JSONata `Output` (default: the Error Output, ASL-JA-17).
    pub output: Option<Template>,
    /// The catcher's `Assign`, replacing the state's (ASL-CT-07).
    pub assign: Option<Template>,
}

/// A Wait state (ASL-WT).
#[derive(Debug)]
pub enum Wait {
    /// `Seconds`: a literal delay (ASL-WT-02).
    Seconds(u64),
    /// `SecondsPath`: a non-negative integer read from the effective input (ASL-WT-03).
    SecondsPath(Path),
    /// A validated literal timestamp, as Unix seconds (truncated, ASL-SUB-37).
    Timestamp(i64),
    /// `TimestampPath`: a timestamp read from the effective input (ASL-WT-05).
    TimestampPath(Path),
    /// JSONata `Seconds` (ASL-JA-09).
    SecondsJsonata(Parsed),
    /// JSONata `Timestamp` (ASL-JA-09).
    TimestampJsonata(Parsed),
}

/// A Fail state (ASL-FL).
#[derive(Debug)]
pub struct Fail {
    /// `Error` or `ErrorPath` (ASL-FL-01/02).
    pub error: Option<FailField>,
    /// `Cause` or `CausePath` (ASL-FL-01/02).
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` and their `…Path` twins (ASL-FL-02).
#[derive(Debug)]
pub enum FailField {
    /// A literal string.
    Literal(&'static str),
    /// A path; a selected non-string is rendered as compact JSON.
    Path(Path),
    /// An intrinsic call returning a string (`States.Format(…)`).
    Call(Call),
    /// A JSONata expression returning a string (ASL-JA-10).
    Jsonata(Parsed),
}

/// A Parallel state (ASL-PAR).
#[derive(Debug)]
pub struct Parallel {
    /// The `StartAt` of each branch, in declaration order.
    pub branches: &'static [StateId],
    /// `Parameters`: the input every branch receives (ASL-IO-13).
    pub parameters: Option<Template>,
    /// `ResultSelector`, `ResultPath`, `Retry` and `Catch`.
    pub result: ResultSpec,
}

/// A Map state (ASL-MAP), inline or distributed (ASL-DMAP).
#[derive(Debug)]
pub struct Map {
    /// The processor's `StartAt`.
    pub start: StateId,
    /// `ItemsPath` (default `$`).
    pub items_path: Option<Path>,
    /// JSONata `Items`: an array, or an array template with expressions (ASL-JA-19).
    pub items: Option<Template>,
    /// `ItemSelector` (or the deprecated `Parameters`), evaluated per item.
    pub item_selector: Option<Template>,
    /// `MaxConcurrency[Path]`; 0 or absent = unbounded (ASL-SUB-42).
    pub max_concurrency: Option<Seconds>,
    /// `ToleratedFailureCount[Path]`: failed iterations allowed before
    /// `States.ExceedToleratedFailureThreshold` (ASL-ERR-11).
    pub tolerated_failure_count: Option<Seconds>,
    /// `ToleratedFailurePercentage[Path]`: the percentage of failed iterations allowed (ASL-ERR-11).
    pub tolerated_failure_percentage: Option<Percentage>,
    /// A Distributed Map's own settings: its iterations are child executions (ASL-DMAP-01).
    pub distributed: Option<&'static Distributed>,
    /// `ResultSelector`, `ResultPath`, `Retry` and `Catch`.
    pub result: ResultSpec,
}

/// What a Distributed Map adds to a Map (ASL-DMAP): each item (or batch of items) is the
/// input of a child execution of the processor, which has its own history and context; the
/// parent sees a Map Run.
#[derive(Debug)]
pub struct Distributed {
    /// `Label` (ASL-DMAP-06): names the Map Run and the children's state machine
    /// (`<machine>/<label>`); the state's name when absent.
    pub label: Option<&'static str>,
    /// `ProcessorConfig.ExecutionType` is `EXPRESS`: the children are Express executions
    /// (five minutes at most, no history kept); otherwise Standard.
    pub express: bool,
    /// `ItemBatcher` (ASL-DMAP-03): children take batches of items.
    pub batcher: Option<Batcher>,
    /// `ItemReader` (ASL-DMAP-02): the items come from an object store instead of the input.
    pub reader: Option<Reader>,
    /// `ResultWriter` (ASL-DMAP-04): the children's results go to an object store.
    pub writer: Option<Writer>,
}

/// A Distributed Map's `ItemReader` (ASL-DMAP-02).
#[derive(Debug)]
pub struct Reader {
    /// `Resource`: `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.
    pub resource: &'static str,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): `Bucket`, `Key`, `Prefix`, ….
    pub parameters: Option<Template>,
    /// `ReaderConfig.InputType`: `CSV`, `JSON`, `JSONL`, `MANIFEST`, `PARQUET`.
    pub input_type: Option<&'static str>,
    /// `ReaderConfig.CSVHeaderLocation`: `FIRST_ROW` or `GIVEN`.
    pub csv_header_location: Option<&'static str>,
    /// `ReaderConfig.CSVHeaders` (with `GIVEN`).
    pub csv_headers: &'static [&'static str],
    /// `ReaderConfig.CSVDelimiter`: `COMMA` (default), `PIPE`, `SEMICOLON`, `SPACE`, `TAB`.
    pub csv_delimiter: Option<&'static str>,
    /// `ReaderConfig.ManifestType`: `ATHENA_DATA` or `S3_INVENTORY`.
    pub manifest_type: Option<&'static str>,
    /// `ReaderConfig.Transformation`: `NONE` or `LOAD_AND_FLATTEN`.
    pub transformation: Option<&'static str>,
    /// `ReaderConfig.ItemsPointer`: a JSON Pointer to the array in a JSON object.
    pub items_pointer: Option<&'static str>,
    /// `ReaderConfig.MaxItems[Path]`: read at most this many items.
    pub max_items: Option<Seconds>,
}

/// A Distributed Map's `ResultWriter` (ASL-DMAP-04).
#[derive(Debug)]
pub struct Writer {
    /// `Resource`: `arn:aws:states:::s3:putObject`; absent with `WriterConfig` alone.
    pub resource: Option<&'static str>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): `Bucket`, `Prefix`.
    pub parameters: Option<Template>,
    /// `WriterConfig.Transformation`: `NONE`, `COMPACT` or `FLATTEN`.
    pub transformation: Option<&'static str>,
    /// `WriterConfig.OutputType`: `JSON` or `JSONL`.
    pub output_type: Option<&'static str>,
}

/// A Distributed Map's `ItemBatcher` (ASL-DMAP-03). A child's input is
/// `{"BatchInput": …, "Items": […]}`.
#[derive(Debug)]
pub struct Batcher {
    /// `MaxItemsPerBatch[Path]`.
    pub max_items: Option<Seconds>,
    /// `MaxInputBytesPerBatch[Path]`: the most bytes of a child's input, as JSON.
    pub max_bytes: Option<Seconds>,
    /// `BatchInput`: added to every batch.
    pub batch_input: Option<Template>,
}

/// `ToleratedFailurePercentage[Path]`.
#[derive(Debug)]
pub enum Percentage {
    /// A literal percentage, 0 to 100.
    Static(f64),
    /// A reference path to a number from 0 to 100, read when the state runs.
    Path(Path),
    /// A JSONata expression (ASL-JA-09).
    Jsonata(Parsed),
}
