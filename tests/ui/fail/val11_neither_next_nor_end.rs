// ASL-VAL-11: Next or End is required
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass"
            }
        }
    }
}

fn main() {}
