//! The typed AST of a state machine: every state type and every field of ASL-REFERENCE §1.3,
//! in both query languages, including the parts that only execute in later milestones
//! (JSONata, variables, Distributed Map, callbacks).
//!
//! Every node keeps its [`Span`] and its AWS-style JSON pointer (`/States/A`), so later passes
//! can report problems where they were written.

use crate::intrinsic::Call;
use crate::path::Path;
use crate::span::{Span, Spanned};
use crate::template::Template;

/// The query language of a machine or state (ASL-TOP-06).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    /// `"JSONPath"`, the default.
    #[default]
    JsonPath,
    /// `"JSONata"`.
    Jsonata,
}

impl QueryLanguage {
    /// The name as written in `QueryLanguage`.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// Standard or Express (ASL-WF). Express machines may not use `.sync`, `.waitForTaskToken`,
/// activities or Distributed Map (ASL-VAL-25).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MachineType {
    /// A Standard workflow, the default.
    #[default]
    Standard,
    /// An Express workflow.
    Express,
}

/// A field where ASL tells absent, `null` and a value apart (ASL-SUB-01):
/// `InputPath`, `OutputPath`, `ResultPath`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Tri<T> {
    /// The field is not there: its default applies.
    #[default]
    Absent,
    /// The field is `null`, at this span.
    Null(Span),
    /// The field's value.
    Value(Spanned<T>),
}

impl<T> Tri<T> {
    /// Whether the field is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Tri::Absent)
    }
    /// The value, if the field has one (not for absent or `null`).
    pub fn value(&self) -> Option<&Spanned<T>> {
        match self {
            Tri::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// A numeric field that may be given statically, through a `…Path` twin (JSONPath) or as a
/// JSONata expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Dynamic<T> {
    /// A literal number.
    Static(Spanned<T>),
    /// The `…Path` twin: a reference path read when the state runs.
    Path(Spanned<Path>),
    /// A JSONata `{% … %}` string, parsed.
    Jsonata(Spanned<crate::jsonata::Parsed>),
}

/// The whole definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    /// Top-level `Comment`.
    pub comment: Option<String>,
    /// Top-level `Version` (ASL-TOP-04).
    pub version: Option<Spanned<String>>,
    /// Top-level `TimeoutSeconds` (ASL-TOP-05).
    pub timeout_seconds: Option<Spanned<u64>>,
    /// Top-level `QueryLanguage`, default JSONPath (ASL-TOP-06).
    pub query_language: QueryLanguage,
    /// The top-level `StartAt` and `States`.
    pub scope: Scope,
}

/// One `StartAt` + `States` object: the machine itself, a Parallel branch or a Map processor.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    /// `StartAt` (empty when missing, with an error reported).
    pub start_at: Spanned<String>,
    /// `States`, in source order.
    pub states: Vec<State>,
    /// Pointer of the object holding `StartAt`/`States` (`""` for the machine).
    pub pointer: String,
    /// Where the object holding `StartAt`/`States` is written.
    pub span: Span,
    /// The scope's `Comment` (branches and processors).
    pub comment: Option<String>,
}

impl Scope {
    /// The state of this scope named `name` (nested scopes are not searched).
    pub fn get(&self, name: &str) -> Option<&State> {
        self.states.iter().find(|s| s.name.value == name)
    }
}

/// One state: the fields all types share, and [`StateKind`] for the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The state's name: its key in `States`.
    pub name: Spanned<String>,
    /// `/States/<name>` (nested: `/States/P/Branches[0]/States/<name>`).
    pub pointer: String,
    /// The state object.
    pub span: Span,
    /// The state's `Comment`.
    pub comment: Option<String>,
    /// The effective language: the state's own `QueryLanguage`, else the machine's (ASL-SUB-53).
    pub query_language: QueryLanguage,
    /// `Next`, `End`, or neither.
    pub transition: Transition,
    /// JSONPath `InputPath` (not on Fail).
    pub input_path: Tri<Path>,
    /// JSONPath `OutputPath` (not on Fail).
    pub output_path: Tri<Path>,
    /// `Assign` (not on Succeed/Fail).
    pub assign: Option<Spanned<Template>>,
    /// JSONata `Output` (not on Fail).
    pub output: Option<Spanned<Template>>,
    /// The state's type and its type-specific fields.
    pub kind: StateKind,
}

/// How a state ends: `Next`, `End: true`, or neither.
#[derive(Clone, Debug, PartialEq)]
pub enum Transition {
    /// `Next`: the name of the following state, in the same scope.
    Next(Spanned<String>),
    /// `End: true`.
    End,
    /// Choice, Succeed and Fail.
    None,
}

/// A state's `Type` with its type-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    /// `Task`.
    Task(Box<Task>),
    /// `Pass`.
    Pass(Pass),
    /// `Choice`.
    Choice(Choice),
    /// `Wait`.
    Wait(Wait),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail(Fail),
    /// `Parallel`.
    Parallel(Box<Parallel>),
    /// `Map`, inline or distributed.
    Map(Box<Map>),
}

impl StateKind {
    /// The `Type` as written in ASL.
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Task(_) => "Task",
            StateKind::Pass(_) => "Pass",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

/// Fields Task, Parallel and Map share: the result half of the pipeline and error handling.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultHandling {
    /// JSONPath `ResultSelector` (ASL-IO-05).
    pub result_selector: Option<Spanned<Template>>,
    /// JSONPath `ResultPath` (ASL-IO-07).
    pub result_path: Tri<Path>,
    /// `Retry`, in order (ASL-RT).
    pub retry: Vec<Retrier>,
    /// `Catch`, in order (ASL-CT).
    pub catch: Vec<Catcher>,
}

/// A Task state's own fields (ASL-TK).
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// `Resource` (ASL-TK-01).
    pub resource: Spanned<String>,
    /// What the `Resource` names.
    pub resource_kind: ResourceKind,
    /// JSONPath `Parameters`.
    pub parameters: Option<Spanned<Template>>,
    /// JSONata `Arguments`.
    pub arguments: Option<Spanned<Template>>,
    /// `TimeoutSeconds` or `TimeoutSecondsPath` (ASL-TK-02/04).
    pub timeout: Option<Dynamic<u64>>,
    /// `HeartbeatSeconds` or `HeartbeatSecondsPath` (ASL-TK-03/04).
    pub heartbeat: Option<Dynamic<u64>>,
    /// `Credentials` (ASL-TK-06).
    pub credentials: Option<Spanned<Template>>,
    /// `ResultSelector`, `ResultPath`, `Retry`, `Catch`.
    pub result: ResultHandling,
}

/// What a Task's `Resource` names (ASL-TK-01).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:…:function:name`.
    LambdaFunction,
    /// `arn:aws:states:::service:action[.sync|.sync:2|.waitForTaskToken]`, `aws-sdk:…`, `http:invoke`.
    Integration {
        /// The service (`lambda`, `dynamodb`, or `aws-sdk:s3` for SDK integrations).
        service: String,
        /// The action (`invoke`, `putItem`), without the pattern suffix.
        action: String,
        /// The suffix: request-response, `.sync`, `.sync:2` or `.waitForTaskToken`.
        pattern: IntegrationPattern,
    },
    /// `arn:aws:states:region:acct:activity:name`.
    Activity,
    /// Any other ARN, or a `${Placeholder}` for deployment-time substitution.
    Other,
}

/// How an integration is called: the `Resource` suffix (ASL-TK-07/08/09).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegrationPattern {
    /// No suffix: call and continue on the response.
    RequestResponse,
    /// `.sync`: wait for the job to complete.
    Sync,
    /// `.sync:2`: as `.sync`, in the integration's version-2 form.
    Sync2,
    /// `.waitForTaskToken`: pause until a task token is returned.
    WaitForTaskToken,
}

/// A Pass state's own fields (ASL-PS).
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// JSONPath `Result`: static JSON, never evaluated (ASL-PT-07).
    pub result: Option<Spanned<Template>>,
    /// JSONPath `Parameters` (ASL-IO-03).
    pub parameters: Option<Spanned<Template>>,
    /// JSONPath `ResultPath` (ASL-IO-07).
    pub result_path: Tri<Path>,
}

/// A Choice state's own fields (ASL-CH).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// `Choices`, in order: the first rule that matches wins (ASL-CH-01).
    pub choices: Vec<ChoiceRule>,
    /// `Default`: the target when no rule matches (ASL-CH-02).
    pub default: Option<Spanned<String>>,
}

/// One entry of `Choices`: a top-level rule with its `Next`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceRule {
    /// `Next` (empty when missing, with an error reported).
    pub next: Spanned<String>,
    /// The rule: JSONPath operators or a JSONata `Condition`.
    pub condition: Condition,
    /// The rule's `Assign`, evaluated only when it is chosen (ASL-CH-15).
    pub assign: Option<Spanned<Template>>,
    /// JSONata `Output`, used only when the rule is chosen (ASL-CH-15/16).
    pub output: Option<Spanned<Template>>,
    /// The rule's `Comment`.
    pub comment: Option<String>,
    /// The rule object's JSON pointer (`/States/C/Choices[0]`).
    pub pointer: String,
    /// Where the rule object is written.
    pub span: Span,
}

/// When a Choice rule matches, in either query language.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// JSONPath rules.
    Rule(Rule),
    /// JSONata `Condition`: `true`/`false` or an expression.
    Jsonata(Spanned<Template>),
    /// A JSONPath rule that did not parse (its error is reported): the rule is kept so that
    /// its `Next` still counts for reachability, and one mistake gives one error.
    Invalid,
}

/// A JSONPath Choice rule (ASL-CHOP).
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// `And`: every nested rule matches (the span is the `And` key).
    And(Vec<Rule>, Span),
    /// `Or`: some nested rule matches (the span is the `Or` key).
    Or(Vec<Rule>, Span),
    /// `Not`: the nested rule does not match (the span is the `Not` key).
    Not(Box<Rule>, Span),
    /// A data-test: `Variable` and one comparison operator.
    Test(Test),
}

/// A data-test rule: `Variable`, one operator and its operand (ASL-CH-05).
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// `Variable`: the path whose value is tested.
    pub variable: Spanned<Path>,
    /// The operator.
    pub op: Op,
    /// The operator's key (`NumericLessThan`), for messages.
    pub op_span: Span,
    /// The operand, typed by the operator.
    pub operand: Operand,
    /// Where the operand is written.
    pub operand_span: Span,
    /// The rule object's JSON pointer.
    pub pointer: String,
}

/// The 39 data-test operators, factored: a type, a comparison, and literal-vs-path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `String…` comparisons (ASL-CHOP-01..03).
    String(Cmp),
    /// `StringMatches`: a glob with `*` (ASL-CH-07).
    StringMatches,
    /// `Numeric…` comparisons (ASL-CHOP-05..07).
    Numeric(Cmp),
    /// `BooleanEquals`.
    Boolean,
    /// `Timestamp…` comparisons (ASL-CHOP-09..11).
    Timestamp(Cmp),
    /// `IsNull`.
    IsNull,
    /// `IsPresent`: the one operator a missing `Variable` does not fail (ASL-CH-12).
    IsPresent,
    /// `IsNumeric`.
    IsNumeric,
    /// `IsString`.
    IsString,
    /// `IsBoolean`.
    IsBoolean,
    /// `IsTimestamp`.
    IsTimestamp,
}

/// The comparison of a `String…`, `Numeric…` or `Timestamp…` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `…Equals`.
    Eq,
    /// `…LessThan`.
    Lt,
    /// `…GreaterThan`.
    Gt,
    /// `…LessThanEquals`.
    Le,
    /// `…GreaterThanEquals`.
    Ge,
}

/// The right-hand side of a data-test, typed by its operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A string literal (`String…`, `StringMatches`).
    String(String),
    /// A number literal (`Numeric…`).
    Number(crate::template::Num),
    /// A boolean literal (`BooleanEquals` and the `Is…` tests).
    Bool(bool),
    /// A timestamp literal, already validated.
    Timestamp(String),
    /// The `…Path` twin: a reference path evaluated on the Choice's effective input.
    Path(Path),
}

impl Op {
    /// All operator names with their parsed form and whether the name is the `…Path` twin.
    pub const ALL: [(&'static str, Op, bool); 39] = [
        ("StringEquals", Op::String(Cmp::Eq), false),
        ("StringEqualsPath", Op::String(Cmp::Eq), true),
        ("StringLessThan", Op::String(Cmp::Lt), false),
        ("StringLessThanPath", Op::String(Cmp::Lt), true),
        ("StringGreaterThan", Op::String(Cmp::Gt), false),
        ("StringGreaterThanPath", Op::String(Cmp::Gt), true),
        ("StringLessThanEquals", Op::String(Cmp::Le), false),
        ("StringLessThanEqualsPath", Op::String(Cmp::Le), true),
        ("StringGreaterThanEquals", Op::String(Cmp::Ge), false),
        ("StringGreaterThanEqualsPath", Op::String(Cmp::Ge), true),
        ("StringMatches", Op::StringMatches, false),
        ("NumericEquals", Op::Numeric(Cmp::Eq), false),
        ("NumericEqualsPath", Op::Numeric(Cmp::Eq), true),
        ("NumericLessThan", Op::Numeric(Cmp::Lt), false),
        ("NumericLessThanPath", Op::Numeric(Cmp::Lt), true),
        ("NumericGreaterThan", Op::Numeric(Cmp::Gt), false),
        ("NumericGreaterThanPath", Op::Numeric(Cmp::Gt), true),
        ("NumericLessThanEquals", Op::Numeric(Cmp::Le), false),
        ("NumericLessThanEqualsPath", Op::Numeric(Cmp::Le), true),
        ("NumericGreaterThanEquals", Op::Numeric(Cmp::Ge), false),
        ("NumericGreaterThanEqualsPath", Op::Numeric(Cmp::Ge), true),
        ("BooleanEquals", Op::Boolean, false),
        ("BooleanEqualsPath", Op::Boolean, true),
        ("TimestampEquals", Op::Timestamp(Cmp::Eq), false),
        ("TimestampEqualsPath", Op::Timestamp(Cmp::Eq), true),
        ("TimestampLessThan", Op::Timestamp(Cmp::Lt), false),
        ("TimestampLessThanPath", Op::Timestamp(Cmp::Lt), true),
        ("TimestampGreaterThan", Op::Timestamp(Cmp::Gt), false),
        ("TimestampGreaterThanPath", Op::Timestamp(Cmp::Gt), true),
        ("TimestampLessThanEquals", Op::Timestamp(Cmp::Le), false),
        ("TimestampLessThanEqualsPath", Op::Timestamp(Cmp::Le), true),
        ("TimestampGreaterThanEquals", Op::Timestamp(Cmp::Ge), false),
        (
            "TimestampGreaterThanEqualsPath",
            Op::Timestamp(Cmp::Ge),
            true,
        ),
        ("IsNull", Op::IsNull, false),
        ("IsPresent", Op::IsPresent, false),
        ("IsNumeric", Op::IsNumeric, false),
        ("IsString", Op::IsString, false),
        ("IsBoolean", Op::IsBoolean, false),
        ("IsTimestamp", Op::IsTimestamp, false),
    ];

    /// The operator named `name` and whether it is the `…Path` twin; `None` if unknown.
    pub fn lookup(name: &str) -> Option<(Op, bool)> {
        Op::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, op, path)| (op, path))
    }

    /// The operator's name, its `…Path` twin if `path` (`"?"` when it has none).
    pub fn name(self, path: bool) -> &'static str {
        Op::ALL
            .iter()
            .find(|&&(_, op, p)| op == self && p == path)
            .map_or("?", |(n, _, _)| n)
    }
}

/// A Wait state's delay: exactly one of its four fields (ASL-WT-01).
#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    /// `Seconds` (ASL-WT-02).
    Seconds(Spanned<u64>),
    /// `SecondsPath` (ASL-WT-03).
    SecondsPath(Spanned<Path>),
    /// `Timestamp`, already validated (ASL-WT-05).
    Timestamp(Spanned<String>),
    /// `TimestampPath`.
    TimestampPath(Spanned<Path>),
    /// JSONata `Seconds` given as an expression.
    SecondsExpr(Spanned<crate::jsonata::Parsed>),
    /// JSONata `Timestamp` given as an expression.
    TimestampExpr(Spanned<crate::jsonata::Parsed>),
}

/// A Fail state's own fields (ASL-FL).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fail {
    /// `Error` or `ErrorPath`.
    pub error: Option<FailField>,
    /// `Cause` or `CausePath`.
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` and their `…Path` twins (ASL-FL-02).
#[derive(Clone, Debug, PartialEq)]
pub enum FailField {
    /// The literal field (`Error`, `Cause`).
    Literal(Spanned<String>),
    /// The `…Path` twin, as a path.
    Path(Spanned<Path>),
    /// The `…Path` twin, as an intrinsic call.
    Call(Spanned<Call>),
    /// A JSONata `{% … %}` string: the text between the delimiters.
    Jsonata(Spanned<crate::jsonata::Parsed>),
}

/// A Parallel state's own fields (ASL-PAR).
#[derive(Clone, Debug, PartialEq)]
pub struct Parallel {
    /// `Branches`, in declaration order.
    pub branches: Vec<Scope>,
    /// JSONPath `Parameters`: the input of every branch (ASL-IO-13).
    pub parameters: Option<Spanned<Template>>,
    /// JSONata `Arguments`.
    pub arguments: Option<Spanned<Template>>,
    /// `ResultSelector`, `ResultPath`, `Retry`, `Catch`.
    pub result: ResultHandling,
}

/// A Map state's own fields, inline or distributed (ASL-MAP, ASL-DMAP).
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    /// `ItemProcessor` (or the deprecated `Iterator`).
    pub processor: Processor,
    /// JSONPath `ItemsPath` (reference path; default `$`).
    pub items_path: Option<Spanned<Path>>,
    /// JSONata `Items`.
    pub items: Option<Spanned<Template>>,
    /// `ItemSelector`, or the deprecated Map `Parameters` (same meaning, ASL-SUB-06).
    pub item_selector: Option<Spanned<Template>>,
    /// `ItemReader` (Distributed).
    pub item_reader: Option<ItemReader>,
    /// `ItemBatcher` (Distributed).
    pub item_batcher: Option<ItemBatcher>,
    /// `ResultWriter` (Distributed).
    pub result_writer: Option<ResultWriter>,
    /// `MaxConcurrency[Path]`: 0 or absent is unbounded (ASL-MAP-05, ASL-SUB-42).
    pub max_concurrency: Option<Dynamic<u64>>,
    /// `ToleratedFailurePercentage[Path]`.
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    /// `ToleratedFailureCount[Path]`.
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    /// `Label` (Distributed).
    pub label: Option<Spanned<String>>,
    /// `ResultSelector`, `ResultPath`, `Retry`, `Catch`.
    pub result: ResultHandling,
}

/// `ProcessorConfig.Mode` (ASL-MAP-01).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProcessorMode {
    /// `INLINE`, the default.
    #[default]
    Inline,
    /// `DISTRIBUTED`.
    Distributed,
}

/// A Map's `ItemProcessor` (or `Iterator`).
#[derive(Clone, Debug, PartialEq)]
pub struct Processor {
    /// `ProcessorConfig.Mode`.
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType` (Distributed only): `STANDARD` or `EXPRESS`.
    pub execution_type: Option<Spanned<MachineType>>,
    /// The processor's `StartAt` and `States`.
    pub scope: Scope,
    /// Written as the deprecated `Iterator`.
    pub deprecated_iterator: bool,
}

/// A Distributed Map's `ItemReader`.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemReader {
    /// `Resource` (empty when missing, with an error reported).
    pub resource: Spanned<String>,
    /// JSONPath `Parameters`.
    pub parameters: Option<Spanned<Template>>,
    /// JSONata `Arguments`.
    pub arguments: Option<Spanned<Template>>,
    /// `ReaderConfig`.
    pub reader_config: Option<ReaderConfig>,
    /// Where the `ItemReader` object is written.
    pub span: Span,
}

/// An `ItemReader`'s `ReaderConfig`: the enum fields are checked against AWS's values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReaderConfig {
    /// `InputType`.
    pub input_type: Option<Spanned<String>>,
    /// `CSVHeaderLocation`.
    pub csv_header_location: Option<Spanned<String>>,
    /// `CSVHeaders`.
    pub csv_headers: Option<Vec<Spanned<String>>>,
    /// `CSVDelimiter`.
    pub csv_delimiter: Option<Spanned<String>>,
    /// `ManifestType`.
    pub manifest_type: Option<Spanned<String>>,
    /// `Transformation`.
    pub transformation: Option<Spanned<String>>,
    /// `ItemsPointer`.
    pub items_pointer: Option<Spanned<String>>,
    /// `MaxItems` or `MaxItemsPath`.
    pub max_items: Option<Dynamic<u64>>,
}

/// A Distributed Map's `ItemBatcher`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch[Path]`.
    pub max_items_per_batch: Option<Dynamic<u64>>,
    /// `MaxInputBytesPerBatch[Path]`.
    pub max_input_bytes_per_batch: Option<Dynamic<u64>>,
    /// `BatchInput`.
    pub batch_input: Option<Spanned<Template>>,
    /// Where the `ItemBatcher` object is written.
    pub span: Span,
}

/// A Distributed Map's `ResultWriter`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultWriter {
    /// `Resource`.
    pub resource: Option<Spanned<String>>,
    /// JSONPath `Parameters`.
    pub parameters: Option<Spanned<Template>>,
    /// JSONata `Arguments`.
    pub arguments: Option<Spanned<Template>>,
    /// `WriterConfig.Transformation`.
    pub writer_transformation: Option<Spanned<String>>,
    /// `WriterConfig.OutputType`.
    pub writer_output_type: Option<Spanned<String>>,
    /// Where the `ResultWriter` object is written.
    pub span: Span,
}

/// One `Retry` entry (ASL-RT).
#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals` (ASL-RT-02).
    pub error_equals: Vec<Spanned<String>>,
    /// Default 1 (ASL-RT-03).
    pub interval_seconds: u64,
    /// Default 3 (ASL-RT-04).
    pub max_attempts: u64,
    /// Default 2.0 (ASL-RT-05).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: absent is uncapped (ASL-RT-06).
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy` (ASL-RT-07).
    pub jitter: Jitter,
    /// The retrier's `Comment`.
    pub comment: Option<String>,
    /// The retrier object's JSON pointer (`/States/T/Retry[0]`).
    pub pointer: String,
    /// Where the retrier object is written.
    pub span: Span,
}

/// `JitterStrategy` (ASL-RT-07).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Jitter {
    /// `NONE`, the default.
    #[default]
    None,
    /// `FULL`: each delay is a random fraction of the computed one (ASL-RT-08).
    Full,
}

/// One `Catch` entry (ASL-CT).
#[derive(Clone, Debug, PartialEq)]
pub struct Catcher {
    /// `ErrorEquals` (ASL-CT-02).
    pub error_equals: Vec<Spanned<String>>,
    /// `Next` (empty when missing, with an error reported).
    pub next: Spanned<String>,
    /// JSONPath `ResultPath` (default `$`, may be `null`).
    pub result_path: Tri<Path>,
    /// JSONata `Output`.
    pub output: Option<Spanned<Template>>,
    /// The catcher's `Assign`.
    pub assign: Option<Spanned<Template>>,
    /// The catcher's `Comment`.
    pub comment: Option<String>,
    /// The catcher object's JSON pointer (`/States/T/Catch[0]`).
    pub pointer: String,
    /// Where the catcher object is written.
    pub span: Span,
}

impl State {
    /// Calls `f` on every path a state evaluates (I/O paths, templates, intrinsic arguments,
    /// Choice variables and operands, `…Path` fields).
    pub fn visit_paths(&self, f: &mut dyn FnMut(&crate::path::Path)) {
        let s = self;
        fn tri(t: &Tri<Path>, f: &mut dyn FnMut(&crate::path::Path)) {
            if let Tri::Value(p) = t {
                f(&p.value);
            }
        }
        fn call(c: &crate::intrinsic::Call, f: &mut dyn FnMut(&crate::path::Path)) {
            for a in c.args.iter() {
                match a {
                    crate::intrinsic::Arg::Path(p) => f(p),
                    crate::intrinsic::Arg::Call(c) => call(c, f),
                    _ => {}
                }
            }
        }
        fn template(
            t: Option<&crate::span::Spanned<crate::template::Template>>,
            f: &mut dyn FnMut(&crate::path::Path),
        ) {
            if let Some(t) = t {
                t.value.visit_dynamic(&mut |d| match d {
                    crate::template::Template::Path(p) => f(p),
                    crate::template::Template::Call(c) => call(c, f),
                    _ => {}
                });
            }
        }
        fn dynamic<T>(d: Option<&Dynamic<T>>, f: &mut dyn FnMut(&crate::path::Path)) {
            if let Some(Dynamic::Path(p)) = d {
                f(&p.value);
            }
        }
        fn rule(r: &Rule, f: &mut dyn FnMut(&crate::path::Path)) {
            match r {
                Rule::And(rs, _) | Rule::Or(rs, _) => rs.iter().for_each(|r| rule(r, f)),
                Rule::Not(r, _) => rule(r, f),
                Rule::Test(t) => {
                    f(&t.variable.value);
                    if let Operand::Path(p) = &t.operand {
                        f(p);
                    }
                }
            }
        }
        tri(&s.input_path, f);
        tri(&s.output_path, f);
        template(s.assign.as_ref(), f);
        if let Some(rh) = s.result_handling() {
            template(rh.result_selector.as_ref(), f);
            for c in &rh.catch {
                template(c.assign.as_ref(), f);
            }
        }
        if let StateKind::Choice(c) = &s.kind {
            for r in &c.choices {
                template(r.assign.as_ref(), f);
            }
        }
        match &s.kind {
            StateKind::Pass(p) => template(p.parameters.as_ref(), f),
            StateKind::Task(t) => {
                template(t.parameters.as_ref(), f);
                template(t.credentials.as_ref(), f);
                dynamic(t.timeout.as_ref(), f);
                dynamic(t.heartbeat.as_ref(), f);
            }
            StateKind::Choice(c) => c.choices.iter().for_each(|r| {
                if let Condition::Rule(r) = &r.condition {
                    rule(r, f);
                }
            }),
            StateKind::Wait(Wait::SecondsPath(p) | Wait::TimestampPath(p)) => f(&p.value),
            StateKind::Fail(fl) => {
                for x in [&fl.error, &fl.cause].into_iter().flatten() {
                    match x {
                        FailField::Path(p) => f(&p.value),
                        FailField::Call(c) => call(&c.value, f),
                        _ => {}
                    }
                }
            }
            StateKind::Parallel(p) => template(p.parameters.as_ref(), f),
            StateKind::Map(m) => {
                if let Some(p) = &m.items_path {
                    f(&p.value);
                }
                template(m.item_selector.as_ref(), f);
                dynamic(m.max_concurrency.as_ref(), f);
                dynamic(m.tolerated_failure_count.as_ref(), f);
                dynamic(m.tolerated_failure_percentage.as_ref(), f);
            }
            _ => {}
        }
    }

    /// Calls `f` on every JSONata expression of a state (templates' `{% %}` strings, numeric
    /// fields, Wait and Fail fields, Choice conditions, catchers).
    pub fn visit_jsonata(&self, f: &mut dyn FnMut(&crate::jsonata::Parsed)) {
        let s = self;
        fn template(
            t: Option<&crate::span::Spanned<crate::template::Template>>,
            f: &mut dyn FnMut(&crate::jsonata::Parsed),
        ) {
            if let Some(t) = t {
                t.value.visit_dynamic(&mut |d| {
                    if let crate::template::Template::Jsonata(p) = d {
                        f(p);
                    }
                });
            }
        }
        fn dynamic<T>(d: Option<&Dynamic<T>>, f: &mut dyn FnMut(&crate::jsonata::Parsed)) {
            if let Some(Dynamic::Jsonata(p)) = d {
                f(&p.value);
            }
        }
        template(s.assign.as_ref(), f);
        template(s.output.as_ref(), f);
        if let Some(rh) = s.result_handling() {
            for c in &rh.catch {
                template(c.assign.as_ref(), f);
                template(c.output.as_ref(), f);
            }
        }
        match &s.kind {
            StateKind::Task(t) => {
                template(t.arguments.as_ref(), f);
                template(t.credentials.as_ref(), f);
                dynamic(t.timeout.as_ref(), f);
                dynamic(t.heartbeat.as_ref(), f);
            }
            StateKind::Choice(c) => {
                for r in &c.choices {
                    if let Condition::Jsonata(t) = &r.condition {
                        template(Some(t), f);
                    }
                    template(r.assign.as_ref(), f);
                    template(r.output.as_ref(), f);
                }
            }
            StateKind::Wait(Wait::SecondsExpr(p) | Wait::TimestampExpr(p)) => f(&p.value),
            StateKind::Fail(fl) => {
                for x in [&fl.error, &fl.cause].into_iter().flatten() {
                    if let FailField::Jsonata(p) = x {
                        f(&p.value);
                    }
                }
            }
            StateKind::Parallel(p) => template(p.arguments.as_ref(), f),
            StateKind::Map(m) => {
                template(m.items.as_ref(), f);
                template(m.item_selector.as_ref(), f);
                dynamic(m.max_concurrency.as_ref(), f);
                dynamic(m.tolerated_failure_count.as_ref(), f);
                dynamic(m.tolerated_failure_percentage.as_ref(), f);
            }
            _ => {}
        }
    }

    /// Retry/Catch and result fields, for the three states that have them.
    pub fn result_handling(&self) -> Option<&ResultHandling> {
        match &self.kind {
            StateKind::Task(t) => Some(&t.result),
            StateKind::Parallel(p) => Some(&p.result),
            StateKind::Map(m) => Some(&m.result),
            _ => None,
        }
    }

    /// Every transition out of this state, with the pointer of the field that names it:
    /// `Next`, each Choice rule's `Next`, `Default`, each Catcher's `Next`.
    pub fn targets(&self) -> Vec<(&Spanned<String>, String)> {
        let mut out = Vec::new();
        if let Transition::Next(n) = &self.transition {
            out.push((n, format!("{}/Next", self.pointer)));
        }
        if let StateKind::Choice(c) = &self.kind {
            for r in &c.choices {
                out.push((&r.next, format!("{}/Next", r.pointer)));
            }
            if let Some(d) = &c.default {
                out.push((d, format!("{}/Default", self.pointer)));
            }
        }
        if let Some(rh) = self.result_handling() {
            for c in &rh.catch {
                out.push((&c.next, format!("{}/Next", c.pointer)));
            }
        }
        out
    }

    /// Nested scopes: Parallel branches and the Map processor.
    pub fn child_scopes(&self) -> Vec<&Scope> {
        match &self.kind {
            StateKind::Parallel(p) => p.branches.iter().collect(),
            StateKind::Map(m) => vec![&m.processor.scope],
            _ => Vec::new(),
        }
    }

    /// Whether the state ends its scope: `End: true`, Succeed or Fail.
    pub fn is_terminal(&self) -> bool {
        matches!(self.transition, Transition::End)
            || matches!(self.kind, StateKind::Succeed | StateKind::Fail(_))
    }
}

impl Machine {
    /// Every state of the machine, nested ones included, depth first in source order.
    pub fn all_states(&self) -> Vec<&State> {
        let mut out = Vec::new();
        fn walk<'a>(scope: &'a Scope, out: &mut Vec<&'a State>) {
            for s in &scope.states {
                out.push(s);
                for c in s.child_scopes() {
                    walk(c, out);
                }
            }
        }
        walk(&self.scope, &mut out);
        out
    }
}
