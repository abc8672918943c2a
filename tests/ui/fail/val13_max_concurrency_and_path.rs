// ASL-VAL-13: MaxConcurrency xor MaxConcurrencyPath
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "MaxConcurrency": 2,
                "MaxConcurrencyPath": "$.c",
                "ItemProcessor": {
                    "StartAt": "B",
                    "States": {
                        "B": {
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
