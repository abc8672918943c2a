#!/usr/bin/env python3
"""DEVELOPMENT ONLY: a fake Step Functions API for working on the console without the server.

This is NOT the server and not a test of it. It exists so the console (asl-server/console/)
can be developed and check_console.py exercised while `asl serve` is being written. It
serves the console's three files and answers the actions the console uses
(ListStateMachines, DescribeStateMachine, ListExecutions, DescribeExecution,
GetExecutionHistory) from canned data that follows the AWS JSON 1.0 shapes: every request
is `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`; errors are HTTP 400 with
`{"__type": ..., "message": ...}`; timestamps are epoch seconds.

Canned data (account 123456789012, us-east-1):
  order-pipeline (STANDARD): Choice, Map (ItemProcessor), Parallel with Catch, a polling loop.
    failed-order     FAILED: a Parallel branch fails, the Catch leads to "Fail here".
    bulk-order       SUCCEEDED: Map of 4 items (one retried), the loop runs twice.
    live-order       RUNNING: a Map of 12 items (concurrency 3); its history grows over time.
    live-quick       RUNNING: the same, 4 items; finishes within a few seconds (or polls).
    map-failure      FAILED: a Map item fails after two retries; the running one is aborted.
    slow-order       TIMED_OUT;  cancelled-order  ABORTED;  order-0001 … order-0024 SUCCEEDED.
  legacy-iterator (STANDARD): a Map with the older `Iterator` and a loop back; legacy-run.
  big-machine (STANDARD): 33 states; big-run SUCCEEDED.
  broken-definition (STANDARD): a definition that is not valid JSON; broken-run FAILED, with an
    event type the console does not know.
  express-hello (EXPRESS): no executions.

Histories of failed-order, live-* follow AWS's previousEventId chains (task events carry no
state name); bulk-order and big-run use previousEventId = id - 1 and carry the state name in
every details member, as asl's own store does.

Usage: fake_api.py [--port 0] [--growth time|poll] [--fail ACTION]... [--add-machine FILE]...
  --growth time  (default) live executions advance with the wall clock from their first request.
  --growth poll  each DescribeExecution of a live execution advances it by a fixed number of
                 events: deterministic under chromium's --virtual-time-budget.
Prints `READY http://127.0.0.1:PORT` when it listens.
"""

import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
CONSOLE = os.path.normpath(os.path.join(HERE, "..", "..", "console"))
ACCOUNT = "arn:aws:states:us-east-1:123456789012"
T0 = 1733011200.0  # 2024-12-01T00:00:00Z


def J(v):
    return json.dumps(v, separators=(",", ":"))


def sm_arn(name):
    return f"{ACCOUNT}:stateMachine:{name}"


def ex_arn(machine, name):
    return f"{ACCOUNT}:execution:{machine}:{name}"


# ------------------------------------------------------------------------------------------
# Definitions
# ------------------------------------------------------------------------------------------

LAMBDA = "arn:aws:states:::lambda:invoke"

ORDER_PIPELINE = {
    "Comment": "Order pipeline: Choice, Map, Parallel with Catch, Retry and a polling loop",
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Pass", "Next": "Route order"},
        "Route order": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.kind", "StringEquals": "bulk", "Next": "Process items"},
                {"And": [{"Variable": "$.priority", "IsPresent": True},
                         {"Variable": "$.priority", "NumericGreaterThan": 5}], "Next": "Express lane"},
            ],
            "Default": "Standard lane",
        },
        "Express lane": {"Type": "Task", "Resource": LAMBDA,
                         "Arguments": {"FunctionName": "express"}, "Next": "Fulfil"},
        "Standard lane": {"Type": "Wait", "Seconds": 1, "Next": "Fulfil"},
        "Process items": {
            "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 3, "ResultPath": "$.charged",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Prepare item",
                "States": {
                    "Prepare item": {"Type": "Pass", "Next": "Charge item"},
                    "Charge item": {"Type": "Task", "Resource": LAMBDA,
                                    "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                                    "Next": "Item done"},
                    "Item done": {"Type": "Succeed"},
                },
            },
            "Next": "Fulfil",
        },
        "Fulfil": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Reserve stock", "States": {
                    "Reserve stock": {"Type": "Task", "Resource": LAMBDA, "Next": "Confirm stock"},
                    "Confirm stock": {"Type": "Pass", "End": True}}},
                {"StartAt": "Notify customer", "States": {
                    "Notify customer": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}}},
                {"StartAt": "Audit", "States": {
                    "Audit": {"Type": "Pass", "Next": "Audit ok?"},
                    "Audit ok?": {"Type": "Choice",
                                  "Choices": [{"Variable": "$.audit", "BooleanEquals": True, "Next": "Audit passed"}],
                                  "Default": "Audit failed"},
                    "Audit passed": {"Type": "Succeed"},
                    "Audit failed": {"Type": "Fail", "Error": "AuditFailed"}}},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle failure"}],
            "Next": "Start shipment",
        },
        "Start shipment": {"Type": "Task", "Resource": LAMBDA, "Next": "Wait for carrier"},
        "Wait for carrier": {"Type": "Wait", "Seconds": 5, "Next": "Check shipment"},
        "Check shipment": {"Type": "Task", "Resource": LAMBDA, "Next": "Shipped?"},
        "Shipped?": {"Type": "Choice",
                     "Choices": [{"Variable": "$.shipped", "BooleanEquals": True, "Next": "Done"}],
                     "Default": "Wait for carrier"},
        "Done": {"Type": "Succeed"},
        "Handle failure": {"Type": "Pass", "Next": "Fail here"},
        "Fail here": {"Type": "Fail", "Error": "OrderFailed", "Cause": "The order could not be fulfilled"},
    },
}

LEGACY = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {"Type": "Pass", "Result": [1, 2], "ResultPath": "$.xs", "Next": "Each"},
        "Each": {"Type": "Map", "ItemsPath": "$.xs",
                 "Iterator": {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "End": True}}},
                 "ResultPath": "$.doubled", "Next": "Again?"},
        "Again?": {"Type": "Choice",
                   "Choices": [{"Variable": "$.again", "BooleanEquals": True, "Next": "Fetch"}],
                   "Default": "Finish"},
        "Finish": {"Type": "Succeed"},
    },
}


def big_definition():
    st = {}
    for i in range(1, 9):
        nxt = f"Step {i + 1:02d}" if i < 8 else "Which way?"
        s = {"Type": "Task", "Resource": LAMBDA, "Next": nxt}
        if i in (3, 6):
            s["Catch"] = [{"ErrorEquals": ["States.Timeout"], "Next": f"Recover {i:02d}"}]
        st[f"Step {i:02d}"] = s
    st["Recover 03"] = {"Type": "Pass", "Next": "Step 04"}
    st["Recover 06"] = {"Type": "Pass", "Next": "Give up"}
    st["Which way?"] = {"Type": "Choice", "Choices": [
        {"Variable": "$.left", "BooleanEquals": True, "Next": "Left 1"},
        {"Variable": "$.n", "NumericLessThan": 3, "Next": "Right 1"}], "Default": "Middle"}
    for side in ("Left", "Right"):
        for k in range(1, 5):
            st[f"{side} {k}"] = {"Type": "Pass", "Next": f"{side} {k + 1}" if k < 4 else "Merge"}
    st["Middle"] = {"Type": "Wait", "Seconds": 1, "Next": "Merge"}
    st["Merge"] = {"Type": "Parallel", "Next": "For each", "Branches": [
        {"StartAt": "Tax", "States": {"Tax": {"Type": "Pass", "Next": "Tax check"},
                                      "Tax check": {"Type": "Pass", "End": True}}},
        {"StartAt": "Invoice", "States": {"Invoice": {"Type": "Task", "Resource": LAMBDA, "End": True}}}]}
    st["For each"] = {"Type": "Map", "ItemsPath": "$.things", "Next": "Finished", "ItemProcessor": {
        "StartAt": "Load", "States": {"Load": {"Type": "Pass", "Next": "Transform"},
                                      "Transform": {"Type": "Pass", "Next": "Store"},
                                      "Store": {"Type": "Task", "Resource": LAMBDA, "End": True}}}}
    st["Finished"] = {"Type": "Succeed"}
    st["Give up"] = {"Type": "Fail", "Error": "GaveUp"}
    return {"Comment": "A larger machine for the layout", "StartAt": "Step 01", "States": st}


BROKEN_TEXT = '{"StartAt": "Step one", "States": {"Step one": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}'

# ------------------------------------------------------------------------------------------
# History builder
# ------------------------------------------------------------------------------------------


class Hist:
    """Events with explicit times and explicit previous events; ids are assigned by time."""

    def __init__(self, names=False):
        self.evs = []
        self.names = names

    def add(self, t, type_, dkey=None, details=None, after=None):
        e = {"t": t, "type": type_, "dkey": dkey, "details": details, "after": after, "seq": len(self.evs)}
        self.evs.append(e)
        return e

    def det(self, name, d):
        if self.names and name:
            d = dict(d)
            d["name"] = name
        return d

    def finalize(self, sequential_prev=False):
        order = sorted(self.evs, key=lambda e: (e["t"], e["seq"]))
        for i, e in enumerate(order, 1):
            e["id"] = i
        out = []
        for e in order:
            if sequential_prev:
                prev = e["id"] - 1
            else:
                prev = e["after"]["id"] if e["after"] else 0
            ev = {"id": e["id"], "previousEventId": prev, "timestamp": round(e["t"], 3), "type": e["type"]}
            if e["dkey"]:
                ev[e["dkey"]] = e["details"]
            out.append(ev)
        return out

    # --- pieces ---------------------------------------------------------------------------
    def started(self, t, inp):
        return self.add(t, "ExecutionStarted", "executionStartedEventDetails",
                        {"input": J(inp), "inputDetails": {"truncated": False},
                         "roleArn": "arn:aws:iam::123456789012:role/asl"})

    def enter(self, kind, name, t, after, inp):
        return self.add(t, f"{kind}StateEntered", "stateEnteredEventDetails",
                        {"name": name, "input": J(inp), "inputDetails": {"truncated": False}}, after)

    def exit(self, kind, name, t, after, out):
        return self.add(t, f"{kind}StateExited", "stateExitedEventDetails",
                        {"name": name, "output": J(out), "outputDetails": {"truncated": False}}, after)

    def simple(self, kind, name, t, after, inp, out=None, dur=0.02):
        e = self.enter(kind, name, t, after, inp)
        x = self.exit(kind, name, t + dur, e, inp if out is None else out)
        return x, t + dur

    def task(self, name, t, after, inp, out, dur=0.4, failures=(), fail=None, caught=None,
             resource="invoke", rtype="lambda"):
        """Entered, attempts (each failure in `failures` is retried), then success + exit; or,
        with `fail`, a last failed attempt followed by an exit only if `caught` is given."""
        cur = self.enter("Task", name, t, after, inp)
        attempts = [("fail", f) for f in failures] + [("fail", fail) if fail else ("ok", None)]
        for kind, f in attempts:
            t += 0.01
            cur = self.add(t, "TaskScheduled", "taskScheduledEventDetails",
                           self.det(name, {"resourceType": rtype, "resource": resource, "region": "us-east-1",
                                           "parameters": J({"FunctionName": name, "Payload": inp})}), cur)
            t += 0.01
            cur = self.add(t, "TaskStarted", "taskStartedEventDetails",
                           self.det(name, {"resourceType": rtype, "resource": resource}), cur)
            t += dur
            if kind == "fail":
                cur = self.add(t, "TaskFailed", "taskFailedEventDetails",
                               self.det(name, {"resourceType": rtype, "resource": resource,
                                               "error": f[0], "cause": f[1]}), cur)
                t += 0.3
            else:
                cur = self.add(t, "TaskSucceeded", "taskSucceededEventDetails",
                               self.det(name, {"resourceType": rtype, "resource": resource,
                                               "output": J(out), "outputDetails": {"truncated": False}}), cur)
                t += 0.01
                cur = self.exit("Task", name, t, cur, out)
                return cur, t
        if caught is not None:
            t += 0.01
            cur = self.exit("Task", name, t, cur, caught)
        return cur, t

    def task_running(self, name, t, after, inp, resource="invoke", rtype="lambda"):
        cur = self.enter("Task", name, t, after, inp)
        cur = self.add(t + 0.01, "TaskScheduled", "taskScheduledEventDetails",
                       self.det(name, {"resourceType": rtype, "resource": resource, "region": "us-east-1",
                                       "parameters": J({"FunctionName": name})}), cur)
        cur = self.add(t + 0.02, "TaskStarted", "taskStartedEventDetails",
                       self.det(name, {"resourceType": rtype, "resource": resource}), cur)
        return cur, t + 0.02

    def inline_map(self, name, t, after, inp, items, conc, per_item, out):
        e = self.enter("Map", name, t, after, inp)
        ms = self.add(t + 0.01, "MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)}, e)
        free = [t + 0.02] * conc
        ends = []
        for i, item in enumerate(items):
            k = min(range(conc), key=lambda j: free[j])
            st = free[k]
            it = self.add(st, "MapIterationStarted", "mapIterationStartedEventDetails", {"name": name, "index": i}, ms)
            last, t_end = per_item(i, item, st + 0.005, it)
            done = self.add(t_end + 0.005, "MapIterationSucceeded", "mapIterationSucceededEventDetails",
                            {"name": name, "index": i}, last)
            ends.append(done)
            free[k] = t_end + 0.01
        t_all = max(free)
        last = max(ends, key=lambda e: e["t"])
        succ = self.add(t_all + 0.01, "MapStateSucceeded", None, None, last)
        return self.exit("Map", name, t_all + 0.02, succ, out), t_all + 0.02

    def parallel(self, name, t, after, inp, branches, out):
        e = self.enter("Parallel", name, t, after, inp)
        ps = self.add(t + 0.01, "ParallelStateStarted", None, None, e)
        results = [b(t + 0.02, ps) for b in branches]
        t_end = max(r[1] for r in results)
        last = max(results, key=lambda r: r[1])[0]
        return self.exit("Parallel", name, t_end + 0.01, last, out), t_end + 0.01


# ------------------------------------------------------------------------------------------
# Scenarios
# ------------------------------------------------------------------------------------------


def fulfil_ok(h, t, after, inp):
    def b1(t, a):
        x, t = h.task("Reserve stock", t, a, inp, {"reserved": True}, dur=0.3)
        return h.simple("Pass", "Confirm stock", t + 0.01, x, {"reserved": True})

    def b2(t, a):
        return h.task("Notify customer", t, a, inp, {"MessageId": "m-1"}, dur=0.2,
                      resource="publish", rtype="sns")

    def b3(t, a):
        x, t = h.simple("Pass", "Audit", t, a, dict(inp, audit=True))
        x, t = h.simple("Choice", "Audit ok?", t + 0.01, x, dict(inp, audit=True))
        return h.simple("Succeed", "Audit passed", t + 0.01, x, dict(inp, audit=True))

    return h.parallel("Fulfil", t, after, inp, [b1, b2, b3], [{"reserved": True}, {"MessageId": "m-1"}, dict(inp, audit=True)])


def shipping(h, t, after, inp, loops=2):
    x, t = h.task("Start shipment", t + 0.01, after, inp, dict(inp, shipment="S-1"), dur=0.3)
    for k in range(loops):
        last = k == loops - 1
        x, t = h.simple("Wait", "Wait for carrier", t + 0.01, x, dict(inp, shipment="S-1"), dur=0.5)
        x, t = h.task("Check shipment", t + 0.01, x, inp, dict(inp, shipped=last), dur=0.2)
        x, t = h.simple("Choice", "Shipped?", t + 0.01, x, dict(inp, shipped=last))
    x, t = h.simple("Succeed", "Done", t + 0.01, x, dict(inp, shipped=True))
    return x, t


def scenario_failed(t0):
    h = Hist()
    inp = {"orderId": "A-100", "kind": "standard", "items": [{"sku": "X", "qty": 1}]}
    x = h.started(t0, inp)
    x, t = h.simple("Pass", "Validate", t0 + 0.01, x, inp)
    x, t = h.simple("Choice", "Route order", t + 0.01, x, inp)
    x, t = h.simple("Wait", "Standard lane", t + 0.01, x, inp, dur=1.0)
    e = h.enter("Parallel", "Fulfil", t + 0.01, x, inp)
    ps = h.add(t + 0.02, "ParallelStateStarted", None, None, e)
    tb = t + 0.03
    r, _ = h.task_running("Reserve stock", tb, ps, inp)
    cause = J({"errorMessage": "SNS topic not found: orders", "errorType": "NotFound"})
    n, tf = h.task("Notify customer", tb, ps, inp, None, dur=0.4, fail=("States.TaskFailed", cause),
                   resource="publish", rtype="sns")
    a, ta = h.simple("Pass", "Audit", tb, ps, dict(inp, audit=True))
    a, ta = h.simple("Choice", "Audit ok?", ta + 0.01, a, dict(inp, audit=True))
    a, ta = h.simple("Succeed", "Audit passed", ta + 0.01, a, dict(inp, audit=True))
    ab = h.add(tf - 0.25, "TaskStateAborted", None, None, r)
    pf = h.add(tf + 0.01, "ParallelStateFailed", None, None, n)
    caught = dict(inp, error={"Error": "States.TaskFailed", "Cause": cause})
    x = h.exit("Parallel", "Fulfil", tf + 0.02, pf, caught)
    x, t = h.simple("Pass", "Handle failure", tf + 0.03, x, caught)
    f = h.enter("Fail", "Fail here", t + 0.01, x, caught)
    h.add(t + 0.02, "ExecutionFailed", "executionFailedEventDetails",
          {"error": "OrderFailed", "cause": "The order could not be fulfilled"}, f)
    _ = ab
    return inp, h.finalize()


def scenario_bulk(t0, n_items=4, retry_item=1, names=True, sequential=True, conc=3, item_dur=0.5):
    h = Hist(names=names)
    items = [{"sku": f"SKU-{i:03d}", "qty": i + 1} for i in range(n_items)]
    inp = {"orderId": "B-200", "kind": "bulk", "items": items}
    x = h.started(t0, inp)
    x, t = h.simple("Pass", "Validate", t0 + 0.01, x, inp)
    x, t = h.simple("Choice", "Route order", t + 0.01, x, inp)

    def per_item(i, item, t, after):
        y, t = h.simple("Pass", "Prepare item", t, after, item)
        fails = [("States.TaskFailed", J({"errorMessage": "card declined, retrying"}))] if i == retry_item else []
        return h.task("Charge item", t + 0.01, y, item, dict(item, charged=True), dur=item_dur + 0.1 * (i % 3),
                      failures=fails)

    charged = [dict(it, charged=True) for it in items]
    x, t = h.inline_map("Process items", t + 0.01, x, inp, items, conc, per_item, dict(inp, charged=charged))
    # Item done is a Succeed inside the processor: add it to each iteration would need the
    # per-item chain; keep the iteration as Prepare + Charge (Item done never runs here).
    out_inp = dict(inp, charged=charged)
    x, t = fulfil_ok(h, t + 0.01, x, out_inp)
    x, t = shipping(h, t, x, out_inp)
    h.add(t + 0.01, "ExecutionSucceeded", "executionSucceededEventDetails",
          {"output": J(dict(out_inp, shipped=True)), "outputDetails": {"truncated": False}}, x)
    return inp, h.finalize(sequential_prev=sequential)


def scenario_map_fail(t0):
    """A Map whose third item fails after two retries: the running fourth is aborted."""
    h = Hist()
    items = [{"sku": f"SKU-{i:03d}", "qty": 1} for i in range(5)]
    inp = {"orderId": "E-500", "kind": "bulk", "items": items}
    x = h.started(t0, inp)
    x, t = h.simple("Pass", "Validate", t0 + 0.01, x, inp)
    x, t = h.simple("Choice", "Route order", t + 0.01, x, inp)
    e = h.enter("Map", "Process items", t + 0.01, x, inp)
    ms = h.add(t + 0.02, "MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)}, e)
    t += 0.03
    for i in (0, 1):
        it = h.add(t, "MapIterationStarted", "mapIterationStartedEventDetails", {"name": "Process items", "index": i}, ms)
        y, t2 = h.simple("Pass", "Prepare item", t + 0.005, it, items[i])
        y, t2 = h.task("Charge item", t2 + 0.01, y, items[i], dict(items[i], charged=True), dur=0.2)
        h.add(t2 + 0.005, "MapIterationSucceeded", "mapIterationSucceededEventDetails",
              {"name": "Process items", "index": i}, y)
        t = t2 + 0.01
    it2 = h.add(t, "MapIterationStarted", "mapIterationStartedEventDetails", {"name": "Process items", "index": 2}, ms)
    it3 = h.add(t, "MapIterationStarted", "mapIterationStartedEventDetails", {"name": "Process items", "index": 3}, ms)
    y2, t2 = h.simple("Pass", "Prepare item", t + 0.005, it2, items[2])
    y3, t3 = h.simple("Pass", "Prepare item", t + 0.006, it3, items[3])
    r3, _ = h.task_running("Charge item", t3 + 0.01, y3, items[3])
    declined = J({"errorMessage": "card declined", "errorType": "CardError"})
    f2, tf = h.task("Charge item", t2 + 0.01, y2, items[2], None, dur=0.2,
                    failures=[("States.TaskFailed", declined)] * 2, fail=("States.TaskFailed", declined))
    mif = h.add(tf + 0.005, "MapIterationFailed", "mapIterationFailedEventDetails", {"name": "Process items", "index": 2}, f2)
    ab = h.add(tf + 0.01, "TaskStateAborted", None, None, r3)
    h.add(tf + 0.015, "MapIterationAborted", "mapIterationAbortedEventDetails", {"name": "Process items", "index": 3}, ab)
    msf = h.add(tf + 0.02, "MapStateFailed", None, None, mif)
    h.add(tf + 0.03, "ExecutionFailed", "executionFailedEventDetails", {"error": "States.TaskFailed", "cause": declined}, msf)
    return inp, h.finalize()


def scenario_filler(t0, i):
    h = Hist()
    inp = {"orderId": f"C-{i:04d}", "kind": "express", "priority": 9}
    x = h.started(t0, inp)
    x, t = h.simple("Pass", "Validate", t0 + 0.01, x, inp)
    x, t = h.simple("Choice", "Route order", t + 0.01, x, inp)
    x, t = h.task("Express lane", t + 0.01, x, inp, inp, dur=0.1)
    x, t = fulfil_ok(h, t + 0.01, x, inp)
    x, t = shipping(h, t, x, inp, loops=1)
    h.add(t + 0.01, "ExecutionSucceeded", "executionSucceededEventDetails",
          {"output": J(dict(inp, shipped=True)), "outputDetails": {"truncated": False}}, x)
    return inp, h.finalize()


def scenario_stopped(t0, how):
    h = Hist()
    inp = {"orderId": "D-300", "kind": "standard"}
    x = h.started(t0, inp)
    x, t = h.simple("Pass", "Validate", t0 + 0.01, x, inp)
    x, t = h.simple("Choice", "Route order", t + 0.01, x, inp)
    x, t = h.simple("Wait", "Standard lane", t + 0.01, x, inp, dur=1.0)
    x, t = fulfil_ok(h, t + 0.01, x, inp)
    x, t = h.task("Start shipment", t + 0.01, x, inp, inp, dur=0.3)
    x, t = h.simple("Wait", "Wait for carrier", t + 0.01, x, inp, dur=5)
    x, t = h.task("Check shipment", t + 0.01, x, inp, dict(inp, shipped=False), dur=0.2)
    x, t = h.simple("Choice", "Shipped?", t + 0.01, x, dict(inp, shipped=False))
    w = h.enter("Wait", "Wait for carrier", t + 0.01, x, dict(inp, shipped=False))
    if how == "timeout":
        h.add(t + 60, "ExecutionTimedOut", "executionTimedOutEventDetails",
              {"error": "States.Timeout", "cause": "The execution ran longer than TimeoutSeconds (60)"}, w)
        stop = t + 60
    else:
        h.add(t + 3, "ExecutionAborted", "executionAbortedEventDetails",
              {"error": "Cancelled", "cause": "Stopped by the operator"}, w)
        stop = t + 3
    return inp, h.finalize(), stop


def scenario_legacy(t0):
    h = Hist()
    inp = {"again": True}
    x = h.started(t0, inp)
    t = t0
    for round_ in range(2):
        xs = [1, 2]
        x, t = h.simple("Pass", "Fetch", t + 0.01, x, dict(inp, xs=xs))

        def per_item(i, item, t, after):
            return h.simple("Pass", "Double", t, after, item, item * 2, dur=0.05)

        x, t = h.inline_map("Each", t + 0.01, x, dict(inp, xs=xs), xs, 2, per_item, dict(inp, xs=xs, doubled=[2, 4]))
        inp = {"again": False}
        x, t = h.simple("Choice", "Again?", t + 0.01, x, dict(inp, xs=xs, doubled=[2, 4]))
    x, t = h.simple("Succeed", "Finish", t + 0.01, x, {"again": False})
    h.add(t + 0.01, "ExecutionSucceeded", "executionSucceededEventDetails", {"output": J({"again": False})}, x)
    return {"again": True}, h.finalize()


def scenario_big(t0):
    h = Hist(names=True)
    inp = {"left": True, "things": ["a", "b", "c"]}
    x = h.started(t0, inp)
    t = t0
    for i in range(1, 9):
        x, t = h.task(f"Step {i:02d}", t + 0.01, x, inp, inp, dur=0.1)
    x, t = h.simple("Choice", "Which way?", t + 0.01, x, inp)
    for k in range(1, 5):
        x, t = h.simple("Pass", f"Left {k}", t + 0.01, x, inp)

    def b1(t, a):
        y, t = h.simple("Pass", "Tax", t, a, inp)
        return h.simple("Pass", "Tax check", t + 0.01, y, inp)

    def b2(t, a):
        return h.task("Invoice", t, a, inp, inp, dur=0.2)

    x, t = h.parallel("Merge", t + 0.01, x, inp, [b1, b2], [inp, inp])

    def per_item(i, item, t, after):
        y, t = h.simple("Pass", "Load", t, after, item)
        y, t = h.simple("Pass", "Transform", t + 0.01, y, item)
        return h.task("Store", t + 0.01, y, item, item, dur=0.1)

    x, t = h.inline_map("For each", t + 0.01, x, inp, inp["things"], 3, per_item, inp)
    x, t = h.simple("Succeed", "Finished", t + 0.01, x, inp)
    h.add(t + 0.01, "ExecutionSucceeded", "executionSucceededEventDetails", {"output": J(inp)}, x)
    return inp, h.finalize(sequential_prev=True)


def scenario_broken(t0):
    h = Hist()
    inp = {"x": 1}
    x = h.started(t0, inp)
    x, t = h.task("Step one", t0 + 0.01, x, inp, None, dur=0.2,
                  fail=("Lambda.Unknown", "The function returned an unexpected payload"))
    x = h.add(t + 0.01, "CustomDiagnosticEvent", "customDiagnosticEventDetails", {"note": "an event type the console does not know"}, x)
    h.add(t + 0.02, "ExecutionFailed", "executionFailedEventDetails",
          {"error": "Lambda.Unknown", "cause": "The function returned an unexpected payload"}, x)
    return inp, h.finalize()


# ------------------------------------------------------------------------------------------
# Store
# ------------------------------------------------------------------------------------------


class Store:
    def __init__(self, growth):
        self.growth = growth
        self.lock = threading.Lock()
        self.machines = {}
        self.executions = {}  # arn -> dict
        self.start = time.time()
        self.add_machine("order-pipeline", "STANDARD", json.dumps(ORDER_PIPELINE, indent=2), T0 - 86400 * 3)
        self.add_machine("legacy-iterator", "STANDARD", json.dumps(LEGACY, indent=2), T0 - 86400 * 2)
        self.add_machine("big-machine", "STANDARD", json.dumps(big_definition(), indent=2), T0 - 86400)
        self.add_machine("broken-definition", "STANDARD", BROKEN_TEXT, T0 - 3600)
        self.add_machine("express-hello", "EXPRESS",
                         json.dumps({"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}), T0 - 600)

        m = "order-pipeline"
        for i in range(1, 25):
            t = T0 + 600 + i * 120
            inp, evs = scenario_filler(t, i)
            self.add_closed(m, f"order-{i:04d}", inp, evs)
        inp, evs = scenario_failed(T0 + 4000)
        self.add_closed(m, "failed-order", inp, evs)
        inp, evs = scenario_bulk(T0 + 5000)
        self.add_closed(m, "bulk-order", inp, evs)
        inp, evs = scenario_map_fail(T0 + 5500)
        self.add_closed(m, "map-failure", inp, evs)
        inp, evs, _ = scenario_stopped(T0 + 6000, "timeout")
        self.add_closed(m, "slow-order", inp, evs)
        inp, evs, _ = scenario_stopped(T0 + 6500, "abort")
        self.add_closed(m, "cancelled-order", inp, evs)
        inp, evs = scenario_legacy(T0 + 7000)
        self.add_closed("legacy-iterator", "legacy-run", inp, evs)
        inp, evs = scenario_big(T0 + 7200)
        self.add_closed("big-machine", "big-run", inp, evs)
        inp, evs = scenario_broken(T0 + 7300)
        self.add_closed("broken-definition", "broken-run", inp, evs)
        # live executions: 12 items at concurrency 3 (slow), 4 items (quick)
        self.add_live(m, "live-order", lambda t: scenario_bulk(t, n_items=12, retry_item=4, names=False,
                                                               sequential=False, conc=3, item_dur=2.0),
                      first=30, step=6)
        self.add_live(m, "live-quick", lambda t: scenario_bulk(t, n_items=4, retry_item=2, names=False,
                                                               sequential=False, conc=2, item_dur=0.3),
                      first=20, step=60)

    def add_machine(self, name, type_, definition, created):
        self.machines[sm_arn(name)] = {
            "stateMachineArn": sm_arn(name), "name": name, "type": type_, "creationDate": created,
            "definition": definition, "status": "ACTIVE",
            "roleArn": "arn:aws:iam::123456789012:role/asl",
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
            "tracingConfiguration": {"enabled": False},
        }

    def add_closed(self, machine, name, inp, events):
        last = events[-1]
        status = {"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED",
                  "ExecutionTimedOut": "TIMED_OUT", "ExecutionAborted": "ABORTED"}[last["type"]]
        d = {"machine": sm_arn(machine), "name": name, "input": J(inp), "events": events,
             "startDate": events[0]["timestamp"], "live": None}
        self.executions[ex_arn(machine, name)] = d

    def add_live(self, machine, name, make, first, step):
        inp, events = make(0.0)  # times relative to its start
        self.executions[ex_arn(machine, name)] = {
            "machine": sm_arn(machine), "name": name, "input": J(inp), "events_rel": events,
            "startDate": None, "live": {"first": first, "step": step, "polls": 0, "t0": None},
        }

    def materialize(self, d, advance=False):
        """The events visible now (live executions grow)."""
        live = d["live"]
        if live is None:
            return d["events"]
        if live["t0"] is None:
            live["t0"] = time.time()
        t0 = live["t0"]
        evs = [dict(e, timestamp=round(e["timestamp"] + t0, 3)) for e in d["events_rel"]]
        if self.growth == "poll":
            if advance:
                live["polls"] += 1
            n = min(len(evs), live["first"] + live["step"] * live["polls"])
            return evs[:n]
        now = time.time()
        return evs[:1] + [e for e in evs[1:] if e["timestamp"] <= now]

    def describe(self, arn, advance=False):
        d = self.executions[arn]
        evs = self.materialize(d, advance)
        last = evs[-1]
        status = {"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED",
                  "ExecutionTimedOut": "TIMED_OUT", "ExecutionAborted": "ABORTED"}.get(last["type"], "RUNNING")
        out = {"executionArn": arn, "stateMachineArn": d["machine"], "name": d["name"], "status": status,
               "startDate": evs[0]["timestamp"], "input": d["input"], "inputDetails": {"included": True},
               "redriveCount": 0, "redriveStatus": "NOT_REDRIVABLE"}
        if status != "RUNNING":
            out["stopDate"] = last["timestamp"]
            det = next((v for k, v in last.items() if k.endswith("EventDetails")), {}) or {}
            if status == "SUCCEEDED":
                out["output"] = det.get("output")
                out["outputDetails"] = {"included": True}
            else:
                if det.get("error") is not None:
                    out["error"] = det["error"]
                if det.get("cause") is not None:
                    out["cause"] = det["cause"]
        return out, evs


class ApiError(Exception):
    def __init__(self, type_, message):
        super().__init__(message)
        self.type = type_
        self.message = message


def page(items, body, default=100):
    try:
        max_results = int(body.get("maxResults") or default)
    except (TypeError, ValueError):
        raise ApiError("InvalidArn", "maxResults must be a number")
    if max_results <= 0:
        max_results = default
    max_results = min(max_results, 1000)
    token = body.get("nextToken")
    offset = 0
    if token:
        if not isinstance(token, str) or not token.startswith("o") or not token[1:].isdigit():
            raise ApiError("com.amazonaws.states#InvalidToken", f"Invalid Token: '{token}'")
        offset = int(token[1:])
    chunk = items[offset:offset + max_results]
    nxt = f"o{offset + max_results}" if offset + max_results < len(items) else None
    return chunk, nxt


def handle(store, action, body, fail_actions):
    if action in fail_actions:
        raise ApiError("ServiceUnavailable", f"{action} is made to fail by --fail")
    with store.lock:
        if action == "ListStateMachines":
            items = [{k: m[k] for k in ("stateMachineArn", "name", "type", "creationDate")}
                     for m in store.machines.values()]
            chunk, nxt = page(items, body)
            out = {"stateMachines": chunk}
            if nxt:
                out["nextToken"] = nxt
            return out
        if action == "DescribeStateMachine":
            arn = body.get("stateMachineArn")
            if not isinstance(arn, str) or not arn.startswith("arn:"):
                raise ApiError("InvalidArn", f"Invalid Arn: '{arn}'")
            m = store.machines.get(arn)
            if not m:
                raise ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
            return dict(m)
        if action == "ListExecutions":
            arn = body.get("stateMachineArn")
            if arn not in store.machines:
                raise ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
            rows = []
            for earn, d in store.executions.items():
                if d["machine"] != arn:
                    continue
                desc, _ = store.describe(earn)
                rows.append({k: desc[k] for k in ("executionArn", "stateMachineArn", "name", "status", "startDate",
                                                  "stopDate", "redriveCount") if k in desc})
            sf = body.get("statusFilter")
            if sf:
                if sf not in ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"):
                    raise ApiError("ValidationException", f"Invalid statusFilter: '{sf}'")
                rows = [r for r in rows if r["status"] == sf]
            rows.sort(key=lambda r: -r["startDate"])
            chunk, nxt = page(rows, body)
            out = {"executions": chunk}
            if nxt:
                out["nextToken"] = nxt
            return out
        if action in ("DescribeExecution", "GetExecutionHistory"):
            arn = body.get("executionArn")
            if not isinstance(arn, str) or not arn.startswith("arn:"):
                raise ApiError("InvalidArn", f"Invalid Arn: '{arn}'")
            if arn not in store.executions:
                raise ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")
            desc, evs = store.describe(arn, advance=action == "DescribeExecution")
            if action == "DescribeExecution":
                return desc
            evs = list(evs)
            if body.get("reverseOrder"):
                evs.reverse()
            if body.get("includeExecutionData") is False:
                stripped = []
                for e in evs:
                    e2 = {}
                    for k, v in e.items():
                        if k.endswith("EventDetails") and isinstance(v, dict):
                            v = {kk: vv for kk, vv in v.items() if kk not in ("input", "output")}
                        e2[k] = v
                    stripped.append(e2)
                evs = stripped
            chunk, nxt = page(evs, body)
            out = {"events": chunk}
            if nxt:
                out["nextToken"] = nxt
            return out
    raise ApiError("UnknownOperationException", f"Unknown operation {action}")


STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/style.css": ("style.css", "text/css; charset=utf-8")}


def make_handler(store, fail_actions, quiet):
    class Handler(BaseHTTPRequestHandler):
        server_version = "fake-asl/0"

        def log_message(self, fmt, *args):
            if not quiet:
                sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def send(self, code, ctype, data):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in STATIC:
                name, ctype = STATIC[path]
                with open(os.path.join(CONSOLE, name), "rb") as f:
                    self.send(200, ctype, f.read())
            else:
                self.send(404, "text/plain", b"not found")

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            target = self.headers.get("X-Amz-Target") or ""
            try:
                if not target.startswith("AWSStepFunctions."):
                    raise ApiError("UnknownOperationException", "Missing or unknown X-Amz-Target")
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise ApiError("SerializationException", "The body is not JSON")
                out = handle(store, target.split(".", 1)[1], body, fail_actions)
                self.send(200, "application/x-amz-json-1.0", json.dumps(out).encode())
            except ApiError as e:
                self.send(400, "application/x-amz-json-1.0",
                          json.dumps({"__type": e.type, "message": e.message}).encode())

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--growth", choices=["time", "poll"], default="time")
    ap.add_argument("--fail", action="append", default=[], metavar="ACTION",
                    help="make this action answer an error (repeatable)")
    ap.add_argument("--add-machine", action="append", default=[], metavar="FILE",
                    help="also list this ASL definition file as a machine (no executions; repeatable)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    store = Store(args.growth)
    for path in args.add_machine:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        name = re.sub(r"[^A-Za-z0-9_-]", "-", os.path.basename(path).rsplit(".", 1)[0])[:80]
        store.add_machine(name, "STANDARD", text, T0)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(store, set(args.fail), not args.verbose))
    print(f"READY http://127.0.0.1:{srv.server_address[1]}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
