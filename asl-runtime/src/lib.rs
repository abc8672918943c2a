//! The runtime that machines compiled by `asl` call: data flow (paths, payload templates,
//! intrinsics), Choice helpers, retries and catchers, waits, Parallel/Map fan-out, the context
//! object. Generated code reaches it through [`__private`]; definitions that arrive at run time
//! are compiled into the same descriptors by [`dynamic`].

#![warn(missing_docs)]

pub mod choice;
pub mod driver;
pub mod dynamic;
pub mod engine;
pub mod error;
pub mod handler;
pub mod intrinsics;
pub mod jsonata;
pub mod machine;
pub mod mock;
pub mod objects;
pub mod path;
pub mod query;
pub mod store;
pub mod template;
pub mod timestamp;
pub mod value;

pub use driver::{Event, Execution, ExecutionError, Options};
pub use error::StateError;
pub use handler::{DynamicHandler, TaskContext, TaskError, TaskResult};
pub use value::{Map, Value};

#[cfg(feature = "macros")]
pub use asl_macros::asl;

/// What a path or intrinsic is evaluated against.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// `$`: the state's data at this point of the pipeline.
    pub input: &'a Value,
    /// `$$`: the context object (ASL-CTX).
    pub context: &'a Value,
    /// `$name`: workflow variables visible here, if any.
    pub vars: Option<&'a Map>,
    /// Where `States.UUID` and `States.MathRandom` without a seed draw from: in durable
    /// executions, the state visit's own sequence, so a replay draws the same values; `None`
    /// draws from the OS.
    pub draws: Option<&'a intrinsics::Draws>,
}

impl<'a> Env<'a> {
    /// An environment with `input` as `$` and `context` as `$$`, no variables, OS draws.
    pub fn new(input: &'a Value, context: &'a Value) -> Env<'a> {
        Env {
            input,
            context,
            vars: None,
            draws: None,
        }
    }
}

#[doc(hidden)]
pub mod __private {
    pub use asl_syntax;
    pub use jiff;
    pub use serde_json;
}
