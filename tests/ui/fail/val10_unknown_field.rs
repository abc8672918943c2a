// ASL-VAL-10: unknown field
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Nxt": "B",
                "End": true
            }
        }
    }
}

fn main() {}
