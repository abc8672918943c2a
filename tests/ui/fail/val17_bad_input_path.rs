// ASL-VAL-17: InputPath is a JSONPath
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "InputPath": "bug$.library",
                "End": true
            }
        }
    }
}

fn main() {}
