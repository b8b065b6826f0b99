//! Schedule expressions as EventBridge Scheduler takes them: `cron(…)` with six fields and
//! `rate(N unit)`.
//!
//! Owns the syntax rules, so a typo fails at validate time with the field named. Must not
//! compute run times (`next_run` does, with these field tables). Reference:
//! https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html

/// A problem with an expression: the message and an optional hint.
pub type ScheduleError = (String, Option<String>);

pub fn check(expr: &str) -> Result<(), ScheduleError> {
    let e = expr.trim();
    if let Some(body) = e.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        return check_cron(body);
    }
    if let Some(body) = e.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        return check_rate(body);
    }
    Err((
        format!("schedule `{expr}` is neither `cron(…)` nor `rate(…)`"),
        Some("for example `cron(0 3 * * ? *)` or `rate(15 minutes)`".to_string()),
    ))
}

fn check_rate(body: &str) -> Result<(), ScheduleError> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    let bad = || {
        (
            format!("rate `rate({body})` must be `rate(N unit)`"),
            Some("unit is minute(s), hour(s) or day(s), for example `rate(5 minutes)`".to_string()),
        )
    };
    let [n, unit] = parts[..] else {
        return Err(bad());
    };
    let n: u64 = n.parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
    let singular = match unit {
        "minute" | "hour" | "day" => true,
        "minutes" | "hours" | "days" => false,
        _ => return Err(bad()),
    };
    match (n == 1, singular) {
        (true, false) => Err((
            format!("rate `rate({body})` must use the singular unit"),
            Some(format!("write `rate(1 {})`", unit.trim_end_matches('s'))),
        )),
        (false, true) => Err((
            format!("rate `rate({body})` must use the plural unit"),
            Some(format!("write `rate({n} {unit}s)`")),
        )),
        _ => Ok(()),
    }
}

pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) min: u32,
    pub(super) max: u32,
    pub(super) names: &'static [&'static str],
}

pub(super) const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
pub(super) const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

pub(super) const FIELDS: [Field; 6] = [
    Field {
        name: "minutes",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hours",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Field {
        name: "day-of-week",
        min: 1,
        max: 7,
        names: DAYS,
    },
    Field {
        name: "year",
        min: 1970,
        max: 2199,
        names: &[],
    },
];

fn check_cron(body: &str) -> Result<(), ScheduleError> {
    let fields: Vec<&str> = body.split_whitespace().collect();
    if fields.len() != 6 {
        return Err((
            format!("cron `cron({body})` has {} fields; EventBridge needs 6", fields.len()),
            Some("minutes hours day-of-month month day-of-week year, for example `cron(0 3 * * ? *)`".to_string()),
        ));
    }
    let (dom, dow) = (fields[2] == "?", fields[4] == "?");
    if dom == dow {
        return Err((
            format!(
                "cron `cron({body})` must have `?` in exactly one of day-of-month and day-of-week"
            ),
            Some(
                "for example `cron(0 3 * * ? *)` (every day) or `cron(0 3 ? * MON *)` (Mondays)"
                    .to_string(),
            ),
        ));
    }
    for (field, text) in FIELDS.iter().zip(&fields) {
        if *text != "?" {
            check_field(field, text).map_err(|m| (m, None))?;
        }
    }
    Ok(())
}

fn check_field(field: &Field, text: &str) -> Result<(), String> {
    text.split(',').try_for_each(|item| check_item(field, item))
}

fn check_item(field: &Field, item: &str) -> Result<(), String> {
    let bad = || format!("cron {} `{item}` is not valid", field.name);
    if field.name == "day-of-month"
        && (item == "L"
            || item == "LW"
            || item
                .strip_suffix('W')
                .is_some_and(|d| value(field, d).is_ok()))
    {
        return Ok(());
    }
    if field.name == "day-of-week" {
        if item == "L"
            || item
                .strip_suffix('L')
                .is_some_and(|d| value(field, d).is_ok())
        {
            return Ok(());
        }
        if let Some((day, nth)) = item.split_once('#') {
            let nth_ok = matches!(nth, "1" | "2" | "3" | "4" | "5");
            return if value(field, day).is_ok() && nth_ok {
                Ok(())
            } else {
                Err(bad())
            };
        }
    }
    let (range, step) = match item.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (item, None),
    };
    if let Some(step) = step {
        step.parse::<u32>()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(bad)?;
    }
    if range == "*" {
        return Ok(());
    }
    match range.split_once('-') {
        Some((a, b)) => {
            value(field, a)?;
            value(field, b)?;
            Ok(())
        }
        None => value(field, range).map(|_| ()),
    }
}

pub(super) fn value(field: &Field, text: &str) -> Result<u32, String> {
    if let Some(i) = field
        .names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text))
    {
        return Ok(field.min + i as u32);
    }
    let range = format!(
        "cron {} `{text}` is out of range {}-{}",
        field.name, field.min, field.max
    );
    let n: u32 = text
        .parse()
        .map_err(|_| format!("cron {} `{text}` is not valid", field.name))?;
    if (field.min..=field.max).contains(&n) {
        Ok(n)
    } else {
        Err(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_expressions() {
        let cases: &[(&str, Option<&str>)] = &[
            ("cron(0 3 * * ? *)", None),
            ("cron(0/15 8-18 ? * MON-FRI *)", None),
            ("cron(0 12 L * ? 2030)", None),
            ("cron(0 12 15W * ? *)", None),
            ("cron(0 9 ? * 2#1 *)", None),
            ("cron(0 9 ? * 6L *)", None),
            ("cron(0,30 * ? JAN,JUL SUN *)", None),
            ("rate(1 minute)", None),
            ("rate(5 minutes)", None),
            ("rate(12 hours)", None),
            ("rate(1 day)", None),
            (
                "cron(0 3 * * *)",
                Some("cron `cron(0 3 * * *)` has 5 fields; EventBridge needs 6"),
            ),
            (
                "cron(0 3 * * * *)",
                Some(
                    "cron `cron(0 3 * * * *)` must have `?` in exactly one of day-of-month and day-of-week",
                ),
            ),
            (
                "cron(0 3 ? * ? *)",
                Some(
                    "cron `cron(0 3 ? * ? *)` must have `?` in exactly one of day-of-month and day-of-week",
                ),
            ),
            (
                "cron(60 3 * * ? *)",
                Some("cron minutes `60` is out of range 0-59"),
            ),
            (
                "cron(0 24 * * ? *)",
                Some("cron hours `24` is out of range 0-23"),
            ),
            (
                "cron(0 3 32 * ? *)",
                Some("cron day-of-month `32` is out of range 1-31"),
            ),
            (
                "cron(0 3 ? 13 * *)",
                Some("cron month `13` is out of range 1-12"),
            ),
            (
                "cron(0 3 ? * 8 *)",
                Some("cron day-of-week `8` is out of range 1-7"),
            ),
            (
                "cron(0 3 ? * FUN *)",
                Some("cron day-of-week `FUN` is not valid"),
            ),
            (
                "cron(0 3 * * ? 1969)",
                Some("cron year `1969` is out of range 1970-2199"),
            ),
            (
                "cron(*/0 3 * * ? *)",
                Some("cron minutes `*/0` is not valid"),
            ),
            (
                "rate(1 minutes)",
                Some("rate `rate(1 minutes)` must use the singular unit"),
            ),
            (
                "rate(5 minute)",
                Some("rate `rate(5 minute)` must use the plural unit"),
            ),
            (
                "rate(0 minutes)",
                Some("rate `rate(0 minutes)` must be `rate(N unit)`"),
            ),
            (
                "rate(5 weeks)",
                Some("rate `rate(5 weeks)` must be `rate(N unit)`"),
            ),
            (
                "every 5 minutes",
                Some("schedule `every 5 minutes` is neither `cron(…)` nor `rate(…)`"),
            ),
        ];
        for (expr, want) in cases {
            assert_eq!(check(expr).err().map(|e| e.0).as_deref(), *want, "{expr}");
        }
    }

    #[test]
    fn hints() {
        assert_eq!(
            check("rate(1 hours)").unwrap_err().1.as_deref(),
            Some("write `rate(1 hour)`")
        );
        assert_eq!(
            check("rate(2 day)").unwrap_err().1.as_deref(),
            Some("write `rate(2 days)`")
        );
    }
}
