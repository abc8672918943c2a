// ASL-DMAP-05: ToleratedFailurePercentage 0..100
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "ToleratedFailurePercentage": 105,
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
