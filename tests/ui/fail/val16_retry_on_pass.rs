// ASL-VAL-16: Retry only on Task, Parallel, Map
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Retry": [
                    {
                        "ErrorEquals": [
                            "States.ALL"
                        ]
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
