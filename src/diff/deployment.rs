//! A service's `deploymentConfiguration` and `loadBalancers` as compared: the spec's and the
//! live service's, each normalised to one shape so only a real difference shows.
//!
//! Owns what AWS fills in or leaves out: a service made before strategies has none (ROLLING);
//! a strategy's settings that ECS keeps but does not use (a bake time under ROLLING, a linear
//! configuration under BLUE_GREEN) are not compared; percentages are compared to 0.1, as ECS
//! takes them; hooks and their stages are sets; and the two target groups of a blue/green
//! load balancer are a pair that ECS may alternate between deployments, so the live pair in
//! either order is the spec's. Must not decide what apply sends (service.rs does).

use serde_json::{Value, json};

use super::compare::View;
use super::normalize as n;
use super::normalize::put;
use crate::live::{LiveDeploymentConfiguration, LiveLoadBalancer};
use crate::model::deployment::{CANARY_DEFAULT, LINEAR_DEFAULT, percent};
use crate::model::{Deployment, LoadBalancer, Strategy};

/// The role ECS is given, as the diff writes it: the spec's role name as the ARN in this
/// account (`role`), so a live ARN compares verbatim.
pub type RoleArn<'a> = &'a dyn Fn(&str) -> String;

/// The spec's deployment configuration.
pub fn desired(d: &Deployment, role: RoleArn) -> Value {
    let mut v = n::deployment_configuration(
        Some(d.maximum_percent.into()),
        Some(d.minimum_healthy_percent.into()),
        Some((d.circuit_breaker_enable, d.circuit_breaker_rollback)),
        Some((&d.alarms, true, true)),
    );
    let role_arn = d.infrastructure_role.as_deref().map(role);
    let hooks = d.hooks.iter().map(|h| {
        hook(
            Some(&h.function),
            role_arn.as_deref(),
            h.stages.iter().map(String::as_str),
        )
    });
    let step = |tenths: u32, minutes: u32| Some((Some(percent(tenths)), Some(i64::from(minutes))));
    let (linear, canary) = match d.strategy {
        Strategy::Linear {
            step_tenths,
            step_bake_time,
            ..
        } => (step(step_tenths, step_bake_time), None),
        Strategy::Canary {
            percent_tenths,
            canary_bake_time,
            ..
        } => (None, step(percent_tenths, canary_bake_time)),
        _ => (None, None),
    };
    strategy(
        &mut v,
        d.strategy.aws_name(),
        d.strategy.bake_time().map(i64::from),
        linear,
        canary,
        hooks.collect(),
    );
    v
}

/// The live service's deployment configuration (None: AWS's defaults).
pub fn live(d: Option<&LiveDeploymentConfiguration>) -> Value {
    let mut v = n::deployment_configuration(
        d.and_then(|d| d.maximum_percent).map(i64::from),
        d.and_then(|d| d.minimum_healthy_percent).map(i64::from),
        d.and_then(|d| d.circuit_breaker)
            .map(|c| (c.enable, c.rollback)),
        d.and_then(|d| d.alarms.as_ref())
            .map(|a| (a.names.as_slice(), a.enable, a.rollback)),
    );
    let hooks = d
        .map_or(&[][..], |d| d.lifecycle_hooks.as_slice())
        .iter()
        .map(|h| {
            hook(
                h.hook_target_arn.as_deref(),
                h.role_arn.as_deref(),
                h.lifecycle_stages.iter().map(String::as_str),
            )
        });
    let pair = |p: Option<(Option<f64>, Option<i32>)>| {
        p.map(|(percent, minutes)| (percent.map(round_tenth), minutes.map(i64::from)))
    };
    strategy(
        &mut v,
        d.and_then(|d| d.strategy.as_deref())
            .filter(|s| !s.is_empty())
            .unwrap_or("ROLLING"),
        d.and_then(|d| d.bake_time_in_minutes).map(i64::from),
        pair(d.and_then(|d| d.linear)),
        pair(d.and_then(|d| d.canary)),
        hooks.collect(),
    );
    v
}

fn round_tenth(p: f64) -> f64 {
    (p * 10.0).round() / 10.0
}

type Step = (Option<f64>, Option<i64>);

/// Adds the strategy's own fields to `v`, each only where the strategy uses it. A linear or
/// canary configuration ECS returns without a field means the API reference's default
/// (`LINEAR_DEFAULT`, `CANARY_DEFAULT`).
fn strategy(
    v: &mut Value,
    name: &str,
    bake: Option<i64>,
    linear: Option<Step>,
    canary: Option<Step>,
    mut hooks: Vec<Value>,
) {
    let Some(obj) = v.as_object_mut() else {
        return;
    };
    obj.insert("strategy".into(), json!(name));
    if name == "ROLLING" {
        return;
    }
    obj.insert("bakeTimeInMinutes".into(), json!(bake));
    if name == "LINEAR" {
        let (p, t) = linear.unwrap_or((None, None));
        let (share, minutes) = LINEAR_DEFAULT;
        obj.insert(
            "linearConfiguration".into(),
            json!({"stepPercent": p.unwrap_or(percent(share)),
                   "stepBakeTimeInMinutes": t.unwrap_or(minutes.into())}),
        );
    }
    if name == "CANARY" {
        let (p, t) = canary.unwrap_or((None, None));
        let (share, minutes) = CANARY_DEFAULT;
        obj.insert(
            "canaryConfiguration".into(),
            json!({"canaryPercent": p.unwrap_or(percent(share)),
                   "canaryBakeTimeInMinutes": t.unwrap_or(minutes.into())}),
        );
    }
    hooks.sort_by_key(Value::to_string);
    obj.insert("lifecycleHooks".into(), Value::Array(hooks));
}

fn hook<'a>(
    function: Option<&str>,
    role: Option<&str>,
    stages: impl Iterator<Item = &'a str>,
) -> Value {
    let mut stages: Vec<&str> = stages.collect();
    stages.sort_unstable();
    stages.dedup();
    json!({"hookTargetArn": function, "roleArn": role, "lifecycleStages": stages})
}

/// The spec's load balancers, sorted.
pub fn desired_load_balancers(lbs: &[LoadBalancer], role: Option<String>) -> Value {
    let views = lbs.iter().map(|l| {
        let advanced = l.traffic.as_ref().map(|t| Advanced {
            alternate: Some(&t.alternate_target_group_arn),
            production: Some(&t.production_listener_rule),
            test: t.test_listener_rule.as_deref(),
            role: role.as_deref(),
        });
        load_balancer(
            Some(&l.target_group_arn),
            Some(&l.container_name),
            Some(l.container_port.into()),
            advanced,
        )
    });
    n::sorted_list(views.collect())
}

/// The live load balancers, sorted; a blue/green pair that ECS alternated (the live target
/// group is the spec's alternate and the other way round) is shown in the spec's order.
pub fn live_load_balancers(live: &[LiveLoadBalancer], spec: &[LoadBalancer]) -> Value {
    let views = live.iter().map(|b| {
        let adv = b.advanced.as_ref();
        let alternate = adv.and_then(|a| a.alternate_target_group_arn.as_deref());
        let (tg, alt) = if spec.iter().any(|s| alternated(b, s)) {
            (alternate, b.target_group_arn.as_deref())
        } else {
            (b.target_group_arn.as_deref(), alternate)
        };
        load_balancer(
            tg,
            b.container_name.as_deref(),
            b.container_port.map(i64::from),
            adv.map(|a| Advanced {
                alternate: alt,
                production: a.production_listener_rule.as_deref(),
                test: a.test_listener_rule.as_deref(),
                role: a.role_arn.as_deref(),
            }),
        )
    });
    n::sorted_list(views.collect())
}

/// Whether ECS alternated the live service's blue/green pair relative to the spec's: an
/// UpdateService that sends load balancers then sends the live order, so ECS keeps serving
/// production from the group it last shifted to (terraform-provider-aws #45678).
pub fn alternated(live: &LiveLoadBalancer, spec: &LoadBalancer) -> bool {
    let Some(t) = &spec.traffic else {
        return false;
    };
    live.target_group_arn.as_deref() == Some(t.alternate_target_group_arn.as_str())
        && live
            .advanced
            .as_ref()
            .and_then(|a| a.alternate_target_group_arn.as_deref())
            == Some(spec.target_group_arn.as_str())
}

struct Advanced<'a> {
    alternate: Option<&'a str>,
    production: Option<&'a str>,
    test: Option<&'a str>,
    role: Option<&'a str>,
}

fn load_balancer(
    target_group: Option<&str>,
    container: Option<&str>,
    port: Option<i64>,
    advanced: Option<Advanced>,
) -> Value {
    let mut m = View::new();
    put(&mut m, "targetGroupArn", json!(target_group));
    put(&mut m, "containerName", json!(container));
    put(&mut m, "containerPort", json!(port));
    if let Some(a) = advanced {
        let mut adv = View::new();
        put(&mut adv, "alternateTargetGroupArn", json!(a.alternate));
        put(&mut adv, "productionListenerRule", json!(a.production));
        put(&mut adv, "testListenerRule", json!(a.test));
        put(&mut adv, "roleArn", json!(a.role));
        m.insert("advancedConfiguration".into(), Value::Object(adv));
    }
    Value::Object(m)
}

#[cfg(test)]
#[path = "deployment_tests.rs"]
mod tests;
