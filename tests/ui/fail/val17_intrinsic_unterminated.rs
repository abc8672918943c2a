// ASL-FN-00c: intrinsic syntax
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x.$": "States.Format('a {}', $.x"
                },
                "End": true
            }
        }
    }
}

fn main() {}
