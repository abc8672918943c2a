// ASL-JA-05: no implicit input document
asl_runtime::asl! {
    pub Machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Output": "{% order.total %}",
                "End": true
            }
        }
    }
}

fn main() {}
