"""The console of `asl serve` in headless Chromium, on real executions: run by
asl-cli/tests/serve.rs.

Usage: console_test.py ENDPOINT SCREENSHOT_DIR

Creates machines and executions with boto3 (a failed one that went through a Choice, a
Parallel, a Map whose failure was caught, and a running Map), then checks the pages with
asl-server/tests/console/check_console.py: the machines list, the executions list, the failed
execution's graph marks, history and state data, and the running Map followed live. Keeps a
screenshot of each execution page in SCREENSHOT_DIR. Prints `console: N pages checked`.
"""

import json
import os
import subprocess
import sys
import time

from sfn import client, wait_for_close

ENDPOINT, SHOTS = sys.argv[1], sys.argv[2]
CHECK = os.path.join(os.path.dirname(__file__), "..", "..", "..", "asl-server", "tests", "console",
                     "check_console.py")
ROLE = "arn:aws:iam::123456789012:role/test"
sfn = client(ENDPOINT)

SHOP = {
    "Comment": "An order through a Choice, a Parallel and a Map; a bad item is caught and fails it",
    "StartAt": "Start",
    "States": {
        "Start": {"Type": "Choice", "Choices": [{"Variable": "$.rush", "BooleanEquals": True, "Next": "Rushed"}],
                  "Default": "Fan"},
        "Rushed": {"Type": "Pass", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "ResultPath": "$.checks", "Next": "Items", "Branches": [
            {"StartAt": "Price", "States": {"Price": {"Type": "Pass", "Result": 10, "End": True}}},
            {"StartAt": "Stock", "States": {"Stock": {
                "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:stock", "End": True}}}]},
        "Items": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.checked", "Next": "Done",
                  "ItemProcessor": {"StartAt": "Check", "States": {
                      "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 0, "Next": "Good"}],
                                "Default": "Bad"},
                      "Good": {"Type": "Pass", "End": True},
                      "Bad": {"Type": "Fail", "Error": "Item.Bad", "Cause": "an item must be positive"}}},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"}]},
        "Handle": {"Type": "Pass", "Next": "Broken"},
        "Broken": {"Type": "Fail", "Error": "Shop.Broken", "Cause": "the order had a bad item"},
        "Done": {"Type": "Succeed"},
    },
}

SLOW = {
    "StartAt": "Each",
    "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$.items", "End": True,
                 "ItemProcessor": {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}}},
    },
}

shop = sfn.create_state_machine(name="Shop", definition=json.dumps(SHOP), roleArn=ROLE)["stateMachineArn"]
slow = sfn.create_state_machine(name="Slow", definition=json.dumps(SLOW), roleArn=ROLE)["stateMachineArn"]
bad = sfn.start_execution(stateMachineArn=shop + "#Ok", name="bad-1",
                          input=json.dumps({"rush": False, "items": [3, -1, 2]}))["executionArn"]
good = sfn.start_execution(stateMachineArn=shop + "#Ok", name="good-1",
                           input=json.dumps({"rush": True, "items": [1, 2]}))["executionArn"]
running = sfn.start_execution(stateMachineArn=slow, name="slow-1",
                              input=json.dumps({"items": ["a", "b", "c"]}))["executionArn"]
for arn in (bad, good):
    wait_for_close(sfn, arn)
assert sfn.describe_execution(executionArn=bad)["status"] == "FAILED"
assert sfn.describe_execution(executionArn=good)["status"] == "SUCCEEDED"
time.sleep(0.3)

pages = 0


def check(args, expect, shot=None):
    global pages
    cmd = [sys.executable, CHECK, "--base", ENDPOINT, *args, "--expect", json.dumps(expect)]
    if shot:
        cmd += ["--screenshot", os.path.join(SHOTS, shot)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise AssertionError(f"{args}: {out.stdout}\n{out.stderr}")
    pages += 1


check(["--machines"], {"machines": ["Shop", "Slow"], "machine_types": {"Shop": "STANDARD"}}, "machines.png")
check(["--machine-arn", shop], {"executions": {"bad-1": "FAILED", "good-1": "SUCCEEDED"}})
check(["--machine-arn", shop], {"status_filter": "FAILED", "executions": {"bad-1": "FAILED"}})
check(["--execution-arn", bad], {
    "status": "FAILED", "error": "Shop.Broken", "graph": True, "live": False,
    "states": {"Start": "succeeded", "Rushed": "not-visited", "Fan": "succeeded", "Items": "caught",
               "Handle": "succeeded", "Broken": "failed", "Done": "not-visited"},
    "map_progress": {"Items": {"length": 3, "failed": ">=1"}},
    "history_types": ["ExecutionStarted", "ParallelStateStarted", "MapIterationFailed", "ExecutionFailed"],
    "history_min_events": 20,
    "texts": ["the order had a bad item"],
}, "failed-execution.png")
check(["--execution-arn", bad], {
    "selected_state": "Handle",
    "panel_texts": ["Item.Bad"],
})
check(["--execution-arn", good], {
    "status": "SUCCEEDED",
    "states": {"Start": "succeeded", "Rushed": "succeeded", "Fan": "succeeded", "Items": "succeeded",
               "Done": "succeeded", "Handle": "not-visited", "Broken": "not-visited"},
    "map_progress": {"Items": {"length": 2, "succeeded": 2}},
}, "succeeded-execution.png")
check(["--execution-arn", running], {
    "status": "RUNNING", "live": True,
    "states": {"Each": "running"},
    "map_progress": {"Each": {"length": 3, "started": ">=1", "succeeded": 0}},
}, "running-map.png")
print(f"console: {pages} pages checked")
