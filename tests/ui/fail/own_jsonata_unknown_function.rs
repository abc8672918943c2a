// Our own check (issue "JSONata and variables", item 4): a call of a function the JSONata
// library does not have fails whenever it runs (T1006); AWS accepts the definition, so it is
// a warning (here denied, so the warning is an error), with a did-you-mean.
#![deny(deprecated)]
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": "{% $uppercas($states.input.name) %}",
                "End": true
            }
        }
    }
}

fn main() {}
