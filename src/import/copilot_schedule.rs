//! Copilot's numbers that need converting: a Scheduled Job's `on.schedule` to an EventBridge
//! expression, a service's `count` to `count`, `capacity` and `autoscaling`, and Go durations
//! (`10s`, `1h30m`) to seconds.
//!
//! Owns those conversions, following Copilot's own (internal/pkg/deploy/cloudformation/stack/
//! scheduled_job.go `awsSchedule`, transformers.go `convertCapacityProviders`). Must not read
//! other fields. The spec's rules for the result: docs/spec.md "scheduledTasks" (six-field
//! cron with `?` in one day field, `rate(N unit)` singular for 1) and "capacity".

use serde_json::Value;

use super::workload::Here;
use crate::import::doc::Map;
use crate::import::translation::Translation;

/// A Go duration (`30s`, `2m`, `1h30m`, or a bare number of seconds) in whole seconds.
pub(crate) fn seconds(v: &Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let s = v.as_str()?.trim();
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = std::mem::take(&mut num).parse().ok()?;
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                0.001
            }
            ('h', _) => 3600.0,
            ('m', _) => 60.0,
            ('s', _) => 1.0,
            _ => return None,
        };
        total += n * unit;
    }
    if !num.is_empty() {
        return None;
    }
    Some(total.round() as i64)
}

/// `on.schedule` as EventBridge takes it: Ok(None) for `none` (the job is not triggered).
pub(crate) fn expression(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    if s == "none" {
        return Ok(None);
    }
    if (s.starts_with("cron(") || s.starts_with("rate(")) && s.ends_with(')') {
        return Ok(Some(s.to_string()));
    }
    // Copilot's presets (scheduled_job.go `toFixedSchedule`; its docs' table gives `@yearly`
    // as `cron(0 * * * ? *)`, the code `0 0 1 1 ? *`, which is what ran).
    let fixed = match s {
        "@hourly" => Some("0 * * * ? *"),
        "@daily" | "@midnight" => Some("0 0 * * ? *"),
        "@weekly" => Some("0 0 ? * 1 *"),
        "@monthly" => Some("0 0 1 * ? *"),
        "@yearly" | "@annually" => Some("0 0 1 1 ? *"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Ok(Some(format!("cron({f})")));
    }
    if let Some(d) = s.strip_prefix("@every ") {
        return rate(d).map(Some);
    }
    cron5(s).map(Some)
}

/// `@every 1h30m` as a rate in the largest whole unit.
fn rate(d: &str) -> Result<String, String> {
    let secs = seconds(&Value::String(d.to_string()))
        .filter(|s| *s >= 60 && s % 60 == 0)
        .ok_or_else(|| format!("`@every {d}` is not a whole number of minutes"))?;
    let minutes = secs / 60;
    let (n, unit) = if minutes % 1440 == 0 {
        (minutes / 1440, "day")
    } else if minutes % 60 == 0 {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    Ok(format!("rate({n} {unit}{})", if n == 1 { "" } else { "s" }))
}

/// A five-field cron as EventBridge's six: `?` in the day field left open, days of the week
/// counted from 1 (SUN) instead of 0, and every year. Copilot adds 1 to each digit of the
/// day-of-week field, which turns cron's `7` (Sunday) into an invalid `8`; 0 and 7 are both
/// `1` here.
fn cron5(s: &str) -> Result<String, String> {
    let f: Vec<&str> = s.split_whitespace().collect();
    let [min, hour, dom, month, dow] = f[..] else {
        return Err(format!(
            "`{s}` is neither a preset, `@every`, nor a cron expression of five fields"
        ));
    };
    let open = |x: &str| x == "*" || x == "?";
    let (dom, dow) = match (open(dom), open(dow)) {
        (true, true) => ("*".to_string(), "?".to_string()),
        (true, false) => ("?".to_string(), day_of_week(dow)),
        (false, true) => (dom.to_string(), "?".to_string()),
        (false, false) => {
            return Err(format!(
                "`{s}` sets both the day of the month and the day of the week, which EventBridge cannot"
            ));
        }
    };
    Ok(format!("cron({min} {hour} {dom} {month} {dow} *)"))
}

/// cron's 0–7 (0 and 7 Sunday) as EventBridge's 1–7 (1 Sunday); names and `/N` steps kept.
fn day_of_week(f: &str) -> String {
    let mut out = String::new();
    let mut num = String::new();
    let mut after_slash = false;
    let flush = |num: &mut String, out: &mut String, step: bool| {
        if num.is_empty() {
            return;
        }
        let n: u32 = num.parse().unwrap_or(0);
        let v = if step { n } else { n % 7 + 1 };
        out.push_str(&v.to_string());
        num.clear();
    };
    for c in f.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        flush(&mut num, &mut out, after_slash);
        after_slash = c == '/' || c == '#';
        out.push(c);
    }
    flush(&mut num, &mut out, after_slash);
    out
}

/// A Scheduled Job's `on.schedule`.
pub(crate) fn job(here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let Some(s) = m.pointer("/on/schedule").and_then(Value::as_str) else {
        here.note(t, "the job has no `on.schedule`: written without one, so it runs only on demand (`ecsctl run`)");
        return;
    };
    match expression(s) {
        Ok(Some(e)) => {
            out.insert("schedule", e);
        }
        Ok(None) => here.note(t, "`on.schedule: none` (never triggered): written without a schedule, so it runs only on demand (`ecsctl run`)"),
        Err(why) => here.note(t, format!("`on.schedule` is not translated: {why}")),
    }
}

/// `count`: a number; `{spot: N}` (N tasks, all on Spot); or autoscaling with `range`,
/// cooldowns and targets. `range.spot_from: N` keeps the first N−1 tasks on on-demand Fargate
/// and places the rest on Spot (lb-web-service.en.md, `count.range.spot_from`), which
/// Copilot writes as FARGATE base N−1 weight 0 and FARGATE_SPOT weight 1 (transformers.go).
pub(crate) fn count(here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let Some(c) = m.get("count") else { return };
    if let Some(n) = c.as_i64() {
        out.insert("count", n);
        return;
    }
    if let Some(n) = c.get("spot").and_then(Value::as_i64) {
        out.insert("count", n).insert("capacity", "spot");
        return;
    }
    let mut a = Map::new();
    let range = c.get("range");
    let (min, max, spot_from) = match range {
        Some(Value::String(r)) => {
            let (lo, hi) = r.split_once('-').unwrap_or((r, r));
            (
                lo.trim().parse::<i64>().ok(),
                hi.trim().parse::<i64>().ok(),
                None,
            )
        }
        Some(r) => (
            r.get("min").and_then(Value::as_i64),
            r.get("max").and_then(Value::as_i64),
            r.get("spot_from").and_then(Value::as_i64),
        ),
        None => (None, None, None),
    };
    a.insert_some("min", min).insert_some("max", max);
    if let Some(from) = spot_from {
        out.insert("capacity", spot_capacity(from, min.unwrap_or(1)));
    }
    targets(here, c, &mut a, t);
    if !a.is_empty() {
        out.insert("autoscaling", a);
    }
}

/// The capacity `spot_from: N` gives: Copilot keeps N−1 tasks on on-demand Fargate only when
/// N is at least `min`; otherwise (and for N = 1) every task is on Spot.
fn spot_capacity(from: i64, min: i64) -> crate::import::doc::Node {
    let base = from - 1;
    if from < min || base <= 0 {
        return "spot".into();
    }
    let mut mix = Map::new();
    mix.insert("base", base)
        .insert("onDemandWeight", 0)
        .insert("spotWeight", 1);
    mix.into()
}

/// `cpu_percentage`, `memory_percentage`, `cooldown`; notes for the targets the spec lacks.
fn targets(here: &Here, c: &Value, a: &mut Map, t: &mut Translation) {
    let value = |v: &Value| {
        v.as_f64()
            .or_else(|| v.get("value").and_then(Value::as_f64))
    };
    for (from, to) in [("cpu_percentage", "cpu"), ("memory_percentage", "memory")] {
        if let Some(v) = c.get(from).and_then(value) {
            if v.fract() == 0.0 {
                a.insert(to, v as i64);
            } else {
                a.insert(to, crate::import::doc::Node::Num(v));
            }
            if c.get(from).and_then(|v| v.get("cooldown")).is_some() {
                here.note(t, format!("`count.{from}.cooldown` is not translated: ecsctl's cooldowns are the service's (`scaleInCooldown`, `scaleOutCooldown`)"));
            }
        }
    }
    if let Some(cd) = c.get("cooldown") {
        a.insert_some("scaleInCooldown", cd.get("in").and_then(seconds));
        a.insert_some("scaleOutCooldown", cd.get("out").and_then(seconds));
    }
    let notes = [
        (
            "requests",
            "`count.requests` (ALB requests per task) is not translated: it needs the load balancer, which ecsctl does not create; with one, write `autoscaling.requestsPerTarget` and `loadBalancers` with `loadBalancerArn`",
        ),
        (
            "response_time",
            "`count.response_time` is not translated: ecsctl has no response-time target; `autoscaling.customMetric` on the target group's `TargetResponseTime` comes closest",
        ),
        (
            "queue_delay",
            "`count.queue_delay` is not translated: it scales on the queue Copilot creates; with a queue of your own, write `autoscaling.sqsQueue`",
        ),
    ];
    for (key, text) in notes {
        if c.get(key).is_some() {
            here.note(t, text);
        }
    }
}
