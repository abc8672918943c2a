//! The `asl` command: check Amazon States Language definitions and draw their state graphs.
//!
//! ```text
//! asl check [--format human|json] [--express] [--color auto|always|never] [--method STATE=NAME]... FILE...
//! asl graph [--format dot|mermaid] [--express] [--color auto|always|never] FILE
//! asl expand [--express] [--method STATE=NAME]... FILE
//! asl serve [--port PORT] [--host ADDR] [--db FILE] [--mock-config FILE] [--aws] [--aws-endpoint URL]
//! asl completions bash|zsh|fish|elvish|powershell
//! ```
//!
//! Exit status: 0 when no file has errors (warnings do not count), 1 when some file has errors,
//! 2 on a usage or I/O error.

use asl_syntax::ast::MachineType;
use asl_syntax::source::Source;
use asl_syntax::{CheckOptions, Checked, graph, render};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

/// Check Amazon States Language (AWS Step Functions) definitions and draw their state graphs
#[derive(Parser, Debug)]
#[command(
    name = "asl",
    version,
    after_help = "Exit status: 0 when no definition has errors, 1 when one has, 2 on a usage or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate definitions, reporting errors and warnings
    #[command(
        after_help = "Exit status: 0 when no file has errors (warnings are shown but do not fail), 1 when any file\nhas errors, 2 on a usage or I/O error."
    )]
    Check {
        /// Definition files (`-` reads standard input)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Print a definition's state graph as Graphviz DOT or Mermaid
    ///
    /// Nested Parallel branches and Map processors are drawn as clusters; every scope has a
    /// Start and an End node; Choice rules are labelled edges, Catch edges are dashed. A
    /// definition with errors is refused: its diagnostics are printed instead (exit status 1).
    #[command(after_help = "Example: asl graph machine.asl.json | dot -Tsvg > machine.svg")]
    Graph {
        /// Definition file (`-` reads standard input)
        #[arg(value_name = "FILE")]
        file: String,
        /// Graph language
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Print the Rust code generated for a definition (what `asl!` and `Builder` produce)
    Expand {
        /// Definition file (`-` reads standard input); the machine is named after it
        #[arg(value_name = "FILE")]
        file: String,
        /// Compile as an Express state machine
        #[arg(long)]
        express: bool,
        /// Name the handler method of a Task state (repeatable), as `asl!`'s
        /// `#[asl(methods("State" = name))]` does
        #[arg(long = "method", value_name = "STATE=NAME", value_parser = parse_method)]
        methods: Vec<(String, String)>,
    },
    /// Serve the AWS Step Functions API and a web console on this machine
    ///
    /// The AWS CLI, boto3 and the SDKs talk to it with `--endpoint-url http://HOST:PORT`.
    /// Definitions created over the API are checked by the same rules as `asl check`
    /// (InvalidDefinition carries the diagnostics) and run on asl's runtime; Standard
    /// executions are kept in the SQLite file and go on after a restart, Express ones run in
    /// memory. Task states are answered by the mock configuration (an execution started as
    /// `stateMachineArn#TestCase`), by activity workers, or fail saying how to answer them.
    #[command(
        after_help = "Example:\n  asl serve --mock-config MockConfigFile.json &\n  aws stepfunctions --endpoint-url http://127.0.0.1:8083 list-state-machines\n\nThe console: http://127.0.0.1:8083/"
    )]
    Serve {
        /// The TCP port
        #[arg(long, default_value_t = 8083)]
        port: u16,
        /// The address to listen on
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        host: String,
        /// The SQLite file of state machines and executions (created if missing)
        #[arg(long, value_name = "FILE", default_value = "asl.db")]
        db: std::path::PathBuf,
        /// Step Functions Local's mock configuration (MockConfigFile.json)
        #[arg(long, value_name = "FILE")]
        mock_config: Option<std::path::PathBuf>,
        /// Where Express executions are logged (their machine's loggingConfiguration): a
        /// file of JSON lines per log group
        #[arg(long, value_name = "DIR", default_value = "asl-logs")]
        log_dir: std::path::PathBuf,
        /// Answer Tasks that call AWS services (Lambda, DynamoDB, SQS, SNS, EventBridge, S3,
        /// HTTP) by calling them, configured as the AWS CLI is (environment, profile,
        /// AWS_ENDPOINT_URL); Distributed Maps read and write S3. Test cases and activities
        /// still come first
        #[arg(long)]
        aws: bool,
        /// Send every AWS service call to this endpoint (moto, LocalStack); implies --aws
        #[arg(long, value_name = "URL")]
        aws_endpoint: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Options of `check` and `graph`.
#[derive(Args, Debug)]
struct Common {
    /// Check as an Express state machine (no .sync, .waitForTaskToken, activities or
    /// Distributed Map)
    #[arg(long)]
    express: bool,
    /// Color human output
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Name the handler method of a Task state (repeatable), as `asl!`'s
    /// `#[asl(methods("State" = name))]` does: checked as the compiler will name it
    #[arg(long = "method", value_name = "STATE=NAME", value_parser = parse_method)]
    methods: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// rustc-style diagnostics on standard error
    Human,
    /// The answer AWS's ValidateStateMachineDefinition gives, on standard output:
    /// {"result": "OK"|"FAIL", "diagnostics": [{"severity", "code", "message", "location"?}],
    /// "truncated": false}; with several files, an object mapping each file name (as given)
    /// to its answer
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT
    Dot,
    /// Mermaid flowchart
    Mermaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    /// When standard error is a terminal and `NO_COLOR` is unset
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

fn parse_method(s: &str) -> Result<(String, String), String> {
    match s.rsplit_once('=') {
        Some((state, name)) if !state.is_empty() && !name.is_empty() => {
            Ok((state.to_string(), name.to_string()))
        }
        _ => Err(format!("expected STATE=NAME, found '{s}'")),
    }
}

/// Exit status for a usage or I/O error (clap's own usage errors exit with 2 too).
const USAGE: u8 = 2;

/// What the check, graph and expand commands share.
struct Opts {
    express: bool,
    color: bool,
    methods: Vec<(String, String)>,
}

impl Opts {
    fn check_options(&self) -> CheckOptions {
        CheckOptions {
            machine_type: if self.express {
                MachineType::Express
            } else {
                MachineType::Standard
            },
            methods: self.methods.clone(),
        }
    }
}

impl Common {
    fn opts(self) -> Opts {
        let color = match self.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Opts {
            express: self.express,
            color,
            methods: self.methods,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match cli.command {
        Command::Check {
            files,
            format,
            common,
        } => check(&files, format, &common.opts()),
        Command::Graph {
            file,
            format,
            common,
        } => graph_cmd(&file, format, &common.opts()),
        Command::Expand {
            file,
            express,
            methods,
        } => expand(
            &file,
            &Opts {
                express,
                color: false,
                methods,
            },
        ),
        Command::Serve {
            port,
            host,
            db,
            mock_config,
            log_dir,
            aws,
            aws_endpoint,
        } => serve(
            &host,
            port,
            &db,
            mock_config.as_deref(),
            log_dir,
            (aws || aws_endpoint.is_some()).then_some(aws_endpoint),
        ),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "asl", &mut std::io::stdout());
            0
        }
    })
}

/// `asl serve`: runs until killed (Ctrl-C stops it; so does SIGKILL, losing nothing).
fn serve(
    host: &str,
    port: u16,
    db: &std::path::Path,
    mock_config: Option<&std::path::Path>,
    log_dir: std::path::PathBuf,
    aws: Option<Option<String>>,
) -> u8 {
    let fail = |what: String| {
        eprintln!("error: {what}");
        USAGE
    };
    let config = match mock_config {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Err(e) => return fail(format!("cannot read `{}`: {e}", path.display())),
            Ok(text) => match asl_runtime::mock::MockConfig::parse(&text) {
                Ok(c) => Some(c),
                Err(e) => return fail(format!("`{}`: {e}", path.display())),
            },
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let server = match asl_server::Server::open(db) {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot open `{}`: {e}", db.display())),
        };
        let server = match config {
            Some(c) => server.with_mock_config(c),
            None => server,
        }
        .with_log_dir(log_dir);
        if let Some(endpoint) = aws
            && let Err(e) = with_aws(&server, endpoint).await
        {
            return fail(e);
        }
        {
            use tracing_subscriber::Layer;
            use tracing_subscriber::filter::Targets;
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::util::SubscriberInitExt;
            // Metrics count the runtime's traces; warnings go to standard error.
            let metrics = server.metrics_layer().with_filter(
                Targets::new()
                    .with_target("asl::event", tracing::Level::TRACE)
                    .with_target("asl_runtime", tracing::Level::INFO),
            );
            let log = tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(Targets::new().with_default(tracing::Level::WARN));
            let _ = tracing_subscriber::registry().with(metrics).with(log).try_init();
        }
        let resumed = match server.start() {
            Ok(n) => n,
            Err(e) => return fail(format!("cannot load `{}`: {e}", db.display())),
        };
        let listener = match tokio::net::TcpListener::bind((host, port)).await {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot listen on {host}:{port}: {e}")),
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        eprintln!(
            "asl serve: the Step Functions API on http://{addr} (console at http://{addr}/), store `{}`, {resumed} execution(s) resumed",
            db.display()
        );
        // Ctrl-C or SIGTERM stop it; nothing needs flushing (every commit is in the store).
        let terminate = async {
            #[cfg(unix)]
            if let Ok(mut s) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                s.recv().await;
                return;
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            r = server.serve(listener) => match r {
                Ok(()) => 0,
                Err(e) => fail(format!("server stopped: {e}")),
            },
            _ = tokio::signal::ctrl_c() => 0,
            _ = terminate => 0,
        }
    })
}

/// `--aws`: the service integrations answer the Tasks they know, S3 serves Distributed Maps.
#[cfg(feature = "aws")]
async fn with_aws(server: &asl_server::Server, endpoint: Option<String>) -> Result<(), String> {
    let mut aws = asl_aws::Integrations::from_env().await;
    if let Some(url) = endpoint {
        aws = aws.with_endpoint(url);
    }
    let objects: std::sync::Arc<dyn asl_runtime::objects::ObjectStore> =
        std::sync::Arc::new(aws.s3().clone());
    server.integrations(aws, asl_aws::handles, Some(objects));
    Ok(())
}

#[cfg(not(feature = "aws"))]
async fn with_aws(_: &asl_server::Server, _: Option<String>) -> Result<(), String> {
    Err("--aws needs asl built with its `aws` feature (on by default)".into())
}

/// Reads a definition (`-` = standard input); reports an I/O error itself.
fn read(file: &str) -> Option<Source> {
    let text = if file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(file)
    };
    match text {
        Ok(t) => Some(Source::new(if file == "-" { "<stdin>" } else { file }, t)),
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            None
        }
    }
}

fn compile(src: &Source, o: &Opts) -> Checked {
    asl_syntax::compile_source(src, &o.check_options())
}

fn check(files: &[String], format: CheckFormat, o: &Opts) -> u8 {
    let mut status = 0;
    let mut answers = serde_json::Map::new();
    for file in files {
        let Some(src) = read(file) else {
            status = USAGE;
            continue;
        };
        let checked = compile(&src, o);
        if checked.diagnostics.has_errors() && status == 0 {
            status = 1;
        }
        match format {
            CheckFormat::Json => {
                answers.insert(file.clone(), render::to_json(&checked.diagnostics));
            }
            CheckFormat::Human => {
                eprint!("{}", render::render(&src, &checked.diagnostics, o.color))
            }
        }
    }
    if format == CheckFormat::Json {
        // One file: AWS's answer as is (so it can be diffed against the real thing); several:
        // keyed by file name.
        let out = if files.len() == 1 {
            answers.into_iter().next().map(|(_, v)| v)
        } else {
            Some(serde_json::Value::Object(answers))
        };
        if let Some(v) = out {
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            if writeln!(std::io::stdout(), "{text}").is_err() {
                return USAGE;
            }
        }
    }
    status
}

fn graph_cmd(file: &str, format: GraphFormat, o: &Opts) -> u8 {
    let Some(src) = read(file) else {
        return USAGE;
    };
    let checked = compile(&src, o);
    eprint!("{}", render::render(&src, &checked.diagnostics, o.color));
    let Some(m) = checked.ok() else {
        return 1;
    };
    let text = match format {
        GraphFormat::Mermaid => graph::to_mermaid(m),
        GraphFormat::Dot => graph::to_dot(m),
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => USAGE,
    }
}

fn expand(file: &str, o: &Opts) -> u8 {
    let Some(src) = read(file) else {
        return USAGE;
    };
    let name = if file == "-" {
        "Machine".to_string()
    } else {
        asl_codegen::machine_name(std::path::Path::new(file))
    };
    match asl_codegen::generate_source(&name, &src, &o.check_options()) {
        Ok(code) => match std::io::stdout().write_all(code.as_bytes()) {
            Ok(()) => 0,
            Err(_) => USAGE,
        },
        Err(e) => {
            eprint!("{e}");
            1
        }
    }
}
