//! Application Auto Scaling of a service's desired count: the scalable target and one target
//! tracking policy per metric.
//!
//! Owns the range rules (max ≥ 1, min ≤ count ≤ max), the cooldown defaults (in 300, out 60),
//! the policy names (`<service name>-cpu|-memory|-requests`) and the ALB resource label for
//! requests per target. Must not decide the desired count for services without autoscaling.

use super::arn;
use super::resources::*;
use super::scope::{Scope, for_check};
use crate::spec::raw::{RawAutoscaling, RawLoadBalancer};
use crate::spec::span::{Loc, Sp};

pub struct AutoscalingInput<'a> {
    pub raw: &'a RawAutoscaling,
    pub key: &'a str,
    pub at: String,
    pub key_loc: Loc,
    pub count: Option<&'a Sp<u32>>,
    pub service_name: &'a str,
    pub cluster: &'a str,
    pub load_balancers: &'a [RawLoadBalancer],
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
    let policies = policies(cx, a, &path);
    let target = ScalingTarget {
        service: a.key.to_string(),
        resource_id: format!("service/{}/{}", a.cluster, a.service_name),
        min,
        max,
        policies,
    };
    Some((target, a.count.map_or(min, |c| c.value)))
}

fn policies(cx: &Scope, a: &AutoscalingInput, path: &dyn Fn(&str) -> String) -> Vec<ScalingPolicy> {
    let scale_in_cooldown = a.raw.scale_in_cooldown.as_ref().map_or(300, |c| c.value);
    let scale_out_cooldown = a.raw.scale_out_cooldown.as_ref().map_or(60, |c| c.value);
    let policy = |suffix: &str, metric, target_value| ScalingPolicy {
        name: format!("{}-{suffix}", a.service_name),
        metric,
        target_value,
        scale_in_cooldown,
        scale_out_cooldown,
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
    if out.is_empty() {
        let loc = a.raw.max.as_ref().map_or(a.key_loc, |m| m.loc);
        cx.warn(loc, format!("{}.autoscaling", a.at), "autoscaling has no target (`cpu`, `memory` or `requestsPerTarget`), so it never scales");
    }
    out
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
