//! JSONata in a state (ASL-JA-*): what `$states` holds, the workflow variables an expression
//! reads, the fields' templates with expressions inside them (ASL-JA-02), the result checks of
//! each field (ASL-JA-10, -11) and AWS's error texts (`States.QueryEvaluationError`, with the
//! field's location, ASL-JA-16).

use std::cell::OnceCell;

use asl_syntax::jsonata::Parsed;
use asl_syntax::template::Template;

use crate::StateError;
use crate::jsonata::{self, Limits, Outcome};
use crate::value::{Map, Value, str_of};

/// The error AWS raises for any failed evaluation (ASL-ERR-14): catchable and retriable.
pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";

/// What one state's expressions evaluate against.
pub struct Query<'a> {
    /// The state's name (for error causes).
    pub state: &'a str,
    /// The id of the state's `…StateEntered` event (for error causes).
    pub entered_id: u32,
    /// `$states.input`: the state's input.
    pub input: &'a Value,
    /// `$states.context`: the context object.
    pub context: &'a Value,
    /// `$states.result`, where it exists (a Task, Parallel or Map state's Output and Assign).
    pub result: Option<&'a Value>,
    /// `$states.errorOutput`, in a Catcher's Output and Assign.
    pub error_output: Option<&'a Value>,
    /// The workflow variables in scope.
    pub vars: Option<&'a Map>,
    /// The clock of `$now()` and `$millis()`, in milliseconds since the epoch.
    pub now_millis: f64,
    /// Where `$random()`, `$shuffle` and `$uuid()` draw from (a durable visit's sequence).
    pub draws: Option<&'a crate::intrinsics::Draws>,
    /// `$states`, built on first use.
    states: OnceCell<Value>,
}

/// Where in a field an expression is (`Output/result`), written out only for an error.
struct Loc<'a> {
    parent: Option<&'a Loc<'a>>,
    key: &'a str,
}

impl std::fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = self.parent {
            write!(f, "{p}/")?;
        }
        f.write_str(self.key)
    }
}

/// What a field's expression must give (ASL-JA-10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Any JSON value.
    Any,
    /// An array (`Items`).
    Array,
    /// A boolean (`Condition`).
    Boolean,
    /// A string (`Error`, `Cause`, `Timestamp`).
    String,
    /// A number (`ToleratedFailurePercentage`).
    Number,
    /// A non-negative integer (`Seconds`, `MaxConcurrency`, `ToleratedFailureCount`).
    Integer,
    /// A positive integer (`TimeoutSeconds`, `HeartbeatSeconds`).
    PositiveInteger,
}

/// The type name AWS quotes in "Expected 'array', but was 'boolean'".
fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'a> Query<'a> {
    /// A query with `$states.input` = `input` and `$states.context` = `context`.
    pub fn new(
        state: &'a str,
        entered_id: u32,
        input: &'a Value,
        context: &'a Value,
        vars: Option<&'a Map>,
        now_millis: f64,
    ) -> Query<'a> {
        Query {
            state,
            entered_id,
            input,
            context,
            result: None,
            error_output: None,
            vars,
            now_millis,
            draws: None,
            states: OnceCell::new(),
        }
    }

    /// The same query with `$states.result`.
    pub fn with_result(mut self, result: &'a Value) -> Query<'a> {
        self.result = Some(result);
        self.states = OnceCell::new();
        self
    }

    /// The same query with `$states.errorOutput`.
    pub fn with_error_output(mut self, error_output: &'a Value) -> Query<'a> {
        self.error_output = Some(error_output);
        self.states = OnceCell::new();
        self
    }

    fn states(&self) -> &Value {
        self.states.get_or_init(|| {
            let mut m = Map::with_capacity(4);
            m.insert("input", self.input.clone());
            m.insert("context", self.context.clone());
            if let Some(r) = self.result {
                m.insert("result", r.clone());
            }
            if let Some(e) = self.error_output {
                m.insert("errorOutput", e.clone());
            }
            Value::object(m)
        })
    }

    /// The cause's beginning: the state and the expression (ASL-JA-16).
    fn cause(&self, p: &Parsed, field: &dyn std::fmt::Display, what: &str) -> String {
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONata expression '{}' specified for the field '{}' {}",
            self.state,
            self.entered_id,
            p.text.trim(),
            field,
            what
        )
    }

    fn error(&self, p: &Parsed, field: &dyn std::fmt::Display, what: &str) -> StateError {
        StateError::new(QUERY_EVALUATION_ERROR, self.cause(p, field, what))
    }

    /// Evaluates one expression of field `field` (its location, `Output/result`), which must
    /// give a JSON value.
    pub fn eval(&self, p: &Parsed, field: &str) -> Result<Value, StateError> {
        self.eval_at(
            p,
            &Loc {
                parent: None,
                key: field,
            },
        )
    }

    /// [`Query::eval`] at a location written only if the evaluation fails.
    fn eval_at(&self, p: &Parsed, field: &Loc<'_>) -> Result<Value, StateError> {
        let globals = |name: &str| -> Option<Value> {
            if name == "states" {
                return Some(self.states().clone());
            }
            self.vars.and_then(|v| v.get(name)).cloned()
        };
        match jsonata::evaluate_with_draws(
            p.expr(),
            None,
            &globals,
            Limits::default(),
            self.now_millis,
            self.draws,
        ) {
            Ok(Outcome::Value(v)) => Ok(v),
            Ok(Outcome::Undefined) => Err(self.error(p, field, "returned nothing (undefined).")),
            Ok(Outcome::Function) => {
                Err(self.error(p, field, "returned an unsupported result type."))
            }
            // The limits AWS words without a code (ASL-JA-12, recorded on AWS).
            Err(e) if e.code.starts_with('U') => Err(self.error(
                p,
                field,
                &format!("threw an error during evaluation: {}", e.message),
            )),
            Err(e) => Err(self.error(
                p,
                field,
                &format!(
                    "threw an error during evaluation. {}: {}",
                    e.code, e.message
                ),
            )),
        }
    }

    /// A failure of field `field` with AWS's prefix and `what` after it (no expression).
    pub fn field_error(&self, what: &str) -> StateError {
        StateError::new(
            QUERY_EVALUATION_ERROR,
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {what}",
                self.state, self.entered_id
            ),
        )
    }

    /// Evaluates an expression whose result must be of the kind `expect`.
    pub fn eval_as(&self, p: &Parsed, field: &str, expect: Expect) -> Result<Value, StateError> {
        let v = self.eval(p, field)?;
        let ok = match expect {
            Expect::Any => true,
            Expect::Array => v.is_array(),
            Expect::Boolean => v.is_boolean(),
            Expect::String => v.is_string(),
            Expect::Number => v.is_number(),
            Expect::Integer => v.as_f64().is_some_and(|x| x.fract() == 0.0 && x >= 0.0),
            Expect::PositiveInteger => v.as_f64().is_some_and(|x| x.fract() == 0.0 && x > 0.0),
        };
        if ok {
            return Ok(v);
        }
        let want = match expect {
            Expect::Array => "array",
            Expect::Boolean => "boolean",
            Expect::String => "string",
            Expect::Number | Expect::Integer | Expect::PositiveInteger => "number",
            Expect::Any => "any",
        };
        if type_word(&v) == want {
            // Right type, out of range.
            return Err(self.error(
                p,
                &field,
                &format!(
                    "returned an unexpected result. Expected a {} integer, but was: {}",
                    if expect == Expect::PositiveInteger {
                        "positive"
                    } else {
                        "non-negative"
                    },
                    v.to_json_string()
                ),
            ));
        }
        Err(self.error(
            p,
            &field,
            &format!(
                "returned an unexpected result type. Expected '{want}', but was '{}' for value: {}",
                type_word(&v),
                v.to_json_string()
            ),
        ))
    }

    /// Evaluates a JSONata-mode template of field `field`: literal JSON with expressions in
    /// any string (ASL-JA-02); a member's location is `field/key`.
    pub fn template(&self, t: &Template, field: &str) -> Result<Value, StateError> {
        self.template_at(
            t,
            &Loc {
                parent: None,
                key: field,
            },
        )
    }

    fn template_at(&self, t: &Template, loc: &Loc<'_>) -> Result<Value, StateError> {
        Ok(match t {
            Template::Jsonata(p) => self.eval_at(p, loc)?,
            Template::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for f in fields.iter() {
                    let inner = Loc {
                        parent: Some(loc),
                        key: &f.key,
                    };
                    out.insert(str_of(&f.key), self.template_at(&f.value, &inner)?);
                }
                Value::object(out)
            }
            Template::Array(items) => Value::array(
                items
                    .iter()
                    .map(|i| self.template_at(i, loc))
                    .collect::<Result<_, _>>()?,
            ),
            other => crate::template::constant(other),
        })
    }
}
