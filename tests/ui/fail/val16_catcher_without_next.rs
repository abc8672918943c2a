// ASL-VAL-16: a catcher needs Next
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
                            "E"
                        ]
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
