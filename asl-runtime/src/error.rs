//! Errors: raised while a state runs ([`StateError`]), and how an execution failed
//! ([`ExecutionError`]).

use std::borrow::Cow;
use std::fmt;

/// An error raised inside a state: AWS's error name and cause text.
///
/// Runtime failures (bad paths, bad intrinsic arguments) carry only the part of the cause that
/// is specific to them; the driver prefixes `An error occurred while executing the state '<S>'
/// (entered at the event id #<n>). ` for `States.Runtime`, as AWS does (ASL-SUB-29).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateError {
    /// AWS's error name (`States.Runtime`, `Lambda.ServiceException`, a custom name): what Retry
    /// and Catch match.
    pub error: Cow<'static, str>,
    /// The cause text; `None` gives `"Cause": ""` in the Error Output (ASL-CT-04).
    pub cause: Option<String>,
}

impl StateError {
    /// An error named `error` with the cause text `cause`.
    pub fn new(error: impl Into<Cow<'static, str>>, cause: impl Into<String>) -> Self {
        StateError {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    /// `States.Runtime`: uncatchable, never retried (ASL-ERR-15).
    pub fn runtime(cause: impl Into<String>) -> Self {
        StateError::new("States.Runtime", cause)
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)?;
        if let Some(c) = &self.cause {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StateError {}

/// How the execution failed: AWS's `error` and `cause` (either may be absent: a Fail state
/// without `Error` or `Cause`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionError {
    /// AWS's error name (`States.Timeout`, a task's error, a Fail state's `Error`).
    pub error: Option<String>,
    /// The cause text.
    pub cause: Option<String>,
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error.as_deref().unwrap_or("(no error name)"))?;
        if let Some(c) = &self.cause {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecutionError {}
