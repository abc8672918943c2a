// A string-literal definition: the error names line and column inside the literal.
asl_runtime::asl!(pub Machine = r#"{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pas", "End": true }
  }
}"#);

fn main() {}
