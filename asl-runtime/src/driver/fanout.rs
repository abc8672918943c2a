//! Parallel branches and inline Map iterations (ASL-PAR, ASL-MAP). They run concurrently
//! inside the execution's own task (no spawning), so a failure cancels the siblings by
//! dropping them (ASL-PAR-04, ASL-MAP-06).

use crate::value::{Map, Str, Value};
use futures_util::StreamExt;

use super::Location;
use super::history::{AbortGuard, At};
use super::retry::Failure;
use super::scope::SyncRun;
use super::visit::{Visit, value_text};
use crate::machine::{Percentage, Seconds};
use crate::query::{Expect, QUERY_EVALUATION_ERROR, Query};
use crate::{Env, StateError, json};

impl Visit<'_, '_> {
    /// Parallel (ASL-PAR): every branch runs on the same input, concurrently; the results come
    /// in declaration order and the first failure drops the other branches (ASL-PAR-02/03/04).
    pub(super) async fn parallel(
        &self,
        p: &'static crate::machine::Parallel,
        effective: &Value,
        ctx: &Value,
        loc: &Location,
        attempt: u32,
    ) -> Result<Value, Failure> {
        let e = self.env(effective, ctx);
        let input = match &p.parameters {
            // JSONata `Arguments`: each branch's input (ASL-JA-06).
            Some(t) if self.s.jsonata => {
                self.eval(self.query(effective, ctx).template(t, "Arguments"))?
            }
            Some(t) => self.local(crate::template::eval(t, &e))?,
            None => effective.clone(),
        };
        self.x.event(
            "ParallelStateStarted",
            Some(self.s.name),
            self.attempt_at(attempt),
        );
        let branches = p.branches.iter().enumerate().map(|(i, &start)| {
            let child = loc.child(i, self.step, self.attempt_base + attempt);
            self.x
                .run_scope(start, input.clone(), child, 0, self.vars.clone())
        });
        let results = futures_util::future::try_join_all(branches).await?;
        Ok(Value::array(results))
    }

    /// Inline Map (ASL-MAP, ASL-IO-12).
    pub(super) async fn map(
        &self,
        m: &'static crate::machine::Map,
        effective: &Value,
        ctx: &Value,
        loc: &Location,
        attempt: u32,
    ) -> Result<Value, Failure> {
        if let Some(d) = m.distributed {
            return self.distributed_map(m, d, effective, ctx, attempt).await;
        }
        let items = self.map_items(m, effective, ctx)?;
        let e = self.env(effective, ctx);
        let jsonata = self.s.jsonata.then(|| self.query(effective, ctx));
        let q = jsonata.as_ref();
        let max = self.eval(int_field(
            m.max_concurrency.as_ref(),
            "MaxConcurrencyPath",
            &e,
            q,
        ))?;
        let tolerated_count = self.eval(int_field(
            m.tolerated_failure_count.as_ref(),
            "ToleratedFailureCountPath",
            &e,
            q,
        ))?;
        let tolerated_pct =
            self.eval(percentage(m.tolerated_failure_percentage.as_ref(), &e, q))?;
        // Each item's input: ItemSelector with `$$.Map.Item` (ASL-MAP-03, ASL-CTX-10).
        let mut inputs = Vec::with_capacity(items.len());
        for (i, (key, value)) in items.into_iter().enumerate() {
            inputs.push(self.item_input(m, effective, key, i, value, None)?);
        }
        let total = inputs.len();
        let started = self.attempt_at(attempt);
        // `MapStateStartedEventDetails` / `MapIterationEventDetails` (API-SEE).
        self.x.event_with(
            "MapStateStarted",
            Some(self.s.name),
            started,
            || json!({ "length": total }),
        );
        let limit = match max {
            Some(0) | None => total.max(1),
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        };
        let tolerant = tolerated_count.is_some() || tolerated_pct.is_some();
        let name = Some(self.s.name);
        // Iterations run concurrently up to `limit` in flight. Each is polled once at once:
        // one that finishes without waiting (no Task, no Wait) never enters the pool, which
        // saves its allocation. The pool is unordered, so a free slot is refilled as soon as
        // any iteration ends and a failure stops the Map at once (ASL-MAP-05/06); results go
        // back to item order (ASL-MAP-04).
        let mut pool = futures_util::stream::FuturesUnordered::new();
        let mut results: Vec<Value> = vec![Value::Null; total];
        let mut failed = 0usize;
        let mut items = inputs.into_iter().enumerate();
        let base = loc.path();
        loop {
            let mut done = None;
            while done.is_none() && pool.len() < limit {
                let Some((i, input)) = items.next() else {
                    break;
                };
                let child = loc.child_of(&base, i, self.step, self.attempt_base + attempt);
                self.x.event_with(
                    "MapIterationStarted",
                    name,
                    At::Scope(&child),
                    || json!({ "index": i }),
                );
                // An iteration of synchronous states runs to its end here: no future at all.
                let mut step = 0;
                let mut vars = self.vars.clone();
                let (from, input) = match self
                    .x
                    .run_sync(m.start, input, &child, &mut step, &mut vars)
                {
                    SyncRun::Done(r) => {
                        done = Some((i, r, child));
                        continue;
                    }
                    SyncRun::Paused(from, input) => (from, input),
                };
                let mut fut = self.x.run_scope(from, input, child.clone(), step, vars);
                match std::future::poll_fn(|cx| std::task::Poll::Ready(fut.as_mut().poll(cx))).await
                {
                    std::task::Poll::Ready(r) => done = Some((i, r, child)),
                    std::task::Poll::Pending => pool.push(async move {
                        let guard = AbortGuard {
                            x: self.x,
                            kind: Some("MapIterationAborted"),
                            state: name,
                            at: At::Scope(&child),
                        };
                        let r = fut.await;
                        guard.done();
                        (i, r, child)
                    }),
                }
            }
            let (i, r, child) = match done {
                Some(d) => d,
                None => match pool.next().await {
                    Some(d) => d,
                    None => break,
                },
            };
            self.x.event_with(
                if r.is_ok() {
                    "MapIterationSucceeded"
                } else {
                    "MapIterationFailed"
                },
                name,
                At::Scope(&child),
                || json!({ "index": i }),
            );
            let Some(slot) = results.get_mut(i) else {
                continue;
            };
            match r {
                Ok(v) => *slot = v,
                Err(f) if tolerant && !f.terminal => {
                    failed += 1;
                    let over_count = tolerated_count.is_some_and(|c| failed as u64 > c);
                    let over_pct =
                        tolerated_pct.is_some_and(|p| (failed as f64) * 100.0 / (total as f64) > p);
                    if over_count || over_pct {
                        return Err(Failure {
                            error: Some("States.ExceedToleratedFailureThreshold".into()),
                            cause: Some(
                                "The specified tolerated failure threshold was exceeded".into(),
                            ),
                            terminal: false,
                        });
                    }
                    *slot = f.error_output();
                }
                Err(f) => return Err(f),
            }
        }
        self.x.event("MapStateSucceeded", name, started);
        Ok(Value::array(results))
    }

    /// A Map's items (ASL-MAP-02): `ItemsPath` (JSONPath) or `Items` (JSONata) on the
    /// effective input; an object's members are items in JSONPath.
    pub(super) fn map_items(
        &self,
        m: &'static crate::machine::Map,
        effective: &Value,
        ctx: &Value,
    ) -> Result<Vec<(Option<Str>, Value)>, Failure> {
        let e = self.env(effective, ctx);
        let jsonata = self.s.jsonata.then(|| self.query(effective, ctx));
        let q = jsonata.as_ref();
        let items = match (&m.items_path, &m.items, q) {
            // JSONata `Items` (ASL-JA-19): an expression giving an array, or an array of
            // values and expressions.
            (_, Some(asl_syntax::template::Template::Jsonata(p)), Some(q)) => {
                self.eval(q.eval_as(p, "Items", Expect::Array))?
            }
            (_, Some(t), Some(q)) => self.eval(q.template(t, "Items"))?,
            (Some(p), _, _) => self.local(crate::path::select(p, &e).map_err(StateError::from))?,
            _ => effective.clone(),
        };
        match items {
            Value::Array(a) => Ok(a.iter().map(|v| (None, v.clone())).collect()),
            // An object's members are items in JSONPath only (recorded cases).
            Value::Object(o) if !self.s.jsonata => Ok(o
                .iter()
                .map(|(k, v)| (Some(k.clone()), v.clone()))
                .collect()),
            other => {
                let cause = format!(
                    "Map state input must be an array but was: {}",
                    other.to_json_string()
                );
                // In JSONata the same check is an evaluation failure (recorded cases).
                Err(if self.s.jsonata {
                    self.eval_failure(StateError::new(
                        QUERY_EVALUATION_ERROR,
                        format!(
                            "An error occurred while executing the state '{}' (entered at the event id #{}). {cause}",
                            self.s.name, self.entered_id
                        ),
                    ))
                } else {
                    self.failure(StateError::runtime(cause))
                })
            }
        }
    }

    /// The input of item `i`: `ItemSelector` with `$$.Map.Item` (ASL-MAP-03, ASL-CTX-10), or
    /// the item itself. `source` is a Distributed Map's `Map.Item.Source`.
    pub(super) fn item_input(
        &self,
        m: &'static crate::machine::Map,
        effective: &Value,
        key: Option<Str>,
        i: usize,
        value: Value,
        source: Option<&Str>,
    ) -> Result<Value, Failure> {
        Ok(match &m.item_selector {
            // JSONata: `$states.context.Map.Item` and `$states.input` (ASL-JA-19).
            Some(t) if self.s.jsonata => {
                let base = if self.s.uses_context {
                    self.x.context(self.s, self.entered_at, 0)
                } else {
                    Value::object(Map::new())
                };
                let c = with_map_item(base, key, i, value, source);
                self.eval(self.query(effective, &c).template(t, "ItemSelector"))?
            }
            // Without `$$` in the selector there is no context to build.
            Some(t) if !self.s.uses_context => {
                self.local(crate::template::eval(t, &self.env(effective, &Value::Null)))?
            }
            Some(t) => {
                let c = with_map_item(
                    self.x.context(self.s, self.entered_at, 0),
                    key,
                    i,
                    value,
                    source,
                );
                self.local(crate::template::eval(t, &self.env(effective, &c)))?
            }
            None => value,
        })
    }
}

/// The context object `c` with `Map.Item` (`Key` for an object's member, `Index`, `Value`,
/// and a Distributed Map's `Source`) of one iteration (ASL-CTX-10).
fn with_map_item(
    mut c: Value,
    key: Option<Str>,
    index: usize,
    value: Value,
    source: Option<&Str>,
) -> Value {
    let mut item = Map::new();
    if let Some(k) = key {
        item.insert("Key", k.into());
    }
    item.insert("Index", index.into());
    item.insert("Value", value);
    if let Some(s) = source {
        item.insert("Source", s.clone().into());
    }
    if let Some(m) = c.as_object_mut() {
        m.insert(
            "Map",
            Value::object(Map::from_iter([("Item", Value::object(item))])),
        );
    }
    c
}

/// `MaxConcurrency[Path]`, `ToleratedFailureCount[Path]` (ASL-MAP-05, ASL-DMAP-05); the
/// JSONata forms must give a non-negative integer (ASL-JA-10).
pub(super) fn int_field(
    s: Option<&Seconds>,
    field: &str,
    e: &Env<'_>,
    q: Option<&Query<'_>>,
) -> Result<Option<u64>, StateError> {
    match s {
        None => Ok(None),
        Some(Seconds::Static(n)) => Ok(Some(*n)),
        Some(Seconds::Jsonata(p)) => match q {
            Some(q) => {
                let name = field.strip_suffix("Path").unwrap_or(field);
                let v = q.eval_as(p, name, Expect::Integer)?;
                Ok(v.as_f64().map(|x| x as u64))
            }
            None => Ok(None),
        },
        Some(Seconds::Path(p)) => {
            let v = crate::path::select(p, e).map_err(StateError::from)?;
            match v.as_i64() {
                Some(n) if n < 0 && field == "ToleratedFailureCountPath" => Err(
                    StateError::runtime("ToleratedFailureCount cannot be negative."),
                ),
                Some(n) if n >= 0 => Ok(Some(n.unsigned_abs())),
                // A negative MaxConcurrency is not a count; AWS's text for it is not
                // recorded, so it gets the invalid-integer wording (ASL-MAP-05).
                _ => Err(StateError::runtime(format!(
                    "The {field} field refers to value \"{}\" which is not a valid integer: {}",
                    value_text(&v),
                    p.source
                ))),
            }
        }
    }
}

/// `ToleratedFailurePercentage[Path]` (ASL-DMAP-05).
pub(super) fn percentage(
    s: Option<&Percentage>,
    e: &Env<'_>,
    q: Option<&Query<'_>>,
) -> Result<Option<f64>, StateError> {
    let v = match s {
        None => return Ok(None),
        Some(Percentage::Static(n)) => *n,
        Some(Percentage::Jsonata(p)) => match q {
            Some(q) => q
                .eval_as(p, "ToleratedFailurePercentage", Expect::Number)?
                .as_f64()
                .unwrap_or(0.0),
            None => return Ok(None),
        },
        Some(Percentage::Path(p)) => {
            let v = crate::path::select(p, e).map_err(StateError::from)?;
            v.as_f64().ok_or_else(|| {
                StateError::runtime(format!(
                    "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}",
                    value_text(&v),
                    p.source
                ))
            })?
        }
    };
    if !(0.0..=100.0).contains(&v) {
        return Err(StateError::runtime(
            "ToleratedFailurePercentage must be between 0 and 100.",
        ));
    }
    Ok(Some(v))
}
