// ASL-VAL-24: 'states' is reserved
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Assign": {
                    "states": 1
                },
                "End": true
            }
        }
    }
}

fn main() {}
