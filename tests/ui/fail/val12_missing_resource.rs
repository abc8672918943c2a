// ASL-VAL-12: Task requires Resource
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "End": true
            }
        }
    }
}

fn main() {}
