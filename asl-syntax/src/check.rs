//! Rules over the whole machine: transitions and reachability, terminal states, state names,
//! error matching, resources, Express restrictions, Map labels, variable scopes, and the
//! identifiers generated code will use. (Rules about one object's shape are in
//! [`crate::parse`].)

use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ident;
use crate::span::{Span, Spanned};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Longest state name AWS accepts (ASL-ST-02, ASL-Q-05).
pub const MAX_STATE_NAME: usize = 80;
/// Longest Map `Label` (ASL-DMAP-06).
pub const MAX_LABEL: usize = 40;

/// Runs the machine-wide rules listed in the module docs on a parsed machine, checked as
/// `machine_type`, pushing every problem to `diags`.
pub fn check_machine(m: &Machine, opts: &crate::CheckOptions, diags: &mut Diagnostics) {
    let mut cx = Checker {
        diags,
        machine_type: opts.machine_type,
    };
    cx.scope(&m.scope, &[]);
    cx.variable_flow(&m.scope, &BTreeSet::new());
    cx.names(m);
    cx.labels(m);
    cx.idents(m);
    cx.methods(m, &opts.methods);
}

struct Checker<'d> {
    diags: &'d mut Diagnostics,
    machine_type: MachineType,
}

impl Checker<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn err(&mut self, code: Code, msg: impl Into<String>, span: Span, pointer: impl Into<String>) {
        self.push(Diagnostic::error(code, msg, span).with_pointer(pointer));
    }

    /// ASL-VAL-03/04: a transition to a state the scope does not have, with the closest name
    /// as a help when one is close (a misspelling, a different case).
    fn missing_target(&mut self, target: &Spanned<String>, pointer: String, names: &HashSet<&str>) {
        let mut d = Diagnostic::error(
            Code::MissingTransitionTarget,
            format!("Missing 'Next' target: {}", target.value),
            target.span,
        )
        .with_pointer(pointer);
        if let Some(close) = closest(&target.value, names) {
            d = d.with_help(format!(
                "a state named \"{close}\" exists: did you mean it?"
            ));
        }
        self.push(d);
    }

    /// One `StartAt`/`States` scope, then its nested scopes. `outer_vars` are the variables
    /// assigned in enclosing scopes (ASL-VAR-07).
    fn scope(&mut self, scope: &Scope, outer_vars: &[(String, Span)]) {
        let names: HashSet<&str> = scope.states.iter().map(|s| s.name.value.as_str()).collect();
        let start_ptr = format!("{}/StartAt", scope.pointer);

        // ASL-VAL-03.
        let start_ok =
            !scope.start_at.value.is_empty() && names.contains(scope.start_at.value.as_str());
        if !start_ok && !scope.start_at.value.is_empty() {
            self.missing_target(&scope.start_at, start_ptr, &names);
        }

        // ASL-VAL-04 / ASL-ST-06: transitions stay inside the scope.
        for s in &scope.states {
            for (target, ptr) in s.targets() {
                if !target.value.is_empty() && !names.contains(target.value.as_str()) {
                    self.missing_target(target, ptr, &names);
                }
            }
        }

        // ASL-VAL-06 then ASL-VAL-05 (unreachable states are only reported when the scope
        // has a terminal state, as AWS does).
        if !scope.states.is_empty() && !scope.states.iter().any(State::is_terminal) {
            let span = if scope.start_at.span.is_dummy() {
                scope.span
            } else {
                scope.start_at.span
            };
            self.push(
                Diagnostic::error(
                    Code::MissingEndState,
                    "Workflow has no terminal state",
                    span,
                )
                .with_pointer(if scope.pointer.is_empty() {
                    String::new()
                } else {
                    scope.pointer.clone()
                }),
            );
        } else if start_ok {
            let mut seen: HashSet<&str> = HashSet::new();
            let mut stack = vec![scope.start_at.value.as_str()];
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                if let Some(s) = scope.get(n) {
                    stack.extend(s.targets().into_iter().map(|(t, _)| t.value.as_str()));
                }
            }
            for s in &scope.states {
                if !seen.contains(s.name.value.as_str()) {
                    self.err(
                        Code::MissingTransitionTarget,
                        format!("State \"{}\" is not reachable.", s.name.value),
                        s.name.span,
                        s.pointer.clone(),
                    );
                }
            }
        }

        // Variables assigned in this scope (ASL-VAR-06/07).
        let mut here: Vec<(String, Span)> = Vec::new();
        for s in &scope.states {
            let mut assigns: Vec<&crate::span::Spanned<crate::template::Template>> =
                s.assign.iter().collect();
            if let StateKind::Choice(c) = &s.kind {
                assigns.extend(c.choices.iter().filter_map(|r| r.assign.as_ref()));
            }
            if let Some(rh) = s.result_handling() {
                assigns.extend(rh.catch.iter().filter_map(|c| c.assign.as_ref()));
            }
            for a in assigns {
                if let crate::template::Template::Object(fields) = &a.value {
                    for f in fields.iter() {
                        if let Some((_, outer)) =
                            outer_vars.iter().find(|(n, _)| n == f.key.as_ref())
                        {
                            self.push(
                                Diagnostic::error(
                                    Code::SchemaValidationFailed,
                                    format!(
                                        "The variable '{}' is assigned in an enclosing scope and cannot be assigned again inside a Parallel branch or Map iteration",
                                        f.key
                                    ),
                                    a.span,
                                )
                                .with_pointer(format!("{}/Assign", s.pointer))
                                .with_note(*outer, "assigned in the enclosing scope here"),
                            );
                        }
                        here.push((f.key.to_string(), a.span));
                    }
                }
            }
        }

        for s in &scope.states {
            self.state(s);
        }

        let mut inner_outer: Vec<(String, Span)> = outer_vars.to_vec();
        inner_outer.extend(here);
        for s in &scope.states {
            for child in s.child_scopes() {
                self.scope(child, &inner_outer);
            }
        }
    }

    /// ASL-VAR-09: a variable read in a state that no `Assign` on any path to it (in its
    /// scope, or before the enclosing Parallel or Map state) can have set. A forward may-assign
    /// analysis over the scope's transitions; reported as a warning, since the read may sit in
    /// a branch of the expression that never runs (JSONata's `$exists($x)` is fine).
    fn variable_flow(&mut self, scope: &Scope, entry: &BTreeSet<String>) {
        let index: HashMap<&str, usize> = scope
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.value.as_str(), i))
            .collect();
        let mut input: Vec<Option<BTreeSet<String>>> = vec![None; scope.states.len()];
        let Some(&start) = index.get(scope.start_at.value.as_str()) else {
            return;
        };
        input[start] = Some(entry.clone());
        let mut work = vec![start];
        while let Some(i) = work.pop() {
            let s = &scope.states[i];
            let mut out = input[i].clone().unwrap_or_default();
            out.extend(assigned_names(s));
            for (t, _) in s.targets() {
                let Some(&j) = index.get(t.value.as_str()) else {
                    continue;
                };
                let first = input[j].is_none();
                let set = input[j].get_or_insert_with(BTreeSet::new);
                let before = set.len();
                set.extend(out.iter().cloned());
                if first || set.len() != before {
                    work.push(j);
                }
            }
        }
        for (i, s) in scope.states.iter().enumerate() {
            // Unreachable states are reported as such.
            let Some(known) = &input[i] else { continue };
            let mut reads: BTreeSet<String> = BTreeSet::new();
            s.visit_paths(&mut |p| {
                if let crate::path::Root::Variable(v) = &p.root {
                    reads.insert(v.to_string());
                }
            });
            s.visit_jsonata(&mut |p| {
                reads.extend(crate::jsonata::references(p.expr()).variables);
            });
            for v in reads.difference(known) {
                self.push(
                    Diagnostic::warning(
                        Code::AslUnassignedVariable,
                        format!(
                            "state '{}' reads the variable ${v}, but no Assign on any path to it sets it (ASL-VAR-09: the read finds nothing)",
                            s.name.value
                        ),
                        s.name.span,
                    )
                    .with_pointer(s.pointer.clone()),
                );
            }
            let distributed = matches!(&s.kind, StateKind::Map(m) if m.processor.mode == ProcessorMode::Distributed);
            for child in s.child_scopes() {
                // A Distributed Map's iterations see no variables (ASL-VAR-06).
                let inner = if distributed {
                    BTreeSet::new()
                } else {
                    known.clone()
                };
                self.variable_flow(child, &inner);
            }
        }
    }

    fn state(&mut self, s: &State) {
        // ASL-VAL-08.
        let len = s.name.value.chars().count();
        if len == 0 || len > MAX_STATE_NAME {
            self.err(
                Code::InvalidStateName,
                format!("State name must be 1 to {MAX_STATE_NAME} characters long, found {len}"),
                s.name.span,
                s.pointer.clone(),
            );
        } else if s.name.value.chars().any(char::is_control) {
            self.err(
                Code::InvalidStateName,
                "State name must not contain control characters",
                s.name.span,
                s.pointer.clone(),
            );
        }

        if let Some(rh) = s.result_handling() {
            self.error_matchers(
                rh.retry
                    .iter()
                    .map(|r| (&r.error_equals, r.pointer.as_str()))
                    .collect(),
                "Retry",
            );
            self.error_matchers(
                rh.catch
                    .iter()
                    .map(|c| (&c.error_equals, c.pointer.as_str()))
                    .collect(),
                "Catch",
            );
        }

        match &s.kind {
            StateKind::Task(t) => self.task(s, t),
            StateKind::Map(m) => self.map(s, m),
            _ => {}
        }
    }

    /// ASL-RT-02 / ASL-SUB-20: `States.ALL` alone in its `ErrorEquals`, and in the last entry.
    fn error_matchers(
        &mut self,
        lists: Vec<(&Vec<crate::span::Spanned<String>>, &str)>,
        field: &str,
    ) {
        let n = lists.len();
        for (i, (errs, ptr)) in lists.into_iter().enumerate() {
            for e in errs {
                if e.value == "States.ALL" {
                    if errs.len() > 1 {
                        self.err(
                            Code::SchemaValidationFailed,
                            "'States.ALL' must appear alone in 'ErrorEquals'",
                            e.span,
                            format!("{ptr}/ErrorEquals"),
                        );
                    } else if i + 1 != n {
                        self.err(
                            Code::SchemaValidationFailed,
                            format!("'States.ALL' must be in the last element of '{field}'"),
                            e.span,
                            format!("{ptr}/ErrorEquals"),
                        );
                    }
                }
            }
        }
    }

    fn task(&mut self, s: &State, t: &Task) {
        let r = &t.resource;
        let ptr = format!("{}/Resource", s.pointer);
        if r.value.is_empty() {
            return;
        }
        if let Some(why) = invalid_resource(&r.value, &t.resource_kind) {
            self.err(Code::InvalidResource, why, r.span, ptr.clone());
            return;
        }
        // ASL-VAL-25.
        if self.machine_type == MachineType::Express {
            let msg = match &t.resource_kind {
                ResourceKind::Activity => Some("Express state machine does not support Activity ARN".to_string()),
                ResourceKind::Integration { pattern: IntegrationPattern::Sync | IntegrationPattern::Sync2, .. } => {
                    Some("Express state machine does not support '.sync' service integration".to_string())
                }
                ResourceKind::Integration { pattern: IntegrationPattern::WaitForTaskToken, .. } => {
                    Some("Express state machine does not support '.waitForTaskToken' service integration".to_string())
                }
                _ => None,
            };
            if let Some(msg) = msg {
                self.err(Code::SchemaValidationFailed, msg, r.span, ptr);
            }
        }
    }

    fn map(&mut self, s: &State, m: &Map) {
        let distributed = m.processor.mode == ProcessorMode::Distributed;
        if distributed && self.machine_type == MachineType::Express {
            self.err(
                Code::SchemaValidationFailed,
                "Express state machine does not support Distributed Map",
                s.name.span,
                s.pointer.clone(),
            );
        }
        if let Some(b) = &m.item_batcher
            && b.max_items_per_batch.is_none()
            && b.max_input_bytes_per_batch.is_none()
        {
            self.err(
                Code::SchemaValidationFailed,
                "'ItemBatcher' must set 'MaxItemsPerBatch' or 'MaxInputBytesPerBatch'",
                b.span,
                format!("{}/ItemBatcher", s.pointer),
            );
        }
        if let Some(w) = &m.result_writer {
            let has_target =
                w.resource.is_some() && (w.parameters.is_some() || w.arguments.is_some());
            let has_config = w.writer_transformation.is_some() || w.writer_output_type.is_some();
            if !has_target && !has_config {
                self.err(
                    Code::SchemaValidationFailed,
                    "'ResultWriter' must have 'WriterConfig', or 'Resource' with 'Parameters' or 'Arguments'",
                    w.span,
                    format!("{}/ResultWriter", s.pointer),
                );
            }
        }
        if let Some(l) = &m.label {
            let ok_chars = l
                .value
                .chars()
                .all(|c| !c.is_control() && !" <>{}[]?*\"#%\\^|~`$&,;:/".contains(c));
            if l.value.chars().count() > MAX_LABEL || l.value.is_empty() || !ok_chars {
                self.err(
                    Code::InvalidLabelName,
                    format!(
                        "Label must be 1 to {MAX_LABEL} characters long and must not contain whitespace, brackets, wildcards or special characters"
                    ),
                    l.span,
                    format!("{}/Label", s.pointer),
                );
            }
        }
    }

    /// ASL-VAL-07: names are unique across the whole machine, nested scopes included.
    fn names(&mut self, m: &Machine) {
        let mut seen: HashMap<&str, &State> = HashMap::new();
        for s in m.all_states() {
            if let Some(first) = seen.get(s.name.value.as_str()) {
                if first.pointer == s.pointer {
                    // The same key twice in one `States` object: the reader reported it.
                    continue;
                }
                self.push(
                    Diagnostic::error(
                        Code::DuplicateStateName,
                        format!("Duplicate State name: {}", s.name.value),
                        s.name.span,
                    )
                    .with_pointer(s.pointer.clone())
                    .with_note(first.name.span, "first defined here"),
                );
            } else {
                seen.insert(&s.name.value, s);
            }
        }
    }

    /// ASL-DMAP-06: Map labels are unique per definition.
    fn labels(&mut self, m: &Machine) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for s in m.all_states() {
            if let StateKind::Map(map) = &s.kind
                && let Some(l) = &map.label
            {
                if let Some(first) = seen.get(l.value.as_str()) {
                    self.push(
                        Diagnostic::error(
                            Code::DuplicateLabelName,
                            format!("Duplicate Label name: {}", l.value),
                            l.span,
                        )
                        .with_pointer(format!("{}/Label", s.pointer))
                        .with_note(*first, "first used here"),
                    );
                } else {
                    seen.insert(&l.value, l.span);
                }
            }
        }
    }

    /// Our own check: generated code names every state in an enum variant. Two names that
    /// convert to the same identifier are valid ASL, so this is a warning.
    fn idents(&mut self, m: &Machine) {
        let states = m.all_states();
        let mut variants: HashMap<String, &State> = HashMap::new();
        for s in &states {
            let v = ident::variant_name(&s.name.value);
            if let Some(first) = variants.get(&v) {
                if first.name.value != s.name.value {
                    self.push(
                        Diagnostic::warning(
                            Code::AslIdentCollision,
                            format!(
                                "state names \"{}\" and \"{}\" both become the Rust identifier `{v}`",
                                first.name.value, s.name.value
                            ),
                            s.name.span,
                        )
                        .with_pointer(s.pointer.clone())
                        .with_note(first.name.span, "the other state is defined here")
                        .with_help("generated code will name the second one with a numeric suffix; rename one of the states to choose"),
                    );
                }
            } else {
                variants.insert(v, s);
            }
        }
    }

    /// Our own check: each Task state is bound to one handler method. Two states whose names
    /// become the same method are valid ASL: the second gets a numbered name, with a warning
    /// naming both; a chosen name must be a Rust identifier, for a Task state of the machine.
    fn methods(&mut self, m: &Machine, chosen: &[(String, String)]) {
        for (state, method) in chosen {
            let task = m
                .all_states()
                .into_iter()
                .find(|s| s.name.value == *state)
                .filter(|s| matches!(s.kind, StateKind::Task(_)));
            if task.is_none() {
                self.push(Diagnostic::error(
                    Code::AslIdentCollision,
                    format!("a handler method name was chosen for \"{state}\", which is not a Task state of this machine"),
                    m.scope.span,
                ));
            }
            if !ident::is_method_ident(method) {
                self.push(Diagnostic::error(
                    Code::AslIdentCollision,
                    format!("the handler method name chosen for \"{state}\", `{method}`, is not a Rust identifier"),
                    m.scope.span,
                ));
            }
        }
        for c in ident::method_names(m, chosen).collisions {
            self.push(
                Diagnostic::warning(
                    Code::AslIdentCollision,
                    format!(
                        "Task states \"{}\" and \"{}\" both become the handler method `{}`: the second is named `{}`",
                        c.first.name.value, c.second.name.value, c.base, c.method
                    ),
                    c.second.name.span,
                )
                .with_pointer(c.second.pointer.clone())
                .with_note(c.first.name.span, "the other Task state is defined here")
                .with_help(format!(
                    "choose its name: `#[asl(methods(\"{}\" = name))]` on `asl!`, or `Builder::method`",
                    c.second.name.value
                )),
            );
        }
    }
}

/// Optimised integrations whose actions AWS checks (ASL-TK-01); services not listed here are
/// accepted with any action. Source: the AWS developer guide's per-service integration pages.
const KNOWN_ACTIONS: &[(&str, &[&str])] = &[
    ("lambda", &["invoke"]),
    (
        "dynamodb",
        &["getItem", "putItem", "deleteItem", "updateItem"],
    ),
    ("sns", &["publish"]),
    ("sqs", &["sendMessage"]),
    ("states", &["startExecution"]),
    ("events", &["putEvents"]),
    ("glue", &["startJobRun"]),
    ("batch", &["submitJob"]),
    ("ecs", &["runTask"]),
    ("http", &["invoke"]),
    ("apigateway", &["invoke"]),
    (
        "codebuild",
        &[
            "startBuild",
            "stopBuild",
            "batchDeleteBuilds",
            "batchGetReports",
            "startBuildBatch",
            "retryBuild",
            "retryBuildBatch",
            "stopBuildBatch",
            "deleteBuildBatch",
            "batchGetBuildBatches",
        ],
    ),
    (
        "athena",
        &[
            "startQueryExecution",
            "stopQueryExecution",
            "getQueryExecution",
            "getQueryResults",
            "startQueryExecution",
        ],
    ),
];

/// `${Name}` somewhere in the string, closed.
fn is_placeholder(r: &str) -> bool {
    r.find("${")
        .is_some_and(|i| r[i + 2..].find('}').is_some_and(|j| j > 0))
}

/// Why a `Resource` is not one AWS would accept, if it is not (ASL-VAL-12).
fn invalid_resource(r: &str, kind: &ResourceKind) -> Option<String> {
    // A deployment-time substitution (`${LambdaArn}`, CloudFormation/SAM DefinitionSubstitutions)
    // is accepted: the value is only known when the definition is deployed.
    if is_placeholder(r) {
        return None;
    }
    if !r.starts_with("arn:") {
        return Some(format!("The resource '{r}' is not a valid resource ARN"));
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    if parts.len() < 6 || parts[1].is_empty() || parts[2].is_empty() {
        return Some(format!("The resource '{r}' is not a valid resource ARN"));
    }
    if let ResourceKind::Integration {
        service, action, ..
    } = kind
        && !service.starts_with("aws-sdk:")
        && let Some((_, actions)) = KNOWN_ACTIONS.iter().find(|(s, _)| s == service)
        && !actions.contains(&action.as_str())
    {
        return Some(format!(
            "The resource provided {r} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."
        ));
    }
    if let ResourceKind::LambdaFunction = kind {
        // arn:aws:lambda:region:account:function:name[:alias|version]
        let name = parts[5].strip_prefix("function:").unwrap_or("");
        let mut it = name.split(':');
        let fname = it.next().unwrap_or("");
        let qualifier = it.next();
        let ok_name = !fname.is_empty()
            && fname
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let ok_qual = qualifier.is_none_or(|q| {
            !q.is_empty()
                && q.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '$')
        });
        if !ok_name || !ok_qual || it.next().is_some() {
            return Some(format!(
                "The resource '{r}' is not a valid Lambda function ARN"
            ));
        }
    }
    None
}

/// The name among `names` closest to `wanted`, if it is close enough to be a misspelling of
/// it (normalized Damerau-Levenshtein similarity of at least 0.7, ignoring case).
fn closest<'n>(wanted: &str, names: &HashSet<&'n str>) -> Option<&'n str> {
    let wanted = wanted.to_lowercase();
    names
        .iter()
        .map(|n| {
            (
                strsim::normalized_damerau_levenshtein(&wanted, &n.to_lowercase()),
                *n,
            )
        })
        .filter(|(sim, _)| *sim >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, n)| n)
}

/// The variables a state's `Assign`s set (the state's, its Choice rules', its catchers').
fn assigned_names(s: &State) -> Vec<String> {
    let mut assigns: Vec<&crate::template::Template> = s.assign.iter().map(|a| &a.value).collect();
    if let StateKind::Choice(c) = &s.kind {
        assigns.extend(
            c.choices
                .iter()
                .filter_map(|r| r.assign.as_ref().map(|a| &a.value)),
        );
    }
    if let Some(rh) = s.result_handling() {
        assigns.extend(
            rh.catch
                .iter()
                .filter_map(|c| c.assign.as_ref().map(|a| &a.value)),
        );
    }
    let mut out = Vec::new();
    for a in assigns {
        if let crate::template::Template::Object(fields) = a {
            out.extend(fields.iter().map(|f| f.key.to_string()));
        }
    }
    out
}
