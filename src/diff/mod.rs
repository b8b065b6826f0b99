//! The diff: a pure function from (`Desired`, `Live`) to the changes that would converge them.
//!
//! Owns building a normalised view of each resource from both sides (one file per kind), the
//! normalisation rules (`normalize`), the table of what each field change costs (`rules`) and
//! the generic comparison (`compare`). Must stay pure: no async, no I/O, no clock. Live only
//! holds what the desired state names, so the per-kind diffs delete nothing: removals are
//! `prune`'s, from the owned resources live read separately, and `retain`'s (old revisions of
//! a family getting a new one, beyond `revisions.keep`).

mod cluster;
pub mod compare;
pub mod deployment;
mod discovery_service;
mod iam_role;
mod log_group;
mod namespace;
pub mod normalize;
pub mod ownership;
pub mod prune;
pub mod prune_family;
pub(crate) mod retain;
pub mod rules;
mod scaling;
pub mod schedule;
mod sensitive;
mod service;
pub mod service_connect;
pub mod service_volume;
pub(crate) mod task_definition;

pub use task_definition::holds_desired;

use std::collections::BTreeSet;

use crate::live::Live;
use crate::model::Desired;
use crate::plan::{Action, ResourceChange};

/// What every kind's diff may read besides its own resource.
pub(crate) struct Ctx<'a> {
    pub desired: &'a Desired,
    pub live: &'a Live,
    /// The caller's account: owned role names become ARNs in it.
    pub account_id: &'a str,
}

/// The changes, one per desired resource (no-ops included), in apply order.
pub fn diff(desired: &Desired, live: &Live) -> Vec<ResourceChange> {
    let account_id = if live.account_id.is_empty() {
        desired.account_id.as_deref().unwrap_or_default()
    } else {
        live.account_id.as_str()
    };
    let ctx = Ctx {
        desired,
        live,
        account_id,
    };
    let mut changes = Vec::new();
    changes.extend(desired.roles.iter().map(|r| iam_role::diff(&ctx, r)));
    changes.extend(schedule::diff_group(&ctx));
    changes.extend(desired.log_groups.iter().map(|g| log_group::diff(&ctx, g)));
    changes.push(cluster::diff(&ctx));
    changes.extend(desired.namespace.iter().map(|n| namespace::diff(&ctx, n)));
    let discovery: Vec<ResourceChange> = desired
        .discovery_services
        .iter()
        .map(|d| discovery_service::diff(&ctx, d))
        .collect();
    // Cloud Map services this run creates or replaces get a new ARN, which the ECS services
    // registering in them must be pointed at.
    let new_registries: BTreeSet<String> = discovery
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Replace))
        .map(|c| c.address.name.clone())
        .collect();
    changes.extend(discovery);
    let mut revisions = Vec::new();
    for td in &desired.task_definitions {
        let (change, choice) = task_definition::diff(&ctx, td);
        changes.push(change);
        revisions.push(choice);
    }
    changes.extend(retain::retain(&ctx, &revisions));
    // A job run only on demand has a task definition but no schedule.
    for t in desired.schedules() {
        changes.push(schedule::diff(&ctx, t));
    }
    for s in &desired.services {
        changes.push(service::diff(&ctx, s, &revisions, &new_registries));
    }
    for t in &desired.scaling_targets {
        changes.extend(scaling::diff(&ctx, t));
    }
    changes
}

/// Everything a plan of the environment holds: the spec's resources (`diff`), then what the
/// environment owns that the spec no longer names (`prune`).
pub fn changes(desired: &Desired, live: &Live, prune: &prune::PruneOptions) -> Vec<ResourceChange> {
    let mut changes = diff(desired, live);
    changes.extend(prune::prune(desired, live, prune));
    changes
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::diff;
    use super::fixtures::{converged, desired};
    use crate::plan::Action;

    /// The acid test: AWS's answer after creating exactly the desired state diffs to nothing.
    #[test]
    fn converged_live_state_diffs_to_nothing() {
        let changes = diff(&desired(), &converged());
        let noisy: Vec<_> = changes
            .iter()
            .filter(|c| c.action != Action::NoOp)
            .collect();
        assert!(noisy.is_empty(), "spurious diff: {noisy:#?}");
        assert_eq!(changes.len(), 9);
    }

    #[test]
    fn empty_account_is_all_creates_in_apply_order() {
        let live = crate::live::Live {
            account_id: "123456789012".into(),
            ..Default::default()
        };
        let changes = diff(&desired(), &live);
        assert!(
            changes.iter().all(|c| c.action == Action::Create),
            "{changes:#?}"
        );
        let kinds: Vec<u8> = changes.iter().map(|c| c.address.kind.phase()).collect();
        assert!(kinds.windows(2).all(|w| w[0] <= w[1]));
    }
}
