#!/usr/bin/env python3
"""DEVELOPMENT ONLY: runs check_console.py against fake_api.py (not against the server).

Starts fake_api.py (twice: once normal with --growth poll, once with GetExecutionHistory made
to fail), runs every case below through check_console.py, stops the fakes it started, and
prints `N passed, N failed`. Screenshots go to --out (default: a temporary directory).

The cases double as examples of expect files for the real integration test.
Usage: selftest_fake.py [--out DIR] [--only SUBSTRING]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
A = "arn:aws:states:us-east-1:123456789012"

NOT_RUN = "not-visited"

CASES = [
    ("machines", ["--machines"], {
        "machines": ["order-pipeline", "legacy-iterator", "big-machine", "broken-definition", "express-hello"],
        "machine_types": {"express-hello": "EXPRESS", "order-pipeline": "STANDARD"}, "machines_min": 5}),
    ("executions", ["--machine-arn", f"{A}:stateMachine:order-pipeline"], {
        "executions": {"failed-order": "FAILED", "bulk-order": "SUCCEEDED", "slow-order": "TIMED_OUT",
                       "cancelled-order": "ABORTED"},
        "executions_min": 25, "load_more": True, "texts": ["order-pipeline", "STANDARD"]}),
    ("executions-filtered", ["--machine-arn", f"{A}:stateMachine:order-pipeline"], {
        "status_filter": "FAILED", "executions": {"failed-order": "FAILED"}, "load_more": False}),
    ("executions-empty", ["--machine-arn", f"{A}:stateMachine:express-hello"], {
        "texts": ["No executions"], "load_more": False}),
    ("failed-order", ["--execution-arn", f"{A}:execution:order-pipeline:failed-order"], {
        "status": "FAILED", "graph": True, "live": False, "error": "OrderFailed",
        "states": {"Validate": "succeeded", "Route order": "succeeded", "Standard lane": "succeeded",
                   "Fulfil": "caught", "Notify customer": "failed", "Reserve stock": "aborted",
                   "Audit passed": "succeeded", "Handle failure": "succeeded", "Fail here": "failed",
                   "Process items": NOT_RUN, "Express lane": NOT_RUN, "Done": NOT_RUN, "Confirm stock": NOT_RUN},
        "history_events": 29,
        "history_types": ["ExecutionStarted", "TaskFailed", "TaskStateAborted", "ParallelStateFailed",
                          "FailStateEntered", "ExecutionFailed"],
        "texts": ["OrderFailed", "The order could not be fulfilled", "States.TaskFailed"]}),
    ("failed-order-panel", ["--execution-arn", f"{A}:execution:order-pipeline:failed-order"], {
        "selected_state": "Notify customer", "states": {"Notify customer": "failed"},
        "panel_texts": ["Visit 1", "States.TaskFailed", "SNS topic not found: orders", "A-100"]}),
    ("bulk-order", ["--execution-arn", f"{A}:execution:order-pipeline:bulk-order"], {
        "status": "SUCCEEDED", "live": False,
        "states": {"Process items": "succeeded", "Prepare item": "succeeded", "Charge item": "succeeded",
                   "Item done": NOT_RUN, "Done": "succeeded", "Handle failure": NOT_RUN, "Fail here": NOT_RUN},
        "visits": {"Charge item": 4, "Wait for carrier": 2, "Done": 1},
        "map_progress": {"Process items": {"length": 4, "started": 4, "succeeded": 4, "failed": 0, "running": 0}},
        "selected_state": "Charge item", "panel_texts": ["Visit 4", "Retries", "\"charged\": true"]}),
    ("map-failure", ["--execution-arn", f"{A}:execution:order-pipeline:map-failure"], {
        "status": "FAILED", "error": "States.TaskFailed",
        "states": {"Process items": "failed", "Prepare item": "succeeded", "Charge item": "failed", "Fulfil": NOT_RUN},
        "visits": {"Charge item": 4},
        "map_progress": {"Process items": {"length": 5, "started": 4, "succeeded": 2, "failed": 1, "aborted": 1,
                                           "running": 0}},
        "history_types": ["MapIterationFailed", "MapIterationAborted", "MapStateFailed"],
        "selected_state": "Process items", "panel_texts": ["card declined", "2 of 5 succeeded"]}),
    ("slow-order", ["--execution-arn", f"{A}:execution:order-pipeline:slow-order"], {
        "status": "TIMED_OUT", "error": "States.Timeout",
        "states": {"Wait for carrier": "failed", "Check shipment": "succeeded", "Done": NOT_RUN}}),
    ("cancelled-order", ["--execution-arn", f"{A}:execution:order-pipeline:cancelled-order"], {
        "status": "ABORTED", "states": {"Wait for carrier": "aborted", "Shipped?": "succeeded"}}),
    ("legacy-run", ["--execution-arn", f"{A}:execution:legacy-iterator:legacy-run"], {
        "status": "SUCCEEDED", "graph": True,
        "states": {"Fetch": "succeeded", "Each": "succeeded", "Double": "succeeded", "Finish": "succeeded"},
        "visits": {"Fetch": 2, "Double": 4},
        "map_progress": {"Each": {"length": 2, "succeeded": 2}}}),
    ("big-run", ["--execution-arn", f"{A}:execution:big-machine:big-run"], {
        "status": "SUCCEEDED", "graph": True,
        "states": {"Step 01": "succeeded", "Left 4": "succeeded", "Right 1": NOT_RUN, "Middle": NOT_RUN,
                   "Merge": "succeeded", "Tax check": "succeeded", "Store": "succeeded", "Finished": "succeeded",
                   "Recover 03": NOT_RUN, "Give up": NOT_RUN},
        "map_progress": {"For each": {"length": 3, "succeeded": 3}}}),
    ("broken-definition", ["--execution-arn", f"{A}:execution:broken-definition:broken-run"], {
        "status": "FAILED", "graph": False, "error": "Lambda.Unknown",
        "states": {"Step one": "failed"}, "history_events": 7,
        "history_types": ["CustomDiagnosticEvent", "ExecutionFailed"],
        "texts": ["The definition is not valid JSON"]}),
    ("missing-execution", ["--execution-arn", f"{A}:execution:order-pipeline:no-such-run"], {
        "error_banner": "ExecutionDoesNotExist", "texts": ["This execution could not be loaded."]}),
    ("missing-machine", ["--machine-arn", f"{A}:stateMachine:no-such-machine"], {
        "error_banner": "StateMachineDoesNotExist"}),
    # live: the fake advances a live execution on each DescribeExecution (--growth poll)
    ("live-quick-finishes", ["--execution-arn", f"{A}:execution:order-pipeline:live-quick"], {
        "status": "SUCCEEDED", "live": False, "history_min_events": 85,
        "history_types": ["MapIterationStarted", "ExecutionSucceeded"],
        "states": {"Process items": "succeeded", "Charge item": "succeeded", "Done": "succeeded"},
        "map_progress": {"Process items": {"length": 4, "succeeded": 4, "running": 0}}}),
    ("live-order-running", ["--execution-arn", f"{A}:execution:order-pipeline:live-order"], {
        "status": "RUNNING", "live": True, "history_min_events": 40,
        "states": {"Validate": "succeeded", "Route order": "succeeded", "Process items": "running",
                   "Done": NOT_RUN},
        "map_progress": {"Process items": {"length": 12, "started": ">=3", "running": ">=1"}}}),
]

CASES_HISTORY_FAILS = [
    ("history-unavailable", ["--execution-arn", f"{A}:execution:order-pipeline:failed-order"], {
        "error_banner": "ServiceUnavailable", "status": "FAILED", "graph": True,
        "states": {"Validate": NOT_RUN}, "texts": ["OrderFailed"]}),
]


def start_fake(extra):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_api.py"), "--port", "0"] + extra,
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line.startswith("READY "):
        p.kill()
        raise SystemExit(f"fake_api.py did not start: {line!r}")
    return p, line.split(" ", 1)[1]


def run_cases(base, cases, out, only, results):
    for name, args, expect in cases:
        if only and only not in name:
            continue
        shot = os.path.join(out, f"{name}.png")
        cmd = [sys.executable, os.path.join(HERE, "check_console.py"), "--base", base, *args,
               "--expect", json.dumps(expect), "--screenshot", shot]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ok = r.returncode == 0
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            print("     " + r.stdout.replace("\n", "\n     "))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="console-selftest-")
    os.makedirs(out, exist_ok=True)
    results = []
    fake, base = start_fake(["--growth", "poll"])
    try:
        run_cases(base, CASES, out, args.only, results)
    finally:
        fake.terminate()
        fake.wait()
    fake, base = start_fake(["--fail", "GetExecutionHistory"])
    try:
        run_cases(base, CASES_HISTORY_FAILS, out, args.only, results)
    finally:
        fake.terminate()
        fake.wait()
    print(f"screenshots: {out}")
    print(f"{results.count(True)} passed, {results.count(False)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
