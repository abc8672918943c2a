// ASL-PATH-09: ResultPath cannot write the context object
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "ResultPath": "$$.Execution",
                "End": true
            }
        }
    }
}

fn main() {}
