//! The check after apply: re-read the live state and prove it is what was applied.
//!
//! Owns the re-read after the steps and the rollout wait, what it reads (`scope`: the resources
//! the plan changed and what their diff reads besides them, so a one-service change re-reads
//! one service, not the environment; a plan with deletions re-reads everything, since deletions
//! are judged against the owned listing), and the judgement of what it shows. The desired state
//! is diffed against the fresh read (the same pure diff and prune as plan);
//! a resource that still differs is either *pending* (AWS still reads the value it had before
//! the apply, or does not list a resource it created yet: a read that has not caught up, given
//! up to `READ_LAG_GRACE` like the rollout wait) or *moved* (AWS reads a third value, or a
//! resource the plan left alone changed: something else wrote during the apply), which fails at
//! once. Either failure names the resource and the field. Must not write to AWS or print beyond
//! the reporter's progress note.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::reporter::Reporter;
use super::wait::READ_LAG_GRACE;
use crate::aws::{AwsClients, AwsError};
use crate::diff::prune::PruneOptions;
use crate::live::LiveQuery;
use crate::model::{Desired, ScalingTarget, ScheduledTask, Service};
use crate::plan::{Action, Address, Plan, ResourceChange, ResourceKind};

/// First re-read at once, then every 1 s growing to 10 s.
const FIRST_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(10);

/// One field (or a whole resource) that does not read as applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub address: String,
    /// None for the resource as a whole (missing, or still present after a delete).
    pub path: Option<String>,
    /// What apply set (None: removed, or only known after apply).
    pub applied: Option<Value>,
    /// What AWS reads now (None: absent).
    pub live: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Converged,
    /// Reads that have not caught up with the writes yet.
    Pending(Vec<Gap>),
    /// Values apply did not write: something else changed them during the apply.
    Moved(Vec<Gap>),
}

/// Why the live state is not what was applied.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("reading the live state after apply failed: {0}")]
    Read(AwsError),
    #[error(
        "the live state is not what was applied: {}; something else changed it during the apply\n  hint: find who else writes to this environment, then plan again",
        describe(.0)
    )]
    Moved(Vec<Gap>),
    #[error(
        "the live state still reads as before the apply {}s after it: {}\n  hint: plan again to see what AWS holds now",
        .after.as_secs(),
        describe(.gaps)
    )]
    Stale { after: Duration, gaps: Vec<Gap> },
}

/// Re-reads until the live state is what `applied` set, or fails naming what is not.
pub async fn verify(
    clients: &AwsClients,
    desired: &Desired,
    applied: &Plan,
    prune: &PruneOptions,
    reporter: &dyn Reporter,
) -> Result<(), VerifyError> {
    let started = Instant::now();
    let mut interval = FIRST_INTERVAL;
    let query = scope(desired, applied);
    let changed: BTreeSet<&Address> = applied.actionable().map(|c| &c.address).collect();
    loop {
        let now = match &query {
            Some(q) => {
                // Tags read from each resource: the tag index lags behind the writes just made.
                let index = crate::live::tag_index::TagIndex::direct();
                let live =
                    crate::live::fetch_query(clients, q, &crate::live::fetch::never_holds, &index)
                        .await
                        .map_err(VerifyError::Read)?;
                // Only what was read: every other resource reads as absent here.
                let mut now = crate::diff::diff(desired, &live);
                now.retain(|c| changed.contains(&c.address));
                now
            }
            None => {
                let live = crate::live::owned::fetch_direct(clients, desired, prune.destroy)
                    .await
                    .map_err(VerifyError::Read)?;
                crate::diff::changes(desired, &live, prune)
            }
        };
        match judge(applied, &now) {
            Verdict::Converged => return Ok(()),
            Verdict::Moved(gaps) => return Err(VerifyError::Moved(gaps)),
            Verdict::Pending(gaps) => {
                let waited = started.elapsed();
                if waited >= READ_LAG_GRACE {
                    return Err(VerifyError::Stale {
                        after: READ_LAG_GRACE,
                        gaps,
                    });
                }
                reporter.note(&format!(
                    "checking the result: AWS does not read {} as applied yet ({}s)",
                    describe(&gaps),
                    waited.as_secs()
                ));
                tokio::time::sleep(interval.min(READ_LAG_GRACE - waited)).await;
                interval = (interval * 2).min(MAX_INTERVAL);
            }
        }
    }
}

/// Pure: what the re-read must read to judge `applied`: the resources it changed, and what their
/// diff reads besides them (a service's family and Cloud Map service and the namespace, the
/// services that run a changed family, a changed schedule's family). None (read everything,
/// with the owned listing) when the plan deletes something.
pub fn scope(desired: &Desired, applied: &Plan) -> Option<LiveQuery> {
    // Deregistering old revisions (retention) is judged by its own answer (INACTIVE), so it
    // does not need the whole environment read again.
    if applied
        .actionable()
        .any(|c| c.action == Action::Delete && c.address.revision().is_none())
    {
        return None;
    }
    let changed: BTreeSet<&Address> = applied.actionable().map(|c| &c.address).collect();
    let has = |kind: ResourceKind, name: &str| changed.contains(&Address::new(kind, name));
    let services: Vec<&Service> = desired
        .services
        .iter()
        .filter(|s| {
            has(ResourceKind::Service, &s.key)
                || has(ResourceKind::TaskDefinition, &s.family)
                || has(ResourceKind::ScalingTarget, &s.key)
        })
        .collect();
    let schedules: Vec<&ScheduledTask> = desired
        .scheduled_tasks
        .iter()
        .filter(|t| has(ResourceKind::Schedule, &t.name))
        .collect();
    let targets: Vec<&ScalingTarget> = desired
        .scaling_targets
        .iter()
        .filter(|t| {
            has(ResourceKind::ScalingTarget, &t.service)
                || t.policies
                    .iter()
                    .any(|p| has(ResourceKind::ScalingPolicy, &p.name))
        })
        .collect();
    let mut q = LiveQuery::of(desired);
    // Apply's own deregistrations answered INACTIVE already; nothing here re-trims.
    q.keep_revisions = None;
    q.services.retain(|n| services.iter().any(|s| &s.name == n));
    q.families.retain(|f| {
        has(ResourceKind::TaskDefinition, f)
            || services.iter().any(|s| &s.family == f)
            || schedules.iter().any(|t| &t.family == f)
    });
    q.roles.retain(|r| has(ResourceKind::IamRole, r));
    q.log_groups.retain(|g| has(ResourceKind::LogGroup, g));
    q.discovery_services.retain(|d| {
        has(ResourceKind::DiscoveryService, d)
            || services.iter().any(|s| {
                s.discovery
                    .as_ref()
                    .is_some_and(|r| &r.discovery_service == d)
            })
    });
    let namespace_changed = q
        .namespace
        .as_ref()
        .is_some_and(|n| has(ResourceKind::Namespace, n));
    if q.discovery_services.is_empty() && !namespace_changed {
        q.namespace = None;
    }
    q.scaling_resource_ids
        .retain(|id| targets.iter().any(|t| &t.resource_id == id));
    let group_changed = q
        .schedule_group
        .as_ref()
        .is_some_and(|g| has(ResourceKind::ScheduleGroup, g));
    if schedules.is_empty() && !group_changed {
        q.schedule_group = None;
    }
    Some(q)
}

/// Pure: what a fresh diff (`now`) says about the changes `applied` made.
pub fn judge(applied: &Plan, now: &[ResourceChange]) -> Verdict {
    let mut pending = Vec::new();
    let mut moved = Vec::new();
    for c in now.iter().filter(|c| !c.is_noop()) {
        let address = c.address.to_string();
        let whole = |live: Option<Value>| Gap {
            address: address.clone(),
            path: None,
            applied: None,
            live,
        };
        let Some(a) = applied
            .changes
            .iter()
            .find(|a| a.address == c.address && !a.is_noop())
        else {
            // The plan left it alone, so apply did not make it differ.
            let gaps = c.fields.iter().map(|f| field_gap(&address, f));
            moved.extend(gaps);
            if c.fields.is_empty() {
                moved.push(whole(None));
            }
            continue;
        };
        match (a.action, c.action) {
            // Created but not listed yet; deleted but still listed (draining, deleting).
            (Action::Create | Action::Replace, Action::Create)
            | (Action::Delete, Action::Delete) => pending.push(whole(None)),
            _ => {
                for f in &c.fields {
                    let before = a.fields.iter().find(|af| af.path == f.path);
                    let gap = field_gap(&address, f);
                    // The value AWS had before the apply: a read that has not caught up.
                    if before.is_some_and(|af| af.before == f.before && a.action != Action::Create)
                    {
                        pending.push(gap);
                    } else {
                        moved.push(gap);
                    }
                }
                if c.fields.is_empty() {
                    moved.push(whole(None));
                }
            }
        }
    }
    if !moved.is_empty() {
        Verdict::Moved(moved)
    } else if !pending.is_empty() {
        Verdict::Pending(pending)
    } else {
        Verdict::Converged
    }
}

fn field_gap(address: &str, f: &crate::plan::FieldChange) -> Gap {
    Gap {
        address: address.to_string(),
        path: Some(f.path.clone()),
        applied: f.after.clone(),
        live: f.before.clone(),
    }
}

/// `` `service.api` desiredCount: applied 2, AWS reads 7 `` for the first few gaps.
pub fn describe(gaps: &[Gap]) -> String {
    const SHOWN: usize = 3;
    let value = |v: &Option<Value>| match v {
        None => "nothing".to_string(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => format!("`{v}`"),
    };
    let mut parts: Vec<String> = gaps
        .iter()
        .take(SHOWN)
        .map(|g| match &g.path {
            Some(path) => format!(
                "`{}` {path}: applied {}, AWS reads {}",
                g.address,
                value(&g.applied),
                value(&g.live)
            ),
            None => format!("`{}`", g.address),
        })
        .collect();
    if gaps.len() > SHOWN {
        parts.push(format!("and {} more", gaps.len() - SHOWN));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Address, Effect, FieldChange, ResourceKind, Target};
    use serde_json::json;

    fn change(action: Action, fields: Vec<(&str, Option<Value>, Option<Value>)>) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::Service, "api"),
            action,
            fields: fields
                .into_iter()
                .map(|(path, before, after)| FieldChange {
                    path: path.into(),
                    before,
                    after,
                    after_unknown: false,
                    effect: Effect::InPlace,
                })
                .collect(),
            reason: None,
            force_new_deployment: false,
            observed: "x".into(),
        }
    }

    fn plan(changes: Vec<ResourceChange>) -> Plan {
        let target = Target {
            app: "shop".into(),
            env: "dev".into(),
            region: "eu-west-1".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        Plan::new(target, changes)
    }

    fn count(before: u32, after: u32) -> ResourceChange {
        change(
            Action::Update,
            vec![("desiredCount", Some(json!(before)), Some(json!(after)))],
        )
    }

    #[test]
    fn the_re_read_covers_what_changed_and_what_its_diff_reads() {
        let d = crate::diff::fixtures::desired();
        let svc = &d.services[0];
        let applied = plan(vec![count(1, 2)]);
        assert_eq!(
            applied.changes[0].address.to_string(),
            format!("service.{}", svc.key)
        );
        let q = scope(&d, &applied).expect("no deletion: a scoped read");
        assert_eq!(q.services, std::slice::from_ref(&svc.name));
        assert_eq!(
            q.families,
            std::slice::from_ref(&svc.family),
            "the revision it runs"
        );
        assert!(q.roles.is_empty() && q.log_groups.is_empty(), "{q:?}");
        assert!(q.scaling_resource_ids.is_empty(), "{q:?}");
        if let Some(r) = &svc.discovery {
            assert_eq!(
                q.discovery_services,
                std::slice::from_ref(&r.discovery_service)
            );
            assert!(q.namespace.is_some());
        }
        let mut gone = change(Action::Delete, vec![]);
        gone.address = Address::new(ResourceKind::LogGroup, "/ecs/old");
        assert_eq!(scope(&d, &plan(vec![count(1, 2), gone])), None);
    }

    #[test]
    fn a_clean_read_is_converged() {
        let applied = plan(vec![count(1, 2)]);
        let now = vec![change(Action::NoOp, vec![])];
        assert_eq!(judge(&applied, &now), Verdict::Converged);
    }

    #[test]
    fn the_old_value_is_a_read_that_has_not_caught_up() {
        let applied = plan(vec![count(1, 2)]);
        let Verdict::Pending(gaps) = judge(&applied, &[count(1, 2)]) else {
            panic!("pending expected");
        };
        assert_eq!(
            describe(&gaps),
            "`service.api` desiredCount: applied `2`, AWS reads `1`"
        );
    }

    #[test]
    fn a_third_value_was_written_by_someone_else() {
        // The concurrent-apply race: this apply set 2, the other one 7.
        let applied = plan(vec![count(1, 2)]);
        let Verdict::Moved(gaps) = judge(&applied, &[count(7, 2)]) else {
            panic!("moved expected");
        };
        assert_eq!(gaps[0].live, Some(json!(7)));
        let err = VerifyError::Moved(gaps).to_string();
        assert!(
            err.starts_with("the live state is not what was applied: `service.api` desiredCount: applied `2`, AWS reads `7`; something else changed it during the apply"),
            "{err}"
        );
    }

    #[test]
    fn a_resource_the_plan_left_alone_that_now_differs_moved() {
        let applied = plan(vec![change(Action::NoOp, vec![])]);
        assert!(matches!(judge(&applied, &[count(3, 2)]), Verdict::Moved(_)));
    }

    #[test]
    fn a_create_not_listed_yet_is_pending_but_created_with_other_values_moved() {
        let created = change(Action::Create, vec![("desiredCount", None, Some(json!(2)))]);
        let applied = plan(vec![created.clone()]);
        assert!(matches!(judge(&applied, &[created]), Verdict::Pending(_)));
        // Listed now, but not with the values apply created it with.
        assert!(matches!(judge(&applied, &[count(5, 2)]), Verdict::Moved(_)));
        let many: Vec<Gap> = (0..5)
            .map(|i| Gap {
                address: format!("service.s{i}"),
                path: None,
                applied: None,
                live: None,
            })
            .collect();
        assert_eq!(
            describe(&many),
            "`service.s0`; `service.s1`; `service.s2`; and 2 more"
        );
    }
}
