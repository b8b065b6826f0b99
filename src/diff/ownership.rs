//! Ownership conflicts: a resource the spec names already exists in AWS but is not this
//! environment's (no ownership tags, or another app's or environment's).
//!
//! ecsctl never adopts such a resource silently and never modifies or deletes it: plan and
//! apply refuse with an error that lists every conflict (nothing is read further, nothing is
//! changed). The fix is the user's choice: rename the resource in the spec, remove the other
//! one, or tag it with this environment's ownership tags to adopt it on purpose. Pure; checks
//! the kinds whose names are chosen by the spec and shared account-wide or cluster-wide:
//! cluster, roles, log groups, namespace, Cloud Map services and ECS services. (Task
//! definition revisions are immutable and new ones carry our tags; a revision is never
//! modified.)

use std::fmt;

use crate::live::owned::is_ours;
use crate::live::{Live, LiveTags};
use crate::model::{Desired, TAG_APP, TAG_ENV, TAG_MANAGED_BY};
use crate::plan::{Address, ResourceKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub address: Address,
    /// Who the tags say owns it, in words: `untagged`, `app `x`, environment `y``.
    pub owner: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` exists but is not ecsctl's ({})",
            self.address, self.owner
        )
    }
}

/// Every desired resource that exists without this environment's ownership tags.
pub fn conflicts(desired: &Desired, live: &Live) -> Vec<Conflict> {
    let (app, env) = (desired.app.as_str(), desired.env.as_str());
    let mut out = Vec::new();
    let mut check = |kind: ResourceKind, name: &str, tags: &LiveTags| {
        if !is_ours(tags, app, env) {
            out.push(Conflict {
                address: Address::new(kind, name),
                owner: owner(tags),
            });
        }
    };
    if let Some(c) = &live.cluster {
        check(ResourceKind::Cluster, &c.name, &c.tags);
    }
    for r in &desired.roles {
        if let Some(l) = live.role(&r.name) {
            check(ResourceKind::IamRole, &r.name, &l.tags);
        }
    }
    for g in &desired.log_groups {
        if let Some(l) = live.log_group(&g.name) {
            check(ResourceKind::LogGroup, &g.name, &l.tags);
        }
    }
    if let (Some(n), Some(l)) = (&desired.namespace, &live.namespace) {
        check(ResourceKind::Namespace, &n.name, &l.tags);
    }
    for d in &desired.discovery_services {
        if let Some(l) = live.discovery_service(&d.name) {
            check(ResourceKind::DiscoveryService, &d.name, &l.tags);
        }
    }
    for s in &desired.services {
        if let Some(l) = live.service(&s.name) {
            check(ResourceKind::Service, &s.key, &l.tags);
        }
    }
    // Schedules cannot be tagged: the group's tags say whose its schedules are.
    // A DELETING group is on its way out (a destroy moments ago): whoever's it was, apply waits
    // for it to go and creates ours, so it conflicts with nothing.
    if let (Some(t), Some(g)) = (desired.schedules().next(), &live.schedule_group)
        && g.name == t.group
        && g.state.as_deref() != Some("DELETING")
    {
        check(ResourceKind::ScheduleGroup, &g.name, &g.tags);
    }
    out
}

fn owner(tags: &LiveTags) -> String {
    match (
        tags.get(TAG_MANAGED_BY),
        tags.get(TAG_APP),
        tags.get(TAG_ENV),
    ) {
        (None, None, None) => "no ecsctl ownership tags".to_string(),
        (Some(m), _, _) if m != "ecsctl" => format!("`{TAG_MANAGED_BY}` is `{m}`"),
        (_, a, e) => format!(
            "tagged for app `{}`, environment `{}`",
            a.map_or("?", String::as_str),
            e.map_or("?", String::as_str)
        ),
    }
}

/// The error text for a non-empty list of conflicts (lowercase, one line each, then a hint).
pub fn message(env: &str, found: &[Conflict]) -> String {
    let mut text = format!(
        "{} resource(s) the spec of `{env}` names already exist and are not owned by it; nothing was changed",
        found.len()
    );
    for c in found {
        text.push_str(&format!("\n  ! {c}"));
    }
    text.push_str(
        "\n  hint: ecsctl never adopts or modifies what it did not create: rename it in the spec, \
remove the existing resource, or tag it with `ecsctl:managed-by=ecsctl`, `ecsctl:app` and \
`ecsctl:env` to adopt it on purpose",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::{converged, desired};

    #[test]
    fn converged_environment_has_no_conflicts() {
        assert_eq!(conflicts(&desired(), &converged()), vec![]);
    }

    #[test]
    fn same_named_untagged_or_foreign_resources_are_conflicts() {
        let d = desired();
        let mut l = converged();
        l.roles[0].tags.clear();
        l.log_groups[0]
            .tags
            .insert(TAG_ENV.into(), "staging".into());
        l.services[0]
            .tags
            .insert(TAG_MANAGED_BY.into(), "terraform".into());
        let found = conflicts(&d, &l);
        let text: Vec<String> = found.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            text,
            [
                "`iam_role.ohi-prod-api-exec` exists but is not ecsctl's (no ecsctl ownership tags)",
                "`log_group./ecs/ohi-prod/api` exists but is not ecsctl's (tagged for app `ohi`, environment `staging`)",
                "`service.api` exists but is not ecsctl's (`ecsctl:managed-by` is `terraform`)",
            ]
        );
        let msg = message("prod", &found);
        assert!(msg.starts_with("3 resource(s) the spec of `prod` names already exist"));
        assert!(msg.contains("\n  ! `service.api` exists"));
    }
}
