// ASL-JA-04: $states.result only in Task/Parallel/Map Output and Assign
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": "{% $states.result %}",
                "End": true
            }
        }
    }
}

fn main() {}
