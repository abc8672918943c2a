//! Workflow variables (`Assign`, ASL-VAR) and JSONata's `Output` in a state visit.
//!
//! A state's `Assign` is evaluated against the variables as they were when the state was
//! entered (ASL-VAR-04), whatever order its keys are in; the new values are visible from the
//! next state on. Each scope (the machine, a Parallel branch, a Map iteration) has its own
//! variables, starting from a copy of the enclosing scope's (ASL-VAR-06): inner scopes read
//! outer variables, and what they assign dies with them (ASL-VAR-08).

use asl_syntax::template::Template;

use super::Vars;
use super::retry::Failure;
use super::visit::Visit;
use crate::StateError;
use crate::query::{QUERY_EVALUATION_ERROR, Query};
use crate::value::{Map, Value};

/// The most one variable's value may take, as JSON text (ASL-VAR-10).
pub(crate) const MAX_VARIABLE_BYTES: usize = 256 * 1024;
/// The most all values of one `Assign` may take, as JSON text (ASL-VAR-10).
pub(crate) const MAX_ASSIGN_BYTES: usize = 256 * 1024;
/// The most all variables of an execution's scope may take, as JSON text (ASL-VAR-10).
pub(crate) const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;

impl Visit<'_, '_> {
    /// The JSONata view of this visit: `$states.input` = `input`, `$states.context` = `ctx`,
    /// the variables at entry.
    pub(super) fn query<'q>(&'q self, input: &'q Value, ctx: &'q Value) -> Query<'q> {
        // `$now()`: the moment of the state's entry in durable runs (recorded, so a replay
        // sees the same), the current time otherwise.
        let now = match self.x.journal {
            Some(_) => self.entered_at,
            None => self.x.now(),
        };
        let mut q = Query::new(
            self.s.name,
            self.entered_id,
            input,
            ctx,
            Some(&self.vars),
            now.as_millisecond() as f64,
        );
        q.draws = self.draws.as_ref();
        q
    }

    /// A failure of this state's own evaluation; a JSONata failure records its
    /// `EvaluationFailed` event (ASL-JA-16, ASL-EV-10).
    pub(super) fn eval_failure(&self, e: StateError) -> Failure {
        if e.error == QUERY_EVALUATION_ERROR {
            // `EvaluationFailedEventDetails` (durable runs keep details).
            self.x
                .event_with("EvaluationFailed", Some(self.s.name), self.at(), || {
                    crate::json!({
                        "state": self.s.name,
                        "error": e.error.as_ref(),
                        "cause": e.cause.as_deref().unwrap_or(""),
                    })
                });
        }
        self.failure(e)
    }

    /// [`Visit::local`] for evaluations that may fail with `States.QueryEvaluationError`.
    pub(super) fn eval<T>(&self, r: Result<T, StateError>) -> Result<T, Failure> {
        r.map_err(|e| self.eval_failure(e))
    }

    /// JSONata `Output` (ASL-JA-07): the template, or `default` when the state has none.
    pub(super) fn jsonata_output(
        &self,
        output: Option<&Template>,
        q: &Query<'_>,
        default: impl FnOnce() -> Value,
    ) -> Result<Value, Failure> {
        match output {
            Some(t) => self.eval(q.template(t, "Output")),
            None => Ok(default()),
        }
    }

    /// Runs an `Assign`: in JSONata states against `q`, in JSONPath states as a payload
    /// template with `$` = `data` (ASL-IO-06). The scope's new variables are kept for the
    /// scope to take when the state is done.
    pub(super) fn assign(
        &self,
        t: Option<&Template>,
        q: Option<&Query<'_>>,
        data: &Value,
        ctx: &Value,
    ) -> Result<(), Failure> {
        let Some(t) = t else {
            return Ok(());
        };
        let values = match q {
            Some(q) if self.s.jsonata => self.eval(q.template(t, "Assign"))?,
            _ => self.local(crate::template::eval(t, &self.env(data, ctx)))?,
        };
        let Value::Object(values) = values else {
            return Ok(());
        };
        let mut total = 0usize;
        for (name, v) in values.iter() {
            let len = v.json_len_bound();
            let len = if len > MAX_VARIABLE_BYTES {
                v.to_json_string().len()
            } else {
                len
            };
            if len > MAX_VARIABLE_BYTES {
                return Err(self.failure(StateError::runtime(format!(
                    "The variable '{name}' has a value with a size exceeding the limit of {MAX_VARIABLE_BYTES} bytes."
                ))));
            }
            total += len;
        }
        if total > MAX_ASSIGN_BYTES {
            return Err(self.failure(StateError::runtime(format!(
                "The values assigned by the state have a size exceeding the limit of {MAX_ASSIGN_BYTES} bytes."
            ))));
        }
        let mut vars: Map = (*self.vars).clone();
        for (k, v) in values.iter() {
            vars.insert(k.clone(), v.clone());
        }
        // Each variable is at most 256 KiB, so only more than 40 of them can pass 10 MiB.
        if vars.len() * MAX_VARIABLE_BYTES > MAX_TOTAL_BYTES {
            let bound: usize = vars.values().map(Value::json_len_bound).sum();
            let total = if bound > MAX_TOTAL_BYTES {
                vars.values().map(|v| v.to_json_string().len()).sum()
            } else {
                bound
            };
            if total > MAX_TOTAL_BYTES {
                return Err(self.failure(StateError::runtime(format!(
                    "The variables of the execution have a size exceeding the limit of {MAX_TOTAL_BYTES} bytes."
                ))));
            }
        }
        *self.assigned.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Vars::new(vars), (*values).clone()));
        Ok(())
    }

    /// The scope's variables after this visit: what its `Assign` set, if it ran.
    pub(super) fn vars_after(&self) -> Option<Vars> {
        self.assigned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(v, _)| v.clone())
    }
}
