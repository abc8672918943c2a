// ASL-VAL-22: a JSONata machine has no JSONPath state
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "QueryLanguage": "JSONPath",
                "End": true
            }
        }
    }
}

fn main() {}
