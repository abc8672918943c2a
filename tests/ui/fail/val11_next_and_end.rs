// ASL-VAL-11: Next and End are exclusive
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Next": "B",
                "End": true
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
