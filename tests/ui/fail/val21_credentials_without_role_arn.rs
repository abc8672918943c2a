// ASL-VAL-21: Credentials need RoleArn
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Credentials": {},
                "End": true
            }
        }
    }
}

fn main() {}
