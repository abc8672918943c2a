"""The Distributed Map of bench/src/bin/dmap.rs in moto's own Step Functions (its port of
LocalStack's ASL interpreter, turned on through /moto-api/config), over the same objects in
the same moto server. Prints one JSON line: items, seconds, items per second, status.

Usage: moto_run.py <moto endpoint> <bucket> <items> <concurrency> <definition file>
"""

import json
import sys
import time
import urllib.request

import boto3

endpoint, bucket, items, concurrency, definition = sys.argv[1:6]
items, concurrency = int(items), int(concurrency)
req = urllib.request.Request(f"{endpoint}/moto-api/config", method="POST",
                             data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode())
urllib.request.urlopen(req).read()
aws = dict(endpoint_url=endpoint, region_name="us-east-1",
           aws_access_key_id="testing", aws_secret_access_key="testing")
sfn = boto3.client("stepfunctions", **aws)
machine = json.load(open(definition))
# moto evaluates the ResultWriter's Parameters on the children's results, not on the state's
# input (so "$.bucket" is not found): the bucket is written in.
machine["States"]["Map"]["ResultWriter"]["Parameters"] = {"Bucket": bucket, "Prefix": "results"}
arn = sfn.create_state_machine(name=f"Bench{int(time.time() * 1000)}", definition=json.dumps(machine),
                               roleArn="arn:aws:iam::123456789012:role/bench")["stateMachineArn"]
t = time.time()
x = sfn.start_execution(stateMachineArn=arn,
                        input=json.dumps({"bucket": bucket, "concurrency": concurrency}))["executionArn"]
while True:
    d = sfn.describe_execution(executionArn=x)
    if d["status"] != "RUNNING":
        break
    time.sleep(0.2)
secs = time.time() - t
print(json.dumps({"server": "moto", "items": items, "seconds": secs, "items_per_second": items / secs,
                  "status": d["status"], "error": d.get("error"), "cause": (d.get("cause") or "")[:300]}))
