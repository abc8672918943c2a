//! What the tests share: a moto server, a configuration pointed at it, Task contexts.

#![allow(dead_code)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use asl_aws::Integrations;
use asl_runtime::handler::{DynamicHandler, TaskContext};
use asl_runtime::machine::ResourceType;
use asl_runtime::{StateError, Value};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// A moto server on a free port of 127.0.0.1, shared by the tests of one binary. It runs
/// under a small Python guard that stops it when this process's end closes the guard's stdin.
pub struct Moto {
    pub url: String,
    _guard: Mutex<Child>,
}

fn moto_server() -> PathBuf {
    if let Ok(python) = std::env::var("ASL_PYTHON") {
        let candidate = PathBuf::from(python).with_file_name("moto_server");
        if candidate.is_file() {
            return candidate;
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("moto_server");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "moto_server not found (neither beside $ASL_PYTHON nor on PATH): run scripts/test, which installs moto[server]==5.2.1 in its virtualenv, or `pip install 'moto[server]==5.2.1'`"
    );
}

pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let server = moto_server();
        // The interpreter beside moto_server (a venv's), else python3.
        let python = ["python", "python3"]
            .iter()
            .map(|p| server.with_file_name(p))
            .find(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from("python3"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let guard = "import subprocess, sys\n\
                     p = subprocess.Popen([sys.argv[1], '-H', '127.0.0.1', '-p', sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
                     sys.stdin.read()\n\
                     p.terminate()\n\
                     p.wait()\n";
        let child = Command::new(&python)
            .arg("-c")
            .arg(guard)
            .arg(&server)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} with {}: {e}", server.display(), python.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.write_all(b"GET /moto-api/ HTTP/1.0\r\n\r\n");
                break;
            }
            assert!(Instant::now() < deadline, "moto_server did not listen on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            url: format!("http://127.0.0.1:{port}"),
            _guard: Mutex::new(child),
        }
    })
}

/// A configuration with static test credentials in us-east-1.
pub fn config() -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "asl-aws-tests",
        )))
        .build()
}

/// Integrations pointed at moto.
pub fn integrations() -> Integrations {
    Integrations::new(&config()).with_endpoint(moto().url.clone())
}

/// The context a Task state with Resource `resource` gets.
pub fn context(resource: &str) -> TaskContext {
    let callback = resource.ends_with(".waitForTaskToken");
    TaskContext {
        state: "Task",
        resource: Box::leak(resource.to_owned().into_boxed_str()),
        resource_type: if resource.starts_with("arn:aws:lambda:") {
            ResourceType::Lambda
        } else if callback {
            ResourceType::Callback
        } else {
            ResourceType::Integration
        },
        retry_count: 0,
        location: Arc::from(Vec::new()),
        execution_name: Arc::from("test-execution"),
        credentials: None,
        task_token: callback.then(|| Arc::from("token-1")),
        idempotency_key: None,
    }
}

/// Runs the Task `resource` with `input` as a machine would.
pub async fn call(
    h: &Integrations,
    resource: &str,
    input: serde_json::Value,
) -> Result<serde_json::Value, StateError> {
    let ctx = context(resource);
    h.call(Value::from(input), &ctx)
        .await
        .map(|v| serde_json::Value::from(&v))
}

/// Like [`call`], for a call that must succeed.
pub async fn ok(h: &Integrations, resource: &str, input: serde_json::Value) -> serde_json::Value {
    match call(h, resource, input.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{resource} with {input} failed: {e}"),
    }
}

/// Like [`call`], for a call that must fail.
pub async fn err(h: &Integrations, resource: &str, input: serde_json::Value) -> StateError {
    match call(h, resource, input.clone()).await {
        Ok(v) => panic!("{resource} with {input} succeeded: {v}"),
        Err(e) => e,
    }
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
