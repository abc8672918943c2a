// ASL-VAL-25: Express machines have no activities
asl_runtime::asl! {
    #[asl(express)]
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:us-east-1:123456789012:activity:work",
                "End": true
            }
        }
    }
}

fn main() {}
