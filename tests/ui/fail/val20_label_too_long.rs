// ASL-VAL-20 / ASL-DMAP-06: Label at most 40 characters
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "Label": "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
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
