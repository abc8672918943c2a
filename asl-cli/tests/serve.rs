//! `asl serve` driven by real clients over HTTP on 127.0.0.1: boto3 and the AWS CLI
//! (`tests/serve/api_test.py`, every answer checked against botocore's service model), a
//! server killed with SIGKILL while executions wait and run (`tests/serve/restart_test.py`),
//! and the console in headless Chromium on real executions (`tests/serve/console_test.py`).
//!
//! They need Python 3 with boto3 and the AWS CLI: `.ci/run` makes a virtualenv with both and
//! points `ASL_PYTHON` and `AWS_CLI` at it. Without them these tests fail, saying so.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A started `asl serve`.
struct Served {
    child: Child,
    endpoint: String,
}

impl Served {
    fn start(db: &Path) -> Served {
        Served::start_with(db, &[])
    }

    /// `asl serve` with more arguments.
    fn start_with(db: &Path, extra: &[&str]) -> Served {
        let logs = db.with_extension("logs");
        let mock = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/MockConfigFile.json");
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl"))
            .args(["serve", "--port", "0", "--db"])
            .arg(db)
            .arg("--mock-config")
            .arg(&mock)
            .arg("--log-dir")
            .arg(&logs)
            .args(extra)
            // The AWS configuration of the service calls (`--aws`): moto takes any key.
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .stderr(Stdio::piped())
            .spawn()
            .expect("asl serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines
            .next()
            .expect("asl serve prints its address")
            .expect("stderr is text");
        let endpoint = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in `{first}`"))
            .to_owned();
        // Keep reading what the server says, so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                eprintln!("[asl serve] {line}");
            }
        });
        Served { child, endpoint }
    }

    /// Whether the process is still running.
    fn alive(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    fn kill(mut self) {
        // SIGKILL: nothing is flushed or closed by the server.
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python that has boto3 (`ASL_PYTHON`, else `python3`); the test fails without it.
fn python() -> String {
    let python = std::env::var("ASL_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import boto3, botocore"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "`{python}` cannot import boto3: run `.ci/run`, or `pip install boto3 awscli` and set ASL_PYTHON"
    );
    python
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/serve")
        .join(name)
}

fn run_python(args: &[&str]) -> String {
    let out = Command::new(python())
        .args(args)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_api_answers_boto3_and_the_aws_cli_as_the_service_model_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Served::start(&dir.path().join("asl.db"));
    let logs = dir.path().join("asl.logs");
    let out = run_python(&[
        script("api_test.py").to_str().unwrap(),
        &server.endpoint,
        logs.to_str().unwrap(),
    ]);
    print!("{out}");
    assert!(out.contains("api: "), "{out}");
    assert!(server.alive(), "the server survived every bad request");
}

#[test]
fn the_console_shows_executions_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(&dir.path().join("asl.db"));
    // The screenshots are kept where cargo keeps test output.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console");
    std::fs::create_dir_all(&shots).unwrap();
    let out = run_python(&[
        script("console_test.py").to_str().unwrap(),
        &server.endpoint,
        shots.to_str().unwrap(),
    ]);
    print!("{out}");
    assert!(out.contains("console: 7 pages checked"), "{out}");
    let shot = shots.join("failed-execution.png");
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "a screenshot of the execution page: {}",
        shot.display()
    );
    println!("screenshots in {}", shots.display());
}

#[test]
fn executions_go_on_after_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("asl.db");
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let server = Served::start(&db);
    run_python(&[
        script("restart_test.py").to_str().unwrap(),
        &server.endpoint,
        "setup",
        state,
    ]);
    server.kill();
    let server = Served::start(&db);
    let out = run_python(&[
        script("restart_test.py").to_str().unwrap(),
        &server.endpoint,
        "finish",
        state,
    ]);
    print!("{out}");
    assert!(out.contains("restart: 7 executions finished"), "{out}");
}

/// A moto server on a free port of 127.0.0.1 (`moto_server` beside `ASL_PYTHON`, as
/// scripts/test installs it), stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let python = python();
        let server = Path::new(&python).with_file_name("moto_server");
        assert!(
            server.is_file(),
            "no moto_server beside {python}: run scripts/test, which installs moto[server]==5.2.1"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not listen within 30 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `asl serve --aws-endpoint <moto>`: definitions that call DynamoDB, SQS and S3 run
/// unchanged, a Distributed Map reads its items from moto's S3 and writes its results there,
/// and service errors are caught by AWS's names (`tests/serve/aws_test.py`).
#[test]
fn service_integrations_run_against_moto() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start_with(
        &dir.path().join("asl.db"),
        &["--aws-endpoint", &moto.endpoint],
    );
    let out = run_python(&[
        script("aws_test.py").to_str().unwrap(),
        &server.endpoint,
        &moto.endpoint,
    ]);
    print!("{out}");
    assert!(out.contains("aws: "), "{out}");
}
