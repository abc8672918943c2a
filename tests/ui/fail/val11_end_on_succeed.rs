// ASL-VAL-11: Succeed takes no End
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Succeed",
                "End": true
            }
        }
    }
}

fn main() {}
