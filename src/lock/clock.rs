//! RFC 3339 UTC timestamps (`2026-11-28T07:01:02Z`) for the lock's `when` and the day-two
//! commands' times.
//!
//! Owns the conversion between `SystemTime` and that one text form, through jiff (the date crate
//! `status` needs for time zones; it replaced the hand-written civil-date arithmetic). Must not
//! read the clock: callers pass the time, so tests are exact.

use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DDTHH:MM:SSZ`, whole seconds (a time before 1970 reads as the epoch).
pub fn format_rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() as i64;
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The inverse of `format_rfc3339`, also accepting fractional seconds (dropped: the lock's
/// times are whole seconds) and a numeric offset (other tools may write the record); None for
/// anything else, and for times before 1970.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    // RFC 3339 always has seconds; jiff's ISO 8601 parser would also take `07:01Z`.
    let b = text.as_bytes();
    if b.len() < 20 || b.get(16) != Some(&b':') {
        return None;
    }
    let t: jiff::Timestamp = text.parse().ok()?;
    let whole = jiff::Timestamp::from_second(t.as_second()).ok()?;
    (whole >= jiff::Timestamp::UNIX_EPOCH).then(|| SystemTime::from(whole))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_and_parses_utc_seconds() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_849_262);
        assert_eq!(format_rfc3339(t), "2026-11-28T07:01:02Z");
        assert_eq!(parse_rfc3339("2026-11-28T07:01:02Z"), Some(t));
        assert_eq!(format_rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // Leap day, fractional seconds, offsets.
        let leap = parse_rfc3339("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(format_rfc3339(leap), "2024-02-29T23:59:59Z");
        assert_eq!(parse_rfc3339("2026-11-28T07:01:02.123456Z"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-28T08:01:02+01:00"), Some(t));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-28 07:01Z",
            "2026-11-28T07:01:02",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
