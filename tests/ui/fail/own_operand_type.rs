// own check: NumericEquals compares with a number
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
