//! Behavioural tests of the runtime's semantics, one or a few per runtime concept.
//!
//! Every test names the ASL-REFERENCE rows it checks (`ASL-…` IDs in the test name or in a
//! comment). Expected values come from ASL-REFERENCE and from the AWS-recorded conformance
//! cases (`shared/conformance/cases`, cited by file name where a value is taken from one).
//!
//! Time is tokio's paused clock (`start_paused = true`): waits, retry backoffs and timeouts
//! are exact and instant, so durations are asserted exactly.
//!
//! not weakened.

mod common;

mod catch;
mod choice;
mod context;
mod distributed;
mod fail;
mod history;
mod io;
mod map;
mod odd_inputs;
mod parallel;
mod quota;
mod retry;
mod templates;
mod timeouts;
mod variables;
mod wait;
