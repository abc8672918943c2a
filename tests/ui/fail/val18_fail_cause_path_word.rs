// ASL-VAL-18: CausePath is a path or intrinsic
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Fail",
                "CausePath": "Cause"
            }
        }
    }
}

fn main() {}
