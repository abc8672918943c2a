// ASL-PT-05: keys unique after stripping .$
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "a": 1,
                    "a.$": "$.x"
                },
                "End": true
            }
        }
    }
}

fn main() {}
