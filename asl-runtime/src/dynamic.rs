//! Definitions compiled at run time: the Step Functions API hands a server definitions as
//! JSON text, long after `cargo build`. They go through the same front end as `asl!`,
//! `Builder` and `asl check` ([`asl_syntax::compile_source`]: parse, then every check), and
//! become the same [`Machine`] descriptor the compiler writes as a `static`, laid out by the
//! same decisions ([`asl_syntax::layout`]); the one driver runs it.
//!
//! What a compiled machine has and a dynamic one has not:
//!
//! - no lowered states: every state runs through its descriptor (`lowered: false`,
//!   [`crate::machine::no_step`]), which is the exact path the lowered code falls back to anyway;
//! - no generated Choice function: JSONPath rules are data ([`m::ChoiceRule::rule`]),
//!   evaluated by [`crate::choice::choose`] with the operator functions generated code calls;
//! - no typed handler trait: Tasks are dispatched by handler index through a [`Dispatch`]
//!   (usually a [`DynamicHandler`], which sees each state's name and resource).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! use asl_runtime::dynamic::DynamicMachine;
//! use asl_runtime::handler::handler_fn;
//!
//! let def = r#"{"StartAt": "Hello", "States": {"Hello": {"Type": "Task",
//!     "Resource": "arn:aws:lambda:us-east-1:123456789012:function:hello", "End": true}}}"#;
//! let machine = DynamicMachine::compile("Hello", def, &Default::default()).unwrap();
//! let bound = machine.with_dynamic(handler_fn(|input, _| async move { Ok(input) }));
//! let out = bound.run(asl_runtime::json!({"who": "world"})).await.unwrap();
//! assert_eq!(out, asl_runtime::json!({"who": "world"}));
//! # });
//! ```

use std::sync::Arc;

use asl_syntax::CheckOptions;
use asl_syntax::ast::{self, Condition, Dynamic, MachineType, QueryLanguage, StateKind};
use asl_syntax::diag::Diagnostic;
use asl_syntax::layout::{self, Layout};
use asl_syntax::span::Spanned;
use asl_syntax::template::Template;

use crate::Value;
use crate::driver::{self, Execution, ExecutionError, Options};
use crate::engine::Compiled;
use crate::handler::{Dispatch, DynamicHandler, Owned};
use crate::machine::{self as m, Machine};

/// A definition compiled at run time: checked by the same rules as `asl!` and `Builder`, then
/// turned into the descriptor the driver runs.
///
/// **A compiled definition lives until the process ends**: the driver runs `&'static`
/// descriptors, so [`DynamicMachine::compile`] leaks the one it builds (its parsed trees and
/// names: a few times the size of the definition's JSON). Create it once per definition (per
/// version of a state machine) and keep it; never compile per execution. Cloning a
/// `DynamicMachine` shares the descriptor.
#[derive(Clone, Debug)]
pub struct DynamicMachine {
    machine: &'static Machine,
    warnings: Vec<Diagnostic>,
}

impl DynamicMachine {
    /// Parses and checks `definition` (JSON text) exactly as `asl check` does with `options`
    /// (Standard or Express, ASL-VAL-25; handler method names, which decide handler indexes),
    /// and builds its descriptor. `name` is the machine's name (`Machine::name`, the default
    /// `$$.StateMachine.Name`) and the source name in diagnostics.
    ///
    /// Errors: when any diagnostic is an error, every diagnostic (errors and warnings, in
    /// `asl check`'s order) and no machine. On success the warnings are kept
    /// ([`DynamicMachine::warnings`]).
    pub fn compile(
        name: &str,
        definition: &str,
        options: &CheckOptions,
    ) -> Result<DynamicMachine, Vec<Diagnostic>> {
        let src = asl_syntax::source::Source::new(name, definition);
        let checked = asl_syntax::compile_source(&src, options);
        let machine = match (&checked.machine, checked.diagnostics.has_errors()) {
            (Some(ast), false) => build(name, &src.text, ast, options),
            _ => return Err(checked.diagnostics.into_vec()),
        };
        Ok(DynamicMachine {
            machine: Box::leak(Box::new(machine)),
            warnings: checked.diagnostics.into_vec(),
        })
    }

    /// The descriptor the driver runs.
    pub fn descriptor(&self) -> &'static Machine {
        self.machine
    }

    /// The front end's warnings (deprecated fields, unknown JSONata functions, …).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Binds the Task states to `handler` (one call per Task attempt, `TaskCall::handler`
    /// being the index of the state in [`Machine::tasks`]).
    pub fn with_handler(self, handler: Arc<dyn Dispatch>) -> BoundMachine {
        BoundMachine {
            machine: self,
            dispatch: handler,
        }
    }

    /// Binds every Task state to one dynamic handler (mocks, generic tools, a server's
    /// integrations), as a generated machine's `with_dynamic`.
    pub fn with_dynamic(self, handler: impl DynamicHandler + 'static) -> BoundMachine {
        self.with_handler(Arc::new(Owned(handler)))
    }

    /// Runs one execution in memory with `handler` answering the Tasks: its outcome and
    /// history, as a generated machine's `execute`.
    pub async fn execute(
        &self,
        handler: &dyn Dispatch,
        input: Value,
        options: &Options,
    ) -> Execution {
        driver::run(self.machine, handler, input, options).await
    }
}

/// A [`DynamicMachine`] with its Task states bound to a handler: what [`crate::engine`]
/// registers ([`Compiled`]), or runs in memory like a generated machine.
#[derive(Clone)]
pub struct BoundMachine {
    machine: DynamicMachine,
    dispatch: Arc<dyn Dispatch>,
}

impl BoundMachine {
    /// The machine.
    pub fn machine(&self) -> &DynamicMachine {
        &self.machine
    }

    /// Runs one execution: its output, or AWS's error and cause.
    pub async fn run(&self, input: Value) -> Result<Value, ExecutionError> {
        self.execute(input, &Options::default()).await.result
    }

    /// Runs one execution with explicit options; returns the outcome and history.
    pub async fn execute(&self, input: Value, options: &Options) -> Execution {
        self.machine.execute(&*self.dispatch, input, options).await
    }
}

impl std::fmt::Debug for BoundMachine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundMachine")
            .field("machine", &self.machine.machine.name)
            .finish_non_exhaustive()
    }
}

impl Compiled for BoundMachine {
    fn descriptor(&self) -> &'static Machine {
        self.machine.machine
    }
    fn dispatcher(&self) -> Arc<dyn Dispatch> {
        self.dispatch.clone()
    }
}

// ---------------------------------------------------------------------------------------------
// The descriptor, field by field as `asl-codegen`'s emit writes it; every decision comes from
// `asl_syntax::layout`. The syntax crate's trees are `Cow<'static, …>`, so owned ones are
// `'static` already: they are cloned out of the AST. Names and slices are leaked.
// ---------------------------------------------------------------------------------------------

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn build(name: &str, text: &str, ast: &ast::Machine, options: &CheckOptions) -> Machine {
    let l = Layout::new(ast, &options.methods);
    let states = (0..l.states.len()).map(|i| state(&l, i)).collect();
    Machine {
        name: leak_str(name),
        definition: leak_str(&layout::compact_json(text)),
        states: leak(states),
        start: l.start,
        timeout_seconds: ast.timeout_seconds.as_ref().map(|t| t.value),
        express: options.machine_type == MachineType::Express,
        keeps_input: l.keeps_input(),
        choose: m::no_choose,
        step: m::no_step,
        tasks: leak(l.tasks()),
    }
}

fn template(t: Option<&Spanned<Template>>) -> Option<Template> {
    t.map(|t| t.value.clone())
}

fn io_path(t: &ast::Tri<asl_syntax::path::Path>) -> m::IoPath {
    match layout::io_path(t) {
        layout::IoPath::Identity => m::IoPath::Identity,
        layout::IoPath::Null => m::IoPath::Null,
        layout::IoPath::Path(p) => m::IoPath::Path(p.clone()),
    }
}

fn state(l: &Layout<'_>, i: usize) -> m::State {
    let s = l.states[i];
    m::State {
        name: leak_str(&s.name.value),
        next: match &s.transition {
            ast::Transition::Next(n) => Some(l.target(i, &n.value)),
            _ => None,
        },
        input_path: io_path(&s.input_path),
        output_path: io_path(&s.output_path),
        uses_context: layout::uses_context(s),
        context_input: layout::context_input(s),
        lowered: false,
        jsonata: s.query_language == QueryLanguage::Jsonata,
        assign: template(s.assign.as_ref()),
        output: template(s.output.as_ref()),
        kind: kind(l, i),
    }
}

fn kind(l: &Layout<'_>, i: usize) -> m::Kind {
    let s = l.states[i];
    if let Some(why) = layout::unsupported(s) {
        return m::Kind::Unsupported(why);
    }
    match &s.kind {
        StateKind::Pass(p) => m::Kind::Pass(m::Pass {
            result: template(p.result.as_ref()),
            parameters: template(p.parameters.as_ref()),
            result_path: io_path(&p.result_path),
        }),
        StateKind::Task(t) => m::Kind::Task(m::Task {
            resource: leak_str(&t.resource.value),
            resource_type: layout::resource_type(t),
            handler: l.handler_of(s),
            // JSONata `Arguments` take the place of `Parameters` (ASL-JA-06).
            parameters: template(t.parameters.as_ref().or(t.arguments.as_ref())),
            timeout: seconds(t.timeout.as_ref()),
            heartbeat: seconds(t.heartbeat.as_ref()),
            credentials: template(t.credentials.as_ref()),
            result: result_spec(l, i, &t.result),
        }),
        StateKind::Choice(ch) => m::Kind::Choice(m::Choice {
            rules: leak(
                ch.choices
                    .iter()
                    .map(|r| choice_rule(l, i, r))
                    .collect::<Vec<_>>(),
            ),
            default: ch.default.as_ref().map(|d| l.target(i, &d.value)),
        }),
        StateKind::Wait(w) => m::Kind::Wait(match w {
            ast::Wait::Seconds(n) => m::Wait::Seconds(n.value),
            ast::Wait::SecondsPath(p) => m::Wait::SecondsPath(p.value.clone()),
            ast::Wait::Timestamp(t) => m::Wait::Timestamp(layout::wait_timestamp(&t.value)),
            ast::Wait::TimestampPath(p) => m::Wait::TimestampPath(p.value.clone()),
            ast::Wait::SecondsExpr(e) => m::Wait::SecondsJsonata(e.value.clone()),
            ast::Wait::TimestampExpr(e) => m::Wait::TimestampJsonata(e.value.clone()),
        }),
        StateKind::Succeed => m::Kind::Succeed,
        StateKind::Fail(f) => m::Kind::Fail(m::Fail {
            error: f.error.as_ref().map(fail_field),
            cause: f.cause.as_ref().map(fail_field),
        }),
        StateKind::Parallel(p) => m::Kind::Parallel(m::Parallel {
            branches: leak(l.children(i).to_vec()),
            parameters: template(p.parameters.as_ref().or(p.arguments.as_ref())),
            result: result_spec(l, i, &p.result),
        }),
        StateKind::Map(mp) => m::Kind::Map(m::Map {
            start: l.children(i).first().copied().unwrap_or(0),
            items_path: mp.items_path.as_ref().map(|p| p.value.clone()),
            items: template(mp.items.as_ref()),
            item_selector: template(mp.item_selector.as_ref()),
            max_concurrency: seconds(mp.max_concurrency.as_ref()),
            tolerated_failure_count: seconds(mp.tolerated_failure_count.as_ref()),
            tolerated_failure_percentage: mp.tolerated_failure_percentage.as_ref().map(
                |d| match d {
                    Dynamic::Static(v) => m::Percentage::Static(v.value),
                    Dynamic::Path(p) => m::Percentage::Path(p.value.clone()),
                    Dynamic::Jsonata(e) => m::Percentage::Jsonata(e.value.clone()),
                },
            ),
            distributed: layout::distributed(mp).then(|| {
                &*Box::leak(Box::new(m::Distributed {
                    label: mp.label.as_ref().map(|l| leak_str(&l.value)),
                    express: mp
                        .processor
                        .execution_type
                        .as_ref()
                        .is_some_and(|t| t.value == MachineType::Express),
                    batcher: mp.item_batcher.as_ref().map(|b| m::Batcher {
                        max_items: seconds(b.max_items_per_batch.as_ref()),
                        max_bytes: seconds(b.max_input_bytes_per_batch.as_ref()),
                        batch_input: template(b.batch_input.as_ref()),
                    }),
                    reader: mp.item_reader.as_ref().map(reader),
                    writer: mp.result_writer.as_ref().map(|w| m::Writer {
                        resource: text(&w.resource),
                        parameters: template(w.parameters.as_ref().or(w.arguments.as_ref())),
                        transformation: text(&w.writer_transformation),
                        output_type: text(&w.writer_output_type),
                    }),
                }))
            }),
            result: result_spec(l, i, &mp.result),
        }),
    }
}

/// An optional text field, leaked with the descriptor.
fn text(v: &Option<Spanned<String>>) -> Option<&'static str> {
    v.as_ref().map(|v| leak_str(&v.value))
}

/// A Distributed Map's `ItemReader`.
fn reader(r: &ast::ItemReader) -> m::Reader {
    let c = r.reader_config.clone().unwrap_or_default();
    m::Reader {
        resource: leak_str(&r.resource.value),
        parameters: template(r.parameters.as_ref().or(r.arguments.as_ref())),
        input_type: text(&c.input_type),
        csv_header_location: text(&c.csv_header_location),
        csv_headers: leak(
            c.csv_headers
                .iter()
                .flatten()
                .map(|h| leak_str(&h.value))
                .collect(),
        ),
        csv_delimiter: text(&c.csv_delimiter),
        manifest_type: text(&c.manifest_type),
        transformation: text(&c.transformation),
        items_pointer: text(&c.items_pointer),
        max_items: seconds(c.max_items.as_ref()),
    }
}

/// A rule of `Choices`: a JSONPath rule is kept as data for [`crate::choice::choose`]
/// (leaked with the descriptor); a JSONata `Condition` as the template the driver evaluates.
fn choice_rule(l: &Layout<'_>, i: usize, r: &ast::ChoiceRule) -> m::ChoiceRule {
    let (condition, rule) = match &r.condition {
        Condition::Rule(rule) => (None, Some(&*Box::leak(Box::new(rule.clone())))),
        Condition::Jsonata(t) => (Some(t.value.clone()), None),
        Condition::Invalid => (None, None),
    };
    m::ChoiceRule {
        next: l.target(i, &r.next.value),
        condition,
        rule,
        assign: template(r.assign.as_ref()),
        output: template(r.output.as_ref()),
    }
}

fn seconds(d: Option<&Dynamic<u64>>) -> Option<m::Seconds> {
    d.map(|d| match d {
        Dynamic::Static(v) => m::Seconds::Static(v.value),
        Dynamic::Path(p) => m::Seconds::Path(p.value.clone()),
        Dynamic::Jsonata(e) => m::Seconds::Jsonata(e.value.clone()),
    })
}

fn fail_field(f: &ast::FailField) -> m::FailField {
    match f {
        ast::FailField::Literal(s) => m::FailField::Literal(leak_str(&s.value)),
        ast::FailField::Path(p) => m::FailField::Path(p.value.clone()),
        ast::FailField::Call(c) => m::FailField::Call(c.value.clone()),
        ast::FailField::Jsonata(e) => m::FailField::Jsonata(e.value.clone()),
    }
}

fn error_names(names: &[Spanned<String>]) -> &'static [&'static str] {
    leak(names.iter().map(|e| leak_str(&e.value)).collect())
}

fn result_spec(l: &Layout<'_>, i: usize, r: &ast::ResultHandling) -> m::ResultSpec {
    m::ResultSpec {
        result_selector: template(r.result_selector.as_ref()),
        result_path: io_path(&r.result_path),
        retry: leak(
            r.retry
                .iter()
                .map(|r| m::Retrier {
                    error_equals: error_names(&r.error_equals),
                    interval_seconds: r.interval_seconds,
                    max_attempts: r.max_attempts,
                    backoff_rate: r.backoff_rate,
                    max_delay_seconds: r.max_delay_seconds,
                    full_jitter: r.jitter == ast::Jitter::Full,
                })
                .collect(),
        ),
        catch: leak(
            r.catch
                .iter()
                .map(|c| m::Catcher {
                    error_equals: error_names(&c.error_equals),
                    next: l.target(i, &c.next.value),
                    result_path: io_path(&c.result_path),
                    output: template(c.output.as_ref()),
                    assign: template(c.assign.as_ref()),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::handler_fn;
    use crate::json;
    use crate::machine::Kind;

    const NESTED: &str = r#"{
      "Comment": "every scope kind, Tasks in two of them",
      "StartAt": "Fetch",
      "TimeoutSeconds": 60,
      "States": {
        "Fetch": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                  "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2, "JitterStrategy": "FULL"}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
                  "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Next": "Each",
                "Branches": [
                  {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
                  {"StartAt": "B2", "States": {
                     "B2": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                            "Parameters": {"token.$": "$$.Task.Token"}, "End": true}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$[0]", "MaxConcurrency": 2, "Next": "Decide",
                 "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}},
        "Decide": {"Type": "Choice", "Default": "Wait",
                   "Choices": [{"Variable": "$$.Execution.Input.go", "BooleanEquals": true, "Next": "Done"}]},
        "Wait": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:01.5Z", "Next": "Done"},
        "Failed": {"Type": "Fail", "Error": "E", "CausePath": "$.error.Cause"},
        "Done": {"Type": "Succeed", "OutputPath": "$"}
      }
    }"#;

    #[test]
    fn descriptor_layout_as_the_compiler_lays_it_out() {
        let opts = CheckOptions {
            methods: vec![("B2".into(), "enqueue".into())],
            ..CheckOptions::default()
        };
        let d = DynamicMachine::compile("Nested", NESTED, &opts).unwrap();
        let m = d.descriptor();
        let names: Vec<&str> = m.states.iter().map(|s| s.name).collect();
        // Depth first, source order: a scope's states right after the state that holds it.
        assert_eq!(
            names,
            [
                "Fetch", "Fan", "B1", "B2", "Each", "Item", "Decide", "Wait", "Failed", "Done"
            ]
        );
        assert_eq!(
            (m.name, m.start, m.timeout_seconds),
            ("Nested", 0, Some(60))
        );
        assert!(!m.express);
        assert!(m.definition.starts_with(r#"{"Comment":"every scope kind"#));
        // `$$.Execution.Input` is read: the driver keeps the input for the context.
        assert!(m.keeps_input);
        assert_eq!(m.tasks, [0, 3]);
        assert!(m.states.iter().all(|s| !s.lowered));
        let Kind::Task(t) = &m.states[0].kind else {
            panic!()
        };
        assert_eq!((t.handler, t.resource_type), (0, m::ResourceType::Lambda));
        assert_eq!(t.result.retry[0].error_equals, ["States.Timeout"]);
        assert!(t.result.retry[0].full_jitter);
        assert_eq!(t.result.catch[0].next, 8);
        assert_eq!(m.states[0].next, Some(1));
        let Kind::Parallel(p) = &m.states[1].kind else {
            panic!()
        };
        assert_eq!(p.branches, [2, 3]);
        let Kind::Task(t) = &m.states[3].kind else {
            panic!()
        };
        assert_eq!((t.handler, t.resource_type), (1, m::ResourceType::Callback));
        assert!(m.states[3].uses_context && !m.states[3].context_input);
        let Kind::Map(mp) = &m.states[4].kind else {
            panic!()
        };
        assert_eq!(mp.start, 5);
        assert!(matches!(mp.max_concurrency, Some(m::Seconds::Static(2))));
        let Kind::Choice(ch) = &m.states[6].kind else {
            panic!()
        };
        assert_eq!((ch.default, ch.rules[0].next), (Some(7), 9));
        assert!(ch.rules[0].rule.is_some() && ch.rules[0].condition.is_none());
        assert!(m.states[6].uses_context && m.states[6].context_input);
        // Truncated to the second (ASL-SUB-37).
        assert!(matches!(
            m.states[7].kind,
            Kind::Wait(m::Wait::Timestamp(1_704_067_201))
        ));
        let Kind::Fail(f) = &m.states[8].kind else {
            panic!()
        };
        assert!(matches!(f.error, Some(m::FailField::Literal("E"))));
        assert!(matches!(f.cause, Some(m::FailField::Path(_))));
        // `"$"` is the identity, as absent.
        assert!(matches!(m.states[9].output_path, m::IoPath::Identity));
    }

    #[test]
    fn a_distributed_map_keeps_its_settings() {
        let def = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "L",
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                              "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}}"#;
        let d = DynamicMachine::compile("D", def, &CheckOptions::default()).unwrap();
        let Kind::Map(mp) = &d.descriptor().states[0].kind else {
            panic!("not a Map")
        };
        let dist = mp.distributed.as_ref().expect("distributed");
        assert_eq!(dist.label, Some("L"));
        assert!(dist.express);
        let b = dist.batcher.as_ref().expect("batcher");
        assert!(matches!(b.max_items, Some(m::Seconds::Static(2))));
    }

    /// `asl check`'s answer: what `asl check --format json` lists, as (code, location).
    fn asl_check(def: &str, opts: &CheckOptions) -> Vec<(String, String)> {
        let src = asl_syntax::source::Source::new("m.asl.json", def);
        let checked = asl_syntax::compile_source(&src, opts);
        let json = asl_syntax::render::to_json(&checked.diagnostics);
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
                (s("code"), s("location"))
            })
            .collect()
    }

    fn codes(list: &[Diagnostic]) -> Vec<(String, String)> {
        list.iter()
            .map(|d| (d.code.as_str().to_string(), d.pointer.clone()))
            .collect()
    }

    #[test]
    fn errors_are_the_diagnostics_of_asl_check() {
        let def = r#"{
          "StartAt": "Start",
          "States": {
            "Start": {"Type": "Pass", "Parameters": {"x": "$.a"}, "Next": "Nowhere"},
            "Orphan": {"Type": "Succeed"},
            "Bad": {"Type": "Task", "Resource": "not-an-arn", "End": true}
          }
        }"#;
        let opts = CheckOptions::default();
        let err = DynamicMachine::compile("M", def, &opts).unwrap_err();
        let want = asl_check(def, &opts);
        assert_eq!(codes(&err), want);
        assert_eq!(
            want,
            [
                ("NO_DOLLAR", "/States/Start/Parameters"),
                ("MISSING_TRANSITION_TARGET", "/States/Start/Next"),
                ("MISSING_TRANSITION_TARGET", "/States/Orphan"),
                ("MISSING_TRANSITION_TARGET", "/States/Bad"),
                ("INVALID_RESOURCE", "/States/Bad/Resource"),
            ]
            .map(|(c, p)| (c.to_string(), p.to_string()))
        );
        // Not JSON at all: the reader's error.
        let err = DynamicMachine::compile("M", "{\"StartAt\": ", &opts).unwrap_err();
        assert_eq!(codes(&err), asl_check("{\"StartAt\": ", &opts));
        assert_eq!(err[0].code.as_str(), "INVALID_JSON_DESCRIPTION");
    }

    #[test]
    fn express_rules_apply_asl_val_25() {
        let def = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}"#;
        let express = CheckOptions {
            machine_type: MachineType::Express,
            ..CheckOptions::default()
        };
        let err = DynamicMachine::compile("X", def, &express).unwrap_err();
        assert_eq!(codes(&err), asl_check(def, &express));
        assert!(err.iter().any(Diagnostic::is_error));
        let d = DynamicMachine::compile("X", def, &CheckOptions::default()).unwrap();
        assert!(!d.descriptor().express);
    }

    #[test]
    fn warnings_are_kept() {
        let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"x": "$.a"}, "End": true}}}"#;
        let d = DynamicMachine::compile("W", def, &CheckOptions::default()).unwrap();
        assert_eq!(
            codes(d.warnings()),
            [("NO_DOLLAR".to_string(), "/States/P/Parameters".to_string())]
        );
    }

    const FLOW: &str = r#"{
      "StartAt": "Price",
      "States": {
        "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "ResultSelector": {"total.$": "$.Payload"}, "ResultPath": "$.price",
                  "Assign": {"limit": 100}, "Next": "Check"},
        "Check": {"Type": "Choice", "Default": "Cheap",
                  "Choices": [{"And": [{"Variable": "$.price.total.n", "IsNumeric": true},
                                       {"Variable": "$.price.total.n", "NumericGreaterThanPath": "$limit"}],
                               "Next": "Dear"}]},
        "Dear": {"Type": "Fail", "Error": "TooDear", "CausePath": "States.Format('{} > 100', $.price.total.n)"},
        "Cheap": {"Type": "Pass", "Parameters": {"ok.$": "$.price.total.n"}, "End": true}
      }
    }"#;

    #[tokio::test(start_paused = true)]
    async fn runs_in_memory_with_a_handler() {
        let d = DynamicMachine::compile("Flow", FLOW, &CheckOptions::default()).unwrap();
        let bound = d.with_dynamic(handler_fn(|input, ctx| async move {
            assert_eq!(ctx.state, "Price");
            Ok(json!({ "Payload": input }))
        }));
        assert_eq!(bound.run(json!({"n": 7})).await, Ok(json!({"ok": 7})));
        let e = bound.run(json!({"n": 700})).await.unwrap_err();
        assert_eq!(e.error.as_deref(), Some("TooDear"));
        assert_eq!(e.cause.as_deref(), Some("700 > 100"));
        // A Variable that selects nothing: AWS's States.Runtime cause (ASL-SUB-30).
        let run = bound.execute(json!({}), &Options::default()).await;
        let e = run.result.unwrap_err();
        assert_eq!(e.error.as_deref(), Some("States.Runtime"));
        let cause = e.cause.unwrap();
        assert!(
            cause.ends_with(&crate::choice::missing_variable_cause("$.price.total.n")),
            "{cause}"
        );
        assert!(cause.starts_with("An error occurred while executing the state 'Check'"));
    }

    #[tokio::test(start_paused = true)]
    async fn registers_with_the_engine() {
        let engine = crate::engine::Engine::new(crate::store::MemoryStore::new())
            .with_tokio_clock(jiff::Timestamp::UNIX_EPOCH);
        let d = DynamicMachine::compile("Flow", FLOW, &CheckOptions::default()).unwrap();
        let h = handler_fn(|_, _| async { Ok(json!({"Payload": {"n": 3}})) });
        let arn = engine.register("Flow", d.with_dynamic(h));
        let started = engine.start_execution(&arn, Some("one"), "{}").unwrap();
        let closed = engine.wait(&started.execution_arn).await.unwrap();
        assert_eq!(closed.status.as_str(), "SUCCEEDED");
        assert_eq!(closed.output.as_deref(), Some(r#"{"ok":3}"#));
    }
}
