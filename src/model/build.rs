//! The model's entry point: a merged `RawProject` in, the validated `Desired` out, or every
//! problem found.
//!
//! Owns the order of assembly (project, cluster, namespace, services, scheduled tasks, then the
//! cross-resource checks and the scheduler role). Must not do I/O: plan and render both call
//! this with the same inputs and get the same answer.

use std::collections::HashSet;

use super::autoscaling;
use super::discovery::namespace;
use super::iam::{infrastructure_role, scheduler_role};
use super::names::NameKind;
use super::partition::Partition;
use super::project::{cluster, scope};
use super::resources::*;
use super::scheduled::{BuiltScheduled, build_scheduled};
use super::scope::Scope;
use super::service::{BuiltService, ServiceEnv, build_service};
use super::tags;
use super::task_def::BuiltTask;
use super::task_spec::merged_service;
use super::unique::{self, Claim};
use super::validate::check_name;
use crate::diagnostic::Diagnostics;
use crate::spec::raw::RawProject;
use crate::spec::span::Loc;

pub struct BuildContext<'a> {
    /// The environment being built (`dev`, `prod`).
    pub env: &'a str,
    /// The caller's account (from STS) when known; the spec's `account:` takes precedence.
    pub account_id: Option<&'a str>,
    /// The caller's partition (from its STS ARN) when known; offline the region's.
    pub partition: Option<Partition>,
    /// The process environment, for `${VAR}`.
    pub vars: &'a dyn Fn(&str) -> Option<String>,
}

/// `Ok` carries the warnings; `Err` carries all diagnostics (errors and warnings), sorted.
pub fn build(raw: &RawProject, ctx: &BuildContext) -> Result<(Desired, Diagnostics), Diagnostics> {
    let cx = scope(raw, ctx);
    let base_tags = tags::with(
        &cx,
        &tags::ownership(&cx.app, &cx.env),
        raw.tags.as_ref(),
        "tags",
    );
    let cluster = cluster(&cx, raw, &base_tags);
    let namespace = namespace(&cx, raw.discovery.as_ref(), &base_tags);
    let protected = raw.protected.as_ref().is_some_and(|p| p.value);
    let infrastructure = format!("{}-{}-ecs-infrastructure", cx.app, cx.env);
    let env = ServiceEnv {
        raw,
        cluster: &cluster.name,
        namespace: namespace.as_ref(),
        tags: &base_tags,
        protected,
        discovery_off: raw
            .discovery
            .as_ref()
            .and_then(|d| d.enabled.as_ref())
            .is_some_and(|e| !e.value),
        infrastructure_role: &infrastructure,
        service_connect: raw
            .discovery
            .as_ref()
            .and_then(|d| d.mode.as_ref())
            .is_some_and(|m| m.value == crate::spec::raw_values::DiscoveryMode::ServiceConnect),
        insights: cluster.container_insights != InsightsMode::Disabled,
    };
    let services = services(&cx, &env);
    let scheduled: Vec<BuiltScheduled> = raw
        .scheduled_tasks
        .iter()
        .flat_map(|m| m.iter())
        .filter_map(|(key, t)| {
            build_scheduled(&cx, raw, &base_tags, &cluster.name, key, t, &services)
        })
        .collect();
    let shared_exec = raw
        .execution_role
        .as_ref()
        .is_some_and(|m| m.value == crate::spec::raw_values::ExecutionRoleMode::Shared);
    let mut desired = assemble(
        &cx,
        cluster,
        namespace,
        services,
        scheduled,
        &base_tags,
        protected,
        shared_exec,
    );
    desired.keep_revisions = super::revisions::keep(&cx, raw.revisions.as_ref());
    desired.before_deploy = super::before_deploy::before_deploy(&cx, raw, &desired.scheduled_tasks);
    finish(cx, desired)
}

fn services(cx: &Scope, env: &ServiceEnv) -> Vec<BuiltService> {
    let defaults = env.raw.defaults.as_ref();
    let default_enabled = defaults.and_then(|d| d.enabled.as_ref());
    let enabled = env
        .raw
        .services
        .iter()
        .flat_map(|m| m.iter())
        .filter(|(_, s)| {
            s.enabled
                .as_ref()
                .or(default_enabled)
                .is_none_or(|e| e.value)
        })
        .map(|(key, s)| (key.value.as_str(), s.autoscaling.as_ref()));
    autoscaling::check_defaults(cx, defaults.and_then(|d| d.autoscaling.as_ref()), enabled);
    let mut out = Vec::new();
    for (key, service) in env.raw.services.iter().flat_map(|m| m.iter()) {
        let merged = merged_service(env.raw, service);
        if merged.enabled.as_ref().is_some_and(|e| !e.value) {
            continue;
        }
        out.push(build_service(cx, env, key, &merged));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    cx: &Scope,
    cluster: Cluster,
    namespace: Option<Namespace>,
    services: Vec<BuiltService>,
    scheduled: Vec<BuiltScheduled>,
    tags: &Tags,
    protected: bool,
    shared_exec: bool,
) -> Desired {
    check_unique(cx, &services, &scheduled, shared_exec);
    let tasks: Vec<(&BuiltTask, &str)> = services
        .iter()
        .map(|s| (&s.task, s.service.key.as_str()))
        .chain(
            scheduled
                .iter()
                .filter_map(|s| s.own.as_ref().map(|t| (t, s.task.key.as_str()))),
        )
        .collect();
    let mut roles: Vec<Role> = super::iam::merge_execution_roles(
        tasks
            .iter()
            .flat_map(|(t, _)| t.roles.iter().cloned())
            .collect(),
    );
    roles.extend(scheduler(cx, &scheduled, tags));
    roles.extend(infrastructure(cx, &services, tags));
    let groups = tasks
        .iter()
        .map(|(t, key)| {
            (
                t.logs.group.clone(),
                t.logs.name_loc,
                format!("{key}.logs.group"),
            )
        })
        .collect();
    let log_groups = unique::log_groups(cx, groups);
    let task_definitions = tasks.iter().map(|(t, _)| t.def.clone()).collect();
    let discovery_services = services
        .iter()
        .filter_map(|s| s.discovery.as_ref().map(|d| d.0.clone()))
        .collect();
    let scaling_targets = services.iter().filter_map(|s| s.scaling.clone()).collect();
    Desired {
        app: cx.app.clone(),
        env: cx.env.clone(),
        region: cx.region.clone(),
        partition: cx.partition,
        account_id: cx.spec_account.clone(),
        protected,
        cluster,
        roles,
        log_groups,
        namespace,
        discovery_services,
        task_definitions,
        services: services.into_iter().map(|s| s.service).collect(),
        scaling_targets,
        scheduled_tasks: scheduled.into_iter().map(|s| s.task).collect(),
        target: None,
        image_notes: Vec::new(),
        before_deploy: Vec::new(),
        written: cx.take_written(),
        keep_revisions: super::revisions::DEFAULT_KEEP,
    }
}

/// One scheduler role for the environment, when it has any job with a schedule; it may start
/// only those jobs' task definitions and pass only their roles (jobs run only on demand are
/// started by `ecsctl run` or apply, never by Scheduler).
fn scheduler(cx: &Scope, all: &[BuiltScheduled], tags: &Tags) -> Option<Role> {
    let scheduled: Vec<&BuiltScheduled> =
        all.iter().filter(|s| s.task.expression.is_some()).collect();
    let first = scheduled.first()?;
    let mut families: Vec<String> = scheduled.iter().map(|s| s.task.family.clone()).collect();
    families.sort();
    families.dedup();
    let mut passed: Vec<RoleRef> = Vec::new();
    for r in scheduled.iter().flat_map(|s| s.passed_roles.iter()) {
        if !passed.contains(r) {
            passed.push(r.clone());
        }
    }
    let name = first.task.role.clone();
    // `{app}-{env}-scheduler` comes from `app`: point there.
    let at = cx.app_loc.unwrap_or(Loc::PROJECT_START);
    check_name(cx, NameKind::Role, &name, at, "scheduledTasks");
    Some(scheduler_role(
        cx,
        name,
        &first.task.cluster,
        &families,
        &passed,
        tags,
    ))
}

/// One infrastructure role for the environment, when a service deploys blueGreen, linear or
/// canary with load balancers or hooks, or has an EBS volume; it may touch only those
/// services' target groups, listener rules, hook functions and ECS-managed volumes.
fn infrastructure(cx: &Scope, services: &[BuiltService], tags: &Tags) -> Option<Role> {
    let users: Vec<&Service> = services
        .iter()
        .map(|s| &s.service)
        .filter(|s| s.infrastructure_role().is_some())
        .collect();
    let name = users.first()?.infrastructure_role()?.to_string();
    let at = cx.app_loc.unwrap_or(Loc::PROJECT_START);
    check_name(cx, NameKind::Role, &name, at, "services");
    Some(infrastructure_role(cx, name, &users, tags))
}

/// With `shared_exec`, every task names the one execution role on purpose: it is not claimed.
fn check_unique(
    cx: &Scope,
    services: &[BuiltService],
    scheduled: &[BuiltScheduled],
    shared_exec: bool,
) {
    let mut claims = Vec::new();
    for s in services {
        let key = s.service.key.as_str();
        claims.push(Claim {
            what: "service name",
            path: "names.service",
            name: &s.service.name,
            owner: key,
            loc: s.name_loc,
        });
        task_claims(&mut claims, &s.task, key, shared_exec);
        if let Some((d, loc)) = &s.discovery {
            claims.push(Claim {
                what: "discovery service name",
                path: "discovery.name",
                name: &d.name,
                owner: key,
                loc: *loc,
            });
        }
        let endpoint = s
            .service
            .service_connect
            .as_ref()
            .and_then(|c| c.endpoint.as_ref());
        if let (Some(e), Some(loc)) = (endpoint, s.connect_loc) {
            claims.push(Claim {
                what: "discovery service name",
                path: "discovery.name",
                name: &e.discovery_name,
                owner: key,
                loc,
            });
        }
    }
    for s in scheduled {
        if let Some(t) = &s.own {
            task_claims(&mut claims, t, &s.task.key, shared_exec);
        }
    }
    unique::check(cx, &claims);
}

fn task_claims<'a>(claims: &mut Vec<Claim<'a>>, t: &'a BuiltTask, key: &'a str, shared_exec: bool) {
    claims.push(Claim {
        what: "task definition family",
        path: "names.family",
        name: &t.def.family,
        owner: key,
        loc: t.family_loc,
    });
    for (role, loc) in t.roles.iter().zip(&t.role_locs) {
        let exec = role.purpose == RolePurpose::Execution;
        if shared_exec && exec {
            continue;
        }
        let path = if exec {
            "names.executionRole"
        } else {
            "names.taskRole"
        };
        claims.push(Claim {
            what: "IAM role name",
            path,
            name: &role.name,
            owner: key,
            loc: *loc,
        });
    }
}

/// Sorted, with exact repeats dropped (a scheduled task built on a service re-checks the
/// service's fields at the same locations).
fn finish(cx: Scope, desired: Desired) -> Result<(Desired, Diagnostics), Diagnostics> {
    let mut seen: HashSet<(Loc, String)> = HashSet::new();
    let mut out = Diagnostics::default();
    for d in cx.into_diagnostics() {
        if seen.insert((d.loc, d.message.clone())) {
            out.push(d);
        }
    }
    if out.has_errors() {
        Err(out)
    } else {
        Ok((desired, out))
    }
}
