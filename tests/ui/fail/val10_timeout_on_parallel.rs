// ASL-FLD-02: TimeoutSeconds is not supported on Parallel
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Parallel",
                "TimeoutSeconds": 5,
                "Branches": [
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {
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
