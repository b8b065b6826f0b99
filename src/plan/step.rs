//! The ordered steps apply will run, derived from the changes.
//!
//! Owns the dependency order: IAM roles → log groups → cluster → Cloud Map namespace →
//! discovery services → task definition revisions → services → scaling targets and policies,
//! then deletions in the reverse order. Must not call AWS or look at live state: a step names
//! a resource and what happens to it; apply maps it to SDK calls.

use super::change::{Action, Address, ResourceChange};

/// One unit of work for apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub address: Address,
    /// Never `NoOp`. A `Replace` is one step at its create position: apply deletes the old
    /// resource and creates the new one there, so dependants created later see the new one.
    pub action: Action,
    /// The changed field paths (all of them for a create).
    pub fields: Vec<String>,
    pub force_new_deployment: bool,
}

/// Orders the changes into steps: creates, updates and replacements by phase (stable within a
/// phase, so the diff's order is kept), then deletions by reverse phase.
pub fn order(changes: &[ResourceChange]) -> Vec<Step> {
    let mut forward: Vec<&ResourceChange> = changes
        .iter()
        .filter(|c| !matches!(c.action, Action::NoOp | Action::Delete))
        .collect();
    forward.sort_by_key(|c| c.address.kind.phase());
    let mut deletes: Vec<&ResourceChange> = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .collect();
    deletes.sort_by_key(|c| std::cmp::Reverse(c.address.kind.phase()));
    forward
        .into_iter()
        .chain(deletes)
        .map(|c| Step {
            address: c.address.clone(),
            action: c.action,
            fields: c.fields.iter().map(|f| f.path.clone()).collect(),
            force_new_deployment: c.force_new_deployment,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::change::ResourceKind as K;

    fn change(kind: K, name: &str, action: Action) -> ResourceChange {
        ResourceChange {
            address: Address::new(kind, name),
            action,
            fields: vec![],
            reason: None,
            force_new_deployment: false,
            observed: "absent".into(),
        }
    }

    #[test]
    fn creates_follow_dependencies_and_deletes_run_in_reverse() {
        let changes = vec![
            change(K::ScalingPolicy, "p", Action::Create),
            change(K::Service, "api", Action::Update),
            change(K::IamRole, "old", Action::Delete),
            change(K::TaskDefinition, "fam", Action::Update),
            change(K::Cluster, "c", Action::NoOp),
            change(K::Service, "gone", Action::Delete),
            change(K::DiscoveryService, "api", Action::Create),
            change(K::Namespace, "ns", Action::Create),
            change(K::IamRole, "exec", Action::Create),
            change(K::LogGroup, "/ecs/x", Action::Create),
            change(K::ScalingTarget, "api", Action::Create),
        ];
        let got: Vec<String> = order(&changes)
            .iter()
            .map(|s| s.address.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "iam_role.exec",
                "log_group./ecs/x",
                "namespace.ns",
                "discovery_service.api",
                "task_definition.fam",
                "service.api",
                "scaling_target.api",
                "scaling_policy.p",
                "service.gone",
                "iam_role.old",
            ]
        );
    }
}
