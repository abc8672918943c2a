// The three forms of `asl!` compile and expose the checked definition.
asl_runtime::asl! {
    pub Tokens = {
        "StartAt": "A",
        "States": { "A": { "Type": "Pass", "Result": {"n": -1.5e3, "ok": true, "none": null}, "End": true } }
    }
}
asl_runtime::asl!(pub Text = r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
asl_runtime::asl!(pub FromFile = file "../data/hello.asl.json");
asl_runtime::asl! {
    #[asl(express)]
    pub Quick = { "StartAt": "A", "States": { "A": { "Type": "Succeed" } } }
}

fn main() {
    assert_eq!(Tokens::STATES, &["A"]);
    assert!(Text::DEFINITION.contains("Succeed"));
    assert_eq!(FromFile::STATES, &["Greet"]);
    assert_eq!(Quick::STATES, &["A"]);
}
