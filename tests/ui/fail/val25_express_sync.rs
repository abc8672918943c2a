// ASL-VAL-25: Express machines have no .sync
asl_runtime::asl! {
    #[asl(express)]
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync",
                "End": true
            }
        }
    }
}

fn main() {}
