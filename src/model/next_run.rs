//! When a scheduled job runs next: EventBridge Scheduler's `cron(…)` (six fields, with `L`,
//! `W` and `#`) and `rate(N unit)`, in the schedule's IANA time zone, within its start and end
//! dates.
//!
//! Owns the run-time arithmetic `ecsctl status` shows. Reuses `schedule`'s field tables (the
//! syntax lives there) and must stay pure: the caller passes "now" and what Scheduler reported.
//! Semantics from https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html:
//! day-of-week 1 is Sunday; `L` is the last day (of the month, or `5L` the last Thursday);
//! `15W` the weekday nearest the 15th within the month, `LW` the last weekday; `2#1` the
//! first Monday. A local time that a daylight-saving change skips is taken as the first
//! moment after the gap, and one it repeats as its first occurrence (jiff's "compatible"
//! rule). A flexible window can delay each run by up to its width; this is the window's start.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::schedule::{FIELDS, Field, value};

/// What Scheduler reported about a schedule, as far as its next run depends on it.
#[derive(Clone, Debug)]
pub struct ScheduleTimes<'a> {
    pub expression: &'a str,
    /// IANA name; `UTC` when Scheduler reported none.
    pub timezone: &'a str,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// A rate schedule without a start date counts from its creation.
    pub created: Option<Timestamp>,
}

/// The first run strictly after `now`, or None (no further run before the end date or the
/// cron's last year, an unknown time zone, or an expression `schedule::check` refuses).
pub fn next_run(s: &ScheduleTimes, now: Timestamp) -> Option<Timestamp> {
    let after = match s.start {
        // A run exactly at the start date is due: look from just before it.
        Some(start) if start > now => start - SignedDuration::from_nanos(1),
        _ => now,
    };
    let e = s.expression.trim();
    let next = if let Some(body) = e.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        let tz = TimeZone::get(s.timezone).ok()?;
        Cron::parse(body)?.next_after(after, &tz)?
    } else if let Some(body) = e.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let anchor = s.start.or(s.created)?;
        next_rate(rate_period(body)?, anchor, after)
    } else {
        return None;
    };
    match s.end {
        Some(end) if next > end => None,
        _ => Some(next),
    }
}

/// The first `anchor + k × period` (k ≥ 0) after `after`: a start date in the future is the
/// first run ("invocations might occur on, or after, the StartDate", CreateSchedule).
fn next_rate(period: SignedDuration, anchor: Timestamp, after: Timestamp) -> Timestamp {
    let step = period.as_secs().max(1);
    if after < anchor {
        return anchor;
    }
    let k = (after.as_second() - anchor.as_second()) / step + 1;
    Timestamp::from_second(anchor.as_second() + k * step).unwrap_or(Timestamp::MAX)
}

fn rate_period(body: &str) -> Option<SignedDuration> {
    let mut parts = body.split_whitespace();
    let n: i64 = parts.next()?.parse().ok()?;
    let unit = match parts.next()? {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    (n > 0).then(|| SignedDuration::from_secs(n * unit))
}

/// A parsed cron: the allowed values of each plain field, and the day rules.
struct Cron {
    minutes: Vec<u32>,
    hours: Vec<u32>,
    months: Vec<u32>,
    years: Vec<u32>,
    days: DayRule,
}

enum DayRule {
    /// Day-of-month items (`?` in day-of-week).
    Month(Vec<DomItem>),
    /// Day-of-week items (`?` in day-of-month).
    Week(Vec<DowItem>),
}

enum DomItem {
    Days(Vec<u32>),
    Last,
    LastWeekday,
    NearestWeekday(u32),
}

enum DowItem {
    /// 1 = Sunday … 7 = Saturday.
    Days(Vec<u32>),
    /// The last such weekday of the month (`6L`; a bare `L` is Saturday).
    Last(u32),
    /// The nth such weekday of the month (`2#1`).
    Nth(u32, u32),
}

impl Cron {
    fn parse(body: &str) -> Option<Cron> {
        let f: Vec<&str> = body.split_whitespace().collect();
        if f.len() != 6 || super::schedule::check(&format!("cron({body})")).is_err() {
            return None;
        }
        let days = if f[2] == "?" {
            DayRule::Week(f[4].split(',').map(dow_item).collect::<Option<_>>()?)
        } else {
            DayRule::Month(f[2].split(',').map(dom_item).collect::<Option<_>>()?)
        };
        Some(Cron {
            minutes: values(&FIELDS[0], f[0])?,
            hours: values(&FIELDS[1], f[1])?,
            months: values(&FIELDS[3], f[3])?,
            years: values(&FIELDS[5], f[5])?,
            days,
        })
    }

    fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let mut day = after.to_zoned(tz.clone()).date();
        let last = Date::new(i16::try_from(*self.years.last()?).ok()?, 12, 31).ok()?;
        while day <= last {
            if self.day_matches(day) {
                for &h in &self.hours {
                    for &m in &self.minutes {
                        let local = DateTime::new(
                            day.year(),
                            day.month(),
                            day.day(),
                            i8::try_from(h).ok()?,
                            i8::try_from(m).ok()?,
                            0,
                            0,
                        )
                        .ok()?;
                        let at = local.to_zoned(tz.clone()).ok()?.timestamp();
                        if at > after {
                            return Some(at);
                        }
                    }
                }
            }
            day = day.tomorrow().ok()?;
        }
        None
    }

    fn day_matches(&self, d: Date) -> bool {
        let (y, m) = (d.year() as u32, d.month() as u32);
        if !self.years.contains(&y) || !self.months.contains(&m) {
            return false;
        }
        match &self.days {
            DayRule::Month(items) => items.iter().any(|i| dom_matches(i, d)),
            DayRule::Week(items) => items.iter().any(|i| dow_matches(i, d)),
        }
    }
}

/// Every value an item list allows: `*`, `a`, `a-b`, with `/step` (`0/15`, `*/5`, `8-18/2`).
fn values(field: &Field, text: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (item, 1),
        };
        let (lo, hi) = match (range, range.split_once('-')) {
            ("*", _) => (field.min, field.max),
            (_, Some((a, b))) => (value(field, a).ok()?, value(field, b).ok()?),
            // `a/step` runs from a to the field's end; a bare `a` is just a.
            (a, None) if step > 1 || item.contains('/') => (value(field, a).ok()?, field.max),
            (a, None) => {
                let v = value(field, a).ok()?;
                (v, v)
            }
        };
        out.extend((lo..=hi).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

fn dom_item(item: &str) -> Option<DomItem> {
    let field = &FIELDS[2];
    Some(match item {
        "L" => DomItem::Last,
        "LW" => DomItem::LastWeekday,
        _ => match item.strip_suffix('W') {
            Some(d) => DomItem::NearestWeekday(value(field, d).ok()?),
            None => DomItem::Days(values(field, item)?),
        },
    })
}

fn dow_item(item: &str) -> Option<DowItem> {
    let field = &FIELDS[4];
    if item == "L" {
        return Some(DowItem::Last(7));
    }
    if let Some(d) = item.strip_suffix('L') {
        return Some(DowItem::Last(value(field, d).ok()?));
    }
    if let Some((d, n)) = item.split_once('#') {
        return Some(DowItem::Nth(value(field, d).ok()?, n.parse().ok()?));
    }
    Some(DowItem::Days(values(field, item)?))
}

/// 1 = Sunday … 7 = Saturday, as EventBridge numbers days of the week.
fn dow_number(d: Date) -> u32 {
    d.weekday().to_sunday_one_offset() as u32
}

fn is_weekday(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn dom_matches(item: &DomItem, d: Date) -> bool {
    let last = d.last_of_month();
    match item {
        DomItem::Days(days) => days.contains(&(d.day() as u32)),
        DomItem::Last => d == last,
        DomItem::LastWeekday => {
            let mut w = last;
            while !is_weekday(w) {
                w = w.yesterday().unwrap_or(w);
            }
            d == w
        }
        DomItem::NearestWeekday(n) => nearest_weekday(d, *n) == Some(d),
    }
}

/// The weekday nearest the `n`th of `d`'s month, without leaving the month (Quartz's `W`).
fn nearest_weekday(d: Date, n: u32) -> Option<Date> {
    let target = d
        .first_of_month()
        .checked_add(jiff::Span::new().days(i64::from(n) - 1))
        .ok()?;
    if target.month() != d.month() {
        return None;
    }
    if is_weekday(target) {
        return Some(target);
    }
    let (before, after) = (target.yesterday().ok()?, target.tomorrow().ok()?);
    let saturday = target.weekday() == Weekday::Saturday;
    let (first, second) = if saturday {
        (before, target.checked_add(jiff::Span::new().days(2)).ok()?)
    } else {
        (after, before.yesterday().ok()?)
    };
    [first, second]
        .into_iter()
        .find(|c| c.month() == d.month() && is_weekday(*c))
}

fn dow_matches(item: &DowItem, d: Date) -> bool {
    let n = dow_number(d);
    match item {
        DowItem::Days(days) => days.contains(&n),
        DowItem::Last(day) => {
            *day == n
                && d.checked_add(jiff::Span::new().days(7))
                    .is_ok_and(|w| w.month() != d.month())
        }
        DowItem::Nth(day, nth) => *day == n && (d.day() as u32 - 1) / 7 + 1 == *nth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn next(expr: &str, tz: &str, now: &str) -> Option<String> {
        let s = ScheduleTimes {
            expression: expr,
            timezone: tz,
            start: None,
            end: None,
            created: Some(at("2026-01-01T00:00:00Z")),
        };
        next_run(&s, at(now)).map(|t| t.to_string())
    }

    #[test]
    fn cron_expressions_from_the_scheduler_guide() {
        let cases = [
            // every day at 03:00 UTC
            (
                "cron(0 3 * * ? *)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2026-11-29T03:00:00Z",
            ),
            // every 15 minutes, 8-18 on weekdays (2026-11-28 is a Saturday)
            (
                "cron(0/15 8-18 ? * MON-FRI *)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2026-11-30T08:00:00Z",
            ),
            (
                "cron(0/15 8-18 ? * MON-FRI *)",
                "UTC",
                "2026-11-30T08:07:00Z",
                "2026-11-30T08:15:00Z",
            ),
            // the last day of the month at noon, only in 2030
            (
                "cron(0 12 L * ? 2030)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2030-01-31T12:00:00Z",
            ),
            // the weekday nearest the 15th: 2026-11-15 is a Sunday, so Monday the 16th
            (
                "cron(0 12 15W * ? *)",
                "UTC",
                "2026-11-01T00:00:00Z",
                "2026-11-16T12:00:00Z",
            ),
            // the first Monday of the month (2 = MON)
            (
                "cron(0 9 ? * 2#1 *)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2026-12-07T09:00:00Z",
            ),
            // the last Friday (6 = FRI) of the month
            (
                "cron(0 9 ? * 6L *)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2026-12-25T09:00:00Z",
            ),
            // the last weekday of the month: 2027-01-31 is a Sunday
            (
                "cron(0 9 LW * ? *)",
                "UTC",
                "2027-01-02T00:00:00Z",
                "2027-01-29T09:00:00Z",
            ),
            // a named month list on Sundays
            (
                "cron(0,30 * ? JAN,JUL SUN *)",
                "UTC",
                "2026-11-28T17:00:00Z",
                "2027-01-03T00:00:00Z",
            ),
            // in a time zone: 02:00 in New York is 07:00 UTC in winter
            (
                "cron(0 2 * * ? *)",
                "America/New_York",
                "2026-11-28T17:00:00Z",
                "2026-11-29T07:00:00Z",
            ),
            // a past year never runs again
            ("cron(0 12 * * ? 2020)", "UTC", "2026-11-28T17:00:00Z", ""),
        ];
        for (expr, tz, now, want) in cases {
            let got = next(expr, tz, now).unwrap_or_default();
            assert_eq!(got, want, "{expr} in {tz} after {now}");
        }
    }

    /// 2027-03-14 02:30 does not exist in New York (clocks go from 02:00 to 03:00): the run is
    /// at the first moment after the gap, 03:30 EDT = 07:30 UTC.
    #[test]
    fn a_local_time_skipped_by_daylight_saving_runs_after_the_gap() {
        assert_eq!(
            next(
                "cron(30 2 14 MAR ? 2027)",
                "America/New_York",
                "2027-03-01T00:00:00Z"
            )
            .as_deref(),
            Some("2027-03-14T07:30:00Z")
        );
    }

    #[test]
    fn rate_counts_from_the_start_date_or_the_creation() {
        assert_eq!(
            next("rate(5 minutes)", "UTC", "2026-11-28T17:02:00Z").as_deref(),
            Some("2026-11-28T17:05:00Z")
        );
        assert_eq!(
            next("rate(1 day)", "UTC", "2026-11-28T17:02:00Z").as_deref(),
            Some("2026-11-29T00:00:00Z")
        );
        let s = ScheduleTimes {
            expression: "rate(2 hours)",
            timezone: "UTC",
            start: Some(at("2026-12-01T10:00:00Z")),
            end: None,
            created: Some(at("2026-01-01T00:00:00Z")),
        };
        // Before its start date, the first run is the start date.
        assert_eq!(
            next_run(&s, at("2026-11-28T17:00:00Z"))
                .unwrap()
                .to_string(),
            "2026-12-01T10:00:00Z"
        );
    }

    #[test]
    fn no_run_after_the_end_date_an_unknown_zone_or_a_bad_expression() {
        let s = ScheduleTimes {
            expression: "cron(0 3 * * ? *)",
            timezone: "UTC",
            start: None,
            end: Some(at("2026-11-29T02:00:00Z")),
            created: None,
        };
        assert_eq!(next_run(&s, at("2026-11-28T17:00:00Z")), None);
        assert_eq!(
            next("cron(0 3 * * ? *)", "Mars/Olympus", "2026-11-28T17:00:00Z"),
            None
        );
        assert_eq!(
            next("cron(0 3 * * * *)", "UTC", "2026-11-28T17:00:00Z"),
            None
        );
        assert_eq!(
            next("at(2027-01-01T00:00:00)", "UTC", "2026-11-28T17:00:00Z"),
            None
        );
    }
}
