// A file that does not exist.
asl_runtime::asl!(pub Machine = file "../data/no-such-file.asl.json");

fn main() {}
