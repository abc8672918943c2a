// ASL-VAL-06: a terminal state per scope
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Next": "B"
            },
            "B": {
                "Type": "Pass",
                "Next": "A"
            }
        }
    }
}

fn main() {}
