//! Pruning: the resources this environment owns that the spec no longer names become
//! deletions (or, with `destroy`, everything it owns does).
//!
//! Pure, like the rest of the diff. Owns the decision of which live resources are deletions:
//! only those carrying all three ownership tags with this app's and environment's values
//! (`live::owned::is_ours`); a scaling target is ours when its service is (AAS tags are not
//! readable in the emulator); a task definition family's revisions are judged one by one
//! (`prune_family`). Log groups hold data: one is deleted only with `--delete-logs`,
//! or in destroy when the spec says `logs.retain: false` for it; otherwise it appears as a
//! no-op whose reason says it is kept. Deleted services, their scaling targets and discovery
//! services are addressed by their AWS names (the spec key of a service that left the spec is
//! not knowable). A partial desired state (`plan -s`) prunes only stray scaling on its services.

use serde_json::json;

use super::prune_family::prune_family;
use crate::live::owned::is_ours;
use crate::live::{Live, LiveScalingTarget, LiveTags};
use crate::model::Desired;
use crate::plan::fingerprint::digest_view;
use crate::plan::{Action, Address, ResourceChange, ResourceKind};

/// The reason on a log group that is left in place.
pub const KEPT_REASON: &str = "kept (retain); pass --delete-logs to delete it";
/// The reason on a cluster or namespace of ours left in place because it holds resources
/// that are not (AWS refuses to delete them then; moto does not, see docs/emulator.md).
pub const KEPT_SHARED_REASON: &str = "kept: it holds resources ecsctl does not own";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PruneOptions {
    /// Remove everything the environment owns, not only what the spec dropped.
    pub destroy: bool,
    /// Delete log groups too (they are kept by default).
    pub delete_logs: bool,
}

/// The deletions (and kept log groups), in diff order; `plan::step::order` puts the deletions
/// in reverse dependency order.
pub fn prune(desired: &Desired, live: &Live, opts: &PruneOptions) -> Vec<ResourceChange> {
    // A partial plan (`-s`, `model::target`) must never delete what it filtered out, and it
    // cannot tell which owned leftovers were its services' (a dropped discovery service or
    // job names no service): it prunes only stray scaling on its own services. A full plan
    // prunes the rest.
    if desired.target.is_some() && !opts.destroy {
        return stray_scaling(desired, live);
    }
    let (app, env) = (desired.app.as_str(), desired.env.as_str());
    let ours = |tags: &LiveTags| is_ours(tags, app, env);
    let o = &live.owned;
    fn named<'a>(mut names: impl Iterator<Item = &'a String>, name: &str) -> bool {
        names.any(|n| n == name)
    }
    let kept =
        |names: &mut dyn Iterator<Item = &String>, name: &str| !opts.destroy && named(names, name);
    let mut out = Vec::new();

    for r in o.roles.iter().filter(|r| ours(&r.tags)) {
        if !kept(&mut desired.roles.iter().map(|d| &d.name), &r.name) {
            out.push(delete(
                ResourceKind::IamRole,
                &r.name,
                json!({"name": r.name, "tags": r.tags}),
            ));
        }
    }
    for g in o.log_groups.iter().filter(|g| ours(&g.tags)) {
        if kept(&mut desired.log_groups.iter().map(|d| &d.name), &g.name) {
            continue;
        }
        let spec_says_delete = desired
            .log_groups
            .iter()
            .any(|d| d.name == g.name && !d.retain);
        let view = json!({"name": g.name, "tags": g.tags});
        if opts.delete_logs || (opts.destroy && spec_says_delete) {
            out.push(delete(ResourceKind::LogGroup, &g.name, view));
        } else {
            let mut c = delete(ResourceKind::LogGroup, &g.name, view);
            c.action = Action::NoOp;
            c.reason = Some(KEPT_REASON.to_string());
            out.push(c);
        }
    }
    if opts.destroy
        && let Some(c) = live.cluster.as_ref().filter(|c| ours(&c.tags))
    {
        let mut change = delete(
            ResourceKind::Cluster,
            &c.name,
            json!({"arn": c.arn, "tags": c.tags}),
        );
        // Destroy reads every service of the cluster: foreign ones keep it alive.
        if o.services.iter().any(|s| !ours(&s.tags)) {
            change.action = Action::NoOp;
            change.reason = Some(KEPT_SHARED_REASON.to_string());
        }
        out.push(change);
    }
    let spec_namespace = desired.namespace.as_ref().map(|n| n.name.as_str());
    let mut our_namespaces = Vec::new();
    for n in o.namespaces.iter().filter(|n| ours(&n.tags)) {
        let keep = !opts.destroy && spec_namespace == Some(n.name.as_str());
        if !keep {
            let mut change = delete(
                ResourceKind::Namespace,
                &n.name,
                json!({"id": n.id, "tags": n.tags}),
            );
            let foreign = o
                .discovery_services
                .iter()
                .any(|d| d.namespace_id.as_deref() == Some(n.id.as_str()) && !ours(&d.tags));
            if foreign {
                change.action = Action::NoOp;
                change.reason = Some(KEPT_SHARED_REASON.to_string());
            }
            out.push(change);
        }
        our_namespaces.push((n.id.as_str(), keep));
    }
    for d in o.discovery_services.iter().filter(|d| ours(&d.tags)) {
        let ns_kept = our_namespaces
            .iter()
            .any(|(id, keep)| *keep && d.namespace_id.as_deref() == Some(*id));
        let named = desired.discovery_services.iter().any(|w| w.name == d.name);
        if !(ns_kept && named && !opts.destroy) {
            out.push(delete(
                ResourceKind::DiscoveryService,
                &d.name,
                json!({"id": d.id, "tags": d.tags}),
            ));
        }
    }
    for f in &o.families {
        let in_spec = named(
            desired.task_definitions.iter().map(|t| &t.family),
            &f.family,
        );
        if opts.destroy || !in_spec {
            out.extend(prune_family(f, app, env, in_spec));
        }
    }
    let mut gone_services = Vec::new();
    for s in o.services.iter().filter(|s| ours(&s.tags)) {
        if !kept(&mut desired.services.iter().map(|d| &d.name), &s.name) {
            out.push(delete(
                ResourceKind::Service,
                &s.name,
                json!({"arn": s.arn, "desiredCount": s.desired_count, "tags": s.tags}),
            ));
            gone_services.push(s.name.as_str());
        }
    }
    for t in &o.scaling_targets {
        let Some(service) = t.resource_id.rsplit('/').next() else {
            continue;
        };
        let under_cluster = t.resource_id == format!("service/{}/{service}", desired.cluster.name);
        if !under_cluster || !gone_services.contains(&service) {
            continue;
        }
        out.push(delete(
            ResourceKind::ScalingTarget,
            service,
            json!({"resourceId": t.resource_id, "min": t.min, "max": t.max}),
        ));
        out.extend(target_parts(t, |_| false, |_| false));
    }
    // Schedules left in the environment's (owned) schedule group, and with destroy the group.
    out.extend(super::schedule::prune(desired, live, opts.destroy));
    if !opts.destroy {
        out.extend(stray_scaling(desired, live));
    }
    out
}

/// Scaling on services the spec keeps: a target left after the spec dropped `autoscaling`,
/// and policies of ecsctl's naming (`<service>-<metric>`) the spec no longer asks for. The
/// regular read already holds every kept service's target; the service's tags decide
/// ownership (AAS tags are unreadable in the emulator).
fn stray_scaling(desired: &Desired, live: &Live) -> Vec<ResourceChange> {
    let mut out = Vec::new();
    for t in &live.scaling_targets {
        let Some(name) = t.resource_id.rsplit('/').next() else {
            continue;
        };
        let ours = live
            .service(name)
            .is_some_and(|s| is_ours(&s.tags, &desired.app, &desired.env));
        if !ours || !desired.services.iter().any(|s| s.name == name) {
            continue;
        }
        let wanted = desired
            .scaling_targets
            .iter()
            .find(|w| w.resource_id == t.resource_id);
        if wanted.is_none() {
            out.push(delete(
                ResourceKind::ScalingTarget,
                name,
                json!({"resourceId": t.resource_id, "min": t.min, "max": t.max}),
            ));
        }
        let ecsctl_named = |n: &str| n.starts_with(&format!("{name}-"));
        let keeps_policy = |n: &str| {
            wanted.is_some_and(|w| w.policies.iter().any(|wp| wp.name == n))
                || (wanted.is_some() && !ecsctl_named(n))
        };
        let keeps_schedule = |n: &str| {
            wanted.is_some_and(|w| w.schedules.iter().any(|ws| ws.name == n))
                || (wanted.is_some() && !ecsctl_named(n))
        };
        out.extend(target_parts(t, keeps_policy, keeps_schedule));
    }
    out
}

/// Deletions of a live target's policies and scheduled actions that `keep_*` does not keep.
/// Deregistering the target would delete both (DeregisterScalableTarget API reference), but
/// not a step policy's alarm (`aws::write_alarms`): deleting each explicitly shows what goes,
/// and lets the policy's deletion take its alarm along.
fn target_parts(
    t: &LiveScalingTarget,
    keep_policy: impl Fn(&str) -> bool,
    keep_schedule: impl Fn(&str) -> bool,
) -> Vec<ResourceChange> {
    let policies = t.policies.iter().filter(|p| !keep_policy(&p.name)).map(|p| {
        delete(
            ResourceKind::ScalingPolicy,
            &p.name,
            json!({"resourceId": t.resource_id, "policyType": p.policy_type, "alarms": p.alarm_names}),
        )
    });
    let schedules = t
        .schedules
        .iter()
        .filter(|s| !keep_schedule(&s.name))
        .map(|s| {
            delete(
                ResourceKind::ScalingSchedule,
                &s.name,
                json!({"resourceId": t.resource_id, "schedule": s.schedule}),
            )
        });
    policies.chain(schedules).collect()
}

pub(super) fn delete(kind: ResourceKind, name: &str, view: serde_json::Value) -> ResourceChange {
    ResourceChange {
        address: Address::new(kind, name),
        action: Action::Delete,
        fields: Vec::new(),
        reason: None,
        force_new_deployment: false,
        observed: digest_view(Some(&view)),
    }
}

#[cfg(test)]
#[path = "prune_tests.rs"]
mod tests;
