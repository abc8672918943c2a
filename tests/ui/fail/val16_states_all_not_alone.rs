// ASL-VAL-16: States.ALL alone
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [
                    {
                        "ErrorEquals": [
                            "States.ALL",
                            "Custom"
                        ],
                        "Next": "B"
                    }
                ],
                "End": true
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
