// own check: a JSONPath filter's regular expression must compile (the engine that runs it checks it at build time)
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "x.$": "$.items[?(@.name =~ /(ab/)]"
                },
                "End": true
            }
        }
    }
}

fn main() {}
