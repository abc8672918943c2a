// ASL-VAL-19: a branch has StartAt and States
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "B"
                    }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
