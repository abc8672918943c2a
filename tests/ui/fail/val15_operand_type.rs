// ASL-VAL-15: NumericEquals compares with a number (SCHEMA_VALIDATION_FAILED; the invalid rule's Next still counts, so B is reachable)
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.n",
                        "NumericEquals": "5",
                        "Next": "B"
                    }
                ]
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
