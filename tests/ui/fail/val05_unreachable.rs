// ASL-VAL-05: every state reachable
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Succeed"
            },
            "Orphan": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
