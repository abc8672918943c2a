// ASL-VAL-03: StartAt names a state
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "Missing",
        "States": {
            "A": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
