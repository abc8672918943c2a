// own check: a handler method name can be chosen only for a Task state of the machine
asl_runtime::asl! {
    #[asl(methods("A" = a, "Missing" = b))]
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "End": true
            }
        }
    }
}

fn main() {}
