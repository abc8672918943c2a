// ASL-VAL-04: Choice Default
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.x",
                        "IsPresent": true,
                        "Next": "B"
                    }
                ],
                "Default": "Nope"
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
