// ASL-VAL-02: States and StartAt are required
asl_runtime::asl! {
    pub Machine = {
        "States": {
            "A": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
