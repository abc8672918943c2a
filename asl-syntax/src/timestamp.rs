//! ASL timestamps (ASL-WT-05, ASL-SUB-34, ASL-SUB-37). Used at compile time for literal
//! `Timestamp` fields and Choice operands, and by the runtime for values read from data, so
//! both judge a string the same way.
//!
//! Accepted profile (RFC 3339 as the ASL spec states it): `YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)`
//! with an uppercase `T` and `Z`, any number of fraction digits (digits beyond nanoseconds are
//! truncated) and numeric offsets up to ±23:59. Everything else is rejected: a missing zone
//! (`2016-12-05T21:29:29`), a space separator, hour 25, month 13, day-first dates
//! (`05-12-2016T…`), lowercase `t`/`z`, leap second `60`.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;

/// Parses an ASL timestamp; `None` when the text is not in the accepted profile or names a
/// date/time that does not exist (`2016-02-30`).
pub fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let year = digits(b, 0, 4)?;
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    let mut i = 19;
    let mut nanos: i32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000_000;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            nanos += i32::from(c - b'0') * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_seconds = match b.get(i)? {
        b'Z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() => {
            if b[i + 3] != b':' {
                return None;
            }
            let h = digits(b, i + 1, 2)?;
            let m = digits(b, i + 4, 2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let date = Date::new(i16::try_from(year).ok()?, month as i8, day as i8).ok()?;
    let time = Time::new(hour as i8, minute as i8, second as i8, nanos).ok()?;
    let offset = Offset::from_seconds(offset_seconds).ok()?;
    offset.to_timestamp(DateTime::from_parts(date, time)).ok()
}

/// `n` ASCII digits at `at` as a number (at most 4 digits, so no overflow).
fn digits(b: &[u8], at: usize, n: usize) -> Option<i32> {
    let mut v = 0i32;
    for k in 0..n {
        let c = *b.get(at + k)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i32::from(c - b'0');
    }
    Some(v)
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
