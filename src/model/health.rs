//! Container health checks: the command in the form ECS takes, defaults and ECS's ranges.
//!
//! Owns interval 5–300 (default 30), timeout 2–60 (default 5), retries 1–10 (default 3) and
//! start period 0–300 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html).
//! Must not decide which container it belongs to.

use super::resources::HealthCheck;
use super::scope::Scope;
use crate::spec::raw::RawHealthCheck;
use crate::spec::raw_values::RawCommand;
use crate::spec::span::{Loc, Sp};

pub fn health_check(cx: &Scope, raw: &RawHealthCheck, at: &str, key: Loc) -> Option<HealthCheck> {
    let path = |f: &str| format!("{at}.healthCheck.{f}");
    let interval = ranged(
        cx,
        raw.interval.as_ref(),
        &path("interval"),
        "interval",
        5..=300,
        30,
    );
    let timeout = ranged(
        cx,
        raw.timeout.as_ref(),
        &path("timeout"),
        "timeout",
        2..=60,
        5,
    );
    let retries = ranged(
        cx,
        raw.retries.as_ref(),
        &path("retries"),
        "retries",
        1..=10,
        3,
    );
    let start_period = raw
        .start_period
        .as_ref()
        .map(|s| ranged(cx, Some(s), &path("startPeriod"), "startPeriod", 0..=300, 0));
    let Some(command) = &raw.command else {
        cx.error_hint(
            key,
            path("command"),
            "health check has no `command`",
            "for example `command: curl -f http://localhost:8080/health || exit 1`",
        );
        return None;
    };
    let command = command_of(cx, command, &path("command"))?;
    Some(HealthCheck {
        command,
        interval,
        timeout,
        retries,
        start_period,
    })
}

fn ranged(
    cx: &Scope,
    value: Option<&Sp<u32>>,
    path: &str,
    what: &str,
    range: std::ops::RangeInclusive<u32>,
    default: u32,
) -> u32 {
    let Some(v) = value else { return default };
    if !range.contains(&v.value) {
        let message = format!(
            "health check {what} `{}` is out of range {}-{}",
            v.value,
            range.start(),
            range.end()
        );
        cx.error(v.loc, path, message);
    }
    v.value
}

/// A string runs with `CMD-SHELL`; a list is exec form, `CMD` added unless written.
fn command_of(cx: &Scope, command: &Sp<RawCommand>, path: &str) -> Option<Vec<String>> {
    let text = |s: &String| cx.text(&Sp::new(s.clone(), command.loc), path);
    match &command.value {
        RawCommand::Shell(s) => Some(vec!["CMD-SHELL".to_string(), text(s)?]),
        RawCommand::Exec(parts) if parts.is_empty() => {
            cx.error(command.loc, path, "health check command is empty");
            None
        }
        RawCommand::Exec(parts) => {
            let mut out: Vec<String> = parts.iter().map(text).collect::<Option<_>>()?;
            if out[0] != "CMD" && out[0] != "CMD-SHELL" {
                out.insert(0, "CMD".to_string());
            }
            Some(out)
        }
    }
}
