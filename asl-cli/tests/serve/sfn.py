"""What the server's Python tests share: a boto3 client for a local endpoint, waiting for an
execution to close, and reading a whole history page by page."""

import time

import boto3
from botocore.config import Config


def client(endpoint):
    """A Step Functions client of `endpoint`: no retries (every answer is the server's first),
    long reads (GetActivityTask waits up to a minute), no host prefix (StartSyncExecution's
    `sync-` cannot go in front of a local address)."""
    return boto3.client(
        "stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, read_timeout=90, inject_host_prefix=False))


def wait_for_close(sfn, arn, timeout=30):
    """DescribeExecution once the execution is no longer RUNNING."""
    end = time.time() + timeout
    while time.time() < end:
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] != "RUNNING":
            return d
        time.sleep(0.05)
    raise AssertionError(f"{arn} still running after {timeout}s")


def all_events(sfn, arn, page_size=1000, on_page=None, **kw):
    """Every event of an execution's history, following nextToken; `on_page` sees each page."""
    events, token = [], None
    while True:
        args = dict(executionArn=arn, maxResults=page_size, **kw)
        if token:
            args["nextToken"] = token
        page = sfn.get_execution_history(**args)
        if on_page:
            on_page(page)
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events
