//! One ECS service with everything that exists for it: task definition, log group, roles,
//! discovery service and scaling target.
//!
//! Owns the service-level settings (name, count, capacity, network, load balancers, deployment)
//! and their defaults. Deployment defaults to 200/100 with the circuit breaker on and rollback:
//! a failing image then rolls back by itself instead of looping, the production-safe choice.
//! Must not compare names across services (build.rs does, once all are known).

use super::autoscaling::{AutoscalingInput, autoscaling};
use super::capacity::{capacity_path, strategy};
use super::discovery::{ServiceDiscoveryInput, discovery_service};
use super::names::NameKind;
use super::network::{Owner, network};
use super::resources::*;
use super::scope::{Scope, for_check};
use super::task_def::{BuiltTask, TaskInput, build_task, named};
use super::task_spec::service_task;
use super::{arn, tags};
use crate::spec::raw::{RawDeployment, RawLoadBalancer, RawProject, RawService};
use crate::spec::span::{Loc, Sp};

pub struct BuiltService {
    pub service: Service,
    pub task: BuiltTask,
    pub name_loc: Loc,
    pub discovery: Option<(DiscoveryService, Loc)>,
    pub scaling: Option<ScalingTarget>,
}

pub struct ServiceEnv<'a> {
    pub raw: &'a RawProject,
    pub cluster: &'a str,
    pub namespace: Option<&'a Namespace>,
    pub tags: &'a Tags,
    pub protected: bool,
    /// The environment set `discovery.enabled: false`: services register nowhere.
    pub discovery_off: bool,
}

pub fn build_service(
    cx: &Scope,
    env: &ServiceEnv,
    key: &Sp<String>,
    merged: &RawService,
) -> BuiltService {
    let at = format!("services.{}", key.value);
    let spec = service_task(env.raw, merged);
    let tags = tags::with(cx, env.tags, spec.tags.as_ref(), &format!("{at}.tags"));
    let input = TaskInput {
        raw: env.raw,
        key: &key.value,
        at: at.clone(),
        key_loc: key.loc,
        spec: &spec,
        exec: merged
            .enable_execute_command
            .as_ref()
            .filter(|e| e.value)
            .map(|e| e.loc),
        tags: tags.clone(),
    };
    let task = build_task(cx, env.raw.names.as_ref(), &input);
    let names = env.raw.names.as_ref().and_then(|n| n.service.as_ref());
    let (name, name_loc) = named(
        cx,
        names,
        "{app}-{env}-{service}",
        "service",
        (&key.value, key.loc),
        NameKind::Service,
    );
    let main = task.def.containers.first();
    let main_port = main
        .and_then(|c| c.port_mappings.first())
        .map(|p| p.container_port);
    let lbs: &[RawLoadBalancer] = merged.load_balancers.as_ref().map_or(&[], |l| &l.value);
    let discovery = merged
        .discovery
        .as_ref()
        .filter(|_| !env.discovery_off)
        .and_then(|raw| {
            let d = ServiceDiscoveryInput {
                raw,
                key: &key.value,
                at: at.clone(),
                key_loc: key.loc,
                main_container: &task.main_container,
                main_port,
            };
            discovery_service(cx, &d, env.namespace, &tags)
        });
    let scaling = merged.autoscaling.as_ref().and_then(|raw| {
        let a = AutoscalingInput {
            raw,
            key: &key.value,
            at: at.clone(),
            key_loc: key.loc,
            count: merged.count.as_ref(),
            service_name: &name,
            cluster: env.cluster,
            load_balancers: lbs,
        };
        autoscaling(cx, &a)
    });
    let desired_count = scaling
        .as_ref()
        .map_or(merged.count.as_ref().map_or(1, |c| c.value), |s| s.1);
    let service = Service {
        key: key.value.clone(),
        name,
        cluster: env.cluster.to_string(),
        family: task.def.family.clone(),
        desired_count,
        autoscaling: scaling.as_ref().map(|(t, _)| CountRange {
            min: t.min,
            max: t.max,
        }),
        capacity: strategy(
            cx,
            spec.capacity.as_ref(),
            &capacity_path(env.raw, spec.capacity.as_ref(), &at),
        ),
        network: network(
            cx,
            env.raw,
            spec.network.as_ref(),
            &Owner {
                at: &at,
                key: key.loc,
                what: "service",
            },
        ),
        load_balancers: load_balancers(
            cx,
            (
                lbs,
                merged.load_balancers.as_ref().map_or(key.loc, |l| l.loc),
            ),
            &task.def.containers,
            &task.main_container,
            &at,
        ),
        health_check_grace_period: merged.health_check_grace_period.as_ref().map(|g| g.value),
        deployment: deployment(cx, merged.deployment.as_ref(), &at, key.loc, env.protected),
        discovery: discovery.as_ref().map(|(_, r, _)| r.clone()),
        platform_version: task.platform_version.clone(),
        enable_execute_command: input.exec.is_some(),
        tags,
    };
    BuiltService {
        service,
        task,
        name_loc,
        discovery: discovery.map(|(d, _, loc)| (d, loc)),
        scaling: scaling.map(|(t, _)| t),
    }
}

/// `lbs`: the list and where it is written (a load balancer with no value of its own to point
/// at is shown there).
fn load_balancers(
    cx: &Scope,
    (lbs, list): (&[RawLoadBalancer], Loc),
    containers: &[ContainerDefinition],
    main: &str,
    at: &str,
) -> Vec<LoadBalancer> {
    let mut out = Vec::new();
    for (i, lb) in lbs.iter().enumerate() {
        let path = |f: &str| format!("{at}.loadBalancers[{i}].{f}");
        let Some(tg) = &lb.target_group_arn else {
            let loc = lb
                .container
                .as_ref()
                .or(lb.load_balancer_arn.as_ref())
                .map_or(list, |c| c.loc);
            cx.error(
                loc,
                path("targetGroupArn"),
                "load balancer has no `targetGroupArn`",
            );
            continue;
        };
        let target_group_arn = cx
            .name(tg, &path("targetGroupArn"), None)
            .unwrap_or_default();
        if !arn::is_target_group(&for_check(&target_group_arn)) {
            let hint = "use `arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`";
            cx.error_hint(
                tg.loc,
                path("targetGroupArn"),
                format!("`{target_group_arn}` is not a target group ARN"),
                hint,
            );
        }
        let container_name = lb
            .container
            .as_ref()
            .map_or(main.to_string(), |c| c.value.clone());
        let Some(container) = containers.iter().find(|c| c.name == container_name) else {
            let loc = lb.container.as_ref().map_or(tg.loc, |c| c.loc);
            cx.error(
                loc,
                path("container"),
                format!("load balancer names undefined container `{container_name}`"),
            );
            continue;
        };
        let container_port = match (&lb.port, container.port_mappings.first()) {
            (Some(p), _)
                if container
                    .port_mappings
                    .iter()
                    .any(|m| m.container_port == p.value) =>
            {
                p.value
            }
            (Some(p), _) => {
                cx.error(
                    p.loc,
                    path("port"),
                    format!("container `{container_name}` has no port `{}`", p.value),
                );
                p.value
            }
            (None, Some(first)) => first.container_port,
            (None, None) => {
                cx.error_hint(
                    tg.loc,
                    path("port"),
                    format!("container `{container_name}` has no port for the load balancer"),
                    "add `ports` to the container",
                );
                0
            }
        };
        out.push(LoadBalancer {
            target_group_arn,
            container_name,
            container_port,
        });
    }
    out
}

fn deployment(
    cx: &Scope,
    raw: Option<&RawDeployment>,
    at: &str,
    key: Loc,
    protected: bool,
) -> Deployment {
    let maximum_percent = raw
        .and_then(|d| d.max_percent.as_ref())
        .map_or(200, |m| m.value);
    let minimum_healthy_percent = match raw.and_then(|d| d.min_healthy_percent.as_ref()) {
        Some(m) => super::validate::in_range(
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
    if protected && enable.is_some_and(|e| !e.value) {
        let loc = enable.map_or(key, |e| e.loc);
        cx.warn(loc, format!("{at}.deployment.circuitBreaker.enabled"), "circuit breaker disabled in a protected environment: a failing deployment keeps retrying instead of rolling back");
    }
    Deployment {
        maximum_percent,
        minimum_healthy_percent,
        circuit_breaker_enable: enable.is_none_or(|e| e.value),
        circuit_breaker_rollback: rollback,
        alarms: alarms(cx, raw.and_then(|d| d.alarms.as_ref()), at),
    }
}

/// Alarm names as CloudWatch takes them (1 to 255 characters), each once, in the order written.
fn alarms(cx: &Scope, list: Option<&crate::spec::raw::SpList<String>>, at: &str) -> Vec<String> {
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
