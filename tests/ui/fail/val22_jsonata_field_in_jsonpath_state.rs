// ASL-FLD-01: Output in a JSONPath state
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": {
                    "a": 1
                },
                "End": true
            }
        }
    }
}

fn main() {}
