//! AWS's payload quota (ASL-IO-09, ASL-SUB-54): a one-walk upper bound first, exact
//! serialization only when the bound is over. Values a state passes through unchanged are not
//! re-checked.

use crate::Value;

use super::retry::Failure;
use super::visit::Visit;
use crate::machine::IoPath;

/// AWS's payload quota: 256 KiB of UTF-8 JSON (ASL-IO-09, ASL-SUB-54).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Whether the compact JSON text of `v` is longer than `limit` bytes (ASL-SUB-54). A cheap
/// upper bound first (one walk, no formatting); the exact length only when the bound is over.
pub(super) fn exceeds(v: &Value, limit: usize) -> bool {
    upper_len(v) > limit && exact_len_exceeds(v, limit)
}

/// An upper bound of the serialized length, in one walk without looking inside strings: a
/// string of n bytes serializes to at most 6n + 2 (every byte escaped as `\u00XX`), a number
/// to at most 24 bytes.
fn upper_len(v: &Value) -> usize {
    fn string(s: &str) -> usize {
        s.len().saturating_mul(6).saturating_add(2)
    }
    match v {
        Value::Null => 4,
        Value::Bool(b) => 4 + usize::from(!*b),
        Value::Number(_) => 24,
        Value::String(s) => string(s),
        Value::Array(a) => 2 + a.len().saturating_sub(1) + a.iter().map(upper_len).sum::<usize>(),
        Value::Object(m) => {
            2 + m.len().saturating_sub(1)
                + m.iter()
                    .map(|(k, v)| string(k) + 1 + upper_len(v))
                    .sum::<usize>()
        }
    }
}

/// The exact test: serialize, stopping as soon as the count passes `limit`.
fn exact_len_exceeds(v: &Value, limit: usize) -> bool {
    struct Counter {
        n: usize,
        limit: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.n += buf.len();
            if self.n > self.limit {
                return Err(std::io::Error::other("limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter { n: 0, limit };
    serde_json::to_writer(&mut c, v).is_err()
}

impl Visit<'_, '_> {
    /// The payload quota on a state's output (ASL-IO-09): terminal.
    pub(super) fn size_check(&self, out: &Value) -> Result<(), Failure> {
        if exceeds(out, MAX_PAYLOAD_BYTES) {
            return Err(Failure {
                error: Some("States.DataLimitExceeded".into()),
                cause: Some(format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    self.s.name
                )),
                terminal: true,
            });
        }
        Ok(())
    }

    /// The quota, unless the state passes its input through unchanged (identity InputPath and
    /// OutputPath): that value was checked when it was produced.
    pub(super) fn size_check_if_changed(&self, out: &Value) -> Result<(), Failure> {
        if matches!(self.s.input_path, IoPath::Identity)
            && matches!(self.s.output_path, IoPath::Identity)
        {
            return Ok(());
        }
        self.size_check(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    /// The size bound never undercounts, and `exceeds` agrees with the serialized length at
    /// the boundary (ASL-IO-09).
    #[test]
    fn payload_size_bound_and_exact_test() {
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-1),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1.5e300),
            json!(-0.000001),
            json!("plain"),
            json!("quote\" back\\ nl\n ctl\u{1} é 😀"),
            json!({"a": [1, 2.5, "x"], "b": {"c": null}, "": []}),
        ];
        for v in &values {
            let n = serde_json::to_string(v).unwrap().len();
            assert!(upper_len(v) >= n, "{v}: bound {} < {n}", upper_len(v));
            assert!(!exceeds(v, n), "{v}");
            assert!(exceeds(v, n - 1), "{v}");
        }
    }
}
