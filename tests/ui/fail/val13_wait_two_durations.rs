// ASL-VAL-13: Wait has exactly one duration
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Wait",
                "Seconds": 5,
                "SecondsPath": "$.s",
                "End": true
            }
        }
    }
}

fn main() {}
