// ASL-VAL-16: JitterStrategy FULL or NONE
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
                        "JitterStrategy": "HALF"
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
