//! One visit of one state: entering it, its data flow (InputPath, OutputPath, ResultPath),
//! errors raised by that data flow (with AWS's `States.Runtime` prefix), and leaving it.

use std::borrow::Cow;

use asl_syntax::path::Path;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::history::{entered_event, exited_event};
use super::retry::Failure;
use super::{Exec, Flow};
use crate::machine::{IoPath, State};
use crate::{Env, StateError};

/// One visit of one state: what its events and errors need to know.
pub(super) struct Visit<'e, 'a> {
    pub(super) x: &'e Exec<'a>,
    pub(super) s: &'static State,
    pub(super) entered_id: u32,
    pub(super) entered_at: Timestamp,
}

impl<'a> Exec<'a> {
    /// Enters a state: its `…StateEntered` event, and the visit's facts.
    pub(super) fn enter(&self, s: &'static State) -> Visit<'_, 'a> {
        let entered_id = self.event(entered_event(&s.kind), Some(s.name));
        let entered_at = if s.uses_context {
            self.now()
        } else {
            self.start
        };
        Visit {
            x: self,
            s,
            entered_id,
            entered_at,
        }
    }
}

impl Visit<'_, '_> {
    /// Turns an error raised by this state's own data flow into a failure; `States.Runtime`
    /// causes get AWS's prefix (ASL-SUB-29).
    pub(super) fn local<T>(&self, r: Result<T, StateError>) -> Result<T, Failure> {
        r.map_err(|e| self.failure(e))
    }

    pub(super) fn failure(&self, e: StateError) -> Failure {
        let mut f = Failure::from(e);
        if f.terminal {
            f.cause = Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                self.s.name,
                self.entered_id,
                f.cause.as_deref().unwrap_or("")
            ));
        }
        f
    }

    /// InputPath (ASL-IO-02): borrowed when it is the identity.
    pub(super) fn input_path<'r>(
        &self,
        raw: &'r Value,
        ctx: &Value,
    ) -> Result<Cow<'r, Value>, Failure> {
        match &self.s.input_path {
            IoPath::Identity => Ok(Cow::Borrowed(raw)),
            IoPath::Null => Ok(Cow::Owned(Value::Object(Map::new()))),
            IoPath::Path(path) => self.local(select(path, raw, ctx)).map(Cow::Owned),
        }
    }

    /// OutputPath (ASL-IO-08). The data is consumed: a plain member/index path moves the
    /// selected value out instead of copying it.
    pub(super) fn output_path(&self, mut data: Value, ctx: &Value) -> Result<Value, Failure> {
        match &self.s.output_path {
            IoPath::Identity => Ok(data),
            IoPath::Null => Ok(Value::Object(Map::new())),
            IoPath::Path(path) => match take_simple(&mut data, path) {
                Some(v) => Ok(v),
                None => self.local(select(path, &data, ctx)),
            },
        }
    }

    /// ResultPath (ASL-IO-07, ASL-SUB-01/02).
    pub(super) fn result_path(
        &self,
        p: &IoPath,
        raw: Value,
        result: Value,
    ) -> Result<Value, Failure> {
        match p {
            IoPath::Identity => Ok(result),
            IoPath::Null => Ok(raw),
            IoPath::Path(path) => {
                let mut out = raw;
                self.local(crate::path::set(&mut out, path, result))?;
                Ok(out)
            }
        }
    }

    /// OutputPath, the quota, the exit event, the transition.
    pub(super) fn exit(&self, data: Value, ctx: &Value) -> Result<Flow, Failure> {
        let out = self.output_path(data, ctx)?;
        self.size_check(&out)?;
        self.x.event(exited_event(&self.s.kind), Some(self.s.name));
        Ok(match self.s.next {
            Some(n) => Flow::Next(n, out),
            None => Flow::End(out),
        })
    }
}

pub(super) fn env<'v>(input: &'v Value, ctx: &'v Value) -> Env<'v> {
    Env {
        input,
        context: ctx,
        vars: None,
    }
}

pub(super) fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A value as AWS quotes it in `…Path` messages: strings bare, others as JSON.
pub(super) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}

pub(super) fn select(path: &Path, input: &Value, ctx: &Value) -> Result<Value, StateError> {
    crate::path::select(path, &env(input, ctx)).map_err(StateError::from)
}

/// Moves the value at a `$`-rooted path of member names and non-negative indexes out of
/// `data` (leaving `null`); `None` when the path has another shape or matches nothing, so the
/// caller falls back to [`select`] and its error texts.
fn take_simple(data: &mut Value, path: &Path) -> Option<Value> {
    use asl_syntax::path::{Root, Segment, Selector};
    if path.root != Root::Input || path.function.is_some() {
        return None;
    }
    let simple = path.segments.iter().all(|s| {
        matches!(
            s,
            Segment::Child(Selector::Name(_)) | Segment::Child(Selector::Index(0..))
        )
    });
    if !simple {
        return None;
    }
    let mut cur = data;
    for seg in path.segments.iter() {
        cur = match seg {
            Segment::Child(Selector::Name(n)) => cur.as_object_mut()?.get_mut(n.as_ref())?,
            Segment::Child(Selector::Index(i)) => {
                cur.as_array_mut()?.get_mut(usize::try_from(*i).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur.take())
}
