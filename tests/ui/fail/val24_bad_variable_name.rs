// ASL-VAL-24: variable names are identifiers
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Assign": {
                    "a.b": 1
                },
                "End": true
            }
        }
    }
}

fn main() {}
