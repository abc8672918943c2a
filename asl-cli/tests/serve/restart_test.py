"""Executions of `asl serve` across a SIGKILL: run by asl-cli/tests/serve.rs.

Usage: restart_test.py ENDPOINT setup STATE_FILE   create machines, start executions that wait
                                                    (a timer, a callback, an activity) and run
                                                    (a loop of short waits); write what to check
       restart_test.py ENDPOINT finish STATE_FILE  after the server was killed and started
                                                    again: answer the callback and the activity,
                                                    and check every execution ends as if nothing
                                                    had happened

Prints `restart: N executions finished` and exits 0 when all hold.
"""

import json
import sys
import threading
import time

from sfn import all_events, client, wait_for_close

ENDPOINT, PHASE, STATE_FILE = sys.argv[1:4]
ROLE = "arn:aws:iam::123456789012:role/test"
sfn = client(ENDPOINT)

TIMER = {"StartAt": "Nap", "States": {
    "Nap": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
    "Done": {"Type": "Pass", "Parameters": {"woke.$": "$.id"}, "End": True}}}
LOOP = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Step"},
    "Step": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Tick"},
    "Tick": {"Type": "Wait", "Seconds": 1, "Next": "More"},
    "More": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 4, "Next": "Step"}],
             "Default": "End"},
    "End": {"Type": "Succeed"}}}
CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                           "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}


SLOW_CHILD = {"StartAt": "Nap", "States": {
    "Nap": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
    "Done": {"Type": "Pass", "Parameters": {"child.$": "$.n"}, "End": True}}}


def parent_of(child):
    """A parent waiting for a child execution it starts without a name (`.sync:2`)."""
    return {"StartAt": "Run", "States": {
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": child, "Input": {"n": 7}},
                "OutputPath": "$.Output", "End": True}}}


def history(arn):
    return all_events(sfn, arn)


def machine(name, definition):
    return sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                    roleArn=ROLE)["stateMachineArn"]


if PHASE == "setup":
    activity = sfn.create_activity(name="restart-review")["activityArn"]
    timer = machine("Timer", TIMER)
    loop = machine("Loop", LOOP)
    callback = machine("Waiting", CALLBACK)
    review = machine("Review", {"StartAt": "R", "States": {
        "R": {"Type": "Task", "Resource": activity, "End": True}}})
    state = {"timers": [], "activity": activity}
    for i in range(3):
        state["timers"].append(sfn.start_execution(stateMachineArn=timer, name=f"t{i}",
                                                   input=json.dumps({"id": i}))["executionArn"])
    state["loop"] = sfn.start_execution(stateMachineArn=loop, input="{}")["executionArn"]
    state["callback"] = sfn.start_execution(stateMachineArn=callback, input="{}")["executionArn"]
    state["review"] = sfn.start_execution(stateMachineArn=review, input=json.dumps({"doc": 1}))["executionArn"]
    slow = machine("SlowChild", SLOW_CHILD)
    state["slow"] = slow
    state["parent"] = sfn.start_execution(stateMachineArn=machine("Parent", parent_of(slow)),
                                          input="{}")["executionArn"]
    # The callback's token, once its Task is scheduled.
    for _ in range(500):
        for e in history(state["callback"]):
            if e["type"] == "TaskScheduled":
                state["token"] = json.loads(e["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
        if "token" in state:
            break
        time.sleep(0.01)
    assert "token" in state, "no TaskScheduled"
    # Let the loop get going, so that it is killed in the middle.
    time.sleep(1.5)
    for arn in state["timers"] + [state["loop"], state["callback"], state["review"], state["parent"]]:
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING", arn
    json.dump(state, open(STATE_FILE, "w"))
    print("restart: set up")
    sys.exit(0)

state = json.load(open(STATE_FILE))


def worker():
    t = sfn.get_activity_task(activityArn=state["activity"], workerName="after-restart")
    sfn.send_task_success(taskToken=t["taskToken"], output=json.dumps({"reviewed": json.loads(t["input"])["doc"]}))


w = threading.Thread(target=worker)
w.start()
sfn.send_task_success(taskToken=state["token"], output=json.dumps({"answer": "yes"}))
w.join(60)


def closed(arn):
    return wait_for_close(sfn, arn, 60)


def once_each(arn):
    events = history(arn)
    ids = [e["id"] for e in events]
    assert ids == list(range(1, len(ids) + 1)), f"{arn}: ids {ids}"
    assert [e["type"] for e in events].count("ExecutionStarted") == 1, f"{arn}: started twice"
    return events


for i, arn in enumerate(state["timers"]):
    d = closed(arn)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"woke": i}, d
    once_each(arn)
d = closed(state["loop"])
assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"i": 4}, d
events = once_each(state["loop"])
ticks = [e for e in events if e["type"] == "WaitStateEntered"]
assert len(ticks) == 4, f"the loop waited {len(ticks)} times, not 4"
d = closed(state["callback"])
assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"answer": "yes"}, d
d = closed(state["review"])
assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"reviewed": 1}, d
# The parent's Task, dispatched again after the restart, waited for the child it had started:
# one child, not two.
d = closed(state["parent"])
assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"child": 7}, d
once_each(state["parent"])
kids = sfn.list_executions(stateMachineArn=state["slow"])["executions"]
assert len(kids) == 1 and kids[0]["status"] == "SUCCEEDED", kids
print(f"restart: {len(state['timers']) + 4} executions finished")
