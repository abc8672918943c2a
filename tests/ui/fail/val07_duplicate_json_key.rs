// ASL-VAL-07 / duplicate JSON keys are an error
asl_runtime::asl! {
    pub Machine = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}
}

fn main() {}
