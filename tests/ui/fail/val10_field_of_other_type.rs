// ASL-VAL-10: field not allowed on this type
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Resource": "arn:aws:states:::lambda:invoke",
                "End": true
            }
        }
    }
}

fn main() {}
