// ASL-VAL-18: ErrorPath intrinsic must return a string
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Fail",
                "ErrorPath": "States.MathAdd($.a, 1)"
            }
        }
    }
}

fn main() {}
