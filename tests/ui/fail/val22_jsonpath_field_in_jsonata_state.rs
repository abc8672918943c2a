// ASL-VAL-22 / ASL-FLD-01: Parameters in a JSONata state
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Parameters": {
                    "a": 1
                },
                "End": true
            }
        }
    }
}

fn main() {}
