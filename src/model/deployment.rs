//! A service's `deployment`: the rolling limits, circuit breaker and alarms every strategy has,
//! and the strategy (`rolling`, `blueGreen`, `linear`, `canary`) with its bake times, traffic
//! steps, lifecycle hooks and the load balancers' alternate target groups and listener rules.
//!
//! Owns the defaults and the rules the ECS API reference states for these fields
//! (DeploymentConfiguration, LinearConfiguration, CanaryConfiguration,
//! DeploymentLifecycleHook, AdvancedConfiguration): ranges, multiples of 0.1, what a strategy
//! needs. The defaults are 200/100 with the circuit breaker on and rollback: a failing image
//! then rolls back by itself instead of looping, the production-safe choice. Settings of a
//! strategy the environment does not use are dropped with a warning, so `ecsctl.yaml` can
//! describe blue/green once and an environment can still choose rolling.
//! Must not name roles beyond the infrastructure role's name it is given (iam.rs builds it).

use super::arn;
use super::resources::{Deployment, LifecycleHook, LoadBalancer, Strategy};
use super::scope::{Scope, for_check};
use super::validate::in_range;
use crate::spec::raw::{RawCanary, RawDeployment, RawHook, RawLinear, RawLoadBalancer, SpList};
use crate::spec::raw_values::{DeploymentStrategy, HookStage};
use crate::spec::span::{Loc, Sp};

/// Bake times are minutes, 0 to 1440 (24 hours), in every strategy that has one.
const MINUTES: std::ops::RangeInclusive<u32> = 0..=1440;

/// The API reference's defaults, as (tenths of a percent, minutes): LinearConfiguration 10.0 %
/// every 6 minutes, CanaryConfiguration 5.0 % for 10 minutes. The diff reads a configuration
/// AWS returns without them the same way.
pub const LINEAR_DEFAULT: (u32, u32) = (100, 6);
pub const CANARY_DEFAULT: (u32, u32) = (50, 10);

/// A percentage kept in tenths, as ECS takes it.
pub fn percent(tenths: u32) -> f64 {
    f64::from(tenths) / 10.0
}

pub struct DeploymentInput<'a> {
    pub raw: Option<&'a RawDeployment>,
    /// `services.NAME`.
    pub at: &'a str,
    pub key: Loc,
    pub protected: bool,
    /// The environment's infrastructure role, used when the strategy needs one.
    pub infrastructure_role: &'a str,
    /// The load balancers as written, to tell one without blue/green settings from one whose
    /// settings were reported already.
    pub raw_load_balancers: &'a [RawLoadBalancer],
    /// Where the service's load balancers are written (or its key).
    pub load_balancers_at: Loc,
}

/// The deployment settings; `lbs` lose their traffic settings under rolling (ECS takes them
/// only with the other strategies) and must all have them otherwise.
pub fn deployment(cx: &Scope, d: &DeploymentInput, lbs: &mut [LoadBalancer]) -> Deployment {
    let raw = d.raw;
    let at = d.at;
    let maximum_percent = raw
        .and_then(|d| d.max_percent.as_ref())
        .map_or(200, |m| m.value);
    let minimum_healthy_percent = match raw.and_then(|d| d.min_healthy_percent.as_ref()) {
        Some(m) => in_range(
            cx,
            m,
            0..=100,
            "minimum healthy percent",
            &format!("{at}.deployment.minHealthyPercent"),
        ),
        None => 100,
    };
    let breaker = raw.and_then(|d| d.circuit_breaker.as_ref());
    let enable = breaker.and_then(|b| b.enabled.as_ref());
    let rollback = breaker
        .and_then(|b| b.rollback.as_ref())
        .is_none_or(|r| r.value);
    if d.protected && enable.is_some_and(|e| !e.value) {
        let loc = enable.map_or(d.key, |e| e.loc);
        cx.warn(loc, format!("{at}.deployment.circuitBreaker.enabled"), "circuit breaker disabled in a protected environment: a failing deployment keeps retrying instead of rolling back");
    }
    let strategy = strategy(cx, raw, at);
    let hooks = if strategy.is_rolling() {
        ignored(
            cx,
            raw.and_then(|r| r.hooks.as_ref()).map(|h| h.loc),
            at,
            "hooks",
        );
        Vec::new()
    } else {
        hooks(cx, raw.and_then(|r| r.hooks.as_ref()), at)
    };
    traffic(cx, d, strategy, lbs);
    let needs_role = !strategy.is_rolling() && (!hooks.is_empty() || !lbs.is_empty());
    Deployment {
        maximum_percent,
        minimum_healthy_percent,
        circuit_breaker_enable: enable.is_none_or(|e| e.value),
        circuit_breaker_rollback: rollback,
        alarms: alarms(cx, raw.and_then(|d| d.alarms.as_ref()), at),
        strategy,
        hooks,
        infrastructure_role: needs_role.then(|| d.infrastructure_role.to_string()),
    }
}

/// A setting written for a strategy the service does not use: kept out, said so.
fn ignored(cx: &Scope, loc: Option<Loc>, at: &str, key: &str) {
    if let Some(loc) = loc {
        cx.warn(
            loc,
            format!("{at}.deployment.{key}"),
            format!("`{key}` is ignored: it applies only to the strategy that uses it (see `deployment.strategy`)"),
        );
    }
}

fn minutes(cx: &Scope, value: Option<&Sp<u32>>, default: u32, path: String) -> u32 {
    value.map_or(default, |v| in_range(cx, v, MINUTES, "minutes", &path))
}

/// A percentage as ECS takes it: a multiple of 0.1 within `range` (in tenths).
fn tenths(
    cx: &Scope,
    value: Option<&Sp<f64>>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    path: String,
) -> u32 {
    let Some(v) = value else {
        return default;
    };
    let scaled = v.value * 10.0;
    let t = scaled.round();
    let (lo, hi) = (
        f64::from(*range.start()) / 10.0,
        f64::from(*range.end()) / 10.0,
    );
    if !v.value.is_finite() || (scaled - t).abs() > 1e-6 {
        cx.error(
            v.loc,
            path,
            format!("`{}` must be a multiple of 0.1", v.value),
        );
        return default;
    }
    if !(f64::from(*range.start())..=f64::from(*range.end())).contains(&t) {
        cx.error(
            v.loc,
            path,
            format!("`{}` is out of range {lo}-{hi}", v.value),
        );
        return default;
    }
    t as u32
}

fn strategy(cx: &Scope, raw: Option<&RawDeployment>, at: &str) -> Strategy {
    let kind = raw
        .and_then(|r| r.strategy.as_ref())
        .map_or(DeploymentStrategy::Rolling, |s| s.value);
    let path = |k: &str| format!("{at}.deployment.{k}");
    let bake = raw.and_then(|r| r.bake_time.as_ref());
    let linear: Option<&RawLinear> = raw.and_then(|r| r.linear.as_ref());
    let canary: Option<&RawCanary> = raw.and_then(|r| r.canary.as_ref());
    let first_loc = |l: &RawLinear| {
        l.step_percent
            .as_ref()
            .map(|s| s.loc)
            .or(l.step_bake_time.as_ref().map(|s| s.loc))
    };
    let canary_loc = |c: &RawCanary| {
        c.percent
            .as_ref()
            .map(|s| s.loc)
            .or(c.bake_time.as_ref().map(|s| s.loc))
    };
    if kind != DeploymentStrategy::Linear {
        ignored(cx, linear.and_then(first_loc), at, "linear");
    }
    if kind != DeploymentStrategy::Canary {
        ignored(cx, canary.and_then(canary_loc), at, "canary");
    }
    if kind == DeploymentStrategy::Rolling {
        ignored(cx, bake.map(|b| b.loc), at, "bakeTime");
        return Strategy::Rolling;
    }
    let bake_time = minutes(cx, bake, 0, path("bakeTime"));
    match kind {
        DeploymentStrategy::Rolling => Strategy::Rolling,
        DeploymentStrategy::BlueGreen => Strategy::BlueGreen { bake_time },
        DeploymentStrategy::Linear => {
            let (step_tenths, step_bake_time) = step(
                cx,
                linear.and_then(|l| l.step_percent.as_ref()),
                linear.and_then(|l| l.step_bake_time.as_ref()),
                (LINEAR_DEFAULT.0, 30..=1000, LINEAR_DEFAULT.1),
                (path("linear.stepPercent"), path("linear.stepBakeTime")),
            );
            Strategy::Linear {
                bake_time,
                step_tenths,
                step_bake_time,
            }
        }
        DeploymentStrategy::Canary => {
            let (percent_tenths, canary_bake_time) = step(
                cx,
                canary.and_then(|c| c.percent.as_ref()),
                canary.and_then(|c| c.bake_time.as_ref()),
                (CANARY_DEFAULT.0, 1..=1000, CANARY_DEFAULT.1),
                (path("canary.percent"), path("canary.bakeTime")),
            );
            Strategy::Canary {
                bake_time,
                percent_tenths,
                canary_bake_time,
            }
        }
    }
}

/// A traffic step (linear's each step, canary's first): its share in tenths of a percent and
/// its wait in minutes; `defaults` are the share, its range (tenths) and the wait.
fn step(
    cx: &Scope,
    percent: Option<&Sp<f64>>,
    wait: Option<&Sp<u32>>,
    defaults: (u32, std::ops::RangeInclusive<u32>, u32),
    paths: (String, String),
) -> (u32, u32) {
    let (share, range, minutes_default) = defaults;
    (
        tenths(cx, percent, share, range, paths.0),
        minutes(cx, wait, minutes_default, paths.1),
    )
}

/// ECS's name for a stage (DeploymentLifecycleHook `lifecycleStages`).
pub fn stage_name(s: HookStage) -> &'static str {
    match s {
        HookStage::ReconcileService => "RECONCILE_SERVICE",
        HookStage::PreScaleUp => "PRE_SCALE_UP",
        HookStage::PostScaleUp => "POST_SCALE_UP",
        HookStage::TestTrafficShift => "TEST_TRAFFIC_SHIFT",
        HookStage::PostTestTrafficShift => "POST_TEST_TRAFFIC_SHIFT",
        HookStage::PreProductionTrafficShift => "PRE_PRODUCTION_TRAFFIC_SHIFT",
        HookStage::ProductionTrafficShift => "PRODUCTION_TRAFFIC_SHIFT",
        HookStage::PostProductionTrafficShift => "POST_PRODUCTION_TRAFFIC_SHIFT",
    }
}

fn hooks(cx: &Scope, raw: Option<&Sp<Vec<RawHook>>>, at: &str) -> Vec<LifecycleHook> {
    let mut out: Vec<LifecycleHook> = Vec::new();
    let Some(list) = raw else {
        return out;
    };
    for (i, h) in list.value.iter().enumerate() {
        let path = |k: &str| format!("{at}.deployment.hooks[{i}].{k}");
        let Some(lambda) = &h.lambda else {
            let loc = h.stages.as_ref().map_or(list.loc, |s| s.loc);
            cx.error(
                loc,
                path("lambda"),
                "hook has no `lambda` (the function's ARN)",
            );
            continue;
        };
        let Some(function) = cx.name(lambda, &path("lambda"), None) else {
            continue;
        };
        if !arn::is_lambda_function(&for_check(&function)) {
            cx.error_hint(
                lambda.loc,
                path("lambda"),
                format!("`{function}` is not a Lambda function ARN"),
                "use `arn:aws:lambda:REGION:ACCOUNT:function:NAME`",
            );
            continue;
        }
        let stages = stages(cx, h.stages.as_ref(), lambda.loc, &path("stages"));
        if let Some(same) = out.iter_mut().find(|o| o.function == function) {
            cx.error(
                lambda.loc,
                path("lambda"),
                format!("`{function}` is a hook twice: list all its stages in one hook"),
            );
            same.stages.extend(stages);
            continue;
        }
        out.push(LifecycleHook { function, stages });
    }
    out
}

fn stages(cx: &Scope, raw: Option<&SpList<HookStage>>, at: Loc, path: &str) -> Vec<String> {
    let written: Vec<&Sp<HookStage>> = raw.map(|l| l.value.iter().collect()).unwrap_or_default();
    if written.is_empty() {
        cx.error_hint(
            raw.map_or(at, |l| l.loc),
            path,
            "hook has no `stages`",
            "name at least one, e.g. `stages: [postTestTrafficShift]`",
        );
    }
    let mut stages: Vec<HookStage> = Vec::new();
    for s in written {
        if stages.contains(&s.value) {
            cx.error(
                s.loc,
                path,
                format!("stage `{}` is named twice", stage_name(s.value)),
            );
        } else {
            stages.push(s.value);
        }
    }
    // ECS's order, so the plan compares a set.
    stages.sort();
    stages
        .into_iter()
        .map(|s| stage_name(s).to_string())
        .collect()
}

/// Rolling drops the load balancers' traffic settings; every other strategy needs them on
/// each load balancer (ECS moves production traffic from one target group to the other), and
/// linear and canary need a load balancer at all (their steps are shares of its traffic).
fn traffic(cx: &Scope, d: &DeploymentInput, strategy: Strategy, lbs: &mut [LoadBalancer]) {
    let at = d.at;
    if strategy.is_rolling() {
        for lb in lbs.iter_mut() {
            lb.traffic = None;
        }
        return;
    }
    let strategy_loc = d
        .raw
        .and_then(|r| r.strategy.as_ref())
        .map_or(d.key, |s| s.loc);
    if lbs.is_empty() && !matches!(strategy, Strategy::BlueGreen { .. }) {
        cx.error_hint(
            strategy_loc,
            format!("{at}.deployment.strategy"),
            format!(
                "strategy `{}` shifts load balancer traffic in steps, and the service has no load balancer",
                strategy_word(strategy)
            ),
            "add `loadBalancers` with `alternateTargetGroupArn` and `productionListenerRule`, or use `blueGreen`",
        );
    }
    for (i, lb) in d.raw_load_balancers.iter().enumerate() {
        if !lb.has_traffic() {
            let loc = lb
                .target_group_arn
                .as_ref()
                .map_or(d.load_balancers_at, |t| t.loc);
            cx.error_hint(
                loc,
                format!("{at}.loadBalancers[{i}].alternateTargetGroupArn"),
                format!(
                    "strategy `{}` needs `alternateTargetGroupArn` and `productionListenerRule` on each load balancer",
                    strategy_word(strategy)
                ),
                "ECS starts the new revision in the alternate target group, then moves the production listener rule to it",
            );
        }
    }
}

fn strategy_word(s: Strategy) -> &'static str {
    match s {
        Strategy::Rolling => "rolling",
        Strategy::BlueGreen { .. } => "blueGreen",
        Strategy::Linear { .. } => "linear",
        Strategy::Canary { .. } => "canary",
    }
}

/// Alarm names as CloudWatch takes them (1 to 255 characters), each once, in the order written.
fn alarms(cx: &Scope, list: Option<&SpList<String>>, at: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, item) in list
        .map(|l| l.value.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = format!("{at}.deployment.alarms[{i}]");
        let Some(name) = cx.text(item, &path) else {
            continue;
        };
        if name.is_empty() || name.chars().count() > 255 {
            cx.error(
                item.loc,
                path,
                format!("alarm name `{name}` must be 1 to 255 characters"),
            );
        } else if out.contains(&name) {
            cx.error(item.loc, path, format!("alarm `{name}` is named twice"));
        } else {
            out.push(name);
        }
    }
    out
}
