// ASL-VAL-02: States and StartAt are required
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A"
    }
}

fn main() {}
