// ASL-VAL-04: a misspelled Next gets the close state name as a help
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "Next": "Shipp"
            },
            "Ship": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
