//! What every step's code may read: the clients, the desired and live states, the plan's
//! change for the step, and what earlier steps made (`Resolved`).
//!
//! Owns the idempotency tokens and the account-qualified names (role ARNs, task definition
//! ARNs) apply sends, in the desired state's partition. Must not call AWS itself.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::reporter::Reporter;
use super::service::Changed;
use crate::aws::AwsClients;
use crate::live::Live;
use crate::model::{Desired, RoleRef};
use crate::plan::{FieldChange, ResourceChange, Step};

/// What earlier steps of this run created, for the steps that refer to it.
#[derive(Debug, Default)]
pub struct Resolved {
    pub namespace_id: Option<String>,
    /// Discovery service name → ARN.
    pub discovery_arns: BTreeMap<String, String>,
    /// Task definition family → the ARN registered in this run.
    pub task_definitions: BTreeMap<String, String>,
    /// ECS service name → the rollout of its `serviceRegistries` update in this run: a Cloud
    /// Map service it left is deleted only once that rollout is stable (`registry`).
    pub registry_changes: BTreeMap<String, Changed>,
}

pub struct ApplyCtx<'a> {
    pub clients: &'a AwsClients,
    pub desired: &'a Desired,
    pub live: &'a Live,
    pub changes: &'a [ResourceChange],
    pub account_id: &'a str,
    pub region: &'a str,
    pub resolved: Mutex<Resolved>,
    pub reporter: &'a dyn Reporter,
}

impl<'a> ApplyCtx<'a> {
    pub fn change(&self, step: &Step) -> Option<&'a ResourceChange> {
        self.changes.iter().find(|c| c.address == step.address)
    }

    pub fn resolved(&self) -> std::sync::MutexGuard<'_, Resolved> {
        self.resolved.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn role_arn(&self, r: &RoleRef) -> String {
        role_arn(self.desired, self.account_id, r)
    }

    /// An ARN in this environment's partition and the caller's account; `region` is empty for
    /// IAM, the environment's region otherwise.
    pub fn arn(&self, service: &str, region: &str, resource: &str) -> String {
        self.desired
            .partition
            .arn(service, region, self.account_id, resource)
    }

    /// A full task definition ARN for `family:revision` (moto keeps whatever UpdateService was
    /// sent, and only the full ARN round-trips: moto-fidelity §2.4).
    pub fn task_definition_arn(&self, reference: &str) -> String {
        if reference.starts_with("arn:") {
            return reference.to_string();
        }
        self.live
            .task_definition(reference)
            .map(|t| t.arn.clone())
            .unwrap_or_else(|| {
                self.arn("ecs", self.region, &format!("task-definition/{reference}"))
            })
    }

    /// An idempotency token for creating `what` with this content: the same app, environment,
    /// resource and content always give the same token, so a create retried after an
    /// interrupted run is recognised by AWS (ECS allows 36 characters, Cloud Map 64).
    pub fn token(&self, what: &str, content: &impl Serialize) -> String {
        let body = serde_json::to_string(content).unwrap_or_default();
        let mut h = Sha256::new();
        for part in [&self.desired.app, &self.desired.env, what, &body] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        format!("ecsctl-{}", &hex[..29])
    }
}

/// Whether the step changes the top-level field `top` (or anything under it).
pub fn touches(step: &Step, top: &str) -> bool {
    step.fields.iter().any(|f| {
        f == top
            || f.strip_prefix(top)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// The planned value of a field, if the change has it.
pub fn planned<'c>(change: Option<&'c ResourceChange>, path: &str) -> Option<&'c FieldChange> {
    change?.fields.iter().find(|f| f.path == path)
}

/// Tags to set (desired, all of them: TagResource overwrites) and keys to remove (live keys
/// the desired tags lack).
pub fn tag_delta(
    desired: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = desired
        .iter()
        .filter(|(k, v)| live.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = live
        .keys()
        .filter(|k| !desired.contains_key(*k))
        .cloned()
        .collect();
    (set, remove)
}

/// A role's ARN as a task definition names it: an external ARN as given, a name (ours or
/// external) in the environment's partition and the caller's account.
pub fn role_arn(desired: &Desired, account_id: &str, r: &RoleRef) -> String {
    match r {
        RoleRef::External(arn) if arn.starts_with("arn:") => arn.clone(),
        RoleRef::External(name) | RoleRef::Owned(name) => {
            desired
                .partition
                .arn("iam", "", account_id, &format!("role/{name}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Address, ResourceKind};

    #[test]
    fn touches_matches_a_field_and_its_children_only() {
        let step = Step {
            address: Address::new(ResourceKind::Service, "api"),
            action: Action::Update,
            fields: vec![
                "tags[\"ecsctl:env\"]".into(),
                "networkConfiguration.subnets".into(),
            ],
            force_new_deployment: false,
        };
        assert!(touches(&step, "tags"));
        assert!(touches(&step, "networkConfiguration"));
        assert!(!touches(&step, "network"));
        assert!(!touches(&step, "desiredCount"));
    }

    #[test]
    fn tag_delta_sets_changed_and_removes_extra() {
        let d: BTreeMap<String, String> =
            [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        let l: BTreeMap<String, String> = [
            ("a".into(), "1".into()),
            ("b".into(), "x".into()),
            ("c".into(), "3".into()),
        ]
        .into();
        let (set, remove) = tag_delta(&d, &l);
        assert_eq!(set, [("b".to_string(), "2".to_string())].into());
        assert_eq!(remove, vec!["c".to_string()]);
    }
}
