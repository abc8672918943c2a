// ASL-VAL-04: Next names a state of the same scope
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Next": "B"
            }
        }
    }
}

fn main() {}
