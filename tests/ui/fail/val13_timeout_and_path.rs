// ASL-VAL-13: TimeoutSeconds xor TimeoutSecondsPath
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "TimeoutSeconds": 5,
                "TimeoutSecondsPath": "$.t",
                "End": true
            }
        }
    }
}

fn main() {}
