//! Tokens for one compiled machine: a module holding the state enum, the handler trait, the
//! machine type, one `static` descriptor, the compiled Choice rules and the step function of
//! the lowered states. What each state becomes is decided in [`crate::lower`]; this module
//! only writes it out.
//!
//! The shape follows the measured build cost (DESIGN.md "Why thin code"): everything known at
//! compile time becomes static data read by the runtime's one non-generic driver; the code per
//! machine is the Choice function (rules as Rust boolean expressions), the step function
//! (small Pass templates built in place, `States.MathAdd` as a call), and a `match`
//! dispatching Task calls to the handler trait, monomorphised once per handler type.

use std::collections::HashMap;

use asl_syntax::ast::{
    self, Cmp, Condition, Dynamic, FailField, Machine, Op, Operand, Rule, StateKind, Transition,
    Tri,
};
use asl_syntax::ident;
use asl_syntax::layout::{self, Layout};
use asl_syntax::path::{Path, Root, Segment, Selector};
use asl_syntax::template::Num;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use syn::{Attribute, Visibility};

use crate::Compiled;
use crate::lower::{self, Expr, Key, ResultPlan, StepPlan};
use crate::statics;

pub fn machine(c: &Compiled, vis: &Visibility, name: &Ident, attrs: &[&Attribute]) -> TokenStream {
    let Some(m) = &c.machine else {
        return TokenStream::new();
    };
    Emitter::new(m, c.has_errors(), &c.methods).emit(c, vis, name, attrs, c.express)
}

/// The machine's layout (states of all scopes in one array, depth first in source order,
/// [`asl_syntax::layout::Layout`]) and whether the definition has errors.
struct Emitter<'m> {
    layout: Layout<'m>,
    /// The definition has errors: emit the public surface only (state enum, handler trait,
    /// machine type), so one mistake is one compile error, not forty; running it fails.
    broken: bool,
}

impl<'m> Emitter<'m> {
    fn new(m: &'m Machine, broken: bool, chosen: &[(String, String)]) -> Self {
        Emitter {
            layout: Layout::new(m, chosen),
            broken,
        }
    }

    fn target(&self, idx: usize, name: &str) -> u32 {
        self.layout.target(idx, name)
    }

    fn emit(
        &self,
        c: &Compiled,
        vis: &Visibility,
        name: &Ident,
        attrs: &[&Attribute],
        express: bool,
    ) -> TokenStream {
        let m = c.machine.as_ref().expect("checked by caller");
        let module = format_ident!("{}", ident::module_name(&name.to_string()));
        let name_str = name.to_string();
        let definition = &c.definition_json;
        let attrs: Vec<_> = attrs.iter().filter(|a| !a.path().is_ident("asl")).collect();

        // The state enum.
        let mut used = HashMap::new();
        let variants: Vec<Ident> = self
            .layout
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = ident::variant_name(&s.name.value);
                let n = used.entry(v.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    v = format!("{v}{n}");
                }
                syn::parse_str::<Ident>(&v).unwrap_or_else(|_| format_ident!("S{}", i))
            })
            .collect();
        let state_names: Vec<&str> = self
            .layout
            .states
            .iter()
            .map(|s| s.name.value.as_str())
            .collect();
        let state_docs: Vec<String> = self
            .layout
            .states
            .iter()
            .map(|s| format!(" `{}` ({})", s.name.value, s.kind.type_name()))
            .collect();

        // The handler trait and its dispatch.
        let method_idents: Vec<Ident> = self
            .layout
            .methods
            .iter()
            .map(|(n, _)| syn::parse_str::<Ident>(n).unwrap_or_else(|_| format_ident!("task_")))
            .collect();
        let method_docs: Vec<String> = self
            .layout
            .methods
            .iter()
            .map(|(_, s)| {
                let res = match &s.kind {
                    StateKind::Task(t) => t.resource.value.as_str(),
                    _ => "",
                };
                format!(" The Task state `{}` (`{res}`).", s.name.value)
            })
            .collect();
        let indexes: Vec<u32> = (0..self.layout.methods.len() as u32).collect();
        let unit_handler = if self.layout.methods.is_empty() {
            quote! {
                /// This machine has no Task state, so it needs no handler.
                impl Handler for () {}

                impl ::core::default::Default for #name {
                    fn default() -> Self {
                        #name::new(())
                    }
                }
            }
        } else {
            TokenStream::new()
        };

        let states: Vec<TokenStream> = if self.broken {
            Vec::new()
        } else {
            (0..self.layout.states.len())
                .map(|i| self.state(i))
                .collect()
        };
        let start = self.layout.start;
        let timeout = statics::opt(m.timeout_seconds.as_ref().map(|t| &t.value), |t| quote!(#t));
        let tasks: Vec<u32> = if self.broken {
            Vec::new()
        } else {
            self.layout.tasks()
        };
        let choose = self.choose();
        let (step_fn, step) = match self.step() {
            Some(f) => (f, quote!(step)),
            None => (TokenStream::new(), quote!(m::no_step)),
        };
        let keeps_input = self.layout.keeps_input();
        let doc = format!(
            " The state machine `{name_str}`, compiled from its ASL definition at build time."
        );
        let mod_doc = format!(" Generated by asl for the state machine `{name_str}`.");

        quote! {
            #[doc = #mod_doc]
            #[allow(clippy::all, unused_imports, unused_variables, unused_parens, non_camel_case_types)]
            #vis mod #module {
                use ::asl_runtime::__private::asl_syntax as s;
                use ::asl_runtime::machine as m;
                use ::asl_runtime::choice as c;
                use ::std::borrow::Cow;

                /// The states of the machine, nested ones included, depth first in source order.
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum State {
                    #( #[doc = #state_docs] #variants, )*
                }

                impl State {
                    /// Every state, in declaration order.
                    pub const ALL: &'static [State] = &[#(State::#variants),*];

                    /// The state's name in the definition.
                    pub const fn name(self) -> &'static str {
                        match self { #(State::#variants => #state_names,)* }
                    }

                    /// The state with this name.
                    pub fn from_name(name: &str) -> ::core::option::Option<State> {
                        match name { #(#state_names => Some(State::#variants),)* _ => None }
                    }
                }

                /// The Rust code behind the machine's Task states: one method per Task state.
                pub trait Handler: Send + Sync + 'static {
                    #(
                        #[doc = #method_docs]
                        fn #method_idents(
                            &self,
                            input: ::asl_runtime::Value,
                            context: ::asl_runtime::handler::TaskContext,
                        ) -> impl ::core::future::Future<Output = ::asl_runtime::handler::TaskResult> + Send;
                    )*
                }

                #unit_handler

                struct Bound<H>(H);

                impl<H: Handler> ::asl_runtime::handler::Dispatch for Bound<H> {
                    fn call(
                        &self,
                        call: ::asl_runtime::handler::TaskCall,
                    ) -> ::asl_runtime::handler::BoxFuture<'_, ::asl_runtime::handler::TaskResult> {
                        match call.handler {
                            #(#indexes => ::std::boxed::Box::pin(self.0.#method_idents(call.input, call.context)),)*
                            _ => ::std::boxed::Box::pin(async { Err(::asl_runtime::StateError::runtime("no handler for this task")) }),
                        }
                    }
                }

                #[doc = #doc]
                #(#attrs)*
                pub struct #name {
                    dispatch: ::std::sync::Arc<dyn ::asl_runtime::handler::Dispatch>,
                }

                impl #name {
                    /// The definition as compiled (compact JSON, key order kept).
                    pub const DEFINITION: &'static str = #definition;
                    /// Every state name, nested states included, depth first in source order.
                    pub const STATES: &'static [&'static str] = &[#(#state_names),*];

                    /// The machine with its Task states bound to `handler`.
                    pub fn new(handler: impl Handler) -> Self {
                        #name { dispatch: ::std::sync::Arc::new(Bound(handler)) }
                    }

                    /// The machine with every Task state answered by one dynamic handler (mocks,
                    /// generic tools).
                    pub fn with_dynamic(handler: impl ::asl_runtime::handler::DynamicHandler + 'static) -> Self {
                        #name { dispatch: ::std::sync::Arc::new(::asl_runtime::handler::Owned(handler)) }
                    }

                    /// The static descriptor the driver runs.
                    pub fn machine() -> &'static m::Machine {
                        &MACHINE
                    }

                    /// Runs one execution: its output, or AWS's error and cause.
                    pub async fn run(
                        &self,
                        input: ::asl_runtime::Value,
                    ) -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::ExecutionError> {
                        self.execute(input, &::asl_runtime::Options::default()).await.result
                    }

                    /// Runs one execution with explicit options; returns the outcome and history.
                    pub async fn execute(
                        &self,
                        input: ::asl_runtime::Value,
                        options: &::asl_runtime::Options,
                    ) -> ::asl_runtime::Execution {
                        ::asl_runtime::driver::run(&MACHINE, &*self.dispatch, input, options).await
                    }
                }

                impl ::core::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#name_str)
                    }
                }

                impl ::asl_runtime::engine::Compiled for #name {
                    fn descriptor(&self) -> &'static m::Machine {
                        &MACHINE
                    }
                    fn dispatcher(&self) -> ::std::sync::Arc<dyn ::asl_runtime::handler::Dispatch> {
                        self.dispatch.clone()
                    }
                }

                static MACHINE: m::Machine = m::Machine {
                    name: #name_str,
                    definition: #name::DEFINITION,
                    states: &[#(#states),*],
                    start: #start,
                    timeout_seconds: #timeout,
                    express: #express,
                    keeps_input: #keeps_input,
                    choose,
                    step: #step,
                    tasks: &[#(#tasks),*],
                };

                #choose
                #step_fn
            }
            #vis use #module::#name;
        }
    }

    fn state(&self, i: usize) -> TokenStream {
        let s = self.layout.states[i];
        let name = s.name.value.as_str();
        let next = match &s.transition {
            Transition::Next(n) => {
                let t = self.target(i, &n.value);
                quote!(Some(#t))
            }
            _ => quote!(None),
        };
        let input_path = io_path(&s.input_path);
        let output_path = io_path(&s.output_path);
        let uses_context = layout::uses_context(s);
        let context_input = layout::context_input(s);
        let unsupported = layout::unsupported(s);
        let lowered = !self.broken && lower::step_plan(s).is_some();
        let jsonata = s.query_language == ast::QueryLanguage::Jsonata;
        let assign = statics::opt(s.assign.as_ref().map(|t| &t.value), statics::template);
        let output = statics::opt(s.output.as_ref().map(|t| &t.value), statics::template);
        let kind = match (&s.kind, unsupported) {
            (_, Some(why)) => quote!(m::Kind::Unsupported(#why)),
            (StateKind::Pass(p), None) => {
                let result = statics::opt(p.result.as_ref().map(|t| &t.value), statics::template);
                let params =
                    statics::opt(p.parameters.as_ref().map(|t| &t.value), statics::template);
                let rp = io_path(&p.result_path);
                quote!(m::Kind::Pass(m::Pass { result: #result, parameters: #params, result_path: #rp }))
            }
            (StateKind::Task(t), None) => {
                let resource = t.resource.value.as_str();
                let rt = format_ident!("{}", format!("{:?}", layout::resource_type(t)));
                let handler = self.layout.handler_of(s);
                // JSONata `Arguments` take the place of `Parameters` (ASL-JA-06).
                let params = statics::opt(
                    t.parameters
                        .as_ref()
                        .or(t.arguments.as_ref())
                        .map(|t| &t.value),
                    statics::template,
                );
                let timeout = seconds(t.timeout.as_ref());
                let heartbeat = seconds(t.heartbeat.as_ref());
                let creds =
                    statics::opt(t.credentials.as_ref().map(|t| &t.value), statics::template);
                let result = self.result_spec(i, &t.result);
                quote!(m::Kind::Task(m::Task {
                    resource: #resource,
                    resource_type: m::ResourceType::#rt,
                    handler: #handler,
                    parameters: #params,
                    timeout: #timeout,
                    heartbeat: #heartbeat,
                    credentials: #creds,
                    result: #result,
                }))
            }
            (StateKind::Choice(ch), None) => {
                let rules = ch.choices.iter().map(|r| {
                    let next = self.target(i, &r.next.value);
                    let cond = match &r.condition {
                        Condition::Jsonata(t) => {
                            let t = statics::template(&t.value);
                            quote!(Some(#t))
                        }
                        _ => quote!(None),
                    };
                    let assign = statics::opt(r.assign.as_ref().map(|t| &t.value), statics::template);
                    let output = statics::opt(r.output.as_ref().map(|t| &t.value), statics::template);
                    // The rule's data is for dynamic machines; here `choose` tests it.
                    quote!(m::ChoiceRule { next: #next, condition: #cond, rule: None, assign: #assign, output: #output })
                });
                let default = match &ch.default {
                    Some(d) => {
                        let t = self.target(i, &d.value);
                        quote!(Some(#t))
                    }
                    None => quote!(None),
                };
                quote!(m::Kind::Choice(m::Choice { rules: &[#(#rules),*], default: #default }))
            }
            (StateKind::Wait(w), None) => {
                let w = match w {
                    ast::Wait::Seconds(n) => {
                        let n = n.value;
                        quote!(m::Wait::Seconds(#n))
                    }
                    ast::Wait::SecondsPath(p) => {
                        let p = statics::path(&p.value);
                        quote!(m::Wait::SecondsPath(#p))
                    }
                    ast::Wait::Timestamp(t) => {
                        let secs = layout::wait_timestamp(&t.value);
                        quote!(m::Wait::Timestamp(#secs))
                    }
                    ast::Wait::TimestampPath(p) => {
                        let p = statics::path(&p.value);
                        quote!(m::Wait::TimestampPath(#p))
                    }
                    ast::Wait::SecondsExpr(e) => {
                        let e = statics::jsonata_parsed(&e.value);
                        quote!(m::Wait::SecondsJsonata(#e))
                    }
                    ast::Wait::TimestampExpr(e) => {
                        let e = statics::jsonata_parsed(&e.value);
                        quote!(m::Wait::TimestampJsonata(#e))
                    }
                };
                quote!(m::Kind::Wait(#w))
            }
            (StateKind::Succeed, None) => quote!(m::Kind::Succeed),
            (StateKind::Fail(f), None) => {
                let e = fail_field(f.error.as_ref());
                let c = fail_field(f.cause.as_ref());
                quote!(m::Kind::Fail(m::Fail { error: #e, cause: #c }))
            }
            (StateKind::Parallel(p), None) => {
                let branches = self.layout.children(i);
                let params = statics::opt(
                    p.parameters
                        .as_ref()
                        .or(p.arguments.as_ref())
                        .map(|t| &t.value),
                    statics::template,
                );
                let result = self.result_spec(i, &p.result);
                quote!(m::Kind::Parallel(m::Parallel {
                    branches: &[#(#branches),*],
                    parameters: #params,
                    result: #result,
                }))
            }
            (StateKind::Map(mp), None) => {
                let start = self.layout.children(i).first().copied().unwrap_or(0);
                let items = statics::opt(mp.items_path.as_ref().map(|p| &p.value), statics::path);
                let items_jsonata =
                    statics::opt(mp.items.as_ref().map(|t| &t.value), statics::template);
                let sel = statics::opt(
                    mp.item_selector.as_ref().map(|t| &t.value),
                    statics::template,
                );
                let maxc = seconds(mp.max_concurrency.as_ref());
                let tfc = seconds(mp.tolerated_failure_count.as_ref());
                let tfp = match &mp.tolerated_failure_percentage {
                    Some(Dynamic::Static(v)) => {
                        let v = statics::f64_lit(v.value);
                        quote!(Some(m::Percentage::Static(#v)))
                    }
                    Some(Dynamic::Path(p)) => {
                        let p = statics::path(&p.value);
                        quote!(Some(m::Percentage::Path(#p)))
                    }
                    Some(Dynamic::Jsonata(e)) => {
                        let e = statics::jsonata_parsed(&e.value);
                        quote!(Some(m::Percentage::Jsonata(#e)))
                    }
                    _ => quote!(None),
                };
                let distributed = if layout::distributed(mp) {
                    let label = match &mp.label {
                        Some(l) => {
                            let l = l.value.as_str();
                            quote!(Some(#l))
                        }
                        None => quote!(None),
                    };
                    let express = mp
                        .processor
                        .execution_type
                        .as_ref()
                        .is_some_and(|t| t.value == ast::MachineType::Express);
                    let batcher = match &mp.item_batcher {
                        Some(b) => {
                            let items = seconds(b.max_items_per_batch.as_ref());
                            let bytes = seconds(b.max_input_bytes_per_batch.as_ref());
                            let input = statics::opt(
                                b.batch_input.as_ref().map(|t| &t.value),
                                statics::template,
                            );
                            quote!(Some(m::Batcher {
                                max_items: #items,
                                max_bytes: #bytes,
                                batch_input: #input,
                            }))
                        }
                        None => quote!(None),
                    };
                    let reader = statics::opt(mp.item_reader.as_ref(), reader);
                    let writer = statics::opt(mp.result_writer.as_ref(), writer);
                    quote!(Some(&m::Distributed {
                        label: #label,
                        express: #express,
                        batcher: #batcher,
                        reader: #reader,
                        writer: #writer,
                    }))
                } else {
                    quote!(None)
                };
                let result = self.result_spec(i, &mp.result);
                quote!(m::Kind::Map(m::Map {
                    start: #start,
                    items_path: #items,
                    items: #items_jsonata,
                    item_selector: #sel,
                    max_concurrency: #maxc,
                    tolerated_failure_count: #tfc,
                    tolerated_failure_percentage: #tfp,
                    distributed: #distributed,
                    result: #result,
                }))
            }
        };
        quote!(m::State {
            name: #name,
            next: #next,
            input_path: #input_path,
            output_path: #output_path,
            uses_context: #uses_context,
            context_input: #context_input,
            lowered: #lowered,
            jsonata: #jsonata,
            assign: #assign,
            output: #output,
            kind: #kind,
        })
    }

    fn result_spec(&self, i: usize, r: &ast::ResultHandling) -> TokenStream {
        let sel = statics::opt(
            r.result_selector.as_ref().map(|t| &t.value),
            statics::template,
        );
        let rp = io_path(&r.result_path);
        let retry = r.retry.iter().map(|r| {
            let errors = r.error_equals.iter().map(|e| e.value.as_str());
            let (iv, ma) = (r.interval_seconds, r.max_attempts);
            let br = statics::f64_lit(r.backoff_rate);
            let md = statics::opt(r.max_delay_seconds.as_ref(), |d| quote!(#d));
            let jitter = r.jitter == ast::Jitter::Full;
            quote!(m::Retrier {
                error_equals: &[#(#errors),*],
                interval_seconds: #iv,
                max_attempts: #ma,
                backoff_rate: #br,
                max_delay_seconds: #md,
                full_jitter: #jitter,
            })
        });
        let catch = r.catch.iter().map(|c| {
            let errors = c.error_equals.iter().map(|e| e.value.as_str());
            let next = self.target(i, &c.next.value);
            let rp = io_path(&c.result_path);
            let output = statics::opt(c.output.as_ref().map(|t| &t.value), statics::template);
            let assign = statics::opt(c.assign.as_ref().map(|t| &t.value), statics::template);
            quote!(m::Catcher {
                error_equals: &[#(#errors),*],
                next: #next,
                result_path: #rp,
                output: #output,
                assign: #assign,
            })
        });
        quote!(m::ResultSpec {
            result_selector: #sel,
            result_path: #rp,
            retry: &[#(#retry),*],
            catch: &[#(#catch),*],
        })
    }

    /// The machine's step function: one arm per lowered state (`lower::step_plan`), its
    /// data flow as straight-line code. `None` when no state is lowered.
    fn step(&self) -> Option<TokenStream> {
        if self.broken {
            return None;
        }
        let mut arms = Vec::new();
        for (i, s) in self.layout.states.iter().enumerate() {
            let Some(plan) = lower::step_plan(s) else {
                continue;
            };
            let idx = i as u32;
            arms.push(match plan {
                StepPlan::Jsonata(plan) => {
                    crate::lower_jsonata::emit(idx, &plan, &|name| {
                        let t = self.target(i, name);
                        quote!(#t)
                    })
                }
                StepPlan::Choice => {
                    let StateKind::Choice(ch) = &s.kind else {
                        continue;
                    };
                    let targets = ch.choices.iter().enumerate().map(|(k, r)| {
                        let k = k as u32;
                        let t = self.target(i, &r.next.value);
                        quote!(Ok(Some(#k)) => m::Step::Choose(#t, input),)
                    });
                    let default = match &ch.default {
                        Some(d) => {
                            let t = self.target(i, &d.value);
                            quote!(Ok(None) => m::Step::Choose(#t, input),)
                        }
                        None => quote!(),
                    };
                    quote! {
                        #idx => match choose(#idx, &::asl_runtime::Env::new(&input, &V::Null)) {
                            #(#targets)*
                            #default
                            _ => m::Step::Slow(input),
                        }
                    }
                }
                StepPlan::Pass {
                    result,
                    result_path,
                    result_bound,
                } => {
                    let value = match &result {
                        Some(e) => {
                            let e = expr_tokens(e);
                            quote! {
                                fn result(input: &V) -> ::core::option::Option<V> {
                                    let _ = input;
                                    ::core::option::Option::Some(#e)
                                }
                                let Some(result) = result(&input) else {
                                    return m::Step::Slow(input);
                                };
                            }
                        }
                        None => quote!(let result = input.clone();),
                    };
                    let out = match result_path {
                        ResultPlan::Replace => {
                            let size = match result_bound {
                                Some(n) if n <= lower::SMALL_BYTES => quote!(m::Size::Small),
                                _ => quote!(m::Size::Unknown),
                            };
                            quote!(m::Step::Output { value: result, size: #size })
                        }
                        ResultPlan::Discard => quote!({
                            let _ = result;
                            m::Step::Output {
                                value: input,
                                size: m::Size::Grown(0),
                            }
                        }),
                        ResultPlan::Set(p) => match &p.segments[..] {
                            // One member: written in place, or left for the descriptor when
                            // the input is not an object (ASL-IO-07).
                            [Segment::Child(Selector::Name(n))] => {
                                let n = n.as_ref();
                                // The member's key, quotes, colon and comma, and its value.
                                let key = n.len() * 6 + 4;
                                let grown = match result_bound {
                                    Some(b) => {
                                        let g = key + b;
                                        quote!(#g)
                                    }
                                    None => quote!(#key + result.json_len_bound()),
                                };
                                quote! {{
                                    let mut out = input;
                                    match out.as_object_mut() {
                                        Some(o) => {
                                            let grown = #grown;
                                            o.insert(::asl_runtime::value::Str::new_static(#n), result);
                                            m::Step::Output { value: out, size: m::Size::Grown(grown) }
                                        }
                                        None => m::Step::Slow(out),
                                    }
                                }}
                            }
                            _ => {
                                let sp = statics::path(p);
                                quote! {{
                                    static P: s::path::Path = #sp;
                                    let mut out = input;
                                    // An unwritable target is left unchanged (ASL-IO-07).
                                    match ::asl_runtime::path::set(&mut out, &P, result) {
                                        Ok(()) => m::Step::Output { value: out, size: m::Size::Unknown },
                                        Err(_) => m::Step::Slow(out),
                                    }
                                }}
                            }
                        },
                    };
                    quote!(#idx => { #value #out })
                }
            });
        }
        if arms.is_empty() {
            return None;
        }
        Some(quote! {
            fn step(
                state: m::StateId,
                input: ::asl_runtime::Value,
                vars: &mut m::Vars,
            ) -> m::Step {
                let _ = &vars;
                use ::asl_runtime::Value as V;
                match state {
                    #(#arms)*
                    _ => m::Step::Slow(input),
                }
            }
        })
    }

    /// The machine's Choice function: one arm per Choice state, each rule a Rust boolean
    /// expression over `asl_runtime::choice`.
    fn choose(&self) -> TokenStream {
        let mut arms = Vec::new();
        for (i, s) in self.layout.states.iter().enumerate() {
            if self.broken {
                break;
            }
            let StateKind::Choice(ch) = &s.kind else {
                continue;
            };
            if layout::unsupported(s).is_some() {
                continue;
            }
            if s.query_language == ast::QueryLanguage::Jsonata {
                // JSONata conditions are evaluated by the driver.
                continue;
            }
            let idx = i as u32;
            let mut body = Vec::new();
            for (k, rule) in ch.choices.iter().enumerate() {
                let k = k as u32;
                let cond = match &rule.condition {
                    Condition::Rule(r) => rule_expr(r),
                    // A definition with an invalid rule has errors (no `choose` is emitted).
                    Condition::Jsonata(_) | Condition::Invalid => quote!(false),
                };
                body.push(quote!(if #cond { return Ok(Some(#k)); }));
            }
            arms.push(quote!(#idx => { #(#body)* Ok(None) }));
        }
        quote! {
            fn choose(
                state: m::StateId,
                env: &::asl_runtime::Env<'_>,
            ) -> ::core::result::Result<::core::option::Option<u32>, ::asl_runtime::StateError> {
                match state {
                    #(#arms)*
                    _ => Ok(None),
                }
            }
        }
    }
}

fn io_path(t: &Tri<Path>) -> TokenStream {
    match layout::io_path(t) {
        layout::IoPath::Identity => quote!(m::IoPath::Identity),
        layout::IoPath::Null => quote!(m::IoPath::Null),
        layout::IoPath::Path(p) => {
            let p = statics::path(p);
            quote!(m::IoPath::Path(#p))
        }
    }
}

/// An optional text field as `Some("…")` or `None`.
fn text(v: &Option<asl_syntax::span::Spanned<String>>) -> TokenStream {
    match v {
        Some(v) => {
            let v = v.value.as_str();
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

/// A Distributed Map's `ItemReader` as an `m::Reader`.
fn reader(r: &ast::ItemReader) -> TokenStream {
    let c = r.reader_config.clone().unwrap_or_default();
    let resource = r.resource.value.as_str();
    let params = statics::opt(
        r.parameters
            .as_ref()
            .or(r.arguments.as_ref())
            .map(|t| &t.value),
        statics::template,
    );
    let input_type = text(&c.input_type);
    let location = text(&c.csv_header_location);
    let headers: Vec<&str> = c
        .csv_headers
        .iter()
        .flatten()
        .map(|h| h.value.as_str())
        .collect();
    let delimiter = text(&c.csv_delimiter);
    let manifest = text(&c.manifest_type);
    let transformation = text(&c.transformation);
    let pointer = text(&c.items_pointer);
    let max_items = seconds(c.max_items.as_ref());
    quote!(m::Reader {
        resource: #resource,
        parameters: #params,
        input_type: #input_type,
        csv_header_location: #location,
        csv_headers: &[#(#headers),*],
        csv_delimiter: #delimiter,
        manifest_type: #manifest,
        transformation: #transformation,
        items_pointer: #pointer,
        max_items: #max_items,
    })
}

/// A Distributed Map's `ResultWriter` as an `m::Writer`.
fn writer(w: &ast::ResultWriter) -> TokenStream {
    let resource = text(&w.resource);
    let params = statics::opt(
        w.parameters
            .as_ref()
            .or(w.arguments.as_ref())
            .map(|t| &t.value),
        statics::template,
    );
    let transformation = text(&w.writer_transformation);
    let output_type = text(&w.writer_output_type);
    quote!(m::Writer {
        resource: #resource,
        parameters: #params,
        transformation: #transformation,
        output_type: #output_type,
    })
}

fn seconds(d: Option<&Dynamic<u64>>) -> TokenStream {
    match d {
        Some(Dynamic::Static(v)) => {
            let v = v.value;
            quote!(Some(m::Seconds::Static(#v)))
        }
        Some(Dynamic::Path(p)) => {
            let p = statics::path(&p.value);
            quote!(Some(m::Seconds::Path(#p)))
        }
        Some(Dynamic::Jsonata(e)) => {
            let e = statics::jsonata_parsed(&e.value);
            quote!(Some(m::Seconds::Jsonata(#e)))
        }
        None => quote!(None),
    }
}

fn fail_field(f: Option<&FailField>) -> TokenStream {
    match f {
        None => quote!(None),
        Some(FailField::Jsonata(e)) => {
            let e = statics::jsonata_parsed(&e.value);
            quote!(Some(m::FailField::Jsonata(#e)))
        }
        Some(FailField::Literal(s)) => {
            let s = s.value.as_str();
            quote!(Some(m::FailField::Literal(#s)))
        }
        Some(FailField::Path(p)) => {
            let p = statics::path(&p.value);
            quote!(Some(m::FailField::Path(#p)))
        }
        Some(FailField::Call(c)) => {
            let c = statics::call(&c.value);
            quote!(Some(m::FailField::Call(#c)))
        }
    }
}

/// A Choice rule as a Rust boolean expression (ASL-CH, ASL-SUB-30..36): `&&`/`||`/`!`
/// short-circuit like AWS.
fn rule_expr(r: &Rule) -> TokenStream {
    match r {
        Rule::And(rs, _) => {
            let rs = rs.iter().map(rule_expr);
            quote!((#(#rs)&&*))
        }
        Rule::Or(rs, _) => {
            let rs = rs.iter().map(rule_expr);
            quote!((#(#rs)||*))
        }
        Rule::Not(r, _) => {
            let r = rule_expr(r);
            quote!((!#r))
        }
        Rule::Test(t) => test_expr(t),
    }
}

fn test_expr(t: &ast::Test) -> TokenStream {
    let var = &t.variable.value;
    if t.op == Op::IsPresent {
        return presence_expr(var, matches!(t.operand, Operand::Bool(true)));
    }
    let v = value_expr(var);
    let fname = op_fn(t.op, matches!(t.operand, Operand::Path(_)));
    let f = format_ident!("{fname}");
    let operand = match &t.operand {
        Operand::Path(p) => {
            let o = value_expr(p);
            quote!(&*#o)
        }
        Operand::String(s) => quote!(#s),
        Operand::Number(n) => statics::f64_lit(n.as_f64()),
        Operand::Bool(b) => quote!(#b),
        Operand::Timestamp(ts) => {
            let (secs, nanos) = asl_syntax::timestamp::parse(ts)
                .map_or((0, 0), |t| (t.as_second(), t.subsec_nanosecond()));
            quote!(::asl_runtime::__private::jiff::Timestamp::constant(#secs, #nanos))
        }
    };
    quote!(c::#f(&*#v, #operand))
}

/// The runtime function for an operator (`NumericEquals` → `numeric_equals`).
fn op_fn(op: Op, path: bool) -> String {
    let base = match op {
        Op::String(cmp) => format!("string_{}", cmp_name(cmp)),
        Op::Numeric(cmp) => format!("numeric_{}", cmp_name(cmp)),
        Op::Timestamp(cmp) => format!("timestamp_{}", cmp_name(cmp)),
        Op::StringMatches => "string_matches".into(),
        Op::Boolean => "boolean_equals".into(),
        Op::IsNull => "is_null".into(),
        Op::IsPresent => "is_present".into(),
        Op::IsNumeric => "is_numeric".into(),
        Op::IsString => "is_string".into(),
        Op::IsBoolean => "is_boolean".into(),
        Op::IsTimestamp => "is_timestamp".into(),
    };
    if path { format!("{base}_path") } else { base }
}

fn cmp_name(c: Cmp) -> &'static str {
    match c {
        Cmp::Eq => "equals",
        Cmp::Lt => "less_than",
        Cmp::Gt => "greater_than",
        Cmp::Le => "less_than_equals",
        Cmp::Ge => "greater_than_equals",
    }
}

/// Direct navigation for a definite path over `$` or `$$` made of member names and
/// non-negative indexes: `env.input.get("a").and_then(|v| v.get(0))`.
fn direct(p: &Path) -> Option<TokenStream> {
    if p.function.is_some() {
        return None;
    }
    let root = match p.root {
        Root::Input => quote!(env.input),
        Root::Context => quote!(env.context),
        Root::Variable(_) => return None,
    };
    let mut expr: Option<TokenStream> = None;
    for seg in p.segments.iter() {
        let key = match seg {
            Segment::Child(Selector::Name(n)) => {
                let n = n.as_ref();
                quote!(#n)
            }
            Segment::Child(Selector::Index(i)) if *i >= 0 => {
                let i = Literal::usize_unsuffixed(usize::try_from(*i).ok()?);
                quote!(#i)
            }
            _ => return None,
        };
        expr = Some(match expr {
            None => quote!(#root.get(#key)),
            Some(e) => quote!(#e.and_then(|v| v.get(#key))),
        });
    }
    Some(expr.unwrap_or_else(|| quote!(::core::option::Option::Some(#root))))
}

/// `IsPresent` (ASL-CHOP-13): whether the Variable matches, compared with the operand.
fn presence_expr(p: &Path, operand: bool) -> TokenStream {
    match direct(p) {
        Some(d) => quote!(c::is_present(#d, #operand)),
        None => {
            let sp = statics::path(p);
            quote!((c::present({ static P: s::path::Path = #sp; &P }, env) == #operand))
        }
    }
}

/// A Variable's value, or the `States.Runtime` error for a missing one (`?`).
fn value_expr(p: &Path) -> TokenStream {
    let src = p.source.as_ref();
    match direct(p) {
        Some(d) => quote!(#d.ok_or_else(|| c::missing(#src))?),
        None => {
            let sp = statics::path(p);
            quote!({ static P: s::path::Path = #sp; c::variable(&P, env)? })
        }
    }
}

/// A lowered value as a `&Value` expression: a path borrowed, anything else computed.
fn ref_tokens(e: &Expr) -> TokenStream {
    match e {
        Expr::Direct(keys) => {
            let steps = keys.iter().map(key_tokens);
            quote!(input #(#steps)*)
        }
        e => {
            let e = expr_tokens(e);
            quote!(&#e)
        }
    }
}

fn key_tokens(k: &Key) -> TokenStream {
    match k {
        Key::Name(n) => quote!(.get(#n)?),
        Key::Index(i) => {
            let i = Literal::usize_unsuffixed(*i);
            quote!(.get(#i)?)
        }
    }
}

/// A lowered value (`lower::Expr`) as an expression over `input: &Value` inside a function
/// returning `Option<Value>`: `?` where the descriptor's evaluation would fail.
fn expr_tokens(e: &Expr) -> TokenStream {
    match e {
        Expr::Null => quote!(V::Null),
        Expr::Bool(b) => quote!(V::Bool(#b)),
        Expr::Number(n) => match *n {
            Num::PosInt(u) => quote!(V::from(#u)),
            Num::NegInt(i) => quote!(V::from(#i)),
            Num::Float(f) => {
                let f = statics::f64_lit(f);
                quote!(V::from(#f))
            }
        },
        Expr::String(s) => quote!(V::from_static(#s)),
        Expr::Array(items) => {
            let items = items.iter().map(expr_tokens);
            quote!(V::array(::std::vec![#(#items),*]))
        }
        Expr::Object(fields, _) if fields.is_empty() => {
            quote!(V::object(::asl_runtime::Map::new()))
        }
        Expr::Object(fields, distinct) => {
            let n = fields.len();
            let inserts = fields.iter().map(|(k, v)| {
                let v = expr_tokens(v);
                match distinct {
                    true => quote!(o.push_absent(::asl_runtime::value::Str::new_static(#k), #v);),
                    false => quote!(o.insert(::asl_runtime::value::Str::new_static(#k), #v);),
                }
            });
            quote!({
                let mut o = ::asl_runtime::Map::with_capacity(#n);
                #(#inserts)*
                V::object(o)
            })
        }
        Expr::Direct(keys) => {
            let steps = keys.iter().map(key_tokens);
            quote!(input #(#steps)* .clone())
        }
        Expr::Select(p) => {
            let sp = statics::path(p);
            quote!({
                static P: s::path::Path = #sp;
                ::asl_runtime::path::select(&P, &::asl_runtime::Env::new(input, &V::Null)).ok()?
            })
        }
        Expr::MathAdd(a, b) => {
            let (a, b) = (ref_tokens(a), ref_tokens(b));
            quote!(::asl_runtime::intrinsics::math_add(#a, #b)?)
        }
        Expr::Call(c) => {
            let sc = statics::call(c);
            quote!({
                static C: s::intrinsic::Call = #sc;
                ::asl_runtime::intrinsics::eval(&C, &::asl_runtime::Env::new(input, &V::Null)).ok()?
            })
        }
    }
}
