//! ECS services: everything UpdateService can change, the task definition it runs, and the
//! desired count under autoscaling.
//!
//! With autoscaling, the count is Application Auto Scaling's to manage: a live count within
//! the spec's min..max never shows a diff, one outside is clamped into the range. Without it,
//! the spec's count wins. Must not compare what the spec does not set (ECS managed tags,
//! deployments, running counts).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::Ctx;
use super::cluster::strategy_item;
use super::compare::{View, compare};
use super::deployment;
use super::normalize as n;
use super::normalize::{put, put_always};
use super::task_definition::Revision;
use super::{service_connect, service_volume};
use crate::live::LiveService;
use crate::model::Service;
use crate::plan::fingerprint::digest_view;
use crate::plan::{Address, ResourceChange, ResourceKind};

/// Stands in for the revision a new task definition gets; the field is marked unknown.
const NEW_REVISION: &str = "(new revision)";

/// Stands in for the ARN of a Cloud Map service this run creates or replaces.
const NEW_REGISTRY: &str = "(new Cloud Map service)";

/// `new_registries`: the Cloud Map services (by name) this run creates or replaces, whose ARN
/// apply learns only when it creates them.
pub fn diff(
    ctx: &Ctx,
    s: &Service,
    revisions: &[Revision],
    new_registries: &BTreeSet<String>,
) -> ResourceChange {
    let live = ctx.live.service(&s.name);
    let role = |name: &str| n::role_arn(name, ctx.desired.partition, ctx.account_id);
    let want = desired_view(s, live, revisions, new_registries, &role);
    let live_view = live.map(|l| live_view(ctx, s, l));
    let mut change = compare(
        Address::new(ResourceKind::Service, &s.key),
        &want,
        live_view.as_ref(),
    );
    if let (Some(range), Some(l), Some(view)) = (s.autoscaling, live, &live_view)
        && (i64::from(range.min)..=i64::from(range.max)).contains(&i64::from(l.desired_count))
    {
        // Application Auto Scaling moves the count within min..max at any time and the plan
        // never changes it there: a saved plan must not go stale because it moved.
        let mut view = view.clone();
        view.insert("desiredCount".into(), json!("within autoscaling min..max"));
        change.observed = digest_view(Some(&Value::Object(view)));
    }
    for f in &mut change.fields {
        if f.path == "taskDefinition"
            && f.after
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|a| a.ends_with(NEW_REVISION))
        {
            f.after = None;
            f.after_unknown = true;
        }
        if f.path == "serviceRegistries"
            && f.after
                .as_ref()
                .is_some_and(|a| a.to_string().contains(NEW_REGISTRY))
        {
            f.after = None;
            f.after_unknown = true;
        }
    }
    change
}

fn desired_view(
    s: &Service,
    live: Option<&LiveService>,
    revisions: &[Revision],
    new_registries: &BTreeSet<String>,
    role: deployment::RoleArn,
) -> View {
    let mut v = View::new();
    put(&mut v, "cluster", json!(s.cluster));
    let td = match revisions
        .iter()
        .find(|r| r.family == s.family)
        .and_then(|r| r.existing.clone())
    {
        Some(existing) => existing,
        None => format!("{}:{NEW_REVISION}", s.family),
    };
    put(&mut v, "taskDefinition", json!(td));
    put_always(&mut v, "desiredCount", json!(desired_count(s, live)));
    if s.capacity.is_empty() {
        put(&mut v, "launchType", json!("FARGATE"));
    } else {
        let items = s
            .capacity
            .iter()
            .map(|i| strategy_item(i.capacity_provider.as_str(), i.base.into(), i.weight.into()));
        put(
            &mut v,
            "capacityProviderStrategy",
            n::sorted_list(items.collect()),
        );
    }
    put(
        &mut v,
        "platformVersion",
        n::platform_version(Some(&s.platform_version)),
    );
    put(
        &mut v,
        "networkConfiguration",
        network(
            s.network.subnets.iter().map(String::as_str),
            s.network.security_groups.iter().map(String::as_str),
            Some(if s.network.assign_public_ip {
                "ENABLED"
            } else {
                "DISABLED"
            }),
        ),
    );
    let infrastructure = s.deployment.infrastructure_role.as_deref().map(role);
    put(
        &mut v,
        "loadBalancers",
        deployment::desired_load_balancers(&s.load_balancers, infrastructure),
    );
    if let Some(d) = &s.discovery {
        // Registries are compared by ARN: the live ARN shows as the Cloud Map service's name
        // only when it is the ARN live read under that name (`live_view`), and one that this
        // run creates or replaces has an ARN no live service can carry yet.
        let name = if live.is_some() && new_registries.contains(&d.discovery_service) {
            format!("{} {NEW_REGISTRY}", d.discovery_service)
        } else {
            d.discovery_service.clone()
        };
        let reg = registry(
            &name,
            d.container_name.as_deref(),
            d.container_port.map(i64::from),
        );
        put(&mut v, "serviceRegistries", json!([reg]));
    }
    put(
        &mut v,
        "healthCheckGracePeriodSeconds",
        json!(s.health_check_grace_period),
    );
    put(
        &mut v,
        "deploymentConfiguration",
        deployment::desired(&s.deployment, role),
    );
    put(
        &mut v,
        "enableExecuteCommand",
        json!(s.enable_execute_command),
    );
    put(&mut v, "propagateTags", json!(s.propagate_tags));
    put(
        &mut v,
        "volumeConfigurations",
        service_volume::desired(s.ebs_volume.as_ref(), role),
    );
    put(
        &mut v,
        "serviceConnectConfiguration",
        service_connect::desired(s.service_connect.as_ref()),
    );
    put(&mut v, "tags", json!(s.tags));
    v
}

/// Under autoscaling, the live count if it is within min..max, else clamped into it; on
/// create, or without autoscaling, the spec's count.
fn desired_count(s: &Service, live: Option<&LiveService>) -> i64 {
    match (s.autoscaling, live) {
        (Some(range), Some(l)) => {
            i64::from(l.desired_count).clamp(range.min.into(), range.max.into())
        }
        _ => s.desired_count.into(),
    }
}

fn live_view(ctx: &Ctx, s: &Service, l: &LiveService) -> View {
    let mut v = View::new();
    // Live reads services in the desired cluster, so a missing clusterArn means that one.
    let cluster = l
        .cluster_arn
        .as_deref()
        .map(n::arn_name)
        .unwrap_or(&s.cluster);
    put(&mut v, "cluster", json!(cluster));
    put(
        &mut v,
        "taskDefinition",
        json!(l.task_definition.as_deref().map(n::task_definition_ref)),
    );
    put_always(&mut v, "desiredCount", json!(l.desired_count));
    if l.capacity_provider_strategy.is_empty() {
        put(&mut v, "launchType", json!(l.launch_type));
    } else {
        // launchType is ignored next to a strategy: AWS omits it, moto says `EC2` anyway.
        let items = l
            .capacity_provider_strategy
            .iter()
            .map(|i| strategy_item(&i.capacity_provider, i.base.into(), i.weight.into()));
        put(
            &mut v,
            "capacityProviderStrategy",
            n::sorted_list(items.collect()),
        );
    }
    put(
        &mut v,
        "platformVersion",
        n::platform_version(l.platform_version.as_deref()),
    );
    if let Some(net) = &l.network {
        put(
            &mut v,
            "networkConfiguration",
            network(
                net.subnets.iter().map(String::as_str),
                net.security_groups.iter().map(String::as_str),
                net.assign_public_ip.as_deref(),
            ),
        );
    }
    put(
        &mut v,
        "loadBalancers",
        deployment::live_load_balancers(&l.load_balancers, &s.load_balancers),
    );
    let regs = l.service_registries.iter().map(|r| {
        // The registry by discovery service name when live read it, otherwise the ARN verbatim.
        let arn = r.registry_arn.as_deref().unwrap_or_default();
        let name = ctx
            .live
            .discovery_services
            .iter()
            .find(|d| d.arn == arn)
            .map_or(arn, |d| d.name.as_str());
        registry(
            name,
            r.container_name.as_deref(),
            r.container_port.map(i64::from),
        )
    });
    put(&mut v, "serviceRegistries", n::sorted_list(regs.collect()));
    put(
        &mut v,
        "healthCheckGracePeriodSeconds",
        json!(l.health_check_grace_period_seconds),
    );
    put(
        &mut v,
        "deploymentConfiguration",
        deployment::live(l.deployment_configuration.as_ref()),
    );
    put(
        &mut v,
        "enableExecuteCommand",
        json!(l.enable_execute_command),
    );
    // Absent is NONE (the API's default when a service was created without it).
    put(
        &mut v,
        "propagateTags",
        json!(l.propagate_tags.as_deref().unwrap_or("NONE")),
    );
    put(&mut v, "volumeConfigurations", service_volume::live(l));
    put(
        &mut v,
        "serviceConnectConfiguration",
        service_connect::live(ctx.live, l),
    );
    put(&mut v, "tags", super::normalize::user_tags(&l.tags));
    v
}

fn network<'a>(
    subnets: impl Iterator<Item = &'a str>,
    groups: impl Iterator<Item = &'a str>,
    public: Option<&str>,
) -> Value {
    json!({
        "subnets": n::string_set(subnets),
        "securityGroups": n::string_set(groups),
        "assignPublicIp": n::assign_public_ip(public),
    })
}

fn registry(discovery_service: &str, container: Option<&str>, port: Option<i64>) -> Value {
    let mut m = View::new();
    put(&mut m, "discoveryService", json!(discovery_service));
    put(&mut m, "containerName", json!(container));
    put(&mut m, "containerPort", json!(port));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::live::Live;
    use crate::model::Desired;
    use crate::plan::{Action, Effect};
    use serde_json::json;

    type Mutate = fn(&mut Desired, &mut Live);

    #[test]
    fn service_decisions() {
        // (case, mutation, action, changed paths, forces a new deployment)
        let cases: Vec<(&str, Mutate, Action, &[&str], bool)> = vec![
            ("converged", |_, _| {}, Action::NoOp, &[], false),
            (
                "moto: `family:rev` instead of the ARN",
                |_, l| l.services[0].task_definition = Some("ohi-prod-api:3".into()),
                Action::NoOp,
                &[],
                false,
            ),
            (
                "launchType next to a strategy is ignored",
                |_, l| l.services[0].launch_type = Some("EC2".into()),
                Action::NoOp,
                &[],
                false,
            ),
            (
                "assignPublicIp omitted",
                |_, l| l.services[0].network.as_mut().unwrap().assign_public_ip = None,
                Action::NoOp,
                &[],
                false,
            ),
            (
                "platformVersion omitted",
                |_, l| l.services[0].platform_version = None,
                Action::NoOp,
                &[],
                false,
            ),
            (
                "subnets reordered",
                |_, l| l.services[0].network.as_mut().unwrap().subnets.reverse(),
                Action::NoOp,
                &[],
                false,
            ),
            (
                "count within autoscaling range",
                |_, l| l.services[0].desired_count = 6,
                Action::NoOp,
                &[],
                false,
            ),
            (
                "count above the range is clamped",
                |_, l| l.services[0].desired_count = 9,
                Action::Update,
                &["desiredCount"],
                false,
            ),
            (
                "count below the range is clamped",
                |_, l| l.services[0].desired_count = 1,
                Action::Update,
                &["desiredCount"],
                false,
            ),
            (
                "without autoscaling the spec wins",
                |d, l| {
                    d.services[0].autoscaling = None;
                    l.services[0].desired_count = 4;
                },
                Action::Update,
                &["desiredCount"],
                false,
            ),
            (
                "strategy change forces a deployment",
                |_, l| l.services[0].capacity_provider_strategy[0].weight = 1,
                Action::Update,
                &["capacityProviderStrategy"],
                true,
            ),
            (
                "launchType to strategy migration",
                |_, l| {
                    l.services[0].capacity_provider_strategy.clear();
                    l.services[0].launch_type = Some("FARGATE".into());
                },
                Action::Update,
                &["capacityProviderStrategy", "launchType"],
                true,
            ),
            (
                "load balancer port updates in place",
                |_, l| l.services[0].load_balancers[0].container_port = Some(80),
                Action::Update,
                &["loadBalancers"],
                false,
            ),
            (
                "registries removed out of band",
                |_, l| l.services[0].service_registries.clear(),
                Action::Update,
                &["serviceRegistries"],
                false,
            ),
            (
                "circuit breaker off",
                |_, l| {
                    l.services[0]
                        .deployment_configuration
                        .as_mut()
                        .unwrap()
                        .circuit_breaker = None;
                },
                Action::Update,
                &[
                    "deploymentConfiguration.deploymentCircuitBreaker.enable",
                    "deploymentConfiguration.deploymentCircuitBreaker.rollback",
                ],
                false,
            ),
            (
                "grace period corrected to 0 vs spec 60",
                |_, l| l.services[0].health_check_grace_period_seconds = Some(0),
                Action::Update,
                &["healthCheckGracePeriodSeconds"],
                false,
            ),
            (
                "exec command turned on out of band",
                |_, l| l.services[0].enable_execute_command = true,
                Action::Update,
                &["enableExecuteCommand"],
                true,
            ),
            (
                "other cluster forces replacement",
                |_, l| {
                    l.services[0].cluster_arn = Some("arn:aws:ecs:eu-west-1:1:cluster/other".into())
                },
                Action::Replace,
                &["cluster"],
                false,
            ),
            (
                "absent",
                |_, l| l.services.clear(),
                Action::Create,
                &[],
                false,
            ),
        ];
        for (name, mutate, action, paths, force) in cases {
            let (mut d, mut l) = (desired(), converged());
            mutate(&mut d, &mut l);
            let c = find(&diff(&d, &l), "service.api");
            assert_eq!(c.action, action, "{name}: {:?}", c.fields);
            if action != Action::Create {
                let got: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
                assert_eq!(got, paths, "{name}");
            }
            assert_eq!(c.force_new_deployment, force, "{name}");
        }
    }

    #[test]
    fn autoscaling_within_range_does_not_move_the_observed_digest() {
        // The fixture's api autoscales within 2..6 (the clamp test above goes to 6).
        let observed = |count: i32| {
            let mut l = converged();
            l.services[0].desired_count = count;
            find(&diff(&desired(), &l), "service.api").observed.clone()
        };
        assert_eq!(observed(3), observed(5), "a count Auto Scaling moved");
        assert_ne!(
            observed(3),
            observed(9),
            "outside the range the plan changes it"
        );
        let mut l = converged();
        l.services[0].desired_count = 3;
        let quiet = find(&diff(&desired(), &l), "service.api").observed.clone();
        l.services[0].enable_execute_command = !l.services[0].enable_execute_command;
        assert_ne!(quiet, find(&diff(&desired(), &l), "service.api").observed);
    }

    #[test]
    fn clamped_count_shows_before_and_after() {
        let mut l = converged();
        l.services[0].desired_count = 9;
        let c = find(&diff(&desired(), &l), "service.api");
        assert_eq!(
            (c.fields[0].before.clone(), c.fields[0].after.clone()),
            (Some(json!(9)), Some(json!(6)))
        );
        assert_eq!(c.fields[0].effect, Effect::InPlace);
    }

    #[test]
    fn create_uses_the_spec_count_and_an_unknown_revision() {
        let mut l = converged();
        l.services.clear();
        l.task_definitions.clear();
        l.families.clear();
        let c = find(&diff(&desired(), &l), "service.api");
        let count = c.fields.iter().find(|f| f.path == "desiredCount").unwrap();
        assert_eq!(count.after, Some(json!(2)));
        let td = c
            .fields
            .iter()
            .find(|f| f.path == "taskDefinition")
            .unwrap();
        assert!(td.after_unknown && td.after.is_none());
    }

    /// Review #1b: a replaced Cloud Map service keeps its name but gets a new ARN; the service
    /// must be pointed at it, so the plan shows the registry change (ARN known after apply).
    #[test]
    fn replaced_discovery_service_repoints_the_service_registry() {
        let mut l = converged();
        l.discovery_services[0].routing_policy = Some("WEIGHTED".into());
        let changes = diff(&desired(), &l);
        assert_eq!(
            find(&changes, "discovery_service.api").action,
            Action::Replace
        );
        let c = find(&changes, "service.api");
        assert_eq!(c.action, Action::Update, "{:?}", c.fields);
        let reg = c.fields.iter().find(|f| f.path == "serviceRegistries");
        let reg = reg.expect("a serviceRegistries change");
        assert!(reg.after_unknown && reg.after.is_none(), "{reg:?}");
        assert_eq!(reg.effect, Effect::InPlace);
    }

    /// A service still registered in a Cloud Map service that was deleted (or replaced out of
    /// band) points at an ARN live does not know under the name: that is a change.
    #[test]
    fn registry_pointing_at_a_deleted_cloud_map_service_is_a_change() {
        let mut l = converged();
        l.services[0].service_registries[0].registry_arn =
            Some("arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-gone".into());
        let c = find(&diff(&desired(), &l), "service.api");
        let paths: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["serviceRegistries"]);
        assert_eq!(
            c.fields[0].after,
            Some(json!([{"discoveryService": "api"}]))
        );
    }
}
