// ASL-VAL-19: Branches non-empty
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Parallel",
                "Branches": [],
                "End": true
            }
        }
    }
}

fn main() {}
