"""`asl serve --aws-endpoint <moto>`: a definition that calls AWS services runs unchanged.

A Distributed Map reads 60 orders from a CSV object in moto's S3 (ItemReader), each child
puts its order into a DynamoDB table (a conditional put), the ResultWriter writes the records
and manifest back to S3; then an SQS message is sent, a second conditional put of an existing
order fails with DynamoDB.ConditionalCheckFailedException and is caught, and a put into a
missing table fails the execution with DynamoDB.ResourceNotFoundException.

Usage: aws_test.py <asl endpoint> <moto endpoint>
"""

import json
import sys

import boto3

from sfn import client, wait_for_close, all_events

asl, moto = sys.argv[1], sys.argv[2]
sfn = client(asl)
aws = dict(endpoint_url=moto, region_name="us-east-1",
           aws_access_key_id="testing", aws_secret_access_key="testing")
s3, ddb, sqs = boto3.client("s3", **aws), boto3.client("dynamodb", **aws), boto3.client("sqs", **aws)
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


ROWS = 60
s3.create_bucket(Bucket="orders")
csv = "id,amount\n" + "".join(f"o{i},{i * 10}\n" for i in range(ROWS))
s3.put_object(Bucket="orders", Key="in/orders.csv", Body=csv.encode())
ddb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                 KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
queue = sqs.create_queue(QueueName="imported")["QueueUrl"]

put = {"TableName": "orders", "Item": {"id": {"S.$": "$.id"}, "amount": {"N.$": "$.amount"}},
       "ConditionExpression": "attribute_not_exists(id)"}
IMPORT = {
    "StartAt": "Import",
    "States": {
        "Import": {
            "Type": "Map", "Label": "Orders", "MaxConcurrency": 8,
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                           "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                           "Parameters": {"Bucket": "orders", "Key": "in/orders.csv"}},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Save",
                "States": {"Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                                    "Parameters": put, "ResultSelector": {"status.$": "$.SdkHttpMetadata.HttpStatusCode"},
                                    "End": True}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "orders", "Prefix": "results"}},
            "ResultPath": "$.import",
            "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                   "Parameters": {"QueueUrl": queue, "MessageBody.$": "$.import"},
                   "ResultSelector": {"id.$": "$.MessageId"}, "ResultPath": "$.sent", "Next": "Again"},
        "Again": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                  "Parameters": {"TableName": "orders", "Item": {"id": {"S": "o1"}, "amount": {"N": "0"}},
                                 "ConditionExpression": "attribute_not_exists(id)"},
                  "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                             "ResultPath": "$.error", "Next": "Done"}],
                  "End": True},
        "Done": {"Type": "Succeed"},
    },
}
ROLE = "arn:aws:iam::123456789012:role/asl"
arn = sfn.create_state_machine(name="Import", definition=json.dumps(IMPORT), roleArn=ROLE)["stateMachineArn"]
x = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
d = wait_for_close(sfn, x, timeout=60)
check(d["status"] == "SUCCEEDED", f"the import succeeds: {d}")
out = json.loads(d["output"])

# The Map's output says where the results are; the manifest lists one SUCCEEDED file.
details = out["import"]["ResultWriterDetails"]
check(details["Bucket"] == "orders" and details["Key"].startswith("results/")
      and details["Key"].endswith("/manifest.json"), f"ResultWriterDetails: {details}")
manifest = json.loads(s3.get_object(Bucket="orders", Key=details["Key"])["Body"].read())
check(manifest["MapRunArn"] == out["import"]["MapRunArn"], "the manifest names the Map Run")
files = manifest["ResultFiles"]["SUCCEEDED"]
check(len(files) == 1 and manifest["ResultFiles"]["FAILED"] == [], f"one SUCCEEDED file: {manifest}")
records = json.loads(s3.get_object(Bucket="orders", Key=files[0]["Key"])["Body"].read())
check(len(records) == ROWS and all(r["Status"] == "SUCCEEDED" for r in records), "a record per order")
check(all(json.loads(r["Output"]) == {"status": 200} for r in records), "each child's output")

# Every order is in the table, with its amount.
count = ddb.scan(TableName="orders", Select="COUNT")["Count"]
check(count == ROWS, f"{ROWS} orders in DynamoDB, found {count}")
item = ddb.get_item(TableName="orders", Key={"id": {"S": "o7"}})["Item"]
check(item["amount"] == {"N": "70"}, f"an order's amount: {item}")

# The SQS message carries the Map's output.
msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"]
check(json.loads(msgs[0]["Body"]) == out["import"], "the message is the Map's output")
check(out["sent"]["id"] == msgs[0]["MessageId"], "SendMessage's MessageId is the Task's result")

# The second put of o1 failed as DynamoDB says, and was caught by that name.
check(out["error"]["Error"] == "DynamoDB.ConditionalCheckFailedException",
      f"the conditional check failure's name: {out['error']}")

# The Map Run, as DescribeMapRun tells it; the history shows it, not the children.
runs = sfn.list_map_runs(executionArn=x)["mapRuns"]
check(len(runs) == 1, f"one Map Run: {runs}")
m = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
counts = m["executionCounts"]
check(m["status"] == "SUCCEEDED" and counts["succeeded"] == ROWS and counts["total"] == ROWS,
      f"DescribeMapRun: {m}")
# The Standard children are executions of their own: listed by Map Run, each with its history.
children, token = [], None
while True:
    page = sfn.list_executions(mapRunArn=runs[0]["mapRunArn"], maxResults=25,
                               **({"nextToken": token} if token else {}))
    children += page["executions"]
    token = page.get("nextToken")
    if not token:
        break
check(len(children) == ROWS and all(c["status"] == "SUCCEEDED" and c["mapRunArn"] == runs[0]["mapRunArn"]
                                    for c in children), f"ListExecutions by Map Run: {len(children)}")
check(children[0]["stateMachineArn"].endswith(":stateMachine:Import/Orders"), f"{children[0]}")
child_kinds = [e["type"] for e in all_events(sfn, children[0]["executionArn"])]
check(child_kinds[0] == "ExecutionStarted" and "TaskSucceeded" in child_kinds
      and child_kinds[-1] == "ExecutionSucceeded", f"a child's own history: {child_kinds}")
kinds = [e["type"] for e in all_events(sfn, x)]
check("MapRunStarted" in kinds and "MapRunSucceeded" in kinds and "TaskStateEntered" in kinds,
      f"the history: {kinds}")

# A missing table fails the execution with DynamoDB's error name.
MISSING = {"StartAt": "Put", "States": {"Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                                                  "Parameters": {"TableName": "nope", "Item": {"id": {"S": "x"}}},
                                                  "End": True}}}
bad = sfn.create_state_machine(name="Missing", definition=json.dumps(MISSING), roleArn=ROLE)["stateMachineArn"]
d = wait_for_close(sfn, sfn.start_execution(stateMachineArn=bad, input="{}")["executionArn"])
check(d["status"] == "FAILED" and d["error"] == "DynamoDB.ResourceNotFoundException",
      f"a missing table: {d.get('error')}: {d.get('cause')}")

print(f"aws: {checks} checks passed")
