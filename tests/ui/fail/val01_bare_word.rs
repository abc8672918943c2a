// ASL-VAL-01: malformed JSON (tokens)
asl_runtime::asl! {
    pub Machine = {"StartAt": A, "States": {}}
}

fn main() {}
