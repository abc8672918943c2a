// ASL-VAL-08: names are at most 80 characters
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "States": {
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": {
                "Type": "Succeed"
            }
        }
    }
}

fn main() {}
