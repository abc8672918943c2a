//! Java's rules where AWS's Java implementation shows through: string order, `toString` of a
//! value as Jackson maps it, the class a value is held as, `Math.round` and `java.util.Random`.

use std::cmp::Ordering;

use super::Value;

/// Java's `Math.round` (floor(x + 0.5), half toward +∞), which AWS applies wherever an
/// intrinsic needs an integer (ASL-FN-00f, ASL-SUB-16). The compiler checks literal arguments
/// with the same function.
pub use asl_syntax::intrinsic::java_round as round;

/// Java `String.compareTo`: lexicographic over UTF-16 code units (ASL-CH-06 / ASL-SUB-33).
/// Differs from `str::cmp` (code points) when a character ≥ U+10000 meets one in
/// U+E000..=U+FFFF: surrogates (0xD800..) sort below U+E000.
pub fn string_cmp(a: &str, b: &str) -> Ordering {
    // Fast path: byte order equals UTF-16 order unless a 4-byte sequence meets a 3-byte
    // sequence starting with 0xEE/0xEF at the first difference.
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let Some(i) = ab.iter().zip(bb).position(|(x, y)| x != y) else {
        return ab.len().cmp(&bb.len());
    };
    let (x, y) = (ab[i], bb[i]);
    if x < 0x80 || y < 0x80 {
        return x.cmp(&y);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Appends Java's `toString()` of the value as Jackson maps it: strings bare, numbers as
/// JSON, arrays and objects as `List`/`Map` (`{a=1, b=[1, 2]}`). This is how `States.Format`
/// prints its arguments (ASL-SUB-15) and how Jayway's messages quote a value.
pub fn write_string(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_string(x, out);
            }
            out.push('}');
        }
    }
}

/// Java's `toString()` of the value as Jackson maps it (see [`write_string`]).
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    write_string(v, &mut out);
    out
}

/// The Java class Jackson's `JacksonJsonProvider` would hold a value as (unverified).
pub fn class_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if i32::try_from(i).is_ok() {
                    "java.lang.Integer"
                } else {
                    "java.lang.Long"
                }
            } else if n.is_u64() {
                "java.math.BigInteger"
            } else {
                "java.lang.Double"
            }
        }
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

/// `java.util.Random`'s 48-bit linear congruential generator: what `States.MathRandom` with a
/// seed draws from (ASL-FN-12).
#[derive(Clone, Debug)]
pub struct Random {
    seed: i64,
}

impl Random {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    pub fn new(seed: i64) -> Self {
        Random {
            seed: (seed ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// `nextInt(bound)`; `bound` must be positive.
    pub fn next_int(&mut self, bound: i32) -> i32 {
        debug_assert!(bound > 0);
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn java_to_string_of_values_asl_sub_15() {
        assert_eq!(
            to_string(&json!({"a": [1, "x"], "b": null})),
            "{a=[1, x], b=null}"
        );
        assert_eq!(class_name(&json!(3_000_000_000_i64)), "java.lang.Long");
    }

    #[test]
    fn java_random_matches_java_util_random() {
        // Reference values printed by OpenJDK: new Random(42).nextInt(100) five times, …
        let mut r = Random::new(42);
        let seq: Vec<i32> = (0..5).map(|_| r.next_int(100)).collect();
        assert_eq!(seq, [30, 63, 48, 84, 70]);
        assert_eq!(Random::new(-7).next_int(1000), 662);
        let mut r = Random::new(42);
        assert_eq!(r.next(32), -1170105035); // new Random(42).nextInt()
        // A power-of-two bound takes the multiply path.
        let mut r = Random::new(42);
        assert_eq!(r.next_int(16), 11);
    }
}
