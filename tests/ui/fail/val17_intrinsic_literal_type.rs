// ASL-FN-16: MathAdd takes numbers
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x.$": "States.MathAdd('-1', 1)"
                },
                "End": true
            }
        }
    }
}

fn main() {}
