//! What the runtime's descriptor of a checked machine is made of, decided once for both of
//! its builders: the compiler (`asl-codegen`, which writes it as a `static`) and the runtime's
//! dynamic machines (`asl_runtime::dynamic`, which build it when a definition arrives at run
//! time). Both call these functions, so a machine compiled either way is laid out the same.
//!
//! - [`Layout`]: every state of every scope in one array (depth first, source order), each
//!   transition resolved to an index, the Task states in handler order.
//! - [`unsupported`]: states the runtime cannot run yet, which fail loudly when entered.
//! - [`uses_context`], [`context_input`]: what a state reads of `$$`, so the driver builds the
//!   context object only where it is read.
//! - [`resource_type`]: which events a Task records.
//! - [`io_path`]: an `InputPath`/`OutputPath`/`ResultPath` as the driver tells them apart.

use std::collections::HashMap;

use crate::ast::{
    self, IntegrationPattern, Machine, ProcessorMode, ResourceKind, Scope, State, Tri,
};
use crate::path::{Path, Root, Segment, Selector};

/// The states of a machine as the runtime indexes them (its `StateId`s).
#[derive(Debug)]
pub struct Layout<'m> {
    /// Every state of every scope (the machine, Parallel branches, Map processors), depth
    /// first in source order ([`Machine::all_states`]): a state's position is its index.
    pub states: Vec<&'m State>,
    /// The index of the top-level `StartAt`.
    pub start: u32,
    /// Task states in handler order, with their method names ([`crate::ident::method_names`]).
    pub methods: Vec<(String, &'m State)>,
    /// For each state, its scope (index into `scopes`).
    scope_of: Vec<usize>,
    /// For each scope, its state names → indexes.
    scopes: Vec<HashMap<&'m str, u32>>,
    /// For each Parallel/Map state, the start index of each child scope.
    children: HashMap<usize, Vec<u32>>,
}

impl<'m> Layout<'m> {
    /// Lays `m` out; `chosen` are the handler method names the user chose (`(state, method)`).
    pub fn new(m: &'m Machine, chosen: &[(String, String)]) -> Self {
        let mut l = Layout {
            states: Vec::new(),
            start: 0,
            methods: Vec::new(),
            scope_of: Vec::new(),
            scopes: Vec::new(),
            children: HashMap::new(),
        };
        l.start = l.walk(&m.scope);
        l.methods = crate::ident::method_names(m, chosen)
            .methods
            .into_iter()
            .map(|(s, method)| (method, s))
            .collect();
        l
    }

    fn walk(&mut self, scope: &'m Scope) -> u32 {
        let sid = self.scopes.len();
        self.scopes.push(HashMap::new());
        for s in &scope.states {
            let idx = self.states.len();
            self.states.push(s);
            self.scope_of.push(sid);
            self.scopes[sid].insert(&s.name.value, idx as u32);
            let starts: Vec<u32> = s.child_scopes().into_iter().map(|c| self.walk(c)).collect();
            if !starts.is_empty() {
                self.children.insert(idx, starts);
            }
        }
        self.scopes[sid]
            .get(scope.start_at.value.as_str())
            .copied()
            .unwrap_or(0)
    }

    /// The index of the state named `name` in the scope of state `idx` (0 when there is none:
    /// only a definition with errors has such a transition).
    pub fn target(&self, idx: usize, name: &str) -> u32 {
        self.scopes[self.scope_of[idx]]
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    /// The start index of each child scope of state `idx`: a Parallel's branches in order, a
    /// Map's processor (empty for other states).
    pub fn children(&self, idx: usize) -> &[u32] {
        self.children.get(&idx).map_or(&[], Vec::as_slice)
    }

    /// The handler method index of a Task state (into [`Layout::methods`]): the first method
    /// bound to a state of that name.
    pub fn handler_of(&self, s: &State) -> u32 {
        self.methods
            .iter()
            .position(|(_, t)| t.name.value == s.name.value)
            .unwrap_or(0) as u32
    }

    /// The state index of each handler method, in handler order (`Machine::tasks`).
    pub fn tasks(&self) -> Vec<u32> {
        self.methods
            .iter()
            .map(|(_, s)| {
                self.states
                    .iter()
                    .position(|x| std::ptr::eq(*x, *s))
                    .unwrap_or(0) as u32
            })
            .collect()
    }

    /// Whether any state may read `$$.Execution.Input` (`Machine::keeps_input`).
    pub fn keeps_input(&self) -> bool {
        self.states.iter().any(|s| context_input(s))
    }
}

/// Why the runtime cannot run a state yet, so it fails loudly instead of computing something
/// else. Every state runs today; the hook stays for features added to the language later.
pub fn unsupported(_s: &State) -> Option<&'static str> {
    None
}

/// Whether a Map state is distributed (ASL-DMAP-01): its mode says so, or it has a field only
/// a Distributed Map has.
pub fn distributed(m: &crate::ast::Map) -> bool {
    m.processor.mode == ProcessorMode::Distributed
        || m.item_reader.is_some()
        || m.item_batcher.is_some()
        || m.result_writer.is_some()
}

/// Whether a JSONata expression of the state reads `$states.context`.
fn jsonata_context(s: &State) -> bool {
    let mut ctx = false;
    s.visit_jsonata(&mut |p| {
        let r = crate::jsonata::references(p.expr());
        ctx |= r.states_context || r.states_whole;
    });
    ctx
}

/// Whether a `$$` path of the state may reach `$$.Execution.Input` (conservative: anything
/// but a member path that leaves `Execution.Input` out).
pub fn context_input(s: &State) -> bool {
    fn reaches(p: &Path) -> bool {
        if p.root != Root::Context {
            return false;
        }
        match p.segments.first() {
            None => true,
            Some(Segment::Child(Selector::Name(n))) if n != "Execution" => false,
            Some(Segment::Child(Selector::Name(_))) => match p.segments.get(1) {
                Some(Segment::Child(Selector::Name(n))) => n == "Input",
                _ => true,
            },
            _ => true,
        }
    }
    let mut any = jsonata_context(s);
    s.visit_paths(&mut |p| any |= reaches(p));
    any
}

/// Whether the state reads `$$` (or `$states.context`) anywhere.
pub fn uses_context(s: &State) -> bool {
    let mut ctx = jsonata_context(s);
    s.visit_paths(&mut |p| ctx |= p.root == Root::Context);
    ctx
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

/// The [`ResourceType`] of a Task, which decides the events it records (ASL-EV-03/04/05).
pub fn resource_type(t: &ast::Task) -> ResourceType {
    match &t.resource_kind {
        ResourceKind::LambdaFunction => ResourceType::Lambda,
        ResourceKind::Activity => ResourceType::Activity,
        ResourceKind::Integration { pattern, .. } => match pattern {
            IntegrationPattern::Sync | IntegrationPattern::Sync2 => ResourceType::Sync,
            IntegrationPattern::WaitForTaskToken => ResourceType::Callback,
            IntegrationPattern::RequestResponse => ResourceType::Integration,
        },
        ResourceKind::Other => ResourceType::Integration,
    }
}

/// An `InputPath`, `OutputPath` or `ResultPath` as the runtime tells them apart (ASL-SUB-01).
#[derive(Clone, Copy, Debug)]
pub enum IoPath<'a> {
    /// Absent, or `"$"`.
    Identity,
    /// `null`.
    Null,
    /// Any other path.
    Path(&'a Path),
}

/// What an `InputPath`, `OutputPath` or `ResultPath` field is: `"$"` acts as the field's
/// absence (ASL-IO-02/08, ASL-IO-07).
pub fn io_path(t: &Tri<Path>) -> IoPath<'_> {
    match t {
        Tri::Absent => IoPath::Identity,
        Tri::Null(_) => IoPath::Null,
        Tri::Value(p)
            if p.value.root == Root::Input
                && p.value.segments.is_empty()
                && p.value.function.is_none() =>
        {
            IoPath::Identity
        }
        Tri::Value(p) => IoPath::Path(&p.value),
    }
}

/// The literal instant of a Wait's `Timestamp`, as Unix seconds (truncated, ASL-SUB-37);
/// 0 for text the front end rejected.
pub fn wait_timestamp(text: &str) -> i64 {
    crate::timestamp::parse(text).map_or(0, |t| t.as_second())
}

/// The definition as the descriptor keeps it: compact JSON, key order kept (empty when it is
/// not JSON).
pub fn compact_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_default()
}
