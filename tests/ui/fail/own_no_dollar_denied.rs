// ASL-VAL-28: NO_DOLLAR (a warning, denied here)
#![deny(deprecated)]
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x": "$.y"
                },
                "End": true
            }
        }
    }
}

fn main() {}
