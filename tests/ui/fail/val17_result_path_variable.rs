// ASL-PATH-09: ResultPath cannot name a variable
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "ResultPath": "$foo",
                "End": true
            }
        }
    }
}

fn main() {}
