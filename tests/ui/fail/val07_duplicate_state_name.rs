// ASL-VAL-07: names unique machine-wide
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "A",
                        "States": {
                            "A": {
                                "Type": "Succeed"
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
