// ASL-VAL-14: HeartbeatSeconds < TimeoutSeconds
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "TimeoutSeconds": 10,
                "HeartbeatSeconds": 10,
                "End": true
            }
        }
    }
}

fn main() {}
