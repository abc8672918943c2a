// ASL-VAL-01: the definition must be a JSON object
asl_runtime::asl! {
    pub Machine = [1, 2]
}

fn main() {}
