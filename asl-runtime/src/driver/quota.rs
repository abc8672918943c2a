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
/// upper bound first (one walk, no formatting), a tighter one when it is over, the exact
/// length only when both are.
pub(super) fn exceeds(v: &Value, limit: usize) -> bool {
    within(v, limit).is_none()
}

/// An upper bound of the length of `v`'s JSON text when it is within `limit` (`None` when it
/// exceeds it), so that a caller can keep track of the size of data that grows.
pub(super) fn within(v: &Value, limit: usize) -> Option<usize> {
    let bound = v.json_len_bound();
    if bound <= limit {
        return Some(bound);
    }
    let tight = v.json_len_bound_tight();
    if tight <= limit {
        return Some(tight);
    }
    (!exact_len_exceeds(v, limit)).then_some(limit)
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
        self.size_bound(out).map(drop)
    }

    /// [`Visit::size_check`], giving an upper bound of the output's JSON length.
    pub(super) fn size_bound(&self, out: &Value) -> Result<usize, Failure> {
        within(out, MAX_PAYLOAD_BYTES).ok_or_else(|| Failure {
            error: Some("States.DataLimitExceeded".into()),
            cause: Some(format!(
                "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                self.s.name
            )),
            terminal: true,
        })
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
            json!("\u{8}\u{c}\r\t/\u{7f}\u{1f}\u{2028}<>&'"),
            json!("a string longer than thirty-two bytes, \"escaped\""),
            json!({"a": [1, 2.5, "x"], "b": {"c": null}, "": []}),
        ];
        for v in &values {
            let n = serde_json::to_string(v).unwrap().len();
            assert!(
                v.json_len_bound() >= n,
                "{v}: bound {} < {n}",
                v.json_len_bound()
            );
            assert!(!exceeds(v, n), "{v}");
            assert!(exceeds(v, n - 1), "{v}");
        }
    }
}
