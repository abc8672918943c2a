// ASL-VAL-20: Labels unique
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "Label": "L",
                "ItemProcessor": {
                    "StartAt": "B",
                    "States": {
                        "B": {
                            "Type": "Succeed"
                        }
                    }
                },
                "Next": "C"
            },
            "C": {
                "Type": "Map",
                "Label": "L",
                "ItemProcessor": {
                    "StartAt": "D",
                    "States": {
                        "D": {
                            "Type": "Succeed"
                        }
                    }
                },
                "End": true
            }
        }
    }
}

fn main() {}
