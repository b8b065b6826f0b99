//! Duration flags (`--timeout`, `--lock-timeout`): `90s`, `15m`, `1h30m` or plain seconds,
//! parsed by clap so a bad value is a usage error before anything runs.
//!
//! Owns the syntax and the range: at most `MAX` (a week), because the value is added to the
//! clock (`Instant + Duration` panics on overflow: `--timeout 18446744073709551615` used to).
//! Must not know what the flags wait for: `args.rs` picks the parser per flag.

use std::time::Duration;

/// The longest wait any flag accepts.
pub const MAX: Duration = Duration::from_secs(7 * 24 * 3600);

/// A duration from 0 (`--lock-timeout 0` fails at once) up to `MAX`.
pub fn any(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    if d > MAX {
        return Err(format!(
            "`{text}` is longer than the limit of {}h (a week)",
            MAX.as_secs() / 3600
        ));
    }
    Ok(d)
}

/// A duration from 1s up to `MAX`, for apply's `--timeout`: waiting 0s for a rollout cannot
/// succeed. (`run --wait --timeout 0` is allowed: it reports the tasks' state at once.)
pub fn positive(text: &str) -> Result<Duration, String> {
    let d = any(text)?;
    if d.is_zero() {
        return Err(format!(
            "`{text}` waits for nothing; give at least `1s` (`--no-wait` does not wait)"
        ));
    }
    Ok(d)
}

fn parse(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration (e.g. `90s`, `15m`, `1h30m`)");
    let too_long = || {
        format!(
            "`{text}` is longer than the limit of {}h (a week)",
            MAX.as_secs() / 3600
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| too_long());
    }
    let (mut total, mut num) = (0u64, String::new());
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        if num.is_empty() {
            return Err(bad());
        }
        let n: u64 = num.parse().map_err(|_| too_long())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(too_long)?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(any("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(any("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(any("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(any("45"), Ok(Duration::from_secs(45)));
        assert_eq!(any("0"), Ok(Duration::ZERO));
        assert_eq!(any("168h"), Ok(MAX));
        for bad in ["5x", "m", "", "1h5", "-5", "1.5h"] {
            assert!(any(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            any("5x").unwrap_err(),
            "`5x` is not a duration (e.g. `90s`, `15m`, `1h30m`)"
        );
    }

    /// `--timeout 18446744073709551615` panicked with an overflow when added to the clock.
    #[test]
    fn huge_durations_are_refused_not_overflowed() {
        for huge in [
            "18446744073709551615",
            "99999999999999999999999",
            "5124095576030431h",
            "18446744073709551615s1s",
            "169h",
            "604801",
        ] {
            assert_eq!(
                any(huge).unwrap_err(),
                format!("`{huge}` is longer than the limit of 168h (a week)")
            );
        }
    }

    #[test]
    fn zero_is_refused_where_it_cannot_succeed() {
        assert_eq!(
            positive("0s").unwrap_err(),
            "`0s` waits for nothing; give at least `1s` (`--no-wait` does not wait)"
        );
        assert_eq!(positive("1s"), Ok(Duration::from_secs(1)));
    }
}
