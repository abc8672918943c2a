// ASL-FN-16: MathAdd takes two arguments
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x.$": "States.MathAdd($.x)"
                },
                "End": true
            }
        }
    }
}

fn main() {}
