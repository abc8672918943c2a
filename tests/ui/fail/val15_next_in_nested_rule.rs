// ASL-VAL-15: nested rules have no Next
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Not": {
                            "Variable": "$.x",
                            "IsNull": true,
                            "Next": "B"
                        },
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
