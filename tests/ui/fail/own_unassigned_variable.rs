// ASL-VAR-09 (our own check): a variable read where no Assign on any path can have set it.
#![deny(deprecated)]
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": { "Type": "Pass", "Assign": { "total": 1 }, "Next": "B" },
            "B": { "Type": "Pass", "Parameters": { "t.$": "$total", "c.$": "$count" }, "End": true }
        }
    }
}

fn main() {}
