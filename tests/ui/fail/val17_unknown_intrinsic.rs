// ASL-FN-00b: unknown intrinsic function
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x.$": "States.Frobnicate($.x)"
                },
                "End": true
            }
        }
    }
}

fn main() {}
