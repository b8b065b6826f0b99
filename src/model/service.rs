//! One ECS service with everything that exists for it: task definition, log group, roles,
//! discovery service and scaling target.
//!
//! Owns the service-level settings (name, count, capacity, network, load balancers, deployment)
//! and their defaults; `deployment.rs` owns the deployment settings.
//! Must not compare names across services (build.rs does, once all are known).

use super::autoscaling::{AutoscalingInput, autoscaling};
use super::capacity::{capacity_path, strategy};
use super::deployment::{DeploymentInput, deployment};
use super::discovery::{ServiceDiscoveryInput, discovery_service};
use super::names::NameKind;
use super::network::{Owner, network};
use super::resources::*;
use super::scope::{Scope, for_check};
use super::service_connect::{ServiceConnectInput, service_connect};
use super::task_def::{BuiltTask, TaskInput, build_task, named};
use super::task_spec::service_task;
use super::{arn, tags};
use crate::spec::merge::Merge;
use crate::spec::raw::{RawLoadBalancer, RawProject, RawService};
use crate::spec::span::{Loc, Sp};

pub struct BuiltService {
    pub service: Service,
    pub task: BuiltTask,
    pub name_loc: Loc,
    /// Where the Service Connect discovery name was decided, when the service publishes one.
    pub connect_loc: Option<Loc>,
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
    /// `discovery.mode: serviceConnect`: services join the namespace through Service Connect.
    pub service_connect: bool,
    /// The role ECS assumes for blueGreen, linear and canary deployments and EBS volumes.
    pub infrastructure_role: &'a str,
    /// The cluster publishes Container Insights metrics (`RunningTaskCount`, which queue
    /// scaling divides by).
    pub insights: bool,
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
    // The service's own names over the environment's templates (`services.X.names`).
    let mut names = env.raw.names.clone().unwrap_or_default();
    names.merge(merged.names.clone().unwrap_or_default());
    let mut task = build_task(cx, Some(&names), &input);
    // Service Connect publishes a named port, so it may name the main container's port
    // before anything reads the task definition.
    let service_connect = env
        .namespace
        .filter(|_| env.service_connect)
        .and_then(|ns| {
            let main = task.def.containers.first_mut()?;
            let sc = ServiceConnectInput {
                raw: merged.discovery.as_ref(),
                key: &key.value,
                at: &at,
                key_loc: key.loc,
                namespace: ns,
                logs: &task.logs.config,
            };
            Some(service_connect(cx, &sc, main))
        });
    let service_name = names.service.as_ref();
    let (name, name_loc) = named(
        cx,
        service_name,
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
        .filter(|_| !env.discovery_off && service_connect.is_none())
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
            insights: env.insights,
            tags: env.tags,
        };
        autoscaling(cx, &a)
    });
    let desired_count = scaling
        .as_ref()
        .map_or(merged.count.as_ref().map_or(1, |c| c.value), |s| s.1);
    let lbs_at = merged.load_balancers.as_ref().map_or(key.loc, |l| l.loc);
    let mut load_balancers = load_balancers(
        cx,
        (lbs, lbs_at),
        &task.def.containers,
        &task.main_container,
        &at,
    );
    let deployment = deployment(
        cx,
        &DeploymentInput {
            raw: merged.deployment.as_ref(),
            at: &at,
            key: key.loc,
            protected: env.protected,
            infrastructure_role: env.infrastructure_role,
            raw_load_balancers: lbs,
            load_balancers_at: lbs_at,
        },
        &mut load_balancers,
    );
    let service = Service {
        key: key.value.clone(),
        name,
        cluster: env.cluster.to_string(),
        family: task.def.family.clone(),
        desired_count,
        autoscaling: scaling.as_ref().map(|(t, _)| {
            let (min, max) = t.widest();
            CountRange { min, max }
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
        load_balancers,
        health_check_grace_period: merged.health_check_grace_period.as_ref().map(|g| g.value),
        deployment,
        service_connect: service_connect.as_ref().map(|(sc, _)| sc.clone()),
        ebs_volume: task.ebs.as_ref().map(|(ebs, _)| ServiceVolume {
            ebs: ebs.clone(),
            role: env.infrastructure_role.to_string(),
        }),
        discovery: discovery.as_ref().map(|(_, r, _)| r.clone()),
        platform_version: task.platform_version.clone(),
        enable_execute_command: input.exec.is_some(),
        propagate_tags: merged
            .propagate_tags
            .as_ref()
            .map_or(crate::spec::raw_values::PropagateTagsFrom::Service, |p| {
                p.value
            })
            .ecs_name()
            .to_string(),
        tags,
    };
    BuiltService {
        service,
        task,
        name_loc,
        connect_loc: service_connect.and_then(|(_, loc)| loc),
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
        target_group_shape(cx, &target_group_arn, tg.loc, &path("targetGroupArn"));
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
        let traffic = traffic(cx, lb, &target_group_arn, tg.loc, &path);
        out.push(LoadBalancer {
            target_group_arn,
            container_name,
            container_port,
            traffic,
        });
    }
    out
}

/// The load balancer's blue/green settings, when any is written: the alternate target group
/// and the production listener rule are both needed, the test rule is optional.
fn traffic(
    cx: &Scope,
    lb: &RawLoadBalancer,
    target_group: &str,
    tg_loc: Loc,
    path: &dyn Fn(&str) -> String,
) -> Option<TrafficShift> {
    let alt = lb.alternate_target_group_arn.as_ref();
    let prod = lb.production_listener_rule.as_ref();
    let test = lb.test_listener_rule.as_ref();
    if !lb.has_traffic() {
        return None;
    }
    let any = alt.or(prod).or(test).map_or(tg_loc, |v| v.loc);
    let need = |v: Option<&Sp<String>>, key: &str, what: &str| -> Option<String> {
        let Some(v) = v else {
            cx.error(
                any,
                path(key),
                format!("load balancer has no `{key}` ({what}), which the other blue/green settings need"),
            );
            return None;
        };
        cx.name(v, &path(key), None)
    };
    let alternate = need(alt, "alternateTargetGroupArn", "the second target group");
    let production = need(
        prod,
        "productionListenerRule",
        "the listener rule ECS moves production traffic with",
    );
    if let (Some(a), Some(v)) = (&alternate, alt)
        && target_group_shape(cx, a, v.loc, &path("alternateTargetGroupArn"))
        && a == target_group
    {
        cx.error(
            v.loc,
            path("alternateTargetGroupArn"),
            "the alternate target group must differ from `targetGroupArn`: ECS starts the new revision in it while the current one serves",
        );
    }
    let rule_hint = "use a listener rule ARN (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener-rule/app/LB/ID/LISTENER/RULE`) or, for a Network Load Balancer, a listener ARN";
    let rule = |text: &Option<String>, v: Option<&Sp<String>>, key: &str| {
        if let (Some(t), Some(v)) = (text, v)
            && !arn::is_traffic_rule(&for_check(t))
        {
            cx.error_hint(
                v.loc,
                path(key),
                format!("`{t}` is not a listener rule or listener ARN"),
                rule_hint,
            );
        }
    };
    rule(&production, prod, "productionListenerRule");
    let test_rule = test.and_then(|v| cx.name(v, &path("testListenerRule"), None));
    rule(&test_rule, test, "testListenerRule");
    if let (Some(t), Some(p), Some(v)) = (&test_rule, &production, test)
        && t == p
    {
        cx.error(
            v.loc,
            path("testListenerRule"),
            "the test listener rule must differ from the production one",
        );
    }
    // Without the alternate group or the production rule (reported above) there is none.
    Some(TrafficShift {
        alternate_target_group_arn: alternate?,
        production_listener_rule: production?,
        test_listener_rule: test_rule,
    })
}

/// Reports `text` when it is not a target group ARN; whether it is one.
fn target_group_shape(cx: &Scope, text: &str, loc: Loc, path: &str) -> bool {
    let ok = arn::is_target_group(&for_check(text));
    if !ok {
        cx.error_hint(
            loc,
            path,
            format!("`{text}` is not a target group ARN"),
            "use `arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`",
        );
    }
    ok
}
