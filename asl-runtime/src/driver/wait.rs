//! How long a Wait state waits (ASL-WT): `Seconds`, `SecondsPath`, `Timestamp` and
//! `TimestampPath`, against the execution's clock.

use super::Exec;
use crate::machine::Wait;
use crate::query::{Expect, Query};
use crate::{Env, StateError};

impl Exec<'_> {
    /// The delay of a Wait state, with its paths read against `e` and its JSONata
    /// expressions against `q` (ASL-JA-10: `Seconds` a non-negative integer, `Timestamp` a
    /// timestamp string).
    pub(super) fn wait_delay(
        &self,
        w: &Wait,
        e: &Env<'_>,
        q: Option<&Query<'_>>,
    ) -> Result<u64, StateError> {
        match w {
            Wait::Seconds(n) => Ok(*n),
            Wait::SecondsJsonata(p) => {
                let Some(q) = q else { return Ok(0) };
                let v = q.eval_as(p, "Seconds", Expect::Integer)?;
                delay_within_limit(v.as_f64().unwrap_or(0.0) as u64)
            }
            Wait::TimestampJsonata(p) => {
                let Some(q) = q else { return Ok(0) };
                let v = q.eval_as(p, "Timestamp", Expect::String)?;
                let ts = v.as_str().and_then(crate::timestamp::parse).ok_or_else(|| {
                    q.field_error(&format!(
                        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                        v.as_str().map_or_else(|| v.to_json_string(), str::to_string)
                    ))
                })?;
                self.delay_until(ts.as_second())
            }
            Wait::SecondsPath(p) => {
                let v = crate::path::select(p, e).map_err(|_| {
                    StateError::runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                let text = v.to_json_string();
                match v.as_number() {
                    Some(n) if n.as_i64().is_some_and(|i| i < 0) => {
                        Err(StateError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {text}",
                            p.source
                        )))
                    }
                    Some(n) if n.is_u64() => {
                        let secs = n.as_u64().unwrap_or(0);
                        delay_within_limit(secs)
                    }
                    _ => Err(StateError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {text}",
                        p.source
                    ))),
                }
            }
            Wait::Timestamp(t) => self.delay_until(*t),
            Wait::TimestampPath(p) => {
                let v = crate::path::select(p, e).map_err(|_| {
                    StateError::runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                let ts = v.as_str().and_then(crate::timestamp::parse).ok_or_else(|| {
                    StateError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.source,
                        v.as_str().map_or_else(|| v.to_json_string(), str::to_string)
                    ))
                })?;
                self.delay_until(ts.as_second())
            }
        }
    }

    /// Seconds from now until `target` (Unix seconds, ASL-WT-04, ASL-SUB-37).
    fn delay_until(&self, target: i64) -> Result<u64, StateError> {
        let now = self.now().as_second();
        delay_within_limit(u64::try_from(target.saturating_sub(now)).unwrap_or(0))
    }
}

/// A Wait delay of 2^31 s or more is `States.Runtime` (ASL-WT-04, ASL-SUB-37), whichever
/// field gave it.
fn delay_within_limit(secs: u64) -> Result<u64, StateError> {
    if secs >= u64::from(i32::MAX.unsigned_abs()) {
        return Err(StateError::runtime("Wait state delay is too long"));
    }
    Ok(secs)
}
