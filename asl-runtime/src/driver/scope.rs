//! Walking one scope (the machine, a branch, an iteration): runs of Pass, Choice, Succeed and
//! Fail go through a plain loop with no future; Task, Parallel, Map and Wait are boxed and
//! guarded so that a cancelled state records its `…StateAborted` event.

use std::borrow::Cow;

use crate::Value;

use super::history::{AbortGuard, aborted_event, entered_event, exited_event};
use super::quota::MAX_PAYLOAD_BYTES;
use super::retry::Failure;
use super::visit::Visit;
use super::{Exec, Flow, Location, Vars};
use crate::machine::{FailField, IoPath, Kind, Size, StateId, Step, Wait};
use crate::query::{Expect, Query};
use crate::{Env, StateError};

/// The effective input as an owned value: when InputPath was the identity (borrowed), the raw
/// input itself, moved rather than cloned.
macro_rules! owned_or {
    ($effective:expr, $raw:expr) => {
        match $effective {
            Cow::Owned(v) => v,
            Cow::Borrowed(_) => $raw,
        }
    };
}

/// How far [`Exec::run_sync`] got.
pub(super) enum SyncRun {
    /// The scope ended (output or failure).
    Done(Result<Value, Failure>),
    /// Stopped before this state: it is asynchronous, or the budget ran out.
    Paused(StateId, Value),
}

/// Synchronous states run between two yields to the scheduler.
const SYNC_BUDGET: u32 = 4096;

/// Pass, Choice, Succeed, Fail (and unsupported states, which fail at once) need no `.await`.
fn is_sync(kind: &Kind) -> bool {
    !matches!(
        kind,
        Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) | Kind::Wait(_)
    )
}

impl Exec<'_> {
    /// Runs one scope (the machine, a branch, an iteration) from `start` to its end.
    ///
    /// `step` is the number of states the scope has visited before `start` (each visit's
    /// number keys its events in durable runs).
    pub(super) fn run_scope(
        &self,
        start: StateId,
        input: Value,
        loc: Location,
        mut step: u32,
        mut vars: Vars,
    ) -> futures_util::future::BoxFuture<'_, Result<Value, Failure>> {
        Box::pin(async move {
            let mut cur = start;
            let mut data = input;
            loop {
                // Pass, Choice, Succeed and Fail run synchronously, without a future.
                match self.run_sync(cur, data, &loc, &mut step, &mut vars) {
                    SyncRun::Done(r) => return r,
                    SyncRun::Paused(c, d) => {
                        cur = c;
                        data = d;
                    }
                }
                let Some(state) = self.m.states.get(cur as usize) else {
                    return Err(StateError::runtime(format!("no state #{cur}")).into());
                };
                if is_sync(&state.kind) {
                    // A long run of synchronous states: let other tasks (and the execution
                    // timeout) in before going on.
                    match self.journal {
                        Some(j) => j.busy(tokio::task::yield_now()).await,
                        None => tokio::task::yield_now().await,
                    }
                    continue;
                }
                let v = self.enter(state, &loc, step, &data, &vars);
                step += 1;
                let guard = AbortGuard {
                    x: self,
                    kind: aborted_event(&state.kind),
                    state: Some(state.name),
                    at: v.at(),
                };
                // Boxed: the async states' futures are large, and keeping them out of this
                // loop's future keeps every scope (each Map iteration) small.
                let flow = Box::pin(self.state_async(&v, data, &loc)).await;
                guard.done();
                if let Some(after) = v.vars_after() {
                    vars = after;
                }
                match flow? {
                    Flow::Next(next, out) => {
                        cur = next;
                        data = out;
                    }
                    Flow::End(out) => return Ok(out),
                }
            }
        })
    }

    /// Runs synchronous states from `cur` until the scope ends, an asynchronous state is next,
    /// or [`SYNC_BUDGET`] states have run.
    pub(super) fn run_sync(
        &self,
        mut cur: StateId,
        mut data: Value,
        loc: &Location,
        step: &mut u32,
        vars: &mut Vars,
    ) -> SyncRun {
        // An upper bound of the JSON length of `data`, while lowered states keep it.
        let mut bound: Option<usize> = None;
        for _ in 0..SYNC_BUDGET {
            let Some(state) = self.m.states.get(cur as usize) else {
                return SyncRun::Done(Err(StateError::runtime(format!("no state #{cur}")).into()));
            };
            if !is_sync(&state.kind) {
                return SyncRun::Paused(cur, data);
            }
            // A lowered state runs as straight-line code; durable runs record each state's
            // input and output, so they take the descriptors.
            if state.lowered && self.journal.is_none() {
                match (self.m.step)(cur, data, vars) {
                    Step::Slow(d) => data = d,
                    // The visit's events without a `Visit`: nothing else of it is needed
                    // unless the quota fails.
                    Step::Output { value, size } => {
                        let name = Some(state.name);
                        self.count_entered();
                        let entered_id = self.next_event(entered_event(&state.kind), name);
                        // The quota (ASL-IO-09): measured only when the compiler's knowledge
                        // of the output's size and the bound of the input do not settle it.
                        let known = match (size, bound) {
                            (Size::Small, _) => Some(Size::SMALL),
                            (Size::Grown(n), Some(b)) => {
                                Some(b.saturating_add(n)).filter(|&t| t <= MAX_PAYLOAD_BYTES)
                            }
                            _ => None,
                        };
                        let measured = match known {
                            Some(b) => Ok(b),
                            None => self
                                .entered_lowered(state, loc, *step, entered_id)
                                .size_bound(&value),
                        };
                        *step += 1;
                        match measured {
                            Ok(b) => bound = Some(b),
                            Err(f) => return SyncRun::Done(Err(f)),
                        }
                        self.next_event(exited_event(&state.kind), name);
                        match state.next {
                            Some(next) => {
                                cur = next;
                                data = value;
                                continue;
                            }
                            None => return SyncRun::Done(Ok(value)),
                        }
                    }
                    Step::Choose(next, out) => {
                        let name = Some(state.name);
                        self.count_entered();
                        self.next_event(entered_event(&state.kind), name);
                        self.next_event(exited_event(&state.kind), name);
                        *step += 1;
                        cur = next;
                        data = out;
                        continue;
                    }
                }
            }
            bound = None;
            let v = self.enter(state, loc, *step, &data, vars);
            *step += 1;
            let flow = self.state_sync(&v, cur, data);
            if let Some(after) = v.vars_after() {
                *vars = after;
            }
            match flow {
                Ok(Flow::Next(next, out)) => {
                    cur = next;
                    data = out;
                }
                Ok(Flow::End(out)) => return SyncRun::Done(Ok(out)),
                Err(f) => return SyncRun::Done(Err(f)),
            }
        }
        SyncRun::Paused(cur, data)
    }

    fn state_sync(&self, v: &Visit<'_, '_>, id: StateId, raw: Value) -> Result<Flow, Failure> {
        let s = v.s;
        if s.jsonata {
            return self.state_sync_jsonata(v, raw);
        }
        Ok(match &s.kind {
            Kind::Pass(p) => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let result = match (&p.result, &p.parameters) {
                    (Some(r), _) => Some(crate::template::constant(r)),
                    (None, Some(t)) => {
                        let r = v.local(crate::template::eval(t, &v.env(&effective, &ctx)))?;
                        v.inspect("afterParameters", &r);
                        Some(r)
                    }
                    (None, None) => match effective {
                        Cow::Owned(e) => Some(e),
                        // The result is the raw input itself.
                        Cow::Borrowed(_) => None,
                    },
                };
                // ASL-IO-06: a Pass state's Assign sees its result.
                v.assign(
                    s.assign.as_ref(),
                    None,
                    result.as_ref().unwrap_or(&raw),
                    &ctx,
                )?;
                if let Some(r) = &result {
                    v.inspect("result", r);
                }
                let out = match result {
                    Some(r) => v.result_path(&p.result_path, raw, r)?,
                    None => match &p.result_path {
                        IoPath::Identity | IoPath::Null => raw,
                        rp => v.result_path(rp, raw.clone(), raw)?,
                    },
                };
                v.inspect("afterResultPath", &out);
                v.exit(out, &ctx)?
            }
            Kind::Choice(ch) => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let e = v.env(&effective, &ctx);
                // Rules carried as data (machines built at run time) are evaluated here;
                // compiled ones by the machine's Choice function. Same answers, same errors.
                let rule = v.local(match ch.rules.first().and_then(|r| r.rule) {
                    Some(_) => crate::choice::choose(ch.rules, &e),
                    None => (self.m.choose)(id, &e),
                })?;
                let rule = rule.and_then(|k| ch.rules.get(k as usize));
                let next = match (rule, ch.default) {
                    (Some(r), _) => r.next,
                    (None, Some(d)) => d,
                    (None, None) => {
                        return Err(v
                            .local::<()>(Err(crate::choice::no_choice_matched()))
                            .unwrap_err());
                    }
                };
                // ASL-VAR-05: the chosen rule's Assign takes the place of the state's; it
                // sees the effective input (ASL-IO-06).
                let assign = rule.and_then(|r| r.assign.as_ref()).or(s.assign.as_ref());
                v.assign(assign, None, &effective, &ctx)?;
                let effective = owned_or!(effective, raw);
                let out = v.output_path(effective, &ctx)?;
                v.size_check_if_changed(&out)?;
                v.exited("ChoiceStateExited", &out);
                Flow::Next(next, out)
            }
            Kind::Succeed => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                let effective = owned_or!(effective, raw);
                let out = v.output_path(effective, &ctx)?;
                v.size_check_if_changed(&out)?;
                v.exited("SucceedStateExited", &out);
                Flow::End(out)
            }
            Kind::Fail(f) => {
                let ctx = v.ctx(0);
                let e = v.env(&raw, &ctx);
                let error = v.local(fail_field(f.error.as_ref(), "ErrorPath", &e, None))?;
                let cause = v.local(fail_field(f.cause.as_ref(), "CausePath", &e, None))?;
                return Err(Failure {
                    error: error.map(Cow::Owned),
                    cause,
                    terminal: false,
                });
            }
            Kind::Unsupported(why) => return Err(v.failure(StateError::runtime(*why))),
            Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) | Kind::Wait(_) => {
                return Err(v.failure(StateError::runtime(
                    "internal: async state on the sync path",
                )));
            }
        })
    }

    /// Pass, Choice, Succeed and Fail in JSONata (ASL-JA-07, -18): `Output` (default: the
    /// input) and `Assign`, both on the state's input and the variables at entry (ASL-JA-08).
    fn state_sync_jsonata(&self, v: &Visit<'_, '_>, raw: Value) -> Result<Flow, Failure> {
        let s = v.s;
        let ctx = v.ctx(0);
        let q = v.query(&raw, &ctx);
        Ok(match &s.kind {
            Kind::Pass(_) => {
                v.assign(s.assign.as_ref(), Some(&q), &raw, &ctx)?;
                let out = v.jsonata_output(s.output.as_ref(), &q, || raw.clone())?;
                drop(q);
                v.exit(out, &ctx)?
            }
            Kind::Choice(ch) => {
                let mut chosen = None;
                for (k, r) in ch.rules.iter().enumerate() {
                    let hit = match &r.condition {
                        Some(asl_syntax::template::Template::Bool(b)) => *b,
                        Some(asl_syntax::template::Template::Jsonata(p)) => v
                            .eval(q.eval_as(p, "Condition", Expect::Boolean))?
                            .as_bool()
                            .unwrap_or(false),
                        _ => false,
                    };
                    if hit {
                        chosen = Some(k);
                        break;
                    }
                }
                let rule = chosen.map(|k| &ch.rules[k]);
                let next = match (rule, ch.default) {
                    (Some(r), _) => r.next,
                    (None, Some(d)) => d,
                    (None, None) => return Err(v.failure(crate::choice::no_choice_matched())),
                };
                let assign = rule.and_then(|r| r.assign.as_ref()).or(s.assign.as_ref());
                v.assign(assign, Some(&q), &raw, &ctx)?;
                let output = rule.and_then(|r| r.output.as_ref()).or(s.output.as_ref());
                let out = v.jsonata_output(output, &q, || raw.clone())?;
                drop(q);
                v.size_check_if_changed(&out)?;
                v.exited("ChoiceStateExited", &out);
                Flow::Next(next, out)
            }
            Kind::Succeed => {
                let out = v.jsonata_output(s.output.as_ref(), &q, || raw.clone())?;
                drop(q);
                v.size_check_if_changed(&out)?;
                v.exited("SucceedStateExited", &out);
                Flow::End(out)
            }
            Kind::Fail(f) => {
                let e = v.env(&raw, &ctx);
                let error = v.eval(fail_field(f.error.as_ref(), "Error", &e, Some(&q)))?;
                let cause = v.eval(fail_field(f.cause.as_ref(), "Cause", &e, Some(&q)))?;
                return Err(Failure {
                    error: error.map(Cow::Owned),
                    cause,
                    terminal: false,
                });
            }
            Kind::Unsupported(why) => return Err(v.failure(StateError::runtime(*why))),
            Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) | Kind::Wait(_) => {
                return Err(v.failure(StateError::runtime(
                    "internal: async state on the sync path",
                )));
            }
        })
    }

    async fn state_async(
        &self,
        v: &Visit<'_, '_>,
        raw: Value,
        loc: &Location,
    ) -> Result<Flow, Failure> {
        match &v.s.kind {
            Kind::Wait(w) => {
                let ctx = v.ctx(0);
                let effective = v.input_path(&raw, &ctx)?;
                // The delay, the Assign (with `$` = the effective input, ASL-IO-06) and the
                // JSONata Output are all evaluated on entry, before the wait.
                let (delay, out) = if v.s.jsonata {
                    let q = v.query(&raw, &ctx);
                    let delay = v.eval(self.wait_delay(w, &v.env(&effective, &ctx), Some(&q)))?;
                    v.assign(v.s.assign.as_ref(), Some(&q), &raw, &ctx)?;
                    let out = v.jsonata_output(v.s.output.as_ref(), &q, || raw.clone())?;
                    (delay, Some(out))
                } else {
                    let delay = v.local(self.wait_delay(w, &v.env(&effective, &ctx), None))?;
                    v.assign(v.s.assign.as_ref(), None, &effective, &ctx)?;
                    (delay, None)
                };
                // `Seconds` count from the state's entry, `Timestamp` from now: after a
                // restart, a durable Wait sleeps only what is left (ASL-WT).
                let since = match w {
                    Wait::Seconds(_) | Wait::SecondsPath(_) | Wait::SecondsJsonata(_) => {
                        Some(v.entered_at)
                    }
                    Wait::Timestamp(_) | Wait::TimestampPath(_) | Wait::TimestampJsonata(_) => None,
                };
                self.sleep_from(since, std::time::Duration::from_secs(delay))
                    .await?;
                match out {
                    Some(out) => {
                        v.size_check(&out)?;
                        Ok(v.exit_checked(out))
                    }
                    None => {
                        let effective = owned_or!(effective, raw);
                        v.exit(effective, &ctx)
                    }
                }
            }
            _ => v.with_retry(raw, loc).await,
        }
    }
}

/// `Error`/`Cause` of a Fail state (ASL-FL-02); `q` for JSONata expressions.
fn fail_field(
    f: Option<&FailField>,
    field: &str,
    e: &Env<'_>,
    q: Option<&Query<'_>>,
) -> Result<Option<String>, StateError> {
    Ok(match f {
        None => None,
        Some(FailField::Jsonata(p)) => match q {
            Some(q) => q
                .eval_as(p, field, Expect::String)?
                .as_str()
                .map(str::to_string),
            None => None,
        },
        Some(FailField::Literal(s)) => Some((*s).to_string()),
        Some(FailField::Call(c)) => Some(crate::intrinsics::eval_string(c, e)?),
        Some(FailField::Path(p)) => {
            let v = crate::path::select(p, e)
                .map_err(|m| StateError::runtime(m.field_cause(field, e.input)))?;
            Some(match v {
                Value::String(s) => s.to_string(),
                other => other.to_json_string(),
            })
        }
    })
}
