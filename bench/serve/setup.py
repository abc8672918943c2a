"""Creates the benchmark machines on a Step Functions endpoint (asl serve or moto) and prints
their ARNs as JSON: {"express": ARN, "standard": ARN}. Usage: setup.py ENDPOINT"""
import json
import os
import sys

import boto3

endpoint = sys.argv[1]
sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
definition = open(os.path.join(os.path.dirname(__file__), "bench10.asl.json")).read()
role = "arn:aws:iam::123456789012:role/bench"
out = {
    "express": sfn.create_state_machine(name="Bench10", definition=definition, roleArn=role,
                                        type="EXPRESS")["stateMachineArn"],
    "standard": sfn.create_state_machine(name="BenchStd", definition=definition, roleArn=role)["stateMachineArn"],
}
print(json.dumps(out))
