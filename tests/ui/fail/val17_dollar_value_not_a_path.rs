// ASL-PT-03: a .$ value is a path or an intrinsic
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "lorem.$": "ipsum"
                },
                "End": true
            }
        }
    }
}

fn main() {}
