// ASL-VAL-13: Error xor ErrorPath
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Fail",
                "Error": "E",
                "ErrorPath": "$.e"
            }
        }
    }
}

fn main() {}
