//! The AWS Step Functions API on localhost, answered by asl: `asl serve`, and a library to
//! serve a program's own compiled machines the same way.
//!
//! The server speaks the API's AWS JSON 1.0 protocol (`POST /` with `X-Amz-Target:
//! AWSStepFunctions.<Action>`), so the AWS CLI, boto3 and the SDKs work against it with
//! `--endpoint-url`. Definitions created over the API go through the same front end as `asl!`
//! (every static rule, `InvalidDefinition` carrying the diagnostics) and run on the same
//! driver; Standard executions are durable in the SQLite store (a restart, a SIGKILL
//! included, loses nothing), Express ones run in memory. Task states are answered by the mock
//! configuration of Step Functions Local (`stateMachineArn#TestCase`), by activities, or by
//! handlers registered in Rust. A web console is served at `/`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = asl_server::Server::open("asl.db")?;
//! server.start()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8083").await?;
//! server.serve(listener).await?;
//! # Ok(()) }
//! ```

mod api;
mod children;
mod error;
mod express;
mod machines;
pub mod metrics;
mod shapes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use asl_runtime::dynamic::DynamicMachine;
use asl_runtime::engine::{Compiled, Engine};
use asl_runtime::handler::{Dispatch, DynamicHandler};
use asl_runtime::machine::Machine;
use asl_runtime::mock::MockConfig;
use asl_runtime::store::{
    ListQuery, MemoryStore, SqliteStore, StateMachineRecord, Status, Store, StoreError,
};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use error::Fault;
use machines::{Answers, Shared};

/// The server: the engine and its store, the machines it knows and what answers their
/// Tasks. Cheap to clone; every clone is the same server.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    store: Arc<dyn Store>,
    /// Every machine that can run, by ARN (Express ones run from here; Standard ones are
    /// registered with the engine too).
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// Compiled Rust machines served with their own handlers, by name.
    rust: Mutex<HashMap<String, Arc<Entry>>>,
    metrics: Arc<metrics::Metrics>,
    /// Where Express executions' logs go, a file per log group.
    log_dir: std::path::PathBuf,
    /// Where Distributed Maps read items and write results.
    objects: RwLock<Option<Arc<dyn asl_runtime::objects::ObjectStore>>>,
}

/// A runnable machine: its descriptor and what answers its Tasks.
#[derive(Clone)]
pub(crate) struct Entry {
    pub machine: &'static Machine,
    pub dispatch: Arc<dyn Dispatch>,
}

impl Compiled for Entry {
    fn descriptor(&self) -> &'static Machine {
        self.machine
    }
    fn dispatcher(&self) -> Arc<dyn Dispatch> {
        self.dispatch.clone()
    }
}

impl Server {
    /// A server over the SQLite store at `path` (created if missing).
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Server, StoreError> {
        Ok(Server::with_store(Arc::new(SqliteStore::open(path)?)))
    }

    /// A server whose executions live in memory only (for tests).
    pub fn in_memory() -> Server {
        Server::with_store(Arc::new(MemoryStore::new()))
    }

    /// A server over `store`.
    pub fn with_store(store: Arc<dyn Store>) -> Server {
        Server::with_engine(Engine::with_store(store.clone()), store)
    }

    fn with_engine(engine: Engine, store: Arc<dyn Store>) -> Server {
        Server {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared {
                    engine,
                    mock_config: None,
                    handlers: RwLock::new(HashMap::new()),
                    integrations: RwLock::new(None),
                    mocks: Mutex::new(HashMap::new()),
                }),
                store,
                entries: RwLock::new(HashMap::new()),
                rust: Mutex::new(HashMap::new()),
                metrics: Arc::new(metrics::Metrics::new()),
                log_dir: std::path::PathBuf::from("asl-logs"),
                objects: RwLock::new(None),
            }),
        }
    }

    /// Writes the logs of Express executions (their machine's `loggingConfiguration`) into
    /// `dir`, as JSON lines in a file per log group (`<group>.log`); default `asl-logs`. Call
    /// before [`Server::start`].
    pub fn with_log_dir(self, dir: impl Into<std::path::PathBuf>) -> Server {
        let inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("Server::with_log_dir must be called on a new server"));
        Server {
            inner: Arc::new(Inner {
                log_dir: dir.into(),
                ..inner
            }),
        }
    }

    pub(crate) fn log_dir(&self) -> &std::path::Path {
        &self.inner.log_dir
    }

    /// The `tracing` layer that counts executions, transitions and task calls into the
    /// metrics served at `GET /metrics`. Install it in the process's subscriber (as `asl
    /// serve` does); without it the counters stay at zero.
    pub fn metrics_layer(&self) -> metrics::MetricsLayer {
        self.inner.metrics.layer()
    }

    /// Answers Task states from Step Functions Local's mock configuration: an execution
    /// started as `stateMachineArn#TestCase` takes its responses from that test case. Call
    /// before [`Server::start`].
    pub fn with_mock_config(self, config: MockConfig) -> Server {
        let inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("Server::with_mock_config must be called on a new server"));
        let shared = Arc::try_unwrap(inner.shared)
            .unwrap_or_else(|_| panic!("Server::with_mock_config must be called on a new server"));
        Server {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared {
                    mock_config: Some(config),
                    ..shared
                }),
                ..inner
            }),
        }
    }

    /// Answers every Task state whose `Resource` is `resource` (an ARN as written in the
    /// definition) with `handler`, in machines created over the API, unless the execution's
    /// test case mocks the state.
    pub fn handler(&self, resource: &str, handler: impl DynamicHandler + 'static) -> &Server {
        self.inner
            .shared
            .handlers
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(resource.to_owned(), Arc::new(handler));
        self
    }

    /// Answers the Tasks whose Resource `handles` accepts with `handler` — AWS service
    /// integrations (`asl_aws::Integrations` and `asl_aws::handles` in `asl serve --aws`) —
    /// when no test case and no registered handler answers them; and reads Distributed Maps'
    /// items from and writes their results to `objects` (S3). Call before [`Server::start`].
    pub fn integrations(
        &self,
        handler: impl DynamicHandler + 'static,
        handles: impl Fn(&str) -> bool + Send + Sync + 'static,
        objects: Option<Arc<dyn asl_runtime::objects::ObjectStore>>,
    ) -> &Server {
        *self
            .inner
            .shared
            .integrations
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(machines::Integrations {
            handler: Arc::new(handler),
            handles: Arc::new(handles),
        });
        if let Some(o) = objects {
            self.engine().set_objects(o.clone());
            *self
                .inner
                .objects
                .write()
                .unwrap_or_else(|p| p.into_inner()) = Some(o);
        }
        self
    }

    /// Where Express executions' Distributed Maps read and write (see
    /// [`Server::integrations`]).
    pub(crate) fn objects(&self) -> Option<Arc<dyn asl_runtime::objects::ObjectStore>> {
        self.inner
            .objects
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Serves a compiled Rust machine (from `asl!` or `Builder`) under `name`, with its own
    /// typed handlers: it is listed and described like any other, and executions started over
    /// the API run its compiled code. Call before [`Server::start`].
    pub fn machine(&self, name: &str, compiled: impl Compiled) -> Result<String, Fault> {
        let machine = compiled.descriptor();
        let entry = Arc::new(Entry {
            machine,
            dispatch: compiled.dispatcher(),
        });
        self.inner
            .rust
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), entry);
        let now = self.engine().now();
        let arn = self.engine().state_machine_arn(name);
        let rec = StateMachineRecord {
            arn: arn.clone(),
            name: name.to_owned(),
            definition: machine.definition.to_owned(),
            role_arn: format!(
                "arn:aws:iam::{}:role/asl-serve",
                self.engine().account().account
            ),
            kind: if machine.express {
                "EXPRESS"
            } else {
                "STANDARD"
            }
            .to_owned(),
            created: now,
            revision_id: uuid::Uuid::new_v4().to_string(),
            revision_date: now,
            description: None,
            logging: None,
            tracing: None,
        };
        match self.store().insert_state_machine(&rec)? {
            None => Ok(arn),
            Some(mut existing) => {
                if existing.definition != rec.definition || existing.kind != rec.kind {
                    existing.definition = rec.definition;
                    existing.kind = rec.kind;
                    existing.revision_id = rec.revision_id;
                    existing.revision_date = now;
                    self.store().update_state_machine(&existing)?;
                }
                Ok(arn)
            }
        }
    }

    /// Compiles and registers every state machine of the store, and resumes the Standard
    /// executions a stop interrupted. Returns how many executions it resumed. A stored
    /// definition this build refuses is skipped with a warning (its executions stay RUNNING,
    /// untouched).
    pub fn start(&self) -> Result<usize, StoreError> {
        let records = self.store().state_machines()?;
        for rec in &records {
            match self.runnable(rec) {
                Ok(entry) => self.register(rec, entry, true),
                Err(e) => {
                    tracing::warn!(machine = %rec.arn, error = %e, "state machine not loaded")
                }
            }
        }
        // Executions that started on an earlier revision run that revision.
        let mut token: Option<String> = None;
        loop {
            let page = self.store().list_executions(&ListQuery {
                status: Some(Status::Running),
                limit: 1000,
                next_token: token.as_deref(),
                ..ListQuery::default()
            })?;
            for e in &page.items {
                let Some(rev) = &e.revision_id else { continue };
                let current = records
                    .iter()
                    .any(|r| r.arn == e.state_machine_arn && &r.revision_id == rev);
                if current {
                    continue;
                }
                if let Some(old) = self.store().state_machine_revision(rev)? {
                    match self.runnable(&old) {
                        Ok(entry) => self.register(&old, entry, false),
                        Err(err) => {
                            tracing::warn!(revision = %rev, error = %err, "revision not loaded")
                        }
                    }
                }
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        self.engine().resume()
    }

    /// The machine of a record: the Rust one of that name, or its definition compiled.
    fn runnable(&self, rec: &StateMachineRecord) -> Result<Arc<Entry>, Fault> {
        if let Some(e) = self
            .inner
            .rust
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&rec.name)
        {
            return Ok(e.clone());
        }
        let kind = if rec.kind == "EXPRESS" {
            asl_syntax::ast::MachineType::Express
        } else {
            asl_syntax::ast::MachineType::Standard
        };
        let m = api::compile(&rec.name, &rec.definition, kind)?;
        Ok(self.answered(rec, m))
    }

    fn answered(&self, rec: &StateMachineRecord, m: DynamicMachine) -> Arc<Entry> {
        Arc::new(Entry {
            machine: m.descriptor(),
            dispatch: Arc::new(Answers {
                machine: rec.name.clone(),
                shared: self.inner.shared.clone(),
            }),
        })
    }

    fn register(&self, rec: &StateMachineRecord, entry: Arc<Entry>, current: bool) {
        if current {
            self.inner
                .entries
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(rec.arn.clone(), entry.clone());
        }
        if rec.kind == "STANDARD" {
            self.engine()
                .register_revision(&rec.name, &rec.revision_id, (*entry).clone(), current);
        }
    }

    /// Makes a created or updated definition the machine's current one.
    pub(crate) fn activate(&self, rec: &StateMachineRecord, m: DynamicMachine) {
        let rust = self
            .inner
            .rust
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&rec.name)
            .cloned();
        let entry = rust.unwrap_or_else(|| self.answered(rec, m));
        self.register(rec, entry, true);
    }

    pub(crate) fn deactivate(&self, arn: &str) {
        self.inner
            .entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(arn);
        self.engine().unregister(arn);
    }

    pub(crate) fn entry(&self, arn: &str) -> Result<Arc<Entry>, Fault> {
        self.inner
            .entries
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(arn)
            .cloned()
            .ok_or_else(|| {
                Fault::new(
                    "StateMachineDoesNotExist",
                    format!("State Machine Does Not Exist: '{arn}'"),
                )
            })
    }

    pub(crate) fn forget_mocks(&self, machine: &str, execution: &str) {
        self.inner
            .shared
            .mocks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(machine.to_owned(), execution.to_owned()));
    }

    /// The engine running the Standard executions.
    pub fn engine(&self) -> &Engine {
        &self.inner.shared.engine
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    pub(crate) fn mock_config(&self) -> Option<&MockConfig> {
        self.inner.shared.mock_config.as_ref()
    }

    /// The HTTP routes: the API at `POST /`, the console at `GET /`.
    pub fn router(&self) -> axum::Router {
        let api = self.clone();
        axum::Router::new()
            .route(
                "/",
                post(move |headers: HeaderMap, body: Bytes| {
                    let server = api.clone();
                    async move { server.http(&headers, &body).await }
                })
                .get(|| async { page("text/html; charset=utf-8", CONSOLE_HTML) }),
            )
            .route(
                "/app.js",
                get(|| async { page("text/javascript; charset=utf-8", CONSOLE_JS) }),
            )
            .route(
                "/style.css",
                get(|| async { page("text/css; charset=utf-8", CONSOLE_CSS) }),
            )
            .route(
                "/metrics",
                get({
                    let server = self.clone();
                    move || {
                        let server = server.clone();
                        async move {
                            let text = server.inner.metrics.render(server.engine().load());
                            (
                                [(
                                    header::CONTENT_TYPE,
                                    "text/plain; version=0.0.4; charset=utf-8",
                                )],
                                text,
                            )
                                .into_response()
                        }
                    }
                }),
            )
    }

    /// One API request over HTTP.
    async fn http(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let target = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(action) = target.strip_prefix("AWSStepFunctions.") else {
            return Fault::new(
                "UnknownOperationException",
                format!("Unknown operation '{target}': requests carry X-Amz-Target: AWSStepFunctions.<Action>"),
            )
            .into_response();
        };
        let body: serde_json::Value = if body.is_empty() {
            serde_json::json!({})
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => {
                    return Fault::serialization(format!("the request body is not JSON: {e}"))
                        .into_response();
                }
            }
        };
        let started = std::time::Instant::now();
        let answer = self.call(action, &body).await;
        tracing::debug!(
            action,
            ok = answer.is_ok(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "api call"
        );
        match answer {
            Ok(v) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/x-amz-json-1.0")],
                v.to_string(),
            )
                .into_response(),
            Err(f) => f.into_response(),
        }
    }

    /// Serves the API and the console on `listener` until the process ends.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }
}

fn page(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

const CONSOLE_HTML: &str = include_str!("../console/index.html");
const CONSOLE_JS: &str = include_str!("../console/app.js");
const CONSOLE_CSS: &str = include_str!("../console/style.css");
