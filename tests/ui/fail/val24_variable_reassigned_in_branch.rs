// ASL-VAR-07: no reassigning an outer variable inside
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Assign": {
                    "x": 1
                },
                "Next": "P"
            },
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {
                                "Type": "Pass",
                                "Assign": {
                                    "x": 2
                                },
                                "End": true
                            }
                        }
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
