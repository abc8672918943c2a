//! Prometheus metrics at `GET /metrics`, counted from what the runtime traces: `trace` events
//! of target `asl::event` — every new history event of a durable run (its `kind`, the
//! `state`, an execution end's `seconds`), the start and end of an in-memory run (the end
//! with `seconds` and the `transitions` it made) — and Task calls are `task` spans inside an `execution` span that
//! names the machine. [`Metrics::layer`] is the `tracing` layer that counts them; the runtime
//! pays nothing for it when no subscriber is installed.

use std::sync::Arc;
use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MachineLabel {
    machine: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndLabel {
    machine: String,
    status: String,
}

type Histograms = Family<MachineLabel, Histogram, fn() -> Histogram>;

fn seconds_histogram() -> Histogram {
    // 1 ms to about 9 hours.
    Histogram::new(exponential_buckets(0.001, 4.0, 12))
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    started: Family<MachineLabel, Counter>,
    ended: Family<EndLabel, Counter>,
    transitions: Family<MachineLabel, Counter>,
    execution_seconds: Histograms,
    task_seconds: Histograms,
    in_memory: Gauge,
    parked: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Empty metrics, registered under the `asl` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("asl");
        let started = Family::<MachineLabel, Counter>::default();
        let ended = Family::<EndLabel, Counter>::default();
        let transitions = Family::<MachineLabel, Counter>::default();
        let execution_seconds = Histograms::new_with_constructor(seconds_histogram);
        let task_seconds = Histograms::new_with_constructor(seconds_histogram);
        let in_memory = Gauge::default();
        let parked = Gauge::default();
        registry.register(
            "executions_started",
            "Executions started, by state machine",
            started.clone(),
        );
        registry.register(
            "executions_ended",
            "Executions ended, by state machine and status (SUCCEEDED, FAILED, ABORTED, TIMED_OUT)",
            ended.clone(),
        );
        registry.register(
            "state_transitions",
            "States entered, by state machine",
            transitions.clone(),
        );
        registry.register(
            "execution_duration_seconds",
            "From an execution's start to its end",
            execution_seconds.clone(),
        );
        registry.register(
            "task_duration_seconds",
            "Task handler calls, from the call to its answer",
            task_seconds.clone(),
        );
        registry.register(
            "executions_in_memory",
            "Standard executions running in this server",
            in_memory.clone(),
        );
        registry.register(
            "executions_parked",
            "Standard executions waiting for callbacks or activity workers, held in the store only",
            parked.clone(),
        );
        Metrics {
            registry,
            started,
            ended,
            transitions,
            execution_seconds,
            task_seconds,
            in_memory,
            parked,
        }
    }

    /// The text exposition format, with the engine's current load.
    pub fn render(&self, load: (usize, usize)) -> String {
        self.in_memory.set(load.0 as i64);
        self.parked.set(load.1 as i64);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// The `tracing` layer that counts into these metrics.
    pub fn layer(self: &Arc<Self>) -> MetricsLayer {
        MetricsLayer {
            metrics: self.clone(),
        }
    }
}

/// Counts the runtime's traces into [`Metrics`]; see the module documentation.
pub struct MetricsLayer {
    metrics: Arc<Metrics>,
}

/// What a span of interest carries.
struct SpanData {
    machine: Option<String>,
    task_started: Option<Instant>,
}

#[derive(Default)]
struct Fields {
    kind: Option<String>,
    machine: Option<String>,
    seconds: Option<f64>,
    /// The states an in-memory run entered, on its end event.
    transitions: Option<u64>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "kind" => self.kind = Some(value.to_owned()),
            "machine" => self.machine = Some(value.to_owned()),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "transitions" {
            self.transitions = Some(value);
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, value.max(0) as u64);
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "seconds" {
            self.seconds = Some(value);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "kind" | "machine") {
            let text = format!("{value:?}");
            self.record_str(field, text.trim_matches('"'));
        }
    }
}

impl<S> Layer<S> for MetricsLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let name = attrs.metadata().name();
        if name != "execution" && name != "task" {
            return;
        }
        let mut f = Fields::default();
        attrs.record(&mut f);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanData {
                machine: f.machine,
                task_started: (name == "task").then(Instant::now),
            });
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let started = span
            .extensions()
            .get::<SpanData>()
            .and_then(|d| d.task_started);
        if let Some(started) = started {
            let machine = span
                .scope()
                .find_map(|s| {
                    s.extensions()
                        .get::<SpanData>()
                        .and_then(|d| d.machine.clone())
                })
                .unwrap_or_default();
            self.metrics
                .task_seconds
                .get_or_create(&MachineLabel { machine })
                .observe(started.elapsed().as_secs_f64());
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "asl::event" {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        let Some(kind) = f.kind else { return };
        let machine = f
            .machine
            .or_else(|| {
                ctx.event_scope(event)?.find_map(|s| {
                    s.extensions()
                        .get::<SpanData>()
                        .and_then(|d| d.machine.clone())
                })
            })
            .unwrap_or_default();
        let m = &self.metrics;
        let status = match kind.as_str() {
            "ExecutionStarted" => {
                m.started.get_or_create(&MachineLabel { machine }).inc();
                return;
            }
            k if k.ends_with("StateEntered") => {
                m.transitions.get_or_create(&MachineLabel { machine }).inc();
                return;
            }
            "ExecutionSucceeded" => "SUCCEEDED",
            "ExecutionFailed" => "FAILED",
            "ExecutionAborted" => "ABORTED",
            "ExecutionTimedOut" => "TIMED_OUT",
            _ => return,
        };
        if let Some(n) = f.transitions {
            m.transitions
                .get_or_create(&MachineLabel {
                    machine: machine.clone(),
                })
                .inc_by(n);
        }
        if let Some(s) = f.seconds {
            m.execution_seconds
                .get_or_create(&MachineLabel {
                    machine: machine.clone(),
                })
                .observe(s);
        }
        m.ended
            .get_or_create(&EndLabel {
                machine,
                status: status.to_owned(),
            })
            .inc();
    }
}
