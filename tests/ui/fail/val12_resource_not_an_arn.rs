// ASL-VAL-12: Resource must be an ARN
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "my-function",
                "End": true
            }
        }
    }
}

fn main() {}
