// Our own check: a library function given literal arguments its signature refuses, or the
// wrong number of them, fails whenever it runs (T0410).
#![deny(deprecated)]
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": { "a": "{% $substring(1, 'x') %}", "b": "{% $power(2, 3, 4) %}" },
                "End": true
            }
        }
    }
}

fn main() {}
