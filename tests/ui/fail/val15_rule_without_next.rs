// ASL-VAL-15: top-level rules need Next
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.x",
                        "IsNull": true,
                        "End": true
                    }
                ],
                "Default": "B"
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
