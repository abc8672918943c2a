"""The Step Functions API of `asl serve`, driven by real clients: boto3 and the AWS CLI.

Usage: api_test.py ENDPOINT LOG_DIR   (LOG_DIR: the server's --log-dir)

Every answer's raw JSON is checked against botocore's service model for Step Functions (the
API's contract): required members present, no member the model does not have, every value of
its shape's type, enums within their values, timestamps as epoch seconds. Run by
asl-cli/tests/serve.rs against a started `asl serve` with tests/serve/MockConfigFile.json.
Prints `api: N checks` and exits 0 when all hold; the first failure raises.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import botocore.exceptions

from sfn import all_events, client, wait_for_close

ENDPOINT, LOG_DIR = sys.argv[1], sys.argv[2]
ROLE = "arn:aws:iam::123456789012:role/test"
CHECKS = 0

sfn = client(ENDPOINT)
MODEL = sfn.meta.service_model


def check(cond, what):
    global CHECKS
    CHECKS += 1
    if not cond:
        raise AssertionError(what)


# --- every raw answer against the model -------------------------------------------------

def conforms(shape, value, where):
    t = shape.type_name
    if t == "structure":
        check(isinstance(value, dict), f"{where}: expected an object, got {value!r}")
        members = shape.members
        for name in value:
            check(name in members, f"{where}: member '{name}' is not in {shape.name}")
        for name in shape.required_members:
            check(name in value, f"{where}: required member '{name}' missing from {shape.name}")
        for name, v in value.items():
            conforms(members[name], v, f"{where}.{name}")
    elif t == "list":
        check(isinstance(value, list), f"{where}: expected a list")
        for i, v in enumerate(value):
            conforms(shape.member, v, f"{where}[{i}]")
    elif t == "map":
        check(isinstance(value, dict), f"{where}: expected a map")
        for k, v in value.items():
            conforms(shape.value, v, f"{where}[{k}]")
    elif t == "string":
        check(isinstance(value, str), f"{where}: expected a string, got {value!r}")
        if shape.enum:
            check(value in shape.enum, f"{where}: '{value}' not in {shape.enum}")
    elif t in ("integer", "long"):
        check(isinstance(value, int) and not isinstance(value, bool), f"{where}: expected an integer")
    elif t == "boolean":
        check(isinstance(value, bool), f"{where}: expected a boolean")
    elif t == "timestamp":
        check(isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1e9,
              f"{where}: expected epoch seconds, got {value!r}")
    elif t in ("float", "double"):
        check(isinstance(value, (int, float)), f"{where}: expected a number")


def on_parse(operation_model, response_dict, **_):
    status = response_dict["status_code"]
    body = response_dict["body"]
    check(response_dict["headers"].get("content-type", "").startswith("application/x-amz-json-1.0"),
          f"{operation_model.name}: content-type {response_dict['headers'].get('content-type')}")
    data = json.loads(body) if body else {}
    if status == 200:
        if operation_model.output_shape is not None:
            conforms(operation_model.output_shape, data, operation_model.name)
    else:
        check(isinstance(data.get("__type"), str) and isinstance(data.get("message"), str),
              f"{operation_model.name}: error body {body!r}")
        known = [s.name for s in operation_model.error_shapes] + [
            "ValidationException", "SerializationException", "InternalServerError"]
        check(data["__type"] in known,
              f"{operation_model.name}: error {data['__type']} is not one the model lists: {known}")


sfn.meta.events.register("before-parse.states.*", on_parse)


def error_of(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError(f"{fn.__name__}({kw}) succeeded, an error was expected")


def wait_closed(arn, timeout=30):
    return wait_for_close(sfn, arn, timeout)


def history(arn, **kw):
    def small(page):
        check(len(page["events"]) <= 3, "history pages hold at most maxResults events")
    return all_events(sfn, arn, page_size=3, on_page=small, **kw)


# --- definitions -------------------------------------------------------------------------

ORDERS = {
    "Comment": "Charge an order; a declined card is caught",
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Choice", "Choices": [
            {"Variable": "$.amount", "NumericGreaterThan": 0, "Next": "Charge"}],
            "Default": "Rejected"},
        "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
                   "ResultPath": "$.charge", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"id.$": "$.id", "charged.$": "$.charge.charged"}, "End": True},
        "Rejected": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "amount must be positive"},
    },
}

CALLBACK = {
    "StartAt": "Ask",
    "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                               "MessageBody": {"token.$": "$$.Task.Token", "q.$": "$.q"}},
                "TimeoutSeconds": 60, "End": True},
    },
}

NAP = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": True}}}

QUICK = {
    "QueryLanguage": "JSONata",
    "StartAt": "Work",
    "States": {
        "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                 "Output": "{% $merge([$states.input, $states.result]) %}", "Next": "Sum"},
        "Sum": {"Type": "Pass", "Output": "{% {'total': $sum($states.input.xs), 'done': true} %}", "End": True},
    },
}


def create(name, definition, **kw):
    r = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE, **kw)
    check(r["stateMachineArn"].endswith(f":stateMachine:{name}"), "the machine's ARN ends with its name")
    return r["stateMachineArn"]


# --- state machines ----------------------------------------------------------------------

v = sfn.validate_state_machine_definition(definition=json.dumps(ORDERS))
check(v["result"] == "OK" and v["diagnostics"] == [], f"a good definition validates: {v}")
bad = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
v = sfn.validate_state_machine_definition(definition=json.dumps(bad))
check(v["result"] == "FAIL", "a bad definition fails validation")
check(any(d["code"] == "MISSING_TRANSITION_TARGET" and d.get("location") == "/States/A/Next"
          for d in v["diagnostics"]), f"the diagnostic names the rule and the place: {v}")

code, msg = error_of(sfn.create_state_machine, name="Bad", definition=json.dumps(bad), roleArn=ROLE)
check(code == "InvalidDefinition" and "MISSING_TRANSITION_TARGET" in msg and "/States/A/Next" in msg,
      f"InvalidDefinition carries the diagnostics: {msg}")
code, _ = error_of(sfn.create_state_machine, name="bad name", definition=json.dumps(NAP), roleArn=ROLE)
check(code == "InvalidName", "a name with a space is InvalidName")
code, _ = error_of(sfn.create_state_machine, name="Nap", definition=json.dumps(NAP), roleArn="nope")
check(code == "InvalidArn", "a role that is not an ARN is InvalidArn")

orders = create("Orders", ORDERS, tags=[{"key": "team", "value": "pay"}])
again = sfn.create_state_machine(name="Orders", definition=json.dumps(ORDERS), roleArn=ROLE)
check(again["stateMachineArn"] == orders, "creating the same machine again is idempotent")
code, _ = error_of(sfn.create_state_machine, name="Orders", definition=json.dumps(NAP), roleArn=ROLE)
check(code == "StateMachineAlreadyExists", "the same name with another definition is refused")
callback = create("Callback", CALLBACK)
nap = create("Nap", NAP)
quick = create("Quick", QUICK, type="EXPRESS")

d = sfn.describe_state_machine(stateMachineArn=orders)
check(json.loads(d["definition"]) == ORDERS and d["type"] == "STANDARD" and d["status"] == "ACTIVE",
      "DescribeStateMachine gives the definition back")
names = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
check({"Orders", "Callback", "Nap", "Quick"} <= set(names), f"ListStateMachines lists them: {names}")
page = sfn.list_state_machines(maxResults=2)
check(len(page["stateMachines"]) == 2 and "nextToken" in page, "ListStateMachines pages")
check(sfn.list_tags_for_resource(resourceArn=orders)["tags"] == [{"key": "team", "value": "pay"}],
      "tags given at creation are listed")
sfn.tag_resource(resourceArn=orders, tags=[{"key": "env", "value": "dev"}])
sfn.untag_resource(resourceArn=orders, tagKeys=["team"])
check(sfn.list_tags_for_resource(resourceArn=orders)["tags"] == [{"key": "env", "value": "dev"}],
      "TagResource and UntagResource")
code, _ = error_of(sfn.describe_state_machine,
                   stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:Ghost")
check(code == "StateMachineDoesNotExist", "an unknown machine")
code, _ = error_of(sfn.describe_state_machine, stateMachineArn="not-an-arn")
check(code == "InvalidArn", "a malformed ARN")

# --- executions: mocks, choice, failure, history ------------------------------------------

ok = sfn.start_execution(stateMachineArn=orders + "#HappyPath", name="o-1",
                         input=json.dumps({"id": "o-1", "amount": 42}))
d = wait_closed(ok["executionArn"])
check(d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"id": "o-1", "charged": True},
      f"the mocked Task's result flows to the output: {d}")
events = history(ok["executionArn"])
types = [e["type"] for e in events]
check(types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", f"history: {types}")
check("LambdaFunctionScheduled" in types and "LambdaFunctionSucceeded" in types and "ChoiceStateEntered" in types,
      f"a Lambda ARN Task records LambdaFunction events, and the Choice its own: {types}")
check([e["id"] for e in events] == list(range(1, len(events) + 1)), "event ids are 1..n")
rev = sfn.get_execution_history(executionArn=ok["executionArn"], reverseOrder=True, maxResults=1000)
check([e["id"] for e in rev["events"]] == list(range(len(events), 0, -1)), "reverse order")
entered = [e for e in events if e["type"] == "TaskStateEntered"][0]
check(json.loads(entered["stateEnteredEventDetails"]["input"]) == {"id": "o-1", "amount": 42},
      "state events carry their input")
bare = sfn.get_execution_history(executionArn=ok["executionArn"], includeExecutionData=False)
check("input" not in bare["events"][0].get("executionStartedEventDetails", {}),
      "includeExecutionData=false leaves the data out")

code, _ = error_of(sfn.start_execution, stateMachineArn=orders, name="o-1", input='{"id": "other"}')
check(code == "ExecutionAlreadyExists", "a closed execution's name with other input")

declined = sfn.start_execution(stateMachineArn=orders + "#Declined", name="o-2",
                               input=json.dumps({"id": "o-2", "amount": 5}))
d = wait_closed(declined["executionArn"])
check(d["status"] == "FAILED" and d["error"] == "Payment.Declined" and d["cause"] == "card declined",
      f"a mocked Throw fails the execution with its error: {d}")
rejected = sfn.start_execution(stateMachineArn=orders, input=json.dumps({"id": "o-3", "amount": 0}))
d = wait_closed(rejected["executionArn"])
check(d["status"] == "FAILED" and d["error"] == "Order.Rejected", "the Choice's Default")
unmocked = sfn.start_execution(stateMachineArn=orders, input=json.dumps({"id": "o-4", "amount": 1}))
d = wait_closed(unmocked["executionArn"])
check(d["status"] == "FAILED" and d["error"] == "States.TaskFailed" and "mock" in d["cause"],
      f"a Task nobody answers fails saying how to answer it: {d}")

listed = sfn.list_executions(stateMachineArn=orders)["executions"]
check(len(listed) == 4, f"ListExecutions: {len(listed)}")
failed = sfn.list_executions(stateMachineArn=orders, statusFilter="FAILED")["executions"]
check(len(failed) == 3 and all(e["status"] == "FAILED" for e in failed), "statusFilter")

# Redrive: the Task failed once; redriven, its mock answers the second call.
once = sfn.start_execution(stateMachineArn=orders + "#DeclinedOnce", name="o-5",
                           input=json.dumps({"id": "o-5", "amount": 7}))
d = wait_closed(once["executionArn"])
check(d["status"] == "FAILED" and d["redriveStatus"] == "REDRIVABLE", f"failed, redrivable: {d}")
sfn.redrive_execution(executionArn=once["executionArn"])
d = wait_closed(once["executionArn"])
check(d["status"] == "SUCCEEDED" and d["redriveCount"] == 1, f"redriven to success: {d}")
check("ExecutionRedriven" in [e["type"] for e in history(once["executionArn"])], "ExecutionRedriven")
code, _ = error_of(sfn.redrive_execution, executionArn=ok["executionArn"])
check(code == "ExecutionNotRedrivable", "a succeeded execution is not redrivable")

# Input, names, unknown executions.
code, _ = error_of(sfn.start_execution, stateMachineArn=orders, input="{not json")
check(code == "InvalidExecutionInput", "input that is not JSON")
code, _ = error_of(sfn.start_execution, stateMachineArn=orders, name="a/b", input="{}")
check(code == "InvalidName", "an execution name with a slash")
code, _ = error_of(sfn.start_execution,
                   stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:Ghost")
check(code == "StateMachineDoesNotExist", "StartExecution of an unknown machine")
code, _ = error_of(sfn.describe_execution,
                   executionArn="arn:aws:states:us-east-1:123456789012:execution:Orders:ghost")
check(code == "ExecutionDoesNotExist", "DescribeExecution of an unknown execution")
code, _ = error_of(sfn.get_execution_history,
                   executionArn="arn:aws:states:us-east-1:123456789012:execution:Orders:ghost")
check(code == "ExecutionDoesNotExist", "GetExecutionHistory of an unknown execution")

# --- stop, callback, activity --------------------------------------------------------------

sleeping = sfn.start_execution(stateMachineArn=nap, name="nap-1")
time.sleep(0.2)
check(sfn.describe_execution(executionArn=sleeping["executionArn"])["status"] == "RUNNING", "waiting")
sfn.stop_execution(executionArn=sleeping["executionArn"], error="Manual", cause="stopped by the test")
d = sfn.describe_execution(executionArn=sleeping["executionArn"])
check(d["status"] == "ABORTED" and "stopDate" in d, f"StopExecution: {d}")
check(history(sleeping["executionArn"])[-1]["type"] == "ExecutionAborted", "ExecutionAborted last")

waiting = sfn.start_execution(stateMachineArn=callback, input=json.dumps({"q": "why?"}))
token = None
for _ in range(200):
    for e in history(waiting["executionArn"]):
        if e["type"] == "TaskScheduled":
            params = json.loads(e["taskScheduledEventDetails"]["parameters"])
            token = params["MessageBody"]["token"]
    if token:
        break
    time.sleep(0.02)
check(token, "the task token is in TaskScheduled's parameters")
check(sfn.describe_execution(executionArn=waiting["executionArn"])["status"] == "RUNNING",
      "a callback Task waits")
sfn.send_task_heartbeat(taskToken=token)
sfn.send_task_success(taskToken=token, output=json.dumps({"answer": 42}))
d = wait_closed(waiting["executionArn"])
check(d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"answer": 42},
      f"SendTaskSuccess completes the callback: {d}")
code, _ = error_of(sfn.send_task_success, taskToken=token, output="{}")
check(code in ("TaskTimedOut", "InvalidToken"), f"a token used twice: {code}")
code, _ = error_of(sfn.send_task_success, taskToken="nope", output="{}")
check(code == "InvalidToken", "an unknown token")

activity = sfn.create_activity(name="review")["activityArn"]
check(sfn.describe_activity(activityArn=activity)["name"] == "review", "DescribeActivity")
check(activity in [a["activityArn"] for a in sfn.list_activities()["activities"]], "ListActivities")
worked = create("Reviewed", {"StartAt": "Review", "States": {
    "Review": {"Type": "Task", "Resource": activity, "ResultPath": "$.review", "End": True}}})


def worker():
    t = sfn.get_activity_task(activityArn=activity, workerName="py-worker")
    data = json.loads(t["input"])
    sfn.send_task_success(taskToken=t["taskToken"], output=json.dumps({"ok": data["doc"] == "d1"}))


w = threading.Thread(target=worker)
w.start()
run = sfn.start_execution(stateMachineArn=worked, input=json.dumps({"doc": "d1"}))
w.join(30)
d = wait_closed(run["executionArn"])
check(d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"doc": "d1", "review": {"ok": True}},
      f"a Python worker did the activity: {d}")
types = [e["type"] for e in history(run["executionArn"])]
check("ActivityScheduled" in types and "ActivityStarted" in types and "ActivitySucceeded" in types,
      f"activity events: {types}")

# --- Express -------------------------------------------------------------------------------

r = sfn.start_sync_execution(stateMachineArn=quick + "#Ok", input=json.dumps({"xs": [1, 2, 3]}))
check(r["status"] == "SUCCEEDED" and json.loads(r["output"]) == {"total": 6, "done": True},
      f"StartSyncExecution: {r}")
r = sfn.start_sync_execution(stateMachineArn=quick, input=json.dumps({"xs": [1]}))
check(r["status"] == "FAILED" and r["error"] == "States.TaskFailed", f"a failed sync execution: {r}")
# Express logs: the events of the level, with or without the data, in the log group's file.
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:quick-logs:*"
code, _ = error_of(sfn.create_state_machine, name="Unlogged", definition=json.dumps(QUICK), roleArn=ROLE,
                   type="EXPRESS", loggingConfiguration={"level": "ALL"})
check(code == "InvalidLoggingConfiguration", "a log level without a destination")
logged = create("Logged", QUICK, type="EXPRESS", loggingConfiguration={
    "level": "ALL", "includeExecutionData": True,
    "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": GROUP}}]})
r = sfn.start_sync_execution(stateMachineArn=logged, name="logged-1", input=json.dumps({"xs": [4]}))
check(r["status"] == "FAILED", "unmocked, it fails")
records = [json.loads(line) for line in open(os.path.join(LOG_DIR, "quick-logs.log"))]
types = [rec["type"] for rec in records]
check(types[0] == "ExecutionStarted" and types[-1] == "ExecutionFailed" and "LambdaFunctionFailed" in types,
      f"ALL logs every event: {types}")
check(json.loads(records[0]["details"]["input"]) == {"xs": [4]}, "includeExecutionData keeps the input")
check(all(rec["execution_arn"] == r["executionArn"] for rec in records), "records name the execution")
check([int(rec["id"]) for rec in records] == list(range(1, len(records) + 1)), "record ids")
sfn.update_state_machine(stateMachineArn=logged, loggingConfiguration={
    "level": "ERROR", "includeExecutionData": False,
    "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": GROUP}}]})
sfn.start_sync_execution(stateMachineArn=logged, name="logged-2", input=json.dumps({"xs": [4]}))
records = [json.loads(line) for line in open(os.path.join(LOG_DIR, "quick-logs.log"))][len(records):]
types = [rec["type"] for rec in records]
check(types == ["LambdaFunctionFailed", "ExecutionFailed"], f"ERROR logs the failures only: {types}")
check("error" in records[0]["details"] and "input" not in json.dumps(records),
      "without includeExecutionData no data is logged")

code, _ = error_of(sfn.start_sync_execution, stateMachineArn=orders)
check(code == "StateMachineTypeNotSupported", "StartSyncExecution of a Standard machine")
code, _ = error_of(sfn.list_executions, stateMachineArn=quick)
check(code == "StateMachineTypeNotSupported", "ListExecutions of an Express machine")

# --- update, for-execution, TestState, delete ------------------------------------------------

before = sfn.describe_state_machine(stateMachineArn=orders)["revisionId"]
new_def = dict(ORDERS, Comment="second revision")
u = sfn.update_state_machine(stateMachineArn=orders, definition=json.dumps(new_def))
check(u["revisionId"] != before, "UpdateStateMachine makes a new revision")
old = sfn.describe_state_machine_for_execution(executionArn=ok["executionArn"])
check(json.loads(old["definition"]) == ORDERS, "an earlier execution keeps its definition")
check(json.loads(sfn.describe_state_machine(stateMachineArn=orders)["definition"]) == new_def,
      "the machine has the new one")

t = sfn.test_state(definition=json.dumps(
    {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "Next": "After"}),
    roleArn=ROLE, input=json.dumps({"a": 2, "b": 3}))
check(t["status"] == "SUCCEEDED" and json.loads(t["output"]) == {"sum": 5} and t["nextState"] == "After",
      f"TestState of a Pass state: {t}")
t = sfn.test_state(definition=json.dumps(ORDERS["States"]["Validate"]), roleArn=ROLE,
                   input=json.dumps({"amount": 0}))
check(t["nextState"] == "Rejected", f"TestState of a Choice state: {t}")
t = sfn.test_state(definition=json.dumps(ORDERS["States"]["Charge"]), roleArn=ROLE,
                   input=json.dumps({"amount": 1}), mock={"result": json.dumps({"charged": True})})
check(t["status"] == "SUCCEEDED" and json.loads(t["output"])["charge"] == {"charged": True},
      f"TestState of a Task with a mock: {t}")
t = sfn.test_state(definition=json.dumps({
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
    "InputPath": "$.order", "Parameters": {"id.$": "$.id"},
    "ResultSelector": {"ok.$": "$.charged"}, "ResultPath": "$.charge", "End": True}),
    roleArn=ROLE, input=json.dumps({"order": {"id": 7}}), mock={"result": json.dumps({"charged": True})})
data = {k: json.loads(v) for k, v in t["inspectionData"].items()}
check(data == {"input": {"order": {"id": 7}}, "afterInputPath": {"id": 7}, "afterParameters": {"id": 7},
               "result": {"charged": True}, "afterResultSelector": {"ok": True},
               "afterResultPath": {"order": {"id": 7}, "charge": {"ok": True}}},
      f"TestState's inspectionData follows the data through each step: {t}")
t = sfn.test_state(definition=json.dumps({
    "Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.r", "Next": "N"}),
    roleArn=ROLE, input=json.dumps({"a": {"b": 1}}))
data = {k: json.loads(v) for k, v in t["inspectionData"].items()}
check(data == {"input": {"a": {"b": 1}}, "afterInputPath": {"b": 1}, "afterParameters": {"x": 1},
               "result": {"x": 1}, "afterResultPath": {"a": {"b": 1}, "r": {"x": 1}}},
      f"TestState's inspectionData of a Pass state: {t}")

sfn.delete_state_machine(stateMachineArn=nap)
code, _ = error_of(sfn.describe_state_machine, stateMachineArn=nap)
check(code == "StateMachineDoesNotExist", "a deleted machine")
sfn.delete_activity(activityArn=activity)
code, _ = error_of(sfn.describe_activity, activityArn=activity)
check(code == "ActivityDoesNotExist", "a deleted activity")

# --- Step Functions on this engine: states:startExecution, .sync, .sync:2 -------------------

CHILD = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "No"}],
              "Default": "Yes"},
    "Yes": {"Type": "Pass", "Parameters": {"got.$": "$.n"}, "End": True},
    "No": {"Type": "Fail", "Error": "Child.Refused", "Cause": "asked to fail"}}}
child = create("Child", CHILD)
PARENT = {"StartAt": "Text", "States": {
    "Text": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
             "Parameters": {"StateMachineArn": child, "Input": {"n": 1, "fail": False}},
             "ResultPath": "$.text", "Next": "Json"},
    "Json": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
             "Parameters": {"StateMachineArn": child, "Name.$": "States.Format('named-{}', $$.Execution.Name)",
                            "Input": {"n": 2, "fail": False}},
             "ResultPath": "$.json", "Next": "Fire"},
    "Fire": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
             "Parameters": {"StateMachineArn": child, "Input": {"n": 3, "fail": False}},
             "ResultPath": "$.fired", "Next": "Failing"},
    "Failing": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                "Parameters": {"StateMachineArn": child, "Input": {"fail": True}},
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failed", "Next": "Missing"}],
                "End": True},
    "Missing": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {"StateMachineArn": child + "Ghost"},
                "Catch": [{"ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"],
                           "ResultPath": "$.missing", "Next": "Done"}],
                "End": True},
    "Done": {"Type": "Succeed"}}}
parent = create("Parent", PARENT)
x = sfn.start_execution(stateMachineArn=parent, name="p-1", input="{}")
d = wait_closed(x["executionArn"])
check(d["status"] == "SUCCEEDED", f"the parent of child executions succeeds: {d}")
out = json.loads(d["output"])
text = out["text"]
check(text["Status"] == "SUCCEEDED" and json.loads(text["Output"]) == {"got": 1}
      and json.loads(text["Input"]) == {"n": 1, "fail": False} and text["StateMachineArn"] == child,
      f".sync answers the child's description, input and output as text: {text}")
check(isinstance(text["StartDate"], int) and text["RedriveStatus"] == "NOT_REDRIVABLE", f"{text}")
check(out["json"]["Output"] == {"got": 2} and out["json"]["Name"] == "named-p-1",
      f".sync:2 answers input and output as JSON, the child named as asked: {out['json']}")
fired = sfn.describe_execution(executionArn=out["fired"]["ExecutionArn"])
check(fired["stateMachineArn"] == child, f"startExecution started the child: {fired}")
failed = json.loads(out["failed"]["Cause"])
check(out["failed"]["Error"] == "States.TaskFailed" and failed["Status"] == "FAILED"
      and failed["Error"] == "Child.Refused", f"a failed child fails the Task with its description: {out['failed']}")
check(out["missing"]["Error"] == "StepFunctions.StateMachineDoesNotExistException"
      and "Error Code: StateMachineDoesNotExist" in out["missing"]["Cause"],
      f"an unknown machine, as AWS names it: {out['missing']}")
children = sfn.list_executions(stateMachineArn=child)["executions"]
check(len(children) == 4, f"four children ran: {[c['name'] for c in children]}")


# --- Distributed Map: a Map Run, DescribeMapRun, ListMapRuns ------------------------------

FANOUT = {
    "StartAt": "Fan",
    "States": {
        "Fan": {"Type": "Map", "Label": "Each", "MaxConcurrency": 2, "ToleratedFailureCount": 1,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Twice",
                    "States": {"Twice": {"Type": "Pass",
                                         "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
                                         "End": True}}},
                "End": True},
    },
}
fanout = create("FanOut", FANOUT)
x = sfn.start_execution(stateMachineArn=fanout, input=json.dumps([{"n": 1}, {"n": 2}, {"n": 3}]))
d = wait_closed(x["executionArn"])
check(d["status"] == "SUCCEEDED" and json.loads(d["output"]) == [{"n": 2}, {"n": 4}, {"n": 6}],
      f"a Distributed Map runs its children: {d}")
events = history(x["executionArn"])
kinds = [e["type"] for e in events]
check(kinds[:7] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                    "MapRunSucceeded", "MapStateSucceeded", "MapStateExited"],
      f"the parent's history shows the Map Run (ASL-EV-09): {kinds}")
map_run = next(e for e in events if e["type"] == "MapRunStarted")["mapRunStartedEventDetails"]["mapRunArn"]
check(":mapRun:FanOut/Each:" in map_run, f"the Map Run's ARN names the machine and label: {map_run}")
runs = sfn.list_map_runs(executionArn=x["executionArn"])["mapRuns"]
check([r["mapRunArn"] for r in runs] == [map_run], f"ListMapRuns lists it: {runs}")
check(runs[0]["stateMachineArn"].endswith(":stateMachine:FanOut/Each"),
      "a Map Run's state machine is <machine>/<label>")
m = sfn.describe_map_run(mapRunArn=map_run)
check(m["status"] == "SUCCEEDED" and m["executionArn"] == x["executionArn"], f"DescribeMapRun: {m}")
check(m["maxConcurrency"] == 2 and m["toleratedFailureCount"] == 1, "with its settings")
check(m["executionCounts"]["succeeded"] == 3 and m["executionCounts"]["total"] == 3
      and m["executionCounts"]["pending"] == 0, f"and its counts: {m['executionCounts']}")
code, _ = error_of(sfn.describe_map_run,
                   mapRunArn=map_run.rsplit(":", 1)[0] + ":00000000-0000-0000-0000-000000000000")
check(code == "ResourceNotFound", "DescribeMapRun of an unknown Map Run")
code, _ = error_of(sfn.describe_map_run, mapRunArn="arn:aws:states:us-east-1:123456789012:execution:X:y")
check(code == "InvalidArn", "DescribeMapRun of an ARN that is not a Map Run's")
code, _ = error_of(sfn.list_map_runs,
                   executionArn="arn:aws:states:us-east-1:123456789012:execution:FanOut:ghost")
check(code == "ExecutionDoesNotExist", "ListMapRuns of an unknown execution")


# --- what no client library sends: the server answers and goes on --------------------------

def raw(target, body):
    req = urllib.request.Request(ENDPOINT + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


status, body = raw("AWSStepFunctions.ListStateMachines", b"{not json")
check(status == 400 and body["__type"] == "SerializationException", f"a malformed body: {body}")
status, body = raw("AWSStepFunctions.MakeCoffee", b"{}")
check(status == 400 and body["__type"] == "UnknownOperationException", f"an unknown action: {body}")
status, body = raw("Nope", b"{}")
check(status == 400 and body["__type"] == "UnknownOperationException", f"no target: {body}")
status, body = raw("AWSStepFunctions.DescribeExecution", b"[]")
check(status == 400 and body["__type"] == "SerializationException", f"a body that is not an object: {body}")
status, body = raw("AWSStepFunctions.DescribeExecution", b"{}")
check(status == 400 and body["__type"] == "ValidationException", f"a missing member: {body}")
check(len(sfn.list_state_machines()["stateMachines"]) >= 3, "the server still answers")

# --- many clients at once ------------------------------------------------------------------

def client_burst(k, results):
    c = client(ENDPOINT)
    arns = [c.start_execution(stateMachineArn=orders + "#HappyPath", name=f"burst-{k}-{i}",
                              input=json.dumps({"id": f"b{k}-{i}", "amount": 1}))["executionArn"]
            for i in range(10)]
    sync = [c.start_sync_execution(stateMachineArn=quick + "#Ok", input=json.dumps({"xs": [k, i]}))
            for i in range(10)]
    results[k] = (arns, sync)


results = {}
threads = [threading.Thread(target=client_burst, args=(k, results)) for k in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join(120)
check(len(results) == 8, "eight clients at once all got their answers")
for k, (arns, sync) in results.items():
    for i, s in enumerate(sync):
        check(s["status"] == "SUCCEEDED" and json.loads(s["output"])["total"] == k + i,
              f"client {k}'s sync execution {i}: {s}")
    for arn in arns:
        d = wait_closed(arn)
        check(d["status"] == "SUCCEEDED", f"{arn}: {d['status']}")
check(len({a for arns, _ in results.values() for a in arns}) == 80, "80 distinct executions")

# --- metrics ---------------------------------------------------------------------------------

with urllib.request.urlopen(ENDPOINT + "/metrics") as resp:
    check(resp.headers.get("content-type", "").startswith("text/plain"), "metrics are text")
    metrics = resp.read().decode()


def metric(line_start):
    for line in metrics.splitlines():
        if line.startswith(line_start + " "):
            return float(line.split()[-1])
    raise AssertionError(f"no metric {line_start} in:\n{metrics}")


# Orders: o-1, o-2, o-3 (rejected), o-4 (unmocked), o-5 (and its redrive).
check(metric('asl_executions_started_total{machine="Orders"}') == 85, "started, by machine (5 + 80)")
check(metric('asl_executions_ended_total{machine="Orders",status="SUCCEEDED"}') == 82,
      "succeeded: o-1, o-5 once redriven, and the burst's 80")
check(metric('asl_executions_ended_total{machine="Orders",status="FAILED"}') == 4, "failed, by status")
check(metric('asl_executions_ended_total{machine="Nap",status="ABORTED"}') == 1, "aborted")
check(metric('asl_execution_duration_seconds_count{machine="Orders"}') == 86, "execution durations")
check(metric('asl_task_duration_seconds_count{machine="Orders"}') >= 5, "task durations")
check(metric('asl_state_transitions_total{machine="Orders"}') >= 12, "transitions")
check(metric('asl_executions_started_total{machine="Quick"}') == 82, "Express executions are counted")
# Quick: 81 runs through Work and Sum, one that failed in Work.
check(metric('asl_state_transitions_total{machine="Quick"}') == 163, "Express transitions")
check(metric("asl_executions_parked") >= 0, "parked executions")

# --- the AWS CLI ------------------------------------------------------------------------------

env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
           AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")


def cli(*args):
    out = subprocess.run([os.environ.get("AWS_CLI", "aws"), "stepfunctions", "--endpoint-url", ENDPOINT,
                          "--output", "json", *args], env=env, capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


rc, out, err = cli("list-state-machines")
check(rc == 0 and "Orders" in [m["name"] for m in json.loads(out)["stateMachines"]], f"aws cli list: {err}")
rc, out, err = cli("start-execution", "--state-machine-arn", orders + "#HappyPath", "--name", "cli-1",
                   "--input", json.dumps({"id": "cli-1", "amount": 3}))
check(rc == 0, f"aws cli start-execution: {err}")
arn = json.loads(out)["executionArn"]
d = wait_closed(arn)
check(d["status"] == "SUCCEEDED", "the CLI's execution succeeded")
rc, out, err = cli("describe-execution", "--execution-arn", arn)
check(rc == 0 and json.loads(json.loads(out)["output"]) == {"id": "cli-1", "charged": True},
      f"aws cli describe-execution: {out} {err}")
rc, out, err = cli("get-execution-history", "--execution-arn", arn)
check(rc == 0 and json.loads(out)["events"][-1]["type"] == "ExecutionSucceeded", "aws cli history (paginated)")
rc, out, err = cli("describe-execution", "--execution-arn",
                   "arn:aws:states:us-east-1:123456789012:execution:Orders:ghost")
check(rc != 0 and "ExecutionDoesNotExist" in err, f"aws cli error: {err}")

print(f"api: {CHECKS} checks")
