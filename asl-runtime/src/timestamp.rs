//! ASL timestamps at run time: parsing is the front end's (one judge for compile time and run
//! time); formatting for the context object (ASL-CTX-05, ASL-SUB-52) lives here.

pub use asl_syntax::timestamp::{is_valid, parse};
use jiff::Timestamp;
use jiff::tz::Offset;

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
