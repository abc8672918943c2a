// A string-literal definition's warnings are shown as the token form's are (here denied, so
// the warning is an error): the message names line and column inside the literal.
#![deny(deprecated)]
asl_runtime::asl!(pub Machine = r#"{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Choice",
      "Choices": [{ "And": [{ "Variable": "$.x", "IsPresent": true }], "Next": "B" }],
      "Default": "B"
    },
    "B": { "Type": "Succeed" }
  }
}"#);

fn main() {}
