// ASL-VAL-16: ErrorEquals non-empty
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [
                    {
                        "ErrorEquals": []
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
