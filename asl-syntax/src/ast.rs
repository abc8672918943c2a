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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
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
    #[default]
    Standard,
    Express,
}

/// A field where ASL tells absent, `null` and a value apart (ASL-SUB-01):
/// `InputPath`, `OutputPath`, `ResultPath`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Tri<T> {
    #[default]
    Absent,
    Null(Span),
    Value(Spanned<T>),
}

impl<T> Tri<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Tri::Absent)
    }
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
    Static(Spanned<T>),
    Path(Spanned<Path>),
    Jsonata(Spanned<String>),
}

/// The whole definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub comment: Option<String>,
    pub version: Option<Spanned<String>>,
    pub timeout_seconds: Option<Spanned<u64>>,
    pub query_language: QueryLanguage,
    pub scope: Scope,
}

/// One `StartAt` + `States` object: the machine itself, a Parallel branch or a Map processor.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub start_at: Spanned<String>,
    pub states: Vec<State>,
    /// Pointer of the object holding `StartAt`/`States` (`""` for the machine).
    pub pointer: String,
    pub span: Span,
    pub comment: Option<String>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&State> {
        self.states.iter().find(|s| s.name.value == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub name: Spanned<String>,
    /// `/States/<name>` (nested: `/States/P/Branches[0]/States/<name>`).
    pub pointer: String,
    /// The state object.
    pub span: Span,
    pub comment: Option<String>,
    /// The effective language: the state's own `QueryLanguage`, else the machine's (ASL-SUB-53).
    pub query_language: QueryLanguage,
    pub transition: Transition,
    /// JSONPath `InputPath` (not on Fail).
    pub input_path: Tri<Path>,
    /// JSONPath `OutputPath` (not on Fail).
    pub output_path: Tri<Path>,
    /// `Assign` (not on Succeed/Fail).
    pub assign: Option<Spanned<Template>>,
    /// JSONata `Output` (not on Fail).
    pub output: Option<Spanned<Template>>,
    pub kind: StateKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Transition {
    Next(Spanned<String>),
    End,
    /// Choice, Succeed and Fail.
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    Task(Box<Task>),
    Pass(Pass),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Box<Parallel>),
    Map(Box<Map>),
}

impl StateKind {
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
    pub result_selector: Option<Spanned<Template>>,
    pub result_path: Tri<Path>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub resource: Spanned<String>,
    pub resource_kind: ResourceKind,
    /// JSONPath `Parameters`.
    pub parameters: Option<Spanned<Template>>,
    /// JSONata `Arguments`.
    pub arguments: Option<Spanned<Template>>,
    pub timeout: Option<Dynamic<u64>>,
    pub heartbeat: Option<Dynamic<u64>>,
    pub credentials: Option<Spanned<Template>>,
    pub result: ResultHandling,
}

/// What a Task's `Resource` names (ASL-TK-01).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:…:function:name`.
    LambdaFunction,
    /// `arn:aws:states:::service:action[.sync|.sync:2|.waitForTaskToken]`, `aws-sdk:…`, `http:invoke`.
    Integration {
        service: String,
        action: String,
        pattern: IntegrationPattern,
    },
    /// `arn:aws:states:region:acct:activity:name`.
    Activity,
    /// Any other ARN, or a `${Placeholder}` for deployment-time substitution.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegrationPattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// JSONPath `Result`: static JSON, never evaluated (ASL-PT-07).
    pub result: Option<Spanned<Template>>,
    pub parameters: Option<Spanned<Template>>,
    pub result_path: Tri<Path>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub choices: Vec<ChoiceRule>,
    pub default: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceRule {
    pub next: Spanned<String>,
    pub condition: Condition,
    pub assign: Option<Spanned<Template>>,
    pub output: Option<Spanned<Template>>,
    pub comment: Option<String>,
    pub pointer: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// JSONPath rules.
    Rule(Rule),
    /// JSONata `Condition`: `true`/`false` or an expression.
    Jsonata(Spanned<Template>),
}

/// A JSONPath Choice rule (ASL-CHOP).
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    And(Vec<Rule>, Span),
    Or(Vec<Rule>, Span),
    Not(Box<Rule>, Span),
    Test(Test),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub variable: Spanned<Path>,
    pub op: Op,
    /// The operator's key (`NumericLessThan`), for messages.
    pub op_span: Span,
    pub operand: Operand,
    pub operand_span: Span,
    pub pointer: String,
}

/// The 39 data-test operators, factored: a type, a comparison, and literal-vs-path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    String(Cmp),
    StringMatches,
    Numeric(Cmp),
    Boolean,
    Timestamp(Cmp),
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Eq,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    String(String),
    Number(crate::template::Num),
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

    pub fn lookup(name: &str) -> Option<(Op, bool)> {
        Op::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, op, path)| (op, path))
    }

    pub fn name(self, path: bool) -> &'static str {
        Op::ALL
            .iter()
            .find(|&&(_, op, p)| op == self && p == path)
            .map_or("?", |(n, _, _)| n)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    Seconds(Spanned<u64>),
    SecondsPath(Spanned<Path>),
    Timestamp(Spanned<String>),
    TimestampPath(Spanned<Path>),
    /// JSONata `Seconds` given as an expression.
    SecondsExpr(Spanned<String>),
    /// JSONata `Timestamp` given as an expression.
    TimestampExpr(Spanned<String>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fail {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` and their `…Path` twins (ASL-FL-02).
#[derive(Clone, Debug, PartialEq)]
pub enum FailField {
    Literal(Spanned<String>),
    Path(Spanned<Path>),
    Call(Spanned<Call>),
    Jsonata(Spanned<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parallel {
    pub branches: Vec<Scope>,
    pub parameters: Option<Spanned<Template>>,
    pub arguments: Option<Spanned<Template>>,
    pub result: ResultHandling,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    pub processor: Processor,
    /// JSONPath `ItemsPath` (reference path; default `$`).
    pub items_path: Option<Spanned<Path>>,
    /// JSONata `Items`.
    pub items: Option<Spanned<Template>>,
    /// `ItemSelector`, or the deprecated Map `Parameters` (same meaning, ASL-SUB-06).
    pub item_selector: Option<Spanned<Template>>,
    pub item_reader: Option<ItemReader>,
    pub item_batcher: Option<ItemBatcher>,
    pub result_writer: Option<ResultWriter>,
    pub max_concurrency: Option<Dynamic<u64>>,
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    pub label: Option<Spanned<String>>,
    pub result: ResultHandling,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProcessorMode {
    #[default]
    Inline,
    Distributed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Processor {
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType` (Distributed only): `STANDARD` or `EXPRESS`.
    pub execution_type: Option<Spanned<MachineType>>,
    pub scope: Scope,
    /// Written as the deprecated `Iterator`.
    pub deprecated_iterator: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemReader {
    pub resource: Spanned<String>,
    pub parameters: Option<Spanned<Template>>,
    pub arguments: Option<Spanned<Template>>,
    pub reader_config: Option<ReaderConfig>,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReaderConfig {
    pub input_type: Option<Spanned<String>>,
    pub csv_header_location: Option<Spanned<String>>,
    pub csv_headers: Option<Vec<Spanned<String>>>,
    pub csv_delimiter: Option<Spanned<String>>,
    pub manifest_type: Option<Spanned<String>>,
    pub transformation: Option<Spanned<String>>,
    pub items_pointer: Option<Spanned<String>>,
    pub max_items: Option<Dynamic<u64>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemBatcher {
    pub max_items_per_batch: Option<Dynamic<u64>>,
    pub max_input_bytes_per_batch: Option<Dynamic<u64>>,
    pub batch_input: Option<Spanned<Template>>,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultWriter {
    pub resource: Option<Spanned<String>>,
    pub parameters: Option<Spanned<Template>>,
    pub arguments: Option<Spanned<Template>>,
    pub writer_transformation: Option<Spanned<String>>,
    pub writer_output_type: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    pub error_equals: Vec<Spanned<String>>,
    /// Default 1 (ASL-RT-03).
    pub interval_seconds: u64,
    /// Default 3 (ASL-RT-04).
    pub max_attempts: u64,
    /// Default 2.0 (ASL-RT-05).
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
    pub comment: Option<String>,
    pub pointer: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Jitter {
    #[default]
    None,
    Full,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Catcher {
    pub error_equals: Vec<Spanned<String>>,
    pub next: Spanned<String>,
    /// JSONPath `ResultPath` (default `$`, may be `null`).
    pub result_path: Tri<Path>,
    /// JSONata `Output`.
    pub output: Option<Spanned<Template>>,
    pub assign: Option<Spanned<Template>>,
    pub comment: Option<String>,
    pub pointer: String,
    pub span: Span,
}

impl State {
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
