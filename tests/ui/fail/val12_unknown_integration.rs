// ASL-VAL-12: optimised integration action must exist
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "Query",
        "States": {
            "Query": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:query",
                "End": true
            }
        }
    }
}

fn main() {}
