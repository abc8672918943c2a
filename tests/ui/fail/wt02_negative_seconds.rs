// ASL-WT-02: Seconds 0..99999999
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Wait",
                "Seconds": -1,
                "End": true
            }
        }
    }
}

fn main() {}
