// ASL-CH-07: only \* and \\ escapes in StringMatches
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.s",
                        "StringMatches": "a\\?b",
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
