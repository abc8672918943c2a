// ASL-WT-05: Timestamp is RFC 3339
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Wait",
                "Timestamp": "2016-12-05T21:29:29",
                "End": true
            }
        }
    }
}

fn main() {}
