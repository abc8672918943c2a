// ASL-PT-03: a .$ value is a string
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "n.$": 5
                },
                "End": true
            }
        }
    }
}

fn main() {}
