//! Application Auto Scaling of a service's desired count: the scalable target and one target
//! tracking policy per metric; step rules and scheduled actions are `scaling_rules`'.
//!
//! Owns the range rules (max ≥ 1, min ≤ count ≤ max), the cooldown defaults (in 300, out 60),
//! the policy names (`<service name>-cpu|-memory|-requests|-queue|-metric`) and the ALB
//! resource label for requests per target. Must not decide the desired count for services
//! without autoscaling.

use super::arn;
use super::resources::*;
use super::scaling_rules::{custom_metric, schedules, sqs_backlog, steps};
use super::scope::{Scope, for_check};
use crate::spec::raw::{RawAutoscaling, RawLoadBalancer};
use crate::spec::span::{Loc, Sp};

/// Whether a service runs with autoscaling, from its own block (both files merged) and
/// `defaults.autoscaling`. The service's own choice wins, as everywhere else (docs/spec.md,
/// "Which value wins"): its `enabled`, else any setting of its own (`min`, `max`, a target, a
/// cooldown: a block it writes means it scales), else `defaults.autoscaling.enabled: true`.
/// Settings in `defaults.autoscaling` alone turn nothing on, so a block of shared targets and
/// cooldowns there reaches only the services that scale.
pub fn turns_on(defaults: Option<&RawAutoscaling>, own: Option<&RawAutoscaling>) -> bool {
    if let Some(enabled) = own.and_then(|a| a.enabled.as_ref()) {
        return enabled.value;
    }
    let own_range = own.is_some_and(|a| !crate::spec::merge::Merge::replaces(a));
    let default_on = defaults
        .and_then(|d| d.enabled.as_ref())
        .is_some_and(|e| e.value);
    own_range || default_on
}

/// A service's autoscaling block after `defaults`: `defaults.autoscaling` under the service's
/// own when [`turns_on`], its own `enabled: false` when it turns it off, nothing otherwise.
pub fn with_defaults(
    defaults: Option<&RawAutoscaling>,
    own: Option<&RawAutoscaling>,
) -> Option<RawAutoscaling> {
    if !turns_on(defaults, own) {
        return own
            .filter(|a| a.enabled.as_ref().is_some_and(|e| !e.value))
            .cloned();
    }
    let mut merged = defaults.cloned().unwrap_or_default();
    if let Some(own) = own {
        crate::spec::merge::Merge::merge(&mut merged, own.clone());
    }
    // On by the rule above, whatever `defaults.autoscaling.enabled` said (warned about).
    merged.enabled = None;
    Some(merged)
}

/// Warnings about `defaults.autoscaling` that does not do what it seems to: `enabled: false`
/// under services that set their own `min`/`max` (they keep autoscaling: a service's own
/// settings beat `defaults`), and a range in `defaults` that no service turns on.
pub fn check_defaults<'a>(
    cx: &Scope,
    defaults: Option<&RawAutoscaling>,
    services: impl Iterator<Item = (&'a str, Option<&'a RawAutoscaling>)>,
) {
    let Some(defaults) = defaults else {
        return;
    };
    let mut kept_on = Vec::new();
    let mut any_on = false;
    for (key, own) in services {
        let on = turns_on(Some(defaults), own);
        any_on |= on;
        let own_enabled = own.and_then(|a| a.enabled.as_ref()).is_some();
        if on && !own_enabled {
            kept_on.push(format!("`{key}`"));
        }
    }
    if let Some(off) = defaults.enabled.as_ref().filter(|e| !e.value)
        && !kept_on.is_empty()
    {
        let shown = listed(&kept_on);
        cx.push(
            crate::diagnostic::Diagnostic::warning(
                off.loc,
                "defaults.autoscaling.enabled",
                format!(
                    "`defaults.autoscaling.enabled: false` does not turn autoscaling off for {shown}, which set their own `autoscaling`"
                ),
            )
            .with_hint(
                "a service's own settings beat `defaults`: to turn its autoscaling off, set `autoscaling: {enabled: false}` under the service",
            ),
        );
    }
    let range = defaults.min.as_ref().or(defaults.max.as_ref());
    if let Some(range) = range
        && !any_on
    {
        cx.push(
            crate::diagnostic::Diagnostic::warning(
                range.loc,
                "defaults.autoscaling",
                "`defaults.autoscaling` turns autoscaling on for no service",
            )
            .with_hint(
                "a service turns it on with an `autoscaling` block of its own (e.g. `min`/`max`); add `enabled: true` here to turn it on for every service",
            ),
        );
    }
}

/// `a`, `a and b`, `a, b, c and 2 more`: a list of services short enough for one message.
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 3;
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() <= SHOWN => {
            let (last, rest) = names.split_last().expect("two or more");
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

pub struct AutoscalingInput<'a> {
    pub raw: &'a RawAutoscaling,
    pub key: &'a str,
    pub at: String,
    pub key_loc: Loc,
    pub count: Option<&'a Sp<u32>>,
    pub service_name: &'a str,
    pub cluster: &'a str,
    pub load_balancers: &'a [RawLoadBalancer],
    /// The cluster has Container Insights on (queue scaling divides by its task count).
    pub insights: bool,
    /// The environment's tags, for the step rules' alarms.
    pub tags: &'a Tags,
}

/// The target and the desired count to create the service with; None when not enabled.
pub fn autoscaling(cx: &Scope, a: &AutoscalingInput) -> Option<(ScalingTarget, u32)> {
    if a.raw.enabled.as_ref().is_some_and(|e| !e.value) {
        return None;
    }
    let path = |f: &str| format!("{}.autoscaling.{f}", a.at);
    let min = a.raw.min.as_ref().map_or(1, |m| m.value);
    let max = match &a.raw.max {
        Some(m) if m.value == 0 => {
            cx.error(m.loc, path("max"), "autoscaling max `0` must be at least 1");
            0
        }
        Some(m) => m.value,
        None => {
            cx.error_hint(
                a.key_loc,
                path("max"),
                "autoscaling has no `max`",
                "set `autoscaling.max`, the most tasks to run",
            );
            return None;
        }
    };
    if min > max {
        let loc = a.raw.min.as_ref().map_or(a.key_loc, |m| m.loc);
        cx.error(
            loc,
            path("min"),
            format!("autoscaling min `{min}` is above max `{max}`"),
        );
    }
    if let Some(count) = a.count.filter(|c| c.value < min || c.value > max) {
        let message = format!(
            "count `{}` is outside the autoscaling range {min}-{max}",
            count.value
        );
        cx.error_hint(
            count.loc,
            format!("{}.count", a.at),
            message,
            "with autoscaling, `count` is the count to start with",
        );
    }
    let mut policies = policies(cx, a, &path);
    policies.extend(steps(cx, a, &path));
    if policies.is_empty() && a.raw.schedule.is_none() {
        let loc = a.raw.max.as_ref().map_or(a.key_loc, |m| m.loc);
        cx.warn(loc, format!("{}.autoscaling", a.at), "autoscaling has no target (`cpu`, `memory`, `requestsPerTarget`, `sqsQueue`, `customMetric`), `steps` or `schedule`, so it never scales");
    }
    let target = ScalingTarget {
        service: a.key.to_string(),
        resource_id: format!("service/{}/{}", a.cluster, a.service_name),
        min,
        max,
        policies,
        schedules: schedules(cx, a, &path),
    };
    Some((target, a.count.map_or(min, |c| c.value)))
}

fn policies(cx: &Scope, a: &AutoscalingInput, path: &dyn Fn(&str) -> String) -> Vec<ScalingPolicy> {
    let scale_in_cooldown = a.raw.scale_in_cooldown.as_ref().map_or(300, |c| c.value);
    let scale_out_cooldown = a.raw.scale_out_cooldown.as_ref().map_or(60, |c| c.value);
    let names = policy_names(cx, a, path);
    let policy = |suffix: &str, metric, target_value| ScalingPolicy {
        name: names.iter().find(|(s, _)| *s == suffix).map_or_else(
            || format!("{}-{suffix}", a.service_name),
            |(_, n)| n.clone(),
        ),
        metric,
        rule: PolicyRule::TargetTracking {
            target_value,
            scale_in_cooldown,
            scale_out_cooldown,
        },
    };
    let mut out = Vec::new();
    if let Some(cpu) = &a.raw.cpu {
        out.push(policy(
            "cpu",
            ScalingMetric::Cpu,
            percent(cx, cpu, "cpu", &path("cpu")),
        ));
    }
    if let Some(mem) = &a.raw.memory {
        out.push(policy(
            "memory",
            ScalingMetric::Memory,
            percent(cx, mem, "memory", &path("memory")),
        ));
    }
    if let Some(req) = &a.raw.requests_per_target {
        if req.value <= 0.0 {
            cx.error(
                req.loc,
                path("requestsPerTarget"),
                format!("requests per target `{}` must be above 0", req.value),
            );
        }
        if let Some(resource_label) = resource_label(cx, a, req.loc, &path("requestsPerTarget")) {
            out.push(policy(
                "requests",
                ScalingMetric::AlbRequests { resource_label },
                req.value,
            ));
        }
    }
    if let Some((metric, target)) = sqs_backlog(cx, a, path) {
        out.push(policy("queue", metric, target));
    }
    if let Some((metric, target)) = a.raw.custom_metric.as_ref().and_then(|m| {
        let target = target_value(cx, m, &path("customMetric"))?;
        Some((custom_metric(cx, m, &path("customMetric"))?, target))
    }) {
        out.push(policy("metric", ScalingMetric::Custom(metric), target));
    }
    out
}

/// The spec keys of the target tracking rules and the suffix of each one's default name.
const POLICY_KEYS: [(&str, &str); 5] = [
    ("cpu", "cpu"),
    ("memory", "memory"),
    ("requestsPerTarget", "requests"),
    ("sqsQueue", "queue"),
    ("customMetric", "metric"),
];

/// `policyNames`: (default suffix, literal name) of each rule named there. A key that is no
/// rule, or a rule the block does not set, is an error: the name would rename nothing.
fn policy_names(
    cx: &Scope,
    a: &AutoscalingInput,
    path: &dyn Fn(&str) -> String,
) -> Vec<(&'static str, String)> {
    let Some(map) = &a.raw.policy_names else {
        return Vec::new();
    };
    let set = |key: &str| match key {
        "cpu" => a.raw.cpu.is_some(),
        "memory" => a.raw.memory.is_some(),
        "requestsPerTarget" => a.raw.requests_per_target.is_some(),
        "sqsQueue" => a.raw.sqs_queue.is_some(),
        _ => a.raw.custom_metric.is_some(),
    };
    let mut out = Vec::new();
    for (key, name) in map.iter() {
        let at = path(&format!("policyNames.{}", key.value));
        let Some((_, suffix)) = POLICY_KEYS.iter().find(|(k, _)| *k == key.value) else {
            cx.error_hint(
                key.loc,
                at,
                format!("`{}` is not a target tracking rule", key.value),
                "policyNames takes `cpu`, `memory`, `requestsPerTarget`, `sqsQueue` and `customMetric`",
            );
            continue;
        };
        if !set(&key.value) {
            cx.error_hint(
                key.loc,
                at,
                format!(
                    "`policyNames.{}` names a rule this autoscaling does not set",
                    key.value
                ),
                format!("set `autoscaling.{}`, or remove the name", key.value),
            );
            continue;
        }
        let text = cx.text(name, &at).unwrap_or_default();
        // PutScalingPolicy: PolicyName is 1 to 256 characters of `\p{Print}`.
        let valid =
            !text.is_empty() && text.chars().count() <= 256 && !text.chars().any(char::is_control);
        if !valid {
            cx.error_hint(
                name.loc,
                at,
                format!("scaling policy name `{text}` is not valid"),
                "1 to 256 printable characters (PutScalingPolicy PolicyName)",
            );
        }
        out.push((*suffix, text));
    }
    out
}

/// `customMetric.target`: required for target tracking, and above 0.
fn target_value(cx: &Scope, m: &crate::spec::raw::RawCustomMetric, path: &str) -> Option<f64> {
    let Some(target) = &m.target else {
        let loc = m.name.as_ref().or(m.namespace.as_ref()).map(|n| n.loc)?;
        cx.error_hint(
            loc,
            format!("{path}.target"),
            "customMetric has no `target`",
            "set `target`, the value Application Auto Scaling keeps the metric at",
        );
        return None;
    };
    if target.value <= 0.0 {
        cx.error(
            target.loc,
            format!("{path}.target"),
            format!("customMetric target `{}` must be above 0", target.value),
        );
    }
    Some(target.value)
}

fn percent(cx: &Scope, value: &Sp<f64>, what: &str, path: &str) -> f64 {
    if !(value.value > 0.0 && value.value <= 100.0) {
        cx.error(
            value.loc,
            path,
            format!(
                "{what} target `{}` must be a percentage above 0 and at most 100",
                value.value
            ),
        );
    }
    value.value
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>` from the first load balancer's ARNs.
fn resource_label(cx: &Scope, a: &AutoscalingInput, loc: Loc, path: &str) -> Option<String> {
    let hint = "add `loadBalancerArn` (the ALB's ARN) next to `targetGroupArn` in `loadBalancers`";
    let Some(lb) = a.load_balancers.first() else {
        cx.error_hint(loc, path, "requestsPerTarget needs a load balancer", hint);
        return None;
    };
    let (Some(lb_arn), Some(tg_arn)) = (&lb.load_balancer_arn, &lb.target_group_arn) else {
        cx.error_hint(
            loc,
            path,
            "requestsPerTarget needs the load balancer's `loadBalancerArn`",
            hint,
        );
        return None;
    };
    let lb_text = cx.name(
        lb_arn,
        &format!("{}.loadBalancers[0].loadBalancerArn", a.at),
        None,
    )?;
    let tg_text = cx.name(
        tg_arn,
        &format!("{}.loadBalancers[0].targetGroupArn", a.at),
        None,
    )?;
    let checked = for_check(&lb_text);
    let Some(label) = arn::alb_label(&checked) else {
        let message = format!("`{lb_text}` is not an application load balancer ARN");
        cx.error_hint(lb_arn.loc, format!("{}.loadBalancers[0].loadBalancerArn", a.at), message, "requestsPerTarget needs an ALB: `arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID`");
        return None;
    };
    let tg = tg_text.split_once(":targetgroup/").map(|(_, rest)| rest)?;
    Some(format!("{label}/targetgroup/{tg}"))
}
