// ASL-VAL-20: Map needs ItemProcessor
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "End": true
            }
        }
    }
}

fn main() {}
