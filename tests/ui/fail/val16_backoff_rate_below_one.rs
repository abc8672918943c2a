// ASL-VAL-16: BackoffRate >= 1
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [
                    {
                        "ErrorEquals": [
                            "E"
                        ],
                        "BackoffRate": 0.5
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
