//! A saved plan: the contract between the plan a reviewer approved and the apply that runs it.
//!
//! Owns `SavedPlan` (the plan, the exact desired values it was computed from, the options that
//! shaped it and the ecsctl version that made it) and the pure check that a plan recomputed
//! from live state now is the saved one. `apply PLANFILE` diffs the saved desired values
//! against a fresh read and runs only when every resource reads as it did at plan time and the
//! recomputed changes are exactly the saved ones, field by field: so it applies exactly what
//! was reviewed, or nothing. Must not read files, the spec or AWS (the CLI does), nor format
//! JSON (`render::json` owns the file format and its digest).

use std::collections::BTreeMap;

use super::{Plan, ResourceChange};
use crate::model::Desired;

/// The ecsctl version this binary writes into plans and requires of the plans it applies.
pub const ECSCTL_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Clone, Debug, PartialEq)]
pub struct SavedPlan {
    pub plan: Plan,
    /// The desired state the plan was diffed from (after `--image` overrides, with the caller's
    /// account resolved): what apply sends, instead of reading the spec again. Read back from a
    /// file, sensitive env values hold their digest until `model::sensitive::restore`.
    pub desired: Desired,
    /// `--delete-logs` at plan time: it decides which deletions the plan holds.
    pub delete_logs: bool,
    pub ecsctl_version: String,
}

/// Why a saved plan no longer describes what apply would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    /// Resources whose live state reads differently from plan time (`observed` moved), or that
    /// appeared or left since.
    pub moved: Vec<String>,
    /// Resources whose recomputed change differs from the saved one though their live state
    /// reads the same (only a different ecsctl or a hand-made file can cause this).
    pub differs: Vec<String>,
}

impl Stale {
    /// `service.api, task_definition.shop-dev-api` (at most `limit`, then `and N more`).
    pub fn names(&self, limit: usize) -> String {
        let all: Vec<&String> = self.moved.iter().chain(&self.differs).collect();
        let mut text = all
            .iter()
            .take(limit)
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if all.len() > limit {
            text.push_str(&format!(" and {} more", all.len() - limit));
        }
        text
    }
}

/// `Ok` when `now` (recomputed from a fresh read with the saved desired values) is the saved
/// plan: same fingerprint, and every resource change equal to the saved one.
pub fn check(saved: &Plan, now: &Plan) -> Result<(), Stale> {
    if saved.fingerprint == now.fingerprint && saved.changes == now.changes {
        return Ok(());
    }
    let index = |p: &Plan| -> BTreeMap<String, ResourceChange> {
        p.changes
            .iter()
            .map(|c| (c.address.to_string(), c.clone()))
            .collect()
    };
    let (before, after) = (index(saved), index(now));
    let mut stale = Stale {
        moved: Vec::new(),
        differs: Vec::new(),
    };
    let addresses: std::collections::BTreeSet<&String> =
        before.keys().chain(after.keys()).collect();
    for address in addresses {
        match (before.get(address), after.get(address)) {
            (Some(b), Some(a)) if b.observed != a.observed => stale.moved.push(address.clone()),
            (Some(b), Some(a)) if b != a => stale.differs.push(address.clone()),
            (Some(_), Some(_)) => {}
            _ => stale.moved.push(address.clone()),
        }
    }
    if stale.moved.is_empty() && stale.differs.is_empty() {
        // Same changes, other order: the steps would run differently than reviewed.
        stale.differs.push("(the order of the changes)".to_string());
    }
    Err(stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Address, FieldChange, ResourceKind, Target};
    use serde_json::json;

    fn plan(changes: Vec<ResourceChange>) -> Plan {
        let target = Target {
            app: "shop".into(),
            env: "dev".into(),
            region: "eu-west-1".into(),
            account_id: Some("123456789012".into()),
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        Plan::new(target, changes)
    }

    fn count(observed: &str, after: u32) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::Service, "api"),
            action: Action::Update,
            fields: vec![FieldChange {
                path: "desiredCount".into(),
                before: Some(json!(1)),
                after: Some(json!(after)),
                after_unknown: false,
                effect: crate::plan::Effect::InPlace,
            }],
            reason: None,
            force_new_deployment: false,
            observed: observed.into(),
        }
    }

    fn log_group(observed: &str) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::LogGroup, "/ecs/shop-dev/api"),
            action: Action::NoOp,
            fields: vec![],
            reason: None,
            force_new_deployment: false,
            observed: observed.into(),
        }
    }

    #[test]
    fn the_same_plan_passes() {
        let saved = plan(vec![log_group("aa"), count("bb", 2)]);
        assert_eq!(check(&saved, &saved.clone()), Ok(()));
    }

    #[test]
    fn a_moved_resource_is_named_even_when_it_is_a_no_op() {
        let saved = plan(vec![log_group("aa"), count("bb", 2)]);
        let now = plan(vec![log_group("zz"), count("bb", 2)]);
        let stale = check(&saved, &now).unwrap_err();
        assert_eq!(stale.moved, ["log_group./ecs/shop-dev/api"]);
        assert!(stale.differs.is_empty());
        assert_eq!(stale.names(5), "`log_group./ecs/shop-dev/api`");
    }

    #[test]
    fn another_value_on_the_same_live_state_is_refused() {
        // The live state reads the same, but the values to apply are not the reviewed ones.
        let saved = plan(vec![count("bb", 2)]);
        let now = plan(vec![count("bb", 7)]);
        let stale = check(&saved, &now).unwrap_err();
        assert_eq!(stale.differs, ["service.api"]);
        assert!(stale.moved.is_empty());
    }

    #[test]
    fn a_resource_that_appeared_or_left_is_moved() {
        let saved = plan(vec![count("bb", 2)]);
        let now = plan(vec![count("bb", 2), log_group("absent")]);
        assert_eq!(
            check(&saved, &now).unwrap_err().moved,
            ["log_group./ecs/shop-dev/api"]
        );
        let many = Stale {
            moved: (0..7).map(|i| format!("service.s{i}")).collect(),
            differs: vec![],
        };
        assert_eq!(many.names(2), "`service.s0`, `service.s1` and 5 more");
    }
}
