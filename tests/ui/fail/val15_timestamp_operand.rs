// ASL-VAL-15: a Timestamp operand must be a timestamp
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.t",
                        "TimestampLessThan": "yesterday",
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
