// ASL-VAL-27: TimeoutSeconds is an integer
asl_runtime::asl! {
    pub Machine = {
        "TimeoutSeconds": 1.5,
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
