// ASL-VAL-23: {% must close with %}
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": "{% $states.input",
                "End": true
            }
        }
    }
}

fn main() {}
