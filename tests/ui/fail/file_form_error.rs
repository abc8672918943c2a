// A file definition (relative to this source file): the error names the file, line and column.
asl_runtime::asl!(pub Machine = file "../data/unreachable.asl.json");

fn main() {}
