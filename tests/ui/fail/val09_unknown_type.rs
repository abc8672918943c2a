// ASL-VAL-09: Type is one of the eight
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Sleep",
                "End": true
            }
        }
    }
}

fn main() {}
