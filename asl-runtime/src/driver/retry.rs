//! Failures travelling up from states, and the one Retry/Catch loop for Task, Parallel and
//! Map (ASL-RT, ASL-CT): per-retrier counters, capped exponential backoff with optional FULL
//! jitter from a seeded RNG, then the first matching catcher.

use std::borrow::Cow;
use std::sync::Mutex;

use crate::{Value, json};
use rand::{Rng, SeedableRng};

use super::history::exited_event;
use super::visit::Visit;
use super::{Exec, Flow, Location};
use crate::StateError;
use crate::machine::{Catcher, IoPath, Kind, ResultSpec};

/// A failure travelling up from a state.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub(super) error: Option<Cow<'static, str>>,
    pub(super) cause: Option<String>,
    /// Ends the execution: no retrier or catcher sees it (`States.Runtime`, a state output over
    /// the payload quota; ASL-ERR-15/16, ASL-SUB-19).
    pub(super) terminal: bool,
}

impl Failure {
    pub(super) fn error_name(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }

    /// The Error Output a catcher receives: both keys always (ASL-CT-04, ASL-SUB-09).
    ///
    /// A failure with an error name but no cause has `"Cause": ""` (ASL-SUB-09, observed for
    /// States.Timeout); one with neither, as a `SendTaskFailure` without fields, has both
    /// `null` (conformance `callback/…no_error_field…CATCH`).
    pub(super) fn error_output(&self) -> Value {
        match (&self.error, &self.cause) {
            (None, None) => json!({ "Error": null, "Cause": null }),
            (error, cause) => json!({
                "Error": error.as_deref().unwrap_or(""),
                "Cause": cause.as_deref().unwrap_or(""),
            }),
        }
    }
}

impl From<StateError> for Failure {
    fn from(e: StateError) -> Failure {
        let terminal = e.error == "States.Runtime";
        Failure {
            error: Some(e.error),
            cause: e.cause,
            terminal,
        }
    }
}

/// Whether `error` is matched by an `ErrorEquals` list (ASL-ERR-01/02, ASL-SUB-18/19).
///
/// `States.Runtime` is never matched. `States.DataLimitExceeded` is matched like any error
/// when a task failed with it: AWS catches an oversized task result with `States.ALL`
/// (conformance `error_handling/…catch_state_all_data_limit_exceeded_on_large_utf8_response`).
/// A state *output* over the quota is terminal instead, and never reaches this function.
pub fn error_matches(error_equals: &[&str], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    error_equals.iter().any(|&e| {
        e == error
            || e == "States.ALL"
            || (e == "States.TaskFailed"
                && error != "States.Timeout"
                && error != "States.HeartbeatTimeout")
    })
}

impl Exec<'_> {
    fn rng(&self) -> &Mutex<rand::rngs::StdRng> {
        self.rng.get_or_init(|| {
            Mutex::new(match self.options.seed {
                Some(s) => rand::rngs::StdRng::seed_from_u64(s),
                None => rand::rngs::StdRng::from_os_rng(),
            })
        })
    }
}

impl Visit<'_, '_> {
    fn spec(&self) -> &'static ResultSpec {
        match &self.s.kind {
            Kind::Task(t) => &t.result,
            Kind::Parallel(p) => &p.result,
            Kind::Map(m) => &m.result,
            _ => &EMPTY_SPEC,
        }
    }

    /// Task, Parallel and Map: attempts under Retry, then Catch (ASL-RT, ASL-CT).
    pub(super) async fn with_retry(&self, raw: Value, loc: &Location) -> Result<Flow, Failure> {
        let spec = self.spec();
        let mut counters = [0u64; 8];
        let mut counters_vec = Vec::new();
        let counters: &mut [u64] = if spec.retry.len() <= counters.len() {
            &mut counters[..spec.retry.len()]
        } else {
            counters_vec.resize(spec.retry.len(), 0);
            &mut counters_vec
        };
        let mut retry_count = 0u32;
        loop {
            let token = self.new_token(retry_count);
            let ctx = self.ctx_with_token(retry_count, token.as_deref());
            let failure = match self.attempt(&raw, &ctx, retry_count, token, loc).await {
                Ok(result) if self.s.jsonata => {
                    // JSONata: `Output` (default: the result) and `Assign` see
                    // `$states.result` (ASL-JA-04, -07, -08).
                    self.inspect("result", &result);
                    let q = self.query(&raw, &ctx).with_result(&result);
                    self.assign(self.s.assign.as_ref(), Some(&q), &result, &ctx)?;
                    let out = self.jsonata_output(self.s.output.as_ref(), &q, || result.clone())?;
                    drop(q);
                    self.size_check(&out)?;
                    return Ok(self.exit_checked(out));
                }
                Ok(result) => {
                    // ASL-IO-06: a JSONPath Assign sees the raw result, not ResultSelector's.
                    self.assign(self.s.assign.as_ref(), None, &result, &ctx)?;
                    self.inspect("result", &result);
                    let e = self.env(&result, &ctx);
                    let selected = match &spec.result_selector {
                        Some(t) => {
                            let s = self.local(crate::template::eval(t, &e))?;
                            self.inspect("afterResultSelector", &s);
                            s
                        }
                        None => result,
                    };
                    let out = self.result_path(&spec.result_path, raw, selected)?;
                    self.inspect("afterResultPath", &out);
                    return self.exit(out, &ctx);
                }
                Err(f) => f,
            };
            if failure.terminal {
                return Err(failure);
            }
            let name = failure.error_name();
            if let Some(i) = spec
                .retry
                .iter()
                .position(|r| error_matches(r.error_equals, name))
            {
                let r = &spec.retry[i];
                if counters[i] < r.max_attempts {
                    counters[i] += 1;
                    let delay = self.backoff(r, counters[i], retry_count);
                    // The delay runs from the failure: after a restart, only what is left of
                    // it (ASL-RT-08).
                    let since = self.outcome_at();
                    self.x.sleep_from(since, delay).await?;
                    retry_count += 1;
                    continue;
                }
            }
            // Retries are over: Parallel and Map record their failure once (ASL-EV-07/08;
            // recorded histories show no MapStateFailed between retried attempts).
            match self.s.kind {
                Kind::Parallel(_) => self.event("ParallelStateFailed"),
                Kind::Map(_) => self.event("MapStateFailed"),
                _ => 0,
            };
            if let Some(c) = spec
                .catch
                .iter()
                .find(|c| error_matches(c.error_equals, name))
            {
                return self.caught(c, raw, &failure, &ctx);
            }
            return Err(failure);
        }
    }

    /// The delay before the k-th retry granted by `r` (ASL-RT-08, ASL-SUB-23).
    fn backoff(&self, r: &crate::machine::Retrier, k: u64, attempt: u32) -> std::time::Duration {
        let exp = i32::try_from(k.saturating_sub(1)).unwrap_or(i32::MAX);
        let mut secs = r.interval_seconds as f64 * r.backoff_rate.powi(exp);
        if let Some(max) = r.max_delay_seconds {
            secs = secs.min(max as f64);
        }
        if r.full_jitter {
            secs *= match self.x.journal {
                // Drawn for this attempt, so a replay draws the same.
                Some(j) => j.draw(&self.attempt_at(attempt).key()),
                None => {
                    let mut rng = self.x.rng().lock().unwrap_or_else(|p| p.into_inner());
                    rng.random::<f64>()
                }
            };
        }
        std::time::Duration::try_from_secs_f64(secs).unwrap_or(std::time::Duration::MAX)
    }

    /// A catcher took the failure: Error Output through the catcher's ResultPath, no
    /// ResultSelector or OutputPath (ASL-IO-14, ASL-SUB-08).
    fn caught(&self, c: &Catcher, raw: Value, f: &Failure, ctx: &Value) -> Result<Flow, Failure> {
        let error_output = f.error_output();
        if self.s.jsonata {
            // The catcher's `Output` (default: the Error Output) and `Assign` see
            // `$states.errorOutput` (ASL-JA-17); the state's own Assign is skipped (ASL-CT-07).
            let q = self.query(&raw, ctx).with_error_output(&error_output);
            self.assign(c.assign.as_ref(), Some(&q), &error_output, ctx)?;
            let out = self.jsonata_output(c.output.as_ref(), &q, || error_output.clone())?;
            drop(q);
            self.size_check(&out)?;
            self.exited(exited_event(&self.s.kind), &out);
            return Ok(Flow::Next(c.next, out));
        }
        // A catcher's Assign sees the Error Output as `$` (ASL-IO-14).
        self.assign(c.assign.as_ref(), None, &error_output, ctx)?;
        let out = self.result_path(&c.result_path, raw, error_output)?;
        self.size_check(&out)?;
        self.exited(exited_event(&self.s.kind), &out);
        Ok(Flow::Next(c.next, out))
    }
}

static EMPTY_SPEC: ResultSpec = ResultSpec {
    result_selector: None,
    result_path: IoPath::Identity,
    retry: &[],
    catch: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    /// ASL-ERR-01/02, ASL-SUB-18/19: wildcards and the unmatchable States.Runtime.
    #[test]
    fn error_matching() {
        assert!(error_matches(&["States.ALL"], "Custom"));
        assert!(error_matches(&["States.ALL"], "States.Timeout"));
        assert!(!error_matches(&["States.ALL"], "States.Runtime"));
        assert!(!error_matches(&["States.Runtime"], "States.Runtime"));
        assert!(error_matches(&["States.TaskFailed"], "Lambda.Unknown"));
        assert!(!error_matches(&["States.TaskFailed"], "States.Timeout"));
        assert!(error_matches(&["States.Timeout"], "States.Timeout"));
        assert!(!error_matches(&["A", "B"], "C"));
        assert!(!error_matches(&["custom"], "Custom"));
    }
}
