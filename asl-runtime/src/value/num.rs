//! Number rules: JSON numbers compared by value, exactly.
//!
//! Choice comparisons (ASL-SUB-32), JSONPath filter comparisons and the intrinsics' deep
//! equality (`States.ArrayContains`, `States.ArrayUnique`, ASL-FN-06, ASL-FN-10) all ask one
//! question — are these two numbers equal, or which is larger — and answer it here: integers
//! in the data are compared with each other and with floats exactly (never through a lossy
//! `as f64`), so `1 == 1.0` and `2^53 + 1 > 2^53`.

use std::cmp::Ordering;

pub use serde_json::Number;

/// Exact comparison of a JSON number with an `f64`. `None` for NaN.
pub fn cmp_f64(a: &Number, b: f64) -> Option<Ordering> {
    if let Some(i) = a.as_i64() {
        cmp_i64_f64(i, b)
    } else if let Some(u) = a.as_u64() {
        cmp_u64_f64(u, b)
    } else {
        a.as_f64()?.partial_cmp(&b)
    }
}

/// Exact comparison of two JSON numbers by value (`1` equals `1.0`). `None` for NaN.
pub fn cmp(a: &Number, b: &Number) -> Option<Ordering> {
    match (int_of(a), int_of(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(_), None) => cmp_f64(a, b.as_f64()?),
        (None, _) => cmp_f64(b, a.as_f64()?).map(Ordering::reverse),
    }
}

/// Whether two JSON numbers have the same value (`1` equals `1.0`).
pub fn eq(a: &Number, b: &Number) -> bool {
    cmp(a, b) == Some(Ordering::Equal)
}

fn int_of(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn cmp_i64_f64(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // i64 range is [-2^63, 2^63); f64 values outside it order trivially.
    if f >= 9_223_372_036_854_775_808.0 {
        return Some(Ordering::Less);
    }
    if f < -9_223_372_036_854_775_808.0 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i64; // exact: t is integral and in range
    match i.cmp(&ti) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        o => Some(o),
    }
}

fn cmp_u64_f64(u: u64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f < 0.0 {
        return Some(Ordering::Greater);
    }
    if f >= 18_446_744_073_709_551_616.0 {
        return Some(Ordering::Less);
    }
    let t = f.trunc();
    let tu = t as u64;
    match u.cmp(&tu) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        o => Some(o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: serde_json::Value) -> Number {
        match v {
            serde_json::Value::Number(n) => n,
            _ => unreachable!(),
        }
    }

    #[test]
    fn numbers_compare_by_value_exactly_asl_sub_32() {
        assert!(eq(&n(1.into()), &n(1.0.into())));
        assert!(eq(&Number::from(u64::MAX), &Number::from(u64::MAX)));
        let big = Number::from(9_007_199_254_740_993_i64); // 2^53 + 1
        assert_eq!(
            cmp_f64(&big, 9_007_199_254_740_992.0),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp(&Number::from(-1), &Number::from(u64::MAX)),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp(&n(2.5.into()), &Number::from(2)),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp_f64(&Number::from(3), f64::NAN), None);
    }
}
