//! ASL timestamps (ASL-WT-05, ASL-SUB-34, ASL-SUB-37, ASL-SUB-52, ASL-CTX-05).
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

/// The context-object form of an instant (ASL-CTX-05, ASL-SUB-52): UTC, millisecond precision,
/// trailing fractional zeros dropped (`2024-01-01T00:00:13.19Z`, `2024-01-01T00:00:13Z`).
pub fn format_context(ts: Timestamp) -> String {
    let dt = Offset::UTC.to_datetime(ts);
    let ms = dt.subsec_nanosecond() / 1_000_000;
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if ms != 0 {
        let frac = format!("{ms:03}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> (i64, i32) {
        let t = parse(s).unwrap_or_else(|| panic!("{s} should parse"));
        (t.as_second(), t.subsec_nanosecond())
    }

    #[test]
    fn timestamp_accepts_rfc3339_profile_asl_wt_05() {
        // 2016-03-14T01:59:00Z = 1457920740
        assert_eq!(secs("2016-03-14T01:59:00Z"), (1_457_920_740, 0));
        assert_eq!(secs("2016-03-14T01:59:00.000Z"), (1_457_920_740, 0));
        assert_eq!(secs("2016-03-14T02:59:00+01:00"), (1_457_920_740, 0));
        assert_eq!(secs("2016-03-13T20:29:00-05:30"), (1_457_920_740, 0));
        // fraction of any length (ASL-SUB-52); digits past nanoseconds are truncated
        assert_eq!(secs("2016-03-05T21:29:29.243167252Z").1, 243_167_252);
        assert_eq!(secs("2016-03-05T21:29:29.1Z").1, 100_000_000);
        assert_eq!(secs("2016-03-05T21:29:29.1234567891234Z").1, 123_456_789);
        assert!(parse("2016-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn timestamp_rejects_invalid_forms_asl_wt_05() {
        for bad in [
            "2016-12-05T21:29:29",
            "2016-12-05 21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29:60Z",
            "2015-02-29T00:00:00Z",
            "2016-12-05T21:29:29.Z",
            "2016-12-05T21:29Z",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:29+24:00",
            "2016-12-05T21:29:29Z ",
            " 2016-12-05T21:29:29Z",
            "2023-02-24",
            "",
            "2016-12-05T21:29:29+01:00:00",
        ] {
            assert!(parse(bad).is_none(), "{bad} should be rejected");
        }
    }

    #[test]
    fn timestamp_instant_comparison_ignores_offset_and_fraction_asl_sub_34() {
        assert_eq!(
            parse("2012-10-09T19:00:55Z"),
            parse("2012-10-09T20:00:55+01:00")
        );
        assert_eq!(
            parse("2012-10-09T19:00:55Z"),
            parse("2012-10-09T19:00:55.000000Z")
        );
        assert!(parse("2012-10-09T19:00:55Z") < parse("2012-10-09T19:00:55.001Z"));
    }

    #[test]
    fn timestamp_context_format_asl_ctx_05() {
        let t = parse("2024-01-01T00:00:13.190Z").unwrap();
        assert_eq!(format_context(t), "2024-01-01T00:00:13.19Z");
        let t = parse("2024-01-01T00:00:13Z").unwrap();
        assert_eq!(format_context(t), "2024-01-01T00:00:13Z");
        let t = parse("2024-01-01T00:00:13.0009Z").unwrap();
        assert_eq!(format_context(t), "2024-01-01T00:00:13Z");
        let t = parse("2024-01-01T00:00:13.0019Z").unwrap();
        assert_eq!(format_context(t), "2024-01-01T00:00:13.001Z");
        let t = parse("2024-01-01T01:00:13.5+01:00").unwrap();
        assert_eq!(format_context(t), "2024-01-01T00:00:13.5Z");
    }
}
