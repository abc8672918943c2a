// ASL-VAL-16: States.ALL in the last retrier
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
                            "States.ALL"
                        ]
                    },
                    {
                        "ErrorEquals": [
                            "Custom"
                        ]
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
