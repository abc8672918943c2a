// ASL-VAL-15: Choices is non-empty
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [],
                "Default": "B"
            },
            "B": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
