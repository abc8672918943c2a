//! Mocked Task results: answer every Task state of any machine from canned responses.
//!
//! Two sources of mocks are supported:
//!
//! - the `mocks` field of the conformance cases ([`Mocks::from_case_json`]): per Task state, a
//!   list with one entry per call; when a state is called more often than its list is long,
//!   the last entry repeats;
//! - AWS Step Functions Local's mock configuration file, `MockConfigFile.json`
//!   ([`MockConfig`]): named mocked responses keyed by invocation numbers and ranges, bound to
//!   Task states per state machine and test case.
//!
//! Both produce a [`Mocks`], a [`DynamicHandler`] that picks the response by the calling Task
//! state's name ([`TaskContext::state`]) and counts the calls per state. A call that has no
//! response fails the task with the error [`MOCK_MISSING`] and is recorded, so a test runner
//! can tell "the machine took a path the mocks did not foresee" from an ordinary task failure
//! ([`Mocks::unmocked`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use crate::value::{Map, Value};

use crate::error::StateError;
use crate::handler::{BoxFuture, DynamicHandler, TaskContext, TaskResult};

/// The error name a [`Mocks`] fails a task with when it has no response for the call.
pub const MOCK_MISSING: &str = "asl.MockMissing";

/// One canned result of a Task call.
#[derive(Clone, Debug, PartialEq)]
pub enum MockResponse {
    /// The call succeeds with this raw result (before `ResultSelector`, `ResultPath` and
    /// `OutputPath`).
    Return(Value),
    /// The call fails with this error name and cause.
    Throw {
        /// The error name (`Error`) that `Retry` and `Catch` match on.
        error: String,
        /// The cause text (`Cause`), if any.
        cause: Option<String>,
    },
}

impl MockResponse {
    /// A [`MockResponse::Throw`] with a cause.
    pub fn throw(error: impl Into<String>, cause: impl Into<String>) -> Self {
        MockResponse::Throw {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    /// What the task returns for this response.
    fn to_result(&self) -> TaskResult {
        match self {
            MockResponse::Return(v) => Ok(v.clone()),
            MockResponse::Throw { error, cause } => Err(StateError {
                error: Cow::Owned(error.clone()),
                cause: cause.clone(),
            }),
        }
    }
}

/// The responses of one Task state.
#[derive(Clone, Debug)]
enum Plan {
    /// The k-th call gets the k-th entry; the last entry repeats (conformance cases).
    Sequence(Vec<MockResponse>),
    /// Inclusive, sorted, non-overlapping ranges of 0-based call numbers; a call outside every
    /// range has no response (Step Functions Local's `MockedResponses`).
    Ranges(Vec<InvocationRange>),
}

impl Plan {
    /// The response for the call with 0-based number `call`, if any.
    fn response(&self, call: usize) -> Option<&MockResponse> {
        match self {
            Plan::Sequence(list) => list.get(call).or_else(|| list.last()),
            Plan::Ranges(ranges) => {
                let n = u64::try_from(call).unwrap_or(u64::MAX);
                ranges
                    .iter()
                    .find(|r| r.first <= n && n <= r.last)
                    .map(|r| &r.response)
            }
        }
    }
}

/// A test case of a [`MockConfig`]: its name and (Task state name, mocked response name) pairs.
type TestCase = (String, Vec<(String, String)>);

/// One `"a"` or `"a-b"` entry of a Step Functions Local mocked response.
#[derive(Clone, Debug)]
struct InvocationRange {
    first: u64,
    last: u64,
    response: MockResponse,
}

/// Canned responses per Task state name, with per-state call counters.
///
/// Every call of a Task state named `S` takes the next response planned for `S`: with
/// [`Mocks::with`] and [`Mocks::from_case_json`], the k-th call gets the k-th entry and the
/// last entry repeats once the list is used up; with [`MockConfig::test_case`], the call
/// numbers covered by the mocked response's keys (see [`MockConfig`]).
///
/// A call for which there is no response (the state has no entry, or its list is empty, or
/// the call's number is not covered by a [`MockConfig`] mocked response) fails the task with
/// error [`MOCK_MISSING`] and a cause naming the state, and appends the state's name to
/// [`Mocks::unmocked`]. Note that such a failure can be caught by a `Catch` for
/// `States.ALL`; a test runner must check [`Mocks::unmocked`] after the execution.
///
/// Counters are shared by all executions that use the same `Mocks`; use [`Mocks::reset`] to
/// start again from the first response.
#[derive(Debug, Default)]
pub struct Mocks {
    plans: HashMap<String, Plan>,
    calls: Mutex<HashMap<String, usize>>,
    unmocked: Mutex<Vec<String>>,
}

/// Locks a mutex, ignoring poisoning: the guarded data (counters) stay meaningful.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Mocks {
    /// No responses at all: every Task call is unmocked.
    pub fn new() -> Self {
        Mocks::default()
    }

    /// Adds (or replaces) the responses of the Task state `state`: the k-th call gets the k-th
    /// entry, the last entry repeats. An empty list means every call of the state is unmocked.
    #[must_use]
    pub fn with(mut self, state: impl Into<String>, responses: Vec<MockResponse>) -> Self {
        self.plans.insert(state.into(), Plan::Sequence(responses));
        self
    }

    /// Parses the `mocks` field of a conformance case:
    /// `{ "StateName": [ {"Return": <json>} | {"Throw": {"Error": "...", "Cause": "..."}}, ... ] }`.
    ///
    /// `null` (a case without `mocks`) gives no responses. Every entry must have exactly one of
    /// `Return` and `Throw`, and a list must not be empty. `Cause` may be absent (→ `None`).
    /// `Error` may be absent too, since AWS records failures without one (e.g. a
    /// `.waitForTaskToken` callback failing with no error): the response then has the empty
    /// error name `""`, which the driver reports as a null `Error`.
    pub fn from_case_json(v: &Value) -> Result<Mocks, MockError> {
        let obj = match v {
            Value::Null => return Ok(Mocks::new()),
            Value::Object(obj) => obj,
            other => {
                return Err(MockError::new(
                    "mocks",
                    format!("expected an object, got {}", other.type_name()),
                ));
            }
        };
        let mut mocks = Mocks::new();
        for (state, list) in obj.iter() {
            let path = key_path("mocks", state);
            let Value::Array(entries) = list else {
                return Err(MockError::new(
                    path,
                    format!("expected an array, got {}", list.type_name()),
                ));
            };
            if entries.is_empty() {
                return Err(MockError::new(path, "expected at least one entry"));
            }
            let responses = entries
                .iter()
                .enumerate()
                .map(|(i, e)| parse_response(e, &format!("{path}[{i}]"), false))
                .collect::<Result<Vec<_>, _>>()?;
            mocks
                .plans
                .insert(state.to_string(), Plan::Sequence(responses));
        }
        Ok(mocks)
    }

    /// How many times the Task state `state` was called (unmocked calls included).
    pub fn calls(&self, state: &str) -> usize {
        lock(&self.calls).get(state).copied().unwrap_or(0)
    }

    /// The state names of the calls that had no response, in call order, one element per call.
    /// A conformance runner fails the case when this is not empty.
    pub fn unmocked(&self) -> Vec<String> {
        lock(&self.unmocked).clone()
    }

    /// Whether the Task state `state` has responses planned.
    pub fn has_state(&self, state: &str) -> bool {
        self.plans.contains_key(state)
    }

    /// Clears the call counters and the unmocked list: the next call of every state gets its
    /// first response again.
    pub fn reset(&self) {
        lock(&self.calls).clear();
        lock(&self.unmocked).clear();
    }

    /// Answers one call of `state`, counting it.
    fn respond(&self, state: &str) -> TaskResult {
        let call = {
            let mut calls = lock(&self.calls);
            let n = calls.entry(state.to_owned()).or_insert(0);
            let call = *n;
            *n = n.saturating_add(1);
            call
        };
        let plan = self.plans.get(state);
        match plan.and_then(|p| p.response(call)) {
            Some(r) => r.to_result(),
            None => {
                lock(&self.unmocked).push(state.to_owned());
                let cause = match plan {
                    None => format!("no mocked response for Task state '{state}'"),
                    Some(_) => {
                        format!("no mocked response for invocation {call} of Task state '{state}'")
                    }
                };
                Err(StateError::new(MOCK_MISSING, cause))
            }
        }
    }
}

impl DynamicHandler for Mocks {
    fn call<'a>(&'a self, _input: Value, context: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        Box::pin(std::future::ready(self.respond(context.state)))
    }
}

/// A malformed mock specification, or a lookup of something it does not define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockError {
    path: String,
    message: String,
}

impl MockError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        MockError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Where the problem is, as a key path such as `MockedResponses.Foo."1-2"` (empty for the
    /// document as a whole).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for MockError {}

/// An AWS Step Functions Local mock configuration file (`MockConfigFile.json`).
///
/// Shape (see "Configuration file for mocked service integrations",
/// <https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html>):
///
/// ```json
/// {
///   "StateMachines": {
///     "<MachineName>": {
///       "TestCases": { "<TestCase>": { "<TaskStateName>": "<MockedResponseName>" } }
///     }
///   },
///   "MockedResponses": {
///     "<MockedResponseName>": {
///       "0": { "Return": { "StatusCode": 200 } },
///       "1-2": { "Throw": { "Error": "Lambda.TimeoutException", "Cause": "Lambda timed out." } }
///     }
///   }
/// }
/// ```
///
/// The keys of a mocked response are 0-based invocation numbers of the Task state (`"3"`) or
/// inclusive ranges of them (`"0-2"`); each value holds exactly one of `Return` (the result)
/// and `Throw` (an object with a string `Error` and an optional string `Cause`). AWS requires a
/// mocked response for every invocation of a mocked Task ("If you do not specify a mocked
/// response, the state machine execution will fail"), so a call whose number no key covers,
/// whether in a gap or after the last key, is *not* answered by repeating a response: it fails
/// the task with [`MOCK_MISSING`] and is recorded in [`Mocks::unmocked`]. A Task state that a
/// test case does not list is unmocked likewise (Step Functions Local would call the real
/// service; there is none here).
///
/// Everything is validated when the file is read: both top-level fields are required, keys
/// must be well-formed and must not overlap, every test case must name existing mocked
/// responses, and unknown fields are rejected.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Machine name → test case name → (Task state name → mocked response name), in file order.
    machines: Vec<(String, Vec<TestCase>)>,
    /// Mocked response name → its ranges, sorted.
    responses: HashMap<String, Vec<InvocationRange>>,
}

impl MockConfig {
    /// Parses and validates the text of a mock configuration file.
    pub fn parse(text: &str) -> Result<MockConfig, MockError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| MockError::new("", format!("invalid JSON: {e}")))?;
        MockConfig::from_value(&v)
    }

    /// Validates a mock configuration given as JSON.
    pub fn from_value(v: &Value) -> Result<MockConfig, MockError> {
        let top = as_object(v, "")?;
        check_fields(top, "", &["StateMachines", "MockedResponses"])?;

        let responses_v = top
            .get("MockedResponses")
            .ok_or_else(|| MockError::new("", "missing field MockedResponses"))?;
        let mut responses = HashMap::new();
        for (name, resp) in as_object(responses_v, "MockedResponses")? {
            let path = key_path("MockedResponses", name);
            responses.insert(name.to_string(), parse_mocked_response(resp, &path)?);
        }

        let machines_v = top
            .get("StateMachines")
            .ok_or_else(|| MockError::new("", "missing field StateMachines"))?;
        let mut machines = Vec::new();
        for (machine, mv) in as_object(machines_v, "StateMachines")? {
            let mpath = key_path("StateMachines", machine);
            let mobj = as_object(mv, &mpath)?;
            check_fields(mobj, &mpath, &["TestCases"])?;
            let tpath = format!("{mpath}.TestCases");
            let tv = mobj
                .get("TestCases")
                .ok_or_else(|| MockError::new(mpath.clone(), "missing field TestCases"))?;
            let mut cases = Vec::new();
            for (case, cv) in as_object(tv, &tpath)? {
                let cpath = key_path(&tpath, case);
                let mut states = Vec::new();
                for (state, rv) in as_object(cv, &cpath)? {
                    let spath = key_path(&cpath, state);
                    let Value::String(rname) = rv else {
                        return Err(MockError::new(
                            spath,
                            format!(
                                "expected the name of a mocked response, got {}",
                                rv.type_name()
                            ),
                        ));
                    };
                    if !responses.contains_key(rname.as_str()) {
                        return Err(MockError::new(
                            spath,
                            format!("unknown mocked response \"{rname}\""),
                        ));
                    }
                    states.push((state.to_string(), rname.to_string()));
                }
                cases.push((case.to_string(), states));
            }
            machines.push((machine.to_string(), cases));
        }
        Ok(MockConfig {
            machines,
            responses,
        })
    }

    /// The state machine names, in file order.
    pub fn machine_names(&self) -> impl Iterator<Item = &str> {
        self.machines.iter().map(|(m, _)| m.as_str())
    }

    /// The test case names of `machine`, in file order (`None` for an unknown machine).
    pub fn test_case_names(&self, machine: &str) -> Option<impl Iterator<Item = &str>> {
        self.machines
            .iter()
            .find(|(m, _)| m == machine)
            .map(|(_, cases)| cases.iter().map(|(c, _)| c.as_str()))
    }

    /// The mocks of test case `test_case` of state machine `machine`: each Task state it lists
    /// answers with its mocked response; every other Task state is unmocked.
    pub fn test_case(&self, machine: &str, test_case: &str) -> Result<Mocks, MockError> {
        let (_, cases) = self
            .machines
            .iter()
            .find(|(m, _)| m == machine)
            .ok_or_else(|| {
                MockError::new(
                    "StateMachines",
                    format!("unknown state machine \"{machine}\""),
                )
            })?;
        let tpath = format!("{}.TestCases", key_path("StateMachines", machine));
        let (_, states) = cases.iter().find(|(c, _)| c == test_case).ok_or_else(|| {
            MockError::new(tpath.clone(), format!("unknown test case \"{test_case}\""))
        })?;
        let mut mocks = Mocks::new();
        for (state, rname) in states {
            let ranges = self.responses.get(rname).ok_or_else(|| {
                MockError::new(
                    key_path(&key_path(&tpath, test_case), state),
                    format!("unknown mocked response \"{rname}\""),
                )
            })?;
            mocks
                .plans
                .insert(state.clone(), Plan::Ranges(ranges.clone()));
        }
        Ok(mocks)
    }
}

/// Parses one mocked response object: invocation keys → `Return`/`Throw`; sorted, checked for
/// overlaps.
fn parse_mocked_response(v: &Value, path: &str) -> Result<Vec<InvocationRange>, MockError> {
    let obj = as_object(v, path)?;
    if obj.is_empty() {
        return Err(MockError::new(
            path,
            "expected at least one invocation number",
        ));
    }
    let mut ranges: Vec<(InvocationRange, &str)> = Vec::with_capacity(obj.len());
    for (key, entry) in obj {
        let epath = key_path(path, key);
        let (first, last) = parse_invocation_key(key).map_err(|m| MockError::new(&epath, m))?;
        let response = parse_response(entry, &epath, true)?;
        ranges.push((
            InvocationRange {
                first,
                last,
                response,
            },
            key,
        ));
    }
    ranges.sort_by_key(|(r, _)| (r.first, r.last));
    for pair in ranges.windows(2) {
        if let [(a, akey), (b, bkey)] = pair
            && b.first <= a.last
        {
            return Err(MockError::new(
                key_path(path, bkey),
                format!("invocations overlap with \"{akey}\""),
            ));
        }
    }
    Ok(ranges.into_iter().map(|(r, _)| r).collect())
}

/// `"3"` → (3, 3); `"1-2"` → (1, 2). Only ASCII digits; the range must not be descending.
fn parse_invocation_key(key: &str) -> Result<(u64, u64), String> {
    fn number(s: &str) -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
    let bad = || {
        format!(
            "expected an invocation number (\"3\") or an inclusive range (\"1-2\"), got \"{key}\""
        )
    };
    match key.split_once('-') {
        None => number(key).map(|n| (n, n)).ok_or_else(bad),
        Some((a, b)) => {
            let (a, b) = number(a).zip(number(b)).ok_or_else(bad)?;
            if a > b {
                Err(format!(
                    "range \"{key}\" is descending: its start is greater than its end"
                ))
            } else {
                Ok((a, b))
            }
        }
    }
}

/// Parses `{"Return": <json>}` or `{"Throw": {"Error": "...", "Cause": "..."}}`.
/// `require_error`: whether `Throw` must have `Error` (absent → `""` otherwise).
fn parse_response(v: &Value, path: &str, require_error: bool) -> Result<MockResponse, MockError> {
    let obj = as_object(v, path)?;
    let ret = obj.get("Return");
    let throw = obj.get("Throw");
    if let Some(extra) = obj.keys().find(|k| *k != "Return" && *k != "Throw") {
        return Err(MockError::new(
            path,
            format!("unknown field \"{extra}\": expected Return or Throw"),
        ));
    }
    match (ret, throw) {
        (Some(r), None) => Ok(MockResponse::Return(r.clone())),
        (None, Some(t)) => {
            let tpath = format!("{path}.Throw");
            let tobj = as_object(t, &tpath)?;
            check_fields(tobj, &tpath, &["Error", "Cause"])?;
            let error = match tobj.get("Error") {
                Some(Value::String(s)) => s.to_string(),
                None if !require_error => String::new(),
                None => return Err(MockError::new(tpath, "missing field Error")),
                Some(other) => {
                    return Err(MockError::new(
                        format!("{tpath}.Error"),
                        format!("expected a string, got {}", other.type_name()),
                    ));
                }
            };
            let cause = match tobj.get("Cause") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.to_string()),
                Some(other) => {
                    return Err(MockError::new(
                        format!("{tpath}.Cause"),
                        format!("expected a string, got {}", other.type_name()),
                    ));
                }
            };
            Ok(MockResponse::Throw { error, cause })
        }
        (Some(_), Some(_)) => Err(MockError::new(path, "expected Return or Throw, not both")),
        (None, None) => Err(MockError::new(path, "expected Return or Throw")),
    }
}

fn as_object<'v>(v: &'v Value, path: &str) -> Result<&'v Map, MockError> {
    match v {
        Value::Object(o) => Ok(o),
        other => Err(MockError::new(
            path,
            format!("expected an object, got {}", other.type_name()),
        )),
    }
}

/// Rejects fields of `obj` other than `allowed`.
fn check_fields(obj: &Map, path: &str, allowed: &[&str]) -> Result<(), MockError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(MockError::new(
            path,
            format!("unknown field \"{k}\" (expected {})", allowed.join(" or ")),
        )),
    }
}

/// `parent.key`, quoting `key` unless it is a plain identifier.
fn key_path(parent: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let key = if plain {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::machine::ResourceType;
    use std::sync::Arc;

    fn ctx(state: &'static str) -> TaskContext {
        TaskContext {
            state,
            resource: "arn:aws:states:::lambda:invoke",
            resource_type: ResourceType::Integration,
            retry_count: 0,
            location: Arc::from(Vec::new()),
            execution_name: Arc::from("exec"),
            credentials: None,
            task_token: None,
            idempotency_key: None,
        }
    }

    /// Polls a future that is ready at once (the mocks never wait).
    fn call(m: &Mocks, state: &'static str) -> TaskResult {
        let c = ctx(state);
        let fut = DynamicHandler::call(m, Value::Null, &c);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| StateError::new("test.Runtime", e.to_string()))
            .and_then(|rt| rt.block_on(fut))
    }

    fn err(error: &str, cause: Option<&str>) -> TaskResult {
        Err(StateError {
            error: Cow::Owned(error.to_owned()),
            cause: cause.map(str::to_owned),
        })
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Mocks>();
        check::<MockConfig>();
    }

    #[test]
    fn last_entry_repeats() {
        let m = Mocks::new().with(
            "A",
            vec![
                MockResponse::throw("E", "first"),
                MockResponse::Return(json!(1)),
            ],
        );
        assert_eq!(call(&m, "A"), err("E", Some("first")));
        assert_eq!(call(&m, "A"), Ok(json!(1)));
        assert_eq!(call(&m, "A"), Ok(json!(1)));
        assert_eq!(call(&m, "A"), Ok(json!(1)));
        assert_eq!(m.calls("A"), 4);
        assert_eq!(m.calls("B"), 0);
        assert!(m.unmocked().is_empty());
        m.reset();
        assert_eq!(m.calls("A"), 0);
        assert_eq!(call(&m, "A"), err("E", Some("first")));
    }

    #[test]
    fn case_json_return_and_throw_without_cause() {
        let m = Mocks::from_case_json(&json!({
            "T": [
                {"Return": {"x": [1, 2]}},
                {"Throw": {"Error": "States.TaskFailed"}},
                {"Throw": {"Error": "Err", "Cause": "why"}}
            ],
            "U": [{"Throw": {}}]
        }));
        let m = match m {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(call(&m, "T"), Ok(json!({"x": [1, 2]})));
        assert_eq!(call(&m, "T"), err("States.TaskFailed", None));
        assert_eq!(call(&m, "T"), err("Err", Some("why")));
        assert_eq!(call(&m, "T"), err("Err", Some("why")));
        // AWS records some failures without an error name.
        assert_eq!(call(&m, "U"), err("", None));
        assert!(m.has_state("U"));
        assert!(!m.has_state("V"));
    }

    #[test]
    fn case_json_null_is_empty() {
        let m = Mocks::from_case_json(&Value::Null);
        assert!(m.is_ok_and(|m| !m.has_state("A")));
    }

    #[test]
    fn unmocked_state_recorded() {
        let m = Mocks::new().with("A", vec![MockResponse::Return(json!(null))]);
        let r = call(&m, "B");
        match r {
            Err(e) => {
                assert_eq!(e.error, MOCK_MISSING);
                assert!(e.cause.is_some_and(|c| c.contains("'B'")));
            }
            Ok(v) => panic!("unexpected {v}"),
        }
        assert_eq!(call(&m, "A"), Ok(Value::Null));
        let _ = call(&m, "B");
        assert_eq!(m.unmocked(), vec!["B".to_owned(), "B".to_owned()]);
        assert_eq!(m.calls("B"), 2);
        // An empty list is unmocked too.
        let m = Mocks::new().with("C", vec![]);
        assert!(call(&m, "C").is_err());
        assert_eq!(m.unmocked(), vec!["C".to_owned()]);
    }

    fn case_error(v: Value) -> String {
        match Mocks::from_case_json(&v) {
            Ok(_) => panic!("accepted {v}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn case_json_errors() {
        assert_eq!(
            case_error(json!([])),
            "mocks: expected an object, got an array"
        );
        assert_eq!(
            case_error(json!({"A": {}})),
            "mocks.A: expected an array, got an object"
        );
        assert_eq!(
            case_error(json!({"A": []})),
            "mocks.A: expected at least one entry"
        );
        assert_eq!(
            case_error(json!({"My State": [{"Return": 1}, {}]})),
            "mocks.\"My State\"[1]: expected Return or Throw"
        );
        assert_eq!(
            case_error(json!({"A": [{"Return": 1, "Throw": {"Error": "E"}}]})),
            "mocks.A[0]: expected Return or Throw, not both"
        );
        assert_eq!(
            case_error(json!({"A": [{"Throw": {"Error": 3}}]})),
            "mocks.A[0].Throw.Error: expected a string, got a number"
        );
        assert_eq!(
            case_error(json!({"A": [{"Throw": "E"}]})),
            "mocks.A[0].Throw: expected an object, got a string"
        );
    }

    const AWS_EXAMPLE: &str = r#"{
      "StateMachines": {
        "LambdaSQSIntegration": {
          "TestCases": {
            "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
            "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
            "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            "GapPath": {"LambdaState": "Gaps"}
          }
        }
      },
      "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200}}},
        "MockedSQSSuccess": {"0": {"Return": {"MessageId": "m"}}},
        "MockedLambdaRetry": {
          "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
          "1-2": {"Throw": {"Error": "Lambda.TimeoutException"}},
          "3": {"Return": {"StatusCode": 200}}
        },
        "Gaps": {
          "4-5": {"Return": "late"},
          "0": {"Return": "zero"}
        }
      }
    }"#;

    fn config() -> MockConfig {
        match MockConfig::parse(AWS_EXAMPLE) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    fn case(c: &MockConfig, machine: &str, test_case: &str) -> Mocks {
        match c.test_case(machine, test_case) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn config_ranges() {
        let c = config();
        let m = case(&c, "LambdaSQSIntegration", "RetryPath");
        assert_eq!(
            call(&m, "LambdaState"),
            err("Lambda.ResourceNotReadyException", Some("not ready"))
        );
        assert_eq!(
            call(&m, "LambdaState"),
            err("Lambda.TimeoutException", None)
        );
        assert_eq!(
            call(&m, "LambdaState"),
            err("Lambda.TimeoutException", None)
        );
        assert_eq!(call(&m, "LambdaState"), Ok(json!({"StatusCode": 200})));
        assert_eq!(call(&m, "SQSState"), Ok(json!({"MessageId": "m"})));
        assert!(m.unmocked().is_empty());
        // AWS: every invocation needs a mocked response; past the last key is unmocked.
        let r = call(&m, "LambdaState");
        assert!(matches!(&r, Err(e) if e.error == MOCK_MISSING
            && e.cause.as_deref().is_some_and(|c| c.contains("invocation 4"))));
        assert_eq!(m.unmocked(), vec!["LambdaState".to_owned()]);
        assert_eq!(m.calls("LambdaState"), 5);
    }

    #[test]
    fn config_gaps_and_hybrid() {
        let c = config();
        let m = case(&c, "LambdaSQSIntegration", "GapPath");
        assert_eq!(call(&m, "LambdaState"), Ok(json!("zero")));
        for _ in 1..4 {
            assert!(call(&m, "LambdaState").is_err());
        }
        assert_eq!(call(&m, "LambdaState"), Ok(json!("late")));
        assert_eq!(call(&m, "LambdaState"), Ok(json!("late")));
        assert!(call(&m, "LambdaState").is_err());
        assert_eq!(m.unmocked().len(), 4);

        let m = case(&c, "LambdaSQSIntegration", "HybridPath");
        assert_eq!(call(&m, "LambdaState"), Ok(json!({"StatusCode": 200})));
        assert!(call(&m, "SQSState").is_err());
        assert_eq!(m.unmocked(), vec!["SQSState".to_owned()]);
    }

    #[test]
    fn config_names() {
        let c = config();
        assert_eq!(
            c.machine_names().collect::<Vec<_>>(),
            vec!["LambdaSQSIntegration"]
        );
        let cases: Option<Vec<&str>> = c
            .test_case_names("LambdaSQSIntegration")
            .map(|i| i.collect());
        assert_eq!(
            cases,
            Some(vec!["HappyPath", "RetryPath", "HybridPath", "GapPath"])
        );
        assert!(c.test_case_names("Nope").is_none());
    }

    #[test]
    fn config_lookup_errors() {
        let c = config();
        let e = c
            .test_case("Nope", "HappyPath")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("StateMachines: unknown state machine \"Nope\"")
        );
        let e = c
            .test_case("LambdaSQSIntegration", "SadPath")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("StateMachines.LambdaSQSIntegration.TestCases: unknown test case \"SadPath\"")
        );
    }

    fn config_error(v: Value) -> String {
        match MockConfig::from_value(&v) {
            Ok(_) => panic!("accepted {v}"),
            Err(e) => e.to_string(),
        }
    }

    fn with_response(resp: Value) -> Value {
        json!({
            "StateMachines": {"M": {"TestCases": {"T": {"S": "Foo"}}}},
            "MockedResponses": {"Foo": resp}
        })
    }

    #[test]
    fn config_errors() {
        assert_eq!(config_error(json!([1])), "expected an object, got an array");
        assert!(MockConfig::parse("{").is_err_and(|e| e.message().starts_with("invalid JSON")));
        assert_eq!(
            config_error(json!({"StateMachines": {}})),
            "missing field MockedResponses"
        );
        assert_eq!(
            config_error(json!({"StateMachines": {}, "MockedResponse": {}})),
            "unknown field \"MockedResponse\" (expected StateMachines or MockedResponses)"
        );
        assert_eq!(
            config_error(json!({"StateMachines": {"M": {}}, "MockedResponses": {}})),
            "StateMachines.M: missing field TestCases"
        );
        assert_eq!(
            config_error(json!({
                "StateMachines": {"M": {"TestCases": {"T": {"S": "Bar"}}}},
                "MockedResponses": {"Foo": {"0": {"Return": 1}}}
            })),
            "StateMachines.M.TestCases.T.S: unknown mocked response \"Bar\""
        );
        assert_eq!(
            config_error(json!({
                "StateMachines": {"M": {"TestCases": {"T": {"S": 1}}}},
                "MockedResponses": {}
            })),
            "StateMachines.M.TestCases.T.S: expected the name of a mocked response, got a number"
        );
        assert_eq!(
            config_error(with_response(json!({"2-1": {"Return": 1}}))),
            "MockedResponses.Foo.\"2-1\": range \"2-1\" is descending: its start is greater than its end"
        );
        for bad in [
            "",
            "-1",
            "1-",
            "a",
            "1-2-3",
            " 1",
            "+1",
            "1.5",
            "99999999999999999999",
        ] {
            let msg = config_error(with_response(json!({bad: {"Return": 1}})));
            assert!(
                msg.contains("expected an invocation number"),
                "{bad}: {msg}"
            );
        }
        assert_eq!(
            config_error(with_response(
                json!({"0-2": {"Return": 1}, "2": {"Return": 2}})
            )),
            "MockedResponses.Foo.\"2\": invocations overlap with \"0-2\""
        );
        assert_eq!(
            config_error(with_response(
                json!({"3-4": {"Return": 1}, "0-9": {"Return": 2}})
            )),
            "MockedResponses.Foo.\"3-4\": invocations overlap with \"0-9\""
        );
        assert_eq!(
            config_error(with_response(
                json!({"0": {"Return": 1}, "1-2": {"Return": 1, "Throw": {"Error": "E"}}})
            )),
            "MockedResponses.Foo.\"1-2\": expected Return or Throw, not both"
        );
        assert_eq!(
            config_error(with_response(json!({"1-2": {}}))),
            "MockedResponses.Foo.\"1-2\": expected Return or Throw"
        );
        assert_eq!(
            config_error(with_response(json!({"0": {"Throw": {"Cause": "c"}}}))),
            "MockedResponses.Foo.\"0\".Throw: missing field Error"
        );
        assert_eq!(
            config_error(with_response(
                json!({"0": {"Throw": {"Error": "E", "Extra": 1}}})
            )),
            "MockedResponses.Foo.\"0\".Throw: unknown field \"Extra\" (expected Error or Cause)"
        );
        assert_eq!(
            config_error(with_response(json!({}))),
            "MockedResponses.Foo: expected at least one invocation number"
        );
        assert_eq!(
            config_error(with_response(json!(null))),
            "MockedResponses.Foo: expected an object, got null"
        );
    }

    #[test]
    fn config_adjacent_ranges_ok() {
        let c = MockConfig::from_value(&with_response(
            json!({"0-1": {"Return": "a"}, "2-2": {"Return": "b"}, "3": {"Return": "c"}}),
        ));
        let m = c.and_then(|c| c.test_case("M", "T"));
        let m = match m {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        let got: Vec<TaskResult> = (0..5).map(|_| call(&m, "S")).collect();
        assert_eq!(
            got[..4],
            [
                Ok(json!("a")),
                Ok(json!("a")),
                Ok(json!("b")),
                Ok(json!("c"))
            ]
        );
        assert!(got[4].is_err());
    }
}
