// ASL-VAL-23: JSONata must parse
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": "{% 10 + * 2 %}",
                "End": true
            }
        }
    }
}

fn main() {}
