//! Retention: which old revisions of ours apply deregisters when it registers a new one, so a
//! family keeps `revisions.keep` revisions ecsctl registered ACTIVE for `ecsctl rollback`, not
//! one per deploy forever.
//!
//! When a family gets a new revision (the diff's `Revision::existing` is None) and `live` read
//! its ACTIVE revisions (`live::retention`), the newest `keep - 1` of ours stay (the new one is
//! the `keep`-th) and each older one of ours becomes a deletion addressed
//! `task_definition.FAMILY:REVISION`: apply deregisters it (INACTIVE: still described, never
//! deleted). Never deregistered: a revision of someone else's (no ownership tags), and one any
//! service of the cluster runs or has a deployment on, or a schedule starts, whatever its age.
//!
//! Pure. Must not read AWS nor decide when the family is read (`live::fetch`).

use std::collections::BTreeSet;

use serde_json::json;

use super::Ctx;
use super::normalize::task_definition_ref;
use super::task_definition::Revision;
use crate::live::owned::{LiveOwnedRevision, is_ours};
use crate::live::{Live, LiveTags};
use crate::plan::fingerprint::digest_view;
use crate::plan::{Action, Address, ResourceChange, ResourceKind};

/// The deletions that trim the families getting a new revision.
pub(crate) fn retain(ctx: &Ctx, revisions: &[Revision]) -> Vec<ResourceChange> {
    let (app, env) = (ctx.desired.app.as_str(), ctx.desired.env.as_str());
    let keep = ctx.desired.keep_revisions;
    let used = in_use(ctx.live);
    let mut out = Vec::new();
    for r in revisions.iter().filter(|r| r.existing.is_none()) {
        let Some(family) = ctx.live.retention.iter().find(|f| f.family == r.family) else {
            continue;
        };
        let ours = |tags: &LiveTags| is_ours(tags, app, env);
        for old in over_kept(&family.revisions, ours, keep, &used, &r.family) {
            out.push(deregister(&r.family, old, keep));
        }
    }
    out
}

/// Of `revisions` (one family's ACTIVE ones), those of ours beyond the newest `keep - 1`,
/// oldest first, leaving out every one `used` names (`family:revision`).
pub fn over_kept<'a>(
    revisions: &'a [LiveOwnedRevision],
    ours: impl Fn(&LiveTags) -> bool,
    keep: u32,
    used: &BTreeSet<String>,
    family: &str,
) -> Vec<&'a LiveOwnedRevision> {
    let mut mine: Vec<&LiveOwnedRevision> = revisions.iter().filter(|r| ours(&r.tags)).collect();
    mine.sort_by_key(|r| std::cmp::Reverse(r.revision));
    let stay = keep.saturating_sub(1) as usize;
    let mut over: Vec<&LiveOwnedRevision> = mine
        .into_iter()
        .skip(stay)
        .filter(|r| !used.contains(&format!("{family}:{}", r.revision)))
        .collect();
    over.reverse();
    over
}

/// Every revision something still starts tasks from, as `family:revision`: each service's
/// (the spec's and the owned leftovers') current one and those of all its deployments (a
/// rollout in progress, or the circuit breaker's way back), and each schedule's.
fn in_use(live: &Live) -> BTreeSet<String> {
    let services = live.services.iter().chain(&live.owned.services);
    let mut used: BTreeSet<String> = BTreeSet::new();
    for s in services {
        let deployments = s
            .deployments
            .iter()
            .filter_map(|d| d.task_definition.as_deref());
        for td in s.task_definition.as_deref().into_iter().chain(deployments) {
            used.insert(task_definition_ref(td).to_string());
        }
    }
    let schedules = live
        .schedules
        .iter()
        .filter_map(|s| s.target.as_ref()?.ecs.as_ref());
    for ecs in schedules {
        used.insert(task_definition_ref(&ecs.task_definition_arn).to_string());
    }
    used
}

fn deregister(family: &str, r: &LiveOwnedRevision, keep: u32) -> ResourceChange {
    let name = format!("{family}:{}", r.revision);
    ResourceChange {
        address: Address::new(ResourceKind::TaskDefinition, name),
        action: Action::Delete,
        fields: Vec::new(),
        reason: Some(format!("deregister: older than the {keep} kept")),
        force_new_deployment: false,
        // A saved plan must not deregister a revision whose tags moved since it was reviewed.
        observed: digest_view(Some(&json!({"arn": r.arn, "tags": r.tags}))),
    }
}

#[cfg(test)]
#[path = "retain_tests.rs"]
mod tests;
