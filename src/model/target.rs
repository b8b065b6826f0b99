//! `plan/apply -s NAME`: the desired state restricted to some services and what they use.
//!
//! Owns which resources belong to a service target: the named services, the scheduled tasks
//! built from them (`service: X`), the task definitions of both, the roles and log groups
//! those task definitions name, their discovery services and scaling targets, the scheduler
//! role when a targeted job needs it, and the environment's cluster and namespace (created if
//! missing; a partial desired state never leads to their deletion, see `diff::prune`). Every
//! kept resource is the one the whole spec builds, never one rebuilt from the targeted part:
//! the scheduler role, shared by every job, keeps the grants of the jobs left out.
//! Must not read AWS or decide pruning (the diff does, from `Desired::target`).

use std::collections::BTreeSet;

use super::resources::{Desired, RolePurpose, RoleRef};
use crate::spec::suggest::{did_you_mean, join_or, ticked};

/// `-s` named a service the environment does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", message(.env, .unknown, .known, .jobs))]
pub struct UnknownServices {
    pub env: String,
    pub unknown: Vec<String>,
    pub known: Vec<String>,
    /// Unknown names that are scheduled tasks, with the service each is built from: `-s`
    /// takes services, and the hint says which one brings the job.
    pub jobs: Vec<(String, Option<String>)>,
}

fn message(
    env: &str,
    unknown: &[String],
    known: &[String],
    jobs: &[(String, Option<String>)],
) -> String {
    let names = join_or(&ticked(unknown.iter().map(String::as_str)));
    let noun = if unknown.len() == 1 {
        "service"
    } else {
        "services"
    };
    let mut text =
        format!("`-s`: no {noun} {names} in environment `{env}`; nothing was read or changed");
    let list = if known.is_empty() {
        "(none)".to_string()
    } else {
        ticked(known.iter().map(String::as_str)).join(", ")
    };
    if let Some((job, service)) = jobs.first() {
        let how = match service {
            Some(s) => format!("it is built from `{s}`, so `-s {s}` plans it with its service"),
            None => "it belongs to no service, so only a full plan includes it".to_string(),
        };
        text.push_str(&format!("\n  hint: `{job}` is a scheduled task; {how}"));
        return text;
    }
    let close = unknown
        .iter()
        .find_map(|u| did_you_mean(u, known.iter().map(String::as_str)));
    match close {
        Some(c) => text.push_str(&format!(
            "\n  hint: did you mean `{c}`? services here: {list}"
        )),
        None => text.push_str(&format!("\n  hint: services here: {list}")),
    }
    text
}

/// `desired` with only `services` (spec keys) and what they use; `target` records them.
pub fn restrict(desired: &Desired, services: &[String]) -> Result<Desired, UnknownServices> {
    let known: Vec<String> = desired.services.iter().map(|s| s.key.clone()).collect();
    let wanted: BTreeSet<&str> = services.iter().map(String::as_str).collect();
    let unknown: Vec<String> = wanted
        .iter()
        .filter(|w| !known.iter().any(|k| k == *w))
        .map(|w| w.to_string())
        .collect();
    if !unknown.is_empty() {
        let jobs = desired
            .scheduled_tasks
            .iter()
            .filter(|t| unknown.contains(&t.key))
            .map(|t| (t.key.clone(), t.service.clone()))
            .collect();
        return Err(UnknownServices {
            env: desired.env.clone(),
            unknown,
            known,
            jobs,
        });
    }
    let mut d = desired.clone();
    let ours = |key: &str| wanted.contains(key);
    d.services.retain(|s| ours(&s.key));
    d.scheduled_tasks
        .retain(|t| t.service.as_deref().is_some_and(ours));
    // A partial apply runs the before-deploy jobs built on the services it deploys.
    let kept: BTreeSet<String> = d.scheduled_tasks.iter().map(|t| t.key.clone()).collect();
    d.before_deploy.retain(|k| kept.contains(k));
    let families: BTreeSet<&str> = d
        .services
        .iter()
        .map(|s| s.family.as_str())
        .chain(d.scheduled_tasks.iter().map(|t| t.family.as_str()))
        .collect();
    d.task_definitions
        .retain(|t| families.contains(t.family.as_str()));
    let mut roles: BTreeSet<String> = BTreeSet::new();
    let mut groups: BTreeSet<String> = BTreeSet::new();
    for t in &d.task_definitions {
        for r in std::iter::once(&t.execution_role).chain(t.task_role.as_ref()) {
            if let RoleRef::Owned(name) = r {
                roles.insert(name.clone());
            }
        }
        groups.extend(
            t.containers
                .iter()
                .map(|c| c.log_configuration.group.clone()),
        );
    }
    // The infrastructure role of the kept services' blue/green deployments and EBS volumes
    // (built from the whole spec, so it keeps every service's grants).
    roles.extend(
        d.services
            .iter()
            .filter_map(|s| s.infrastructure_role().map(str::to_string)),
    );
    let jobs = !d.scheduled_tasks.is_empty();
    d.roles
        .retain(|r| roles.contains(&r.name) || (jobs && r.purpose == RolePurpose::Scheduler));
    d.log_groups.retain(|g| groups.contains(&g.name));
    d.discovery_services.retain(|s| ours(&s.service));
    if d.discovery_services.is_empty() && d.services.iter().all(|s| s.service_connect.is_none()) {
        d.namespace = None;
    }
    d.scaling_targets.retain(|t| ours(&t.service));
    d.target = Some(wanted.iter().map(|w| w.to_string()).collect());
    Ok(d)
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
