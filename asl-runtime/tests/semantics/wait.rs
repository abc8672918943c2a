//! Wait: ASL-WT-02..05, ASL-SUB-37/38.

use std::time::Duration;

use asl_runtime::{Options, json};
use tokio::time::Instant;

use crate::common::{error_name, failure, kinds, opts, prefix, secs, ts};

asl_runtime::asl!(WaitSeconds = {
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 7, "Next": "Nap2" },
        "Nap2": { "Type": "Wait", "SecondsPath": "$.s", "End": true }
    }
});

/// Seconds and SecondsPath wait exactly; the output is the input (ASL-WT-02/03/07).
#[tokio::test(start_paused = true)]
async fn wait_seconds_and_seconds_path_exact_asl_wt_02_03() {
    let m = WaitSeconds::new(());
    let t0 = Instant::now();
    assert_eq!(m.run(json!({ "s": 4 })).await.unwrap(), json!({ "s": 4 }));
    assert_eq!(t0.elapsed(), secs(11));
    let t0 = Instant::now();
    m.run(json!({ "s": 0 })).await.unwrap();
    assert_eq!(t0.elapsed(), secs(7));
}

asl_runtime::asl!(WaitSecondsPath = {
    "Comment": "WAIT_SECONDS_PATH",
    "StartAt": "WaitState",
    "States": {
        "WaitState": { "Type": "Wait", "SecondsPath": "$.input.waitSeconds", "End": true }
    }
});

/// SecondsPath must reference a non-negative integer; causes as recorded by AWS
/// (ASL-SUB-38, ASL-WT-03; conformance `base__test_base_wait_seconds_path__-1`, `…__-1.5`,
/// `logs__test_base__wait_seconds_path.json5_ALL_False`).
#[tokio::test(start_paused = true)]
async fn seconds_path_invalid_values_are_runtime_asl_sub_38() {
    let m = WaitSecondsPath::new(());
    let p = prefix("WaitState", 2);
    for (input, rest) in [
        (
            json!({ "input": { "waitSeconds": -1 } }),
            "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1",
        ),
        (
            json!({ "input": { "waitSeconds": -1.5 } }),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5",
        ),
        (
            json!({ "input": { "waitSeconds": 1.5 } }),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5",
        ),
        (
            json!({}),
            "The SecondsPath parameter does not reference an input value: $.input.waitSeconds",
        ),
    ] {
        let run = m.execute(input.clone(), &opts()).await;
        let (error, cause) = failure(&run.result);
        assert_eq!(error, Some("States.Runtime"), "{input}");
        assert_eq!(cause.unwrap(), format!("{p}{rest}"), "{input}");
        assert_eq!(
            kinds(&run),
            ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
        );
    }
}

asl_runtime::asl!(WaitUntil = {
    "StartAt": "Literal",
    "States": {
        "Literal": { "Type": "Wait", "Timestamp": "2024-01-01T00:01:30Z", "Next": "FromPath" },
        "FromPath": { "Type": "Wait", "TimestampPath": "$.until", "End": true }
    }
});

/// A Timestamp in the future (relative to Options::start_time) waits exactly the difference,
/// offsets included; a past one does not wait (ASL-WT-04/05).
#[tokio::test(start_paused = true)]
async fn wait_timestamp_waits_until_instant_asl_wt_04() {
    let m = WaitUntil::new(());
    let t0 = Instant::now();
    // 01:02:00+01:00 is 00:02:00Z: 30 s after the literal wait ends at 00:01:30Z.
    m.execute(json!({ "until": "2024-01-01T01:02:00+01:00" }), &opts())
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), secs(120));
    // Both timestamps in the past: no wait at all.
    let o = Options {
        start_time: Some(ts("2030-06-01T00:00:00Z")),
        ..opts()
    };
    let t0 = Instant::now();
    m.execute(json!({ "until": "2020-01-01T00:00:00Z" }), &o)
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

asl_runtime::asl!(WaitTimestampPath = {
    "Comment": "WAIT_TIMESTAMP_PATH",
    "StartAt": "WaitUntil",
    "States": {
        "WaitUntil": { "Type": "Wait", "TimestampPath": "$.TimestampValue", "End": true }
    }
});

/// The Timestamp is truncated to whole seconds (ASL-SUB-37).
#[tokio::test(start_paused = true)]
async fn wait_timestamp_truncated_to_seconds_asl_sub_37() {
    let t0 = Instant::now();
    WaitTimestampPath::new(())
        .execute(
            json!({ "TimestampValue": "2024-01-01T00:00:10.900Z" }),
            &opts(),
        )
        .await
        .result
        .unwrap();
    assert_eq!(t0.elapsed(), secs(10));
}

/// An invalid TimestampPath value is States.Runtime with AWS's cause (ASL-WT-05;
/// conformance `scenarios__test_wait_timestamp_path__INVALID_DATE/INVALID_ISO/INVALID_TIME`).
#[tokio::test(start_paused = true)]
async fn timestamp_path_invalid_values_are_runtime_asl_wt_05() {
    let m = WaitTimestampPath::new(());
    for bad in [
        "2016-13-05T21:29:29Z",
        "05-12-2016T21:29:29Z",
        "2016-12-05T25:29:29Z",
    ] {
        let run = m.execute(json!({ "TimestampValue": bad }), &opts()).await;
        let (error, cause) = failure(&run.result);
        assert_eq!(error, Some("States.Runtime"));
        assert_eq!(
            cause.unwrap(),
            format!(
                "{}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == {bad}",
                prefix("WaitUntil", 2)
            )
        );
        assert_eq!(
            kinds(&run),
            ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
        );
    }
}

/// A wait longer than ~2^31 s is States.Runtime, for a Timestamp and for SecondsPath alike
/// (ASL-WT-04, ASL-Q-08).
#[tokio::test(start_paused = true)]
async fn wait_delay_too_long_is_runtime_timestamp_asl_wt_04() {
    let run = WaitTimestampPath::new(())
        .execute(json!({ "TimestampValue": "2100-01-01T00:00:00Z" }), &opts())
        .await;
    assert_eq!(error_name(&run.result), Some("States.Runtime"));
}

/// SecondsPath of 4e9 s (> 2^31 s) must fail like an over-long Timestamp (ASL-Q-08).
#[tokio::test(start_paused = true)]
async fn wait_delay_too_long_is_runtime_seconds_path_asl_q_08() {
    let run = WaitSecondsPath::new(())
        .execute(
            json!({ "input": { "waitSeconds": 4_000_000_000u64 } }),
            &opts(),
        )
        .await;
    assert_eq!(error_name(&run.result), Some("States.Runtime"));
}
