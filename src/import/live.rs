//! A live environment (what `live::discover` read of one cluster) as a spec document.
//!
//! Owns the environment-level half of the live translation: names (kept as literals where they
//! follow none of ecsctl's templates), the cluster, network and capacity, services with their
//! scaling, deployment and discovery, log groups and roles. Roles this environment does not own
//! are referenced by ARN (`executionRoleArn`, `taskRole.arn`), never adopted: ecsctl would
//! rewrite their policies, and such roles are usually shared. Must not read AWS.

use std::collections::BTreeMap;

use super::doc::{Map, Node};
use super::live_task::{TaskCx, task};
use super::translation::{EnvDoc, Translation, literal, service_key};
use crate::live::ownership::is_ours;
use crate::live::{Live, LiveCapacityProviderItem, LiveRole, LiveService, LiveTags};

/// What the caller decided: the app and environment the spec describes.
pub struct LiveImport<'a> {
    pub app: &'a str,
    pub env: &'a str,
    /// The VPC of the services' subnets (`live::discover`), for `discovery.vpc`.
    pub vpc: Option<&'a str>,
}

pub fn translate(live: &Live, opts: &LiveImport) -> Translation {
    let mut t = Translation::default();
    let mut doc = Map::new();
    doc.insert("app", opts.app)
        .insert("region", live.region.as_str());
    doc.insert("account", live.account_id.as_str());
    let cluster_name = live.cluster.as_ref().map_or("", |c| c.name.as_str());
    let mut cluster = Map::new();
    if cluster_name != format!("{}-{}", opts.app, opts.env) {
        cluster.insert("name", cluster_name);
    }
    if let Some(c) = &live.cluster {
        let insights = c
            .settings
            .iter()
            .find(|s| s.name == "containerInsights")
            .and_then(|s| s.value.as_deref());
        if let Some(v @ ("enabled" | "enhanced")) = insights {
            cluster.insert("containerInsights", v);
        }
        let tags = user_tags(&c.tags);
        if !tags.is_empty() {
            doc.insert("tags", tags);
        }
    }
    if !cluster.is_empty() {
        doc.insert("cluster", cluster);
    }
    let base_tags = doc.get("tags").cloned();
    let services: Vec<&LiveService> = live
        .services
        .iter()
        .filter(|s| s.status == "ACTIVE")
        .collect();
    let mut out = Map::new();
    for s in &services {
        let key = service_key(&s.name, opts.app, opts.env, cluster_name);
        let mut notes = Vec::new();
        let svc = service(live, s, &key, opts, base_tags.as_ref(), &mut notes);
        for n in notes {
            t.note(
                format!("service/{}", s.name),
                Some(&format!("services.{key}")),
                n,
            );
        }
        out.insert(key, svc);
    }
    lift_shared(&mut doc, &mut out, &["network", "executionRoleArn"]);
    cluster_capacity(live, &mut doc, &mut out, &mut t);
    if let Some(ns) = &live.namespace {
        let mut d = Map::new();
        let template = format!("{}-{}.local", opts.app, opts.env);
        d.insert(
            "namespace",
            if ns.name == template {
                "{app}-{env}.local"
            } else {
                ns.name.as_str()
            },
        );
        d.insert_some("vpc", opts.vpc);
        d.insert_some("description", ns.description.as_deref());
        doc.insert("discovery", d);
    }
    retention(live, &mut doc, &mut t);
    doc.insert("services", out);
    t.envs.push(EnvDoc {
        name: opts.env.to_string(),
        doc,
    });
    t
}

fn user_tags(tags: &LiveTags) -> Map {
    let mut m = Map::new();
    for (k, v) in tags {
        if !k.starts_with("aws:") && !k.starts_with("ecsctl:") {
            m.insert(k.as_str(), literal(v));
        }
    }
    m
}

fn service(
    live: &Live,
    s: &LiveService,
    key: &str,
    opts: &LiveImport,
    base_tags: Option<&Node>,
    notes: &mut Vec<String>,
) -> Map {
    let mut svc = Map::new();
    let td = s
        .task_definition
        .as_deref()
        .and_then(|arn| live.task_definition(arn));
    let mut names = Map::new();
    let template = |suffix: &str| format!("{}-{}-{key}{suffix}", opts.app, opts.env);
    if s.name != template("") {
        names.insert("service", s.name.as_str());
    }
    if let Some(td) = td
        && td.family != template("")
    {
        names.insert("family", td.family.as_str());
    }
    let role = |arn: Option<&str>| -> Option<&LiveRole> {
        let name = arn?.rsplit('/').next()?;
        live.roles
            .iter()
            .find(|r| r.name == name && is_ours(&r.tags, opts.app, opts.env))
    };
    let exec_owned = role(td.and_then(|t| t.execution_role_arn.as_deref()));
    let task_owned = role(td.and_then(|t| t.task_role_arn.as_deref()));
    if let Some(r) = exec_owned
        && r.name != template("-exec")
    {
        names.insert("executionRole", r.name.as_str());
    }
    if let Some(r) = task_owned
        && r.name != template("-task")
    {
        names.insert("taskRole", r.name.as_str());
    }
    if !names.is_empty() {
        svc.insert("names", names);
    }
    if let (Some(td), None) = (td, exec_owned) {
        match &td.execution_role_arn {
            Some(arn) => {
                svc.insert("executionRoleArn", arn.as_str());
            }
            None => notes.push(
                "the task definition has no execution role; ecsctl creates one (a new revision)"
                    .into(),
            ),
        }
    }
    let default_group = format!("/ecs/{}-{}/{key}", opts.app, opts.env);
    match td {
        Some(td) => {
            task(
                td,
                &TaskCx {
                    key,
                    default_group: &default_group,
                    deployment: s.primary_deployment(),
                    owned_task_role: task_owned,
                    secret_prefix: &crate::model::partition::Partition::of_region(&live.region)
                        .arn("secretsmanager", &live.region, &live.account_id, "secret:"),
                },
                &mut svc,
                notes,
            )
        }
        None => notes.push("the task definition it runs could not be read".into()),
    }
    run_settings(live, s, key, &mut svc, notes);
    let tags = user_tags(&s.tags);
    let own: Map = {
        let mut m = Map::new();
        for e in tags.entries() {
            let inherited = base_tags.and_then(Node::as_map).and_then(|b| b.get(&e.key));
            if inherited != Some(&e.value) {
                m.insert(e.key.as_str(), e.value.clone());
            }
        }
        m
    };
    if !own.is_empty() {
        svc.insert("tags", own);
    }
    svc
}

/// How the service runs: count, capacity, network, load balancers, deployment, discovery,
/// scaling and the flags.
fn run_settings(live: &Live, s: &LiveService, key: &str, svc: &mut Map, notes: &mut Vec<String>) {
    if s.desired_count != 1 {
        svc.insert("count", s.desired_count);
    }
    if let Some(lt) = &s.launch_type {
        notes.push(format!(
            "the service runs with launch type `{lt}`; ecsctl runs services with capacity provider strategies, so adopting it moves it to `capacity` (UpdateService, a new deployment)"
        ));
    }
    svc.insert(
        "capacity",
        capacity(&s.capacity_provider_strategy).unwrap_or_else(|| "on-demand".into()),
    );
    if let Some(n) = &s.network {
        let mut m = Map::new();
        m.insert("subnets", n.subnets.clone());
        m.insert("securityGroups", n.security_groups.clone());
        if n.assign_public_ip.as_deref() == Some("ENABLED") {
            m.insert("assignPublicIp", true);
        }
        svc.insert("network", m);
    }
    let lbs: Vec<Node> = s
        .load_balancers
        .iter()
        .filter_map(|lb| {
            let mut m = Map::new();
            m.insert("targetGroupArn", lb.target_group_arn.as_deref()?);
            m.insert_some("container", lb.container_name.as_deref());
            m.insert_some("port", lb.container_port);
            Some(Node::Map(m))
        })
        .collect();
    if !lbs.is_empty() {
        svc.insert("loadBalancers", Node::List(lbs));
    }
    svc.insert_some(
        "healthCheckGracePeriod",
        s.health_check_grace_period_seconds.filter(|g| *g > 0),
    );
    if let Some(d) = deployment(s, notes) {
        svc.insert("deployment", d);
    }
    if let Some(d) = discovery(live, s, key) {
        svc.insert("discovery", d);
    }
    if let Some(a) = super::live_scaling::autoscaling(live, s, notes) {
        svc.insert("autoscaling", a);
    }
    if let Some(pv) = s.platform_version.as_deref().filter(|p| *p != "LATEST") {
        svc.insert("platformVersion", pv);
    }
    if s.enable_execute_command {
        svc.insert("enableExecuteCommand", true);
    }
    let propagate = match s.propagate_tags.as_deref() {
        Some("SERVICE") => None,
        Some("TASK_DEFINITION") => Some("taskDefinition"),
        _ => Some("none"),
    };
    svc.insert_some("propagateTags", propagate);
}

/// The cluster's default strategy is the environment's `capacity`; each service writes its own
/// only where it differs. A cluster without one gets the spec's on adoption (a visible change).
fn cluster_capacity(live: &Live, doc: &mut Map, services: &mut Map, t: &mut Translation) {
    let Some(c) = &live.cluster else { return };
    let default = capacity(&c.default_strategy).unwrap_or_else(|| "on-demand".into());
    if c.default_strategy.is_empty() {
        t.note(
            format!("cluster/{}", c.name),
            Some("cluster"),
            "the cluster has no default capacity provider strategy; adopting it sets the environment's (`capacity`, on-demand FARGATE unless written)",
        );
    }
    for e in services.entries().to_vec() {
        if let Some(Node::Map(m)) = services.get_mut(&e.key)
            && m.get("capacity") == Some(&default)
        {
            m.remove("capacity");
        }
    }
    if default != Node::from("on-demand") {
        doc.insert("capacity", default);
    }
}

/// The strategy as `capacity`; None for on-demand (the default), including a launch type.
fn capacity(strategy: &[LiveCapacityProviderItem]) -> Option<Node> {
    let item = |p: &str| strategy.iter().find(|i| i.capacity_provider == p);
    match (item("FARGATE"), item("FARGATE_SPOT")) {
        (_, None) => None,
        (None, Some(spot)) if spot.base == 0 => Some("spot".into()),
        (od, Some(spot)) => {
            let mut m = Map::new();
            let base = od.map_or(0, |o| o.base) + spot.base;
            if base > 0 {
                m.insert("base", base);
            }
            m.insert("onDemandWeight", od.map_or(0, |o| o.weight));
            m.insert("spotWeight", spot.weight);
            Some(Node::Map(m))
        }
    }
}

fn deployment(s: &LiveService, notes: &mut Vec<String>) -> Option<Map> {
    let dc = s.deployment_configuration.as_ref()?;
    let mut m = Map::new();
    if let Some(max) = dc.maximum_percent.filter(|p| *p != 200) {
        m.insert("maxPercent", max);
    }
    if let Some(min) = dc.minimum_healthy_percent.filter(|p| *p != 100) {
        m.insert("minHealthyPercent", min);
    }
    let breaker = dc.circuit_breaker.as_ref();
    let (enabled, rollback) = breaker.map_or((false, false), |b| (b.enable, b.rollback));
    if !(enabled && rollback) {
        let mut b = Map::new();
        b.insert("enabled", enabled);
        if enabled {
            b.insert("rollback", rollback);
        }
        m.insert("circuitBreaker", b);
    }
    if let Some(a) = dc
        .alarms
        .as_ref()
        .filter(|a| a.enable && !a.names.is_empty())
    {
        m.insert("alarms", a.names.clone());
    }
    match dc.strategy.as_deref() {
        None | Some("ROLLING") => {}
        Some(other) => notes.push(format!(
            "deployment strategy `{other}`: its settings are not imported; write `deployment.strategy` and its keys by hand"
        )),
    }
    (!m.is_empty()).then_some(m)
}

fn discovery(live: &Live, s: &LiveService, key: &str) -> Option<Map> {
    let reg = s.service_registries.first()?;
    let arn = reg.registry_arn.as_deref()?;
    let cm = live.discovery_services.iter().find(|d| d.arn == arn)?;
    let mut m = Map::new();
    m.insert("enabled", true);
    if cm.name != key {
        m.insert("name", cm.name.as_str());
    }
    let kinds: Vec<String> = cm.dns_records.iter().map(|r| r.kind.clone()).collect();
    if kinds != ["A"] {
        m.insert("records", kinds.clone());
    }
    if let Some(ttl) = cm.dns_records.first().map(|r| r.ttl).filter(|t| *t != 60) {
        m.insert("ttl", Node::Int(ttl));
    }
    if cm.routing_policy.as_deref() == Some("WEIGHTED") {
        m.insert("routing", "WEIGHTED");
    }
    if kinds.iter().any(|k| k == "SRV") {
        m.insert_some("port", reg.container_port.or(reg.port));
    }
    Some(m)
}

/// Log group retention and key: ecsctl sets them per environment (`logs`), so the most common
/// values are written and a group that differs is noted.
fn retention(live: &Live, doc: &mut Map, t: &mut Translation) {
    let mut counts: BTreeMap<(Option<i32>, Option<String>), usize> = BTreeMap::new();
    for g in &live.log_groups {
        *counts
            .entry((g.retention_days, g.kms_key_id.clone()))
            .or_default() += 1;
    }
    let Some(((days, kms), _)) = counts.iter().max_by_key(|(_, n)| **n) else {
        return;
    };
    for g in &live.log_groups {
        if (g.retention_days, &g.kms_key_id) != (*days, kms) {
            t.note(
                format!("log_group/{}", g.name),
                Some("logs"),
                format!(
                    "log group `{}` keeps its logs {} days and the others {}: set `logs.retentionDays` on its service",
                    g.name,
                    g.retention_days.map_or("forever".into(), |d| d.to_string()),
                    days.map_or("forever".into(), |d| d.to_string()),
                ),
            );
        }
    }
    let mut logs = Map::new();
    logs.insert_some("retentionDays", *days);
    logs.insert_some("kmsKeyId", kms.as_deref());
    if !logs.is_empty() {
        doc.insert("logs", logs);
    }
}

/// Moves `keys` whose value every service shares to the top level (or `defaults:`), so each
/// is written once.
fn lift_shared(doc: &mut Map, services: &mut Map, keys: &[&str]) {
    for key in keys {
        let values: Vec<Option<&Node>> = services
            .entries()
            .iter()
            .map(|e| e.value.as_map().and_then(|m| m.get(key)))
            .collect();
        let Some(Some(first)) = values.first() else {
            continue;
        };
        if services.len() < 2 && *key == "executionRoleArn" {
            continue;
        }
        if !values.iter().all(|v| *v == Some(*first)) {
            continue;
        }
        let value = (*first).clone();
        for e in services.entries().to_vec() {
            if let Some(Node::Map(m)) = services.get_mut(&e.key) {
                m.remove(key);
            }
        }
        if *key == "executionRoleArn" {
            doc.map_mut("defaults").insert(*key, value);
        } else {
            doc.insert(*key, value);
        }
    }
}
