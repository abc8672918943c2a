// ASL-VAL-04 / ASL-ST-06: no jumps out of a branch
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {
                                "Type": "Pass",
                                "Next": "C"
                            }
                        }
                    }
                ],
                "Next": "C"
            },
            "C": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
