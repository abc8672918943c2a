//! ASL timestamps: the RFC 3339 profile AWS accepts (ASL-WT-05, ASL-SUB-34).
//!
//! Used at compile time for literal `Timestamp` fields and Choice operands, and by the runtime
//! for values read from data, so both judge a string the same way.

/// Parses an ASL timestamp: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, uppercase `T` and `Z`.
/// Rejects a missing zone, a space separator, out-of-range fields and lowercase letters.
pub fn parse(s: &str) -> Option<jiff::Timestamp> {
    let b = s.as_bytes();
    // Shape check first: jiff is more lenient than AWS (it accepts lowercase `t`/`z` and
    // a space separator).
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if !(b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19))
    {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    match &b[i..] {
        [b'Z'] => {}
        [b'+' | b'-', h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {}
        _ => return None,
    }
    s.parse::<jiff::Timestamp>().ok()
}

/// Whether `s` is a valid ASL timestamp.
pub fn is_valid(s: &str) -> bool {
    parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asl_wt_05_accepted_forms() {
        for s in [
            "2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.000Z",
            "2016-03-14T01:59:00.123456789Z",
            "2016-03-14T01:59:00+02:00",
            "2016-03-14T01:59:00-07:30",
        ] {
            assert!(is_valid(s), "{s}");
        }
    }

    #[test]
    fn asl_wt_05_rejected_forms() {
        for s in [
            "2016-12-05T21:29:29",
            "2016-12-05 21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29:29.Z",
            "",
            "2016-12-05T21:29:29+0200",
        ] {
            assert!(!is_valid(s), "{s}");
        }
    }
}
