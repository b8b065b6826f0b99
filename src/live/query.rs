//! `LiveQuery`: the names of everything one environment owns or references, i.e. what
//! `fetch` must read.
//!
//! Owns the choice of what to read (and so what drift can be seen). Must not do I/O.

use std::collections::{BTreeMap, BTreeSet};

use super::types::LiveTags;
use crate::model::Desired;

/// Names to read, de-duplicated and sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveQuery {
    /// Whose revisions count as ours (the ownership tags' values): each family's newest ACTIVE
    /// revision carrying them is read, not whatever someone registered last into the family.
    pub app: String,
    pub env: String,
    pub cluster: String,
    /// ECS service names (all in `cluster`).
    pub services: Vec<String>,
    /// Task definition families; each family's newest ACTIVE revision of ours is read.
    pub families: Vec<String>,
    /// IAM roles ecsctl owns (roles referenced by ARN are not read).
    pub roles: Vec<String>,
    pub log_groups: Vec<String>,
    pub namespace: Option<String>,
    /// Cloud Map service names inside `namespace`.
    pub discovery_services: Vec<String>,
    /// `service/<cluster>/<name>` of every service, not only the autoscaled ones: a target left
    /// on a service whose spec dropped autoscaling is drift the plan must show.
    pub scaling_resource_ids: Vec<String>,
    /// The CloudWatch alarms the spec's step rules ask for (each named as its policy); the
    /// alarms live step policies list are read too.
    pub alarm_names: Vec<String>,
    /// The EventBridge Scheduler group, read (with every schedule in it) only when the spec
    /// has scheduled tasks.
    pub schedule_group: Option<String>,
    /// The tags the spec wants on each log group and Cloud Map service (by name) and on the
    /// namespace: where the tag index holds exactly these, `fetch` takes them from it instead
    /// of one ListTagsForResource each (`tag_index`).
    pub log_group_tags: BTreeMap<String, LiveTags>,
    pub discovery_tags: BTreeMap<String, LiveTags>,
    pub namespace_tags: Option<LiveTags>,
    /// `revisions.keep`: for a family apply will register a new revision into, its ACTIVE
    /// revisions are read with their tags when there may be more of ours than this
    /// (`retention`). None: not read (destroy, and apply's check after apply).
    pub keep_revisions: Option<u32>,
}

fn sorted<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    names
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl LiveQuery {
    pub fn of(desired: &Desired) -> LiveQuery {
        let service_ids: Vec<String> = desired
            .services
            .iter()
            .map(|s| format!("service/{}/{}", s.cluster, s.name))
            .collect();
        LiveQuery {
            app: desired.app.clone(),
            env: desired.env.clone(),
            cluster: desired.cluster.name.clone(),
            services: sorted(desired.services.iter().map(|s| &s.name)),
            families: sorted(desired.task_definitions.iter().map(|t| &t.family)),
            roles: sorted(desired.roles.iter().map(|r| &r.name)),
            log_groups: sorted(desired.log_groups.iter().map(|g| &g.name)),
            namespace: desired.namespace.as_ref().map(|n| n.name.clone()),
            discovery_services: sorted(desired.discovery_services.iter().map(|d| &d.name)),
            scaling_resource_ids: sorted(
                desired
                    .scaling_targets
                    .iter()
                    .map(|t| &t.resource_id)
                    .chain(service_ids.iter()),
            ),
            alarm_names: sorted(
                desired
                    .scaling_targets
                    .iter()
                    .flat_map(|t| &t.policies)
                    .filter(|p| matches!(p.rule, crate::model::PolicyRule::Step(_)))
                    .map(|p| &p.name),
            ),
            schedule_group: desired.schedules().next().map(|t| t.group.clone()),
            log_group_tags: desired
                .log_groups
                .iter()
                .map(|g| (g.name.clone(), g.tags.clone()))
                .collect(),
            discovery_tags: desired
                .discovery_services
                .iter()
                .map(|d| (d.name.clone(), d.tags.clone()))
                .collect(),
            namespace_tags: desired.namespace.as_ref().map(|n| n.tags.clone()),
            keep_revisions: Some(desired.keep_revisions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::desired;

    #[test]
    fn query_names_everything_the_environment_owns() {
        let mut d = desired();
        // A second service without autoscaling: its target must still be looked for.
        let mut worker = d.services[0].clone();
        worker.name = "ohi-prod-worker".into();
        d.services.push(worker);
        let q = LiveQuery::of(&d);
        assert_eq!((q.app.as_str(), q.env.as_str()), ("ohi", "prod"));
        assert_eq!(q.cluster, "ohi-prod");
        assert_eq!(q.services, ["ohi-prod-api", "ohi-prod-worker"]);
        assert_eq!(q.families, ["ohi-prod-api"]);
        assert_eq!(q.roles, ["ohi-prod-api-exec"]);
        assert_eq!(q.log_groups, ["/ecs/ohi-prod/api"]);
        assert_eq!(q.namespace.as_deref(), Some("ohi-prod.local"));
        assert_eq!(q.discovery_services, ["api"]);
        assert_eq!(
            q.scaling_resource_ids,
            [
                "service/ohi-prod/ohi-prod-api",
                "service/ohi-prod/ohi-prod-worker"
            ],
            "de-duplicated, and including the service without autoscaling"
        );
    }
}
