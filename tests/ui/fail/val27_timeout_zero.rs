// ASL-VAL-27: TimeoutSeconds is positive
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "TimeoutSeconds": 0,
                "End": true
            }
        }
    }
}

fn main() {}
