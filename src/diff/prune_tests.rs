//! Which live resources are deletions: table-driven over owned, foreign and kept resources.

use super::*;
use crate::diff::fixtures::{converged, desired};
use crate::live::owned::{LiveOwnedFamily, LiveOwnedRevision};
use crate::model::{TAG_APP, TAG_ENV, TAG_MANAGED_BY};
use crate::plan::{Plan, Target};

fn tags(app: &str, env: &str) -> LiveTags {
    [(TAG_MANAGED_BY, "ecsctl"), (TAG_APP, app), (TAG_ENV, env)]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A live state where the spec's `api` is converged, plus a `worker` the spec dropped (ours),
/// and decoys with the same kind of names: untagged, another app's, another environment's.
fn live_with_leftovers() -> Live {
    let mut l = converged();
    let base = converged();
    let o = &mut l.owned;
    for (name, t) in [
        ("ohi-prod-worker", tags("ohi", "prod")),
        ("ohi-prod-decoy", LiveTags::new()),
        ("ohi-prod-other", tags("shop", "prod")),
        ("ohi-prod-stage", tags("ohi", "staging")),
    ] {
        let mut s = base.services[0].clone();
        s.name = name.into();
        s.tags = t.clone();
        o.services.push(s);
        let mut r = base.roles[0].clone();
        r.name = format!("{name}-exec");
        r.tags = t.clone();
        o.roles.push(r);
        let mut g = base.log_groups[0].clone();
        g.name = format!("/ecs/ohi-prod/{name}");
        g.tags = t.clone();
        o.log_groups.push(g);
        o.families.push(LiveOwnedFamily {
            family: name.into(),
            revisions: vec![LiveOwnedRevision {
                arn: format!("arn:aws:ecs:eu-west-1:1:task-definition/{name}:1"),
                revision: 1,
                tags: t.clone(),
            }],
        });
        let mut target = base.scaling_targets[0].clone();
        target.resource_id = format!("service/ohi-prod/{name}");
        target.policies[0].name = format!("{name}-cpu");
        o.scaling_targets.push(target);
    }
    let mut ns = base.namespace.clone().unwrap();
    o.namespaces.push(ns.clone());
    ns.name = "old.local".into();
    ns.id = "ns-old".into();
    o.namespaces.push(ns.clone());
    ns.name = "theirs.local".into();
    ns.id = "ns-theirs".into();
    ns.tags = LiveTags::new();
    o.namespaces.push(ns);
    let mut ds = base.discovery_services[0].clone();
    o.discovery_services.push(ds.clone()); // the spec's `api`: kept
    ds.name = "worker".into();
    o.discovery_services.push(ds.clone());
    ds.name = "decoy".into();
    ds.tags = LiveTags::new();
    o.discovery_services.push(ds);
    l
}

fn addresses(changes: &[ResourceChange], action: Action) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c.action == action)
        .map(|c| c.address.to_string())
        .collect()
}

#[test]
fn only_our_resources_the_spec_dropped_are_deletions() {
    let changes = prune(&desired(), &live_with_leftovers(), &PruneOptions::default());
    assert_eq!(
        addresses(&changes, Action::Delete),
        [
            "iam_role.ohi-prod-worker-exec",
            "namespace.old.local",
            "discovery_service.worker",
            "task_definition.ohi-prod-worker",
            "service.ohi-prod-worker",
            "scaling_target.ohi-prod-worker",
            "scaling_policy.ohi-prod-worker-cpu",
        ]
    );
    // The log group is kept, and says so.
    let kept: Vec<&ResourceChange> = changes.iter().filter(|c| c.is_noop()).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].address.to_string(),
        "log_group./ecs/ohi-prod/ohi-prod-worker"
    );
    assert_eq!(kept[0].reason.as_deref(), Some(KEPT_REASON));
}

#[test]
fn delete_logs_deletes_our_log_groups_only() {
    let opts = PruneOptions {
        delete_logs: true,
        ..Default::default()
    };
    let changes = prune(&desired(), &live_with_leftovers(), &opts);
    let logs: Vec<String> = addresses(&changes, Action::Delete)
        .into_iter()
        .filter(|a| a.starts_with("log_group."))
        .collect();
    assert_eq!(logs, ["log_group./ecs/ohi-prod/ohi-prod-worker"]);
}

#[test]
fn destroy_removes_everything_ours_and_keeps_logs_unless_asked() {
    let d = desired();
    let mut l = live_with_leftovers();
    // In destroy mode the owned read includes the spec's own resources too.
    let c = converged();
    l.owned.services.push(c.services[0].clone());
    l.owned.roles.push(c.roles[0].clone());
    l.owned.log_groups.push(c.log_groups[0].clone());
    let opts = PruneOptions {
        destroy: true,
        delete_logs: false,
    };
    let changes = prune(&d, &l, &opts);
    let deleted = addresses(&changes, Action::Delete);
    for want in [
        "namespace.old.local",
        "discovery_service.api",
        "service.ohi-prod-api",
        "iam_role.ohi-prod-api-exec",
        "service.ohi-prod-worker",
    ] {
        assert!(deleted.contains(&want.to_string()), "{want} in {deleted:?}");
    }
    for never in ["decoy", "other", "stage", "theirs"] {
        assert!(
            !deleted.iter().any(|a| a.contains(never)),
            "{never} must survive: {deleted:?}"
        );
    }
    assert!(!deleted.iter().any(|a| a.starts_with("log_group.")));
    // Foreign services still run in the cluster: it is kept, and the plan says why.
    // So does the namespace, which holds the untagged `decoy` Cloud Map service.
    for shared in ["cluster.ohi-prod", "namespace.ohi-prod.local"] {
        let c = changes
            .iter()
            .find(|c| c.address.to_string() == shared)
            .unwrap();
        assert_eq!(c.action, Action::NoOp, "{shared}");
        assert_eq!(c.reason.as_deref(), Some(KEPT_SHARED_REASON), "{shared}");
    }

    // `retain: false` on the spec's group deletes it in destroy; the dropped one stays.
    let mut d = d;
    d.log_groups[0].retain = false;
    let deleted = addresses(&prune(&d, &l, &opts), Action::Delete);
    let logs: Vec<&String> = deleted
        .iter()
        .filter(|a| a.starts_with("log_group."))
        .collect();
    assert_eq!(logs, ["log_group./ecs/ohi-prod/api"]);
}

#[test]
fn deletions_run_in_reverse_dependency_order() {
    let opts = PruneOptions {
        destroy: true,
        delete_logs: true,
    };
    let mut l = live_with_leftovers();
    l.owned.services.push(converged().services[0].clone());
    // Without foreign services in it, the cluster goes too.
    l.owned.services.retain(|s| is_ours(&s.tags, "ohi", "prod"));
    let target = Target {
        app: "ohi".into(),
        env: "prod".into(),
        region: "eu-west-1".into(),
        account_id: None,
        services: None,
        images: Vec::new(),
        before_deploy: Vec::new(),
        adopted: Vec::new(),
        cost: None,
    };
    let plan = Plan::new(target, prune(&desired(), &l, &opts));
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.address.kind.as_str()).collect();
    let mut seen: Vec<&str> = kinds.clone();
    seen.dedup();
    assert_eq!(
        seen,
        [
            "scaling_policy",
            "scaling_target",
            "service",
            "task_definition",
            "discovery_service",
            "namespace",
            "cluster",
            "log_group",
            "iam_role",
        ]
    );
    assert!(plan.steps.iter().all(|s| s.action == Action::Delete));
    assert_eq!(plan.summary().destroy, plan.steps.len());
}

#[test]
fn nothing_owned_means_nothing_to_prune() {
    assert_eq!(
        prune(&desired(), &converged(), &PruneOptions::default()),
        vec![]
    );
    let destroy = PruneOptions {
        destroy: true,
        delete_logs: true,
    };
    // The cluster is ours even when nothing else was read.
    assert_eq!(
        addresses(&prune(&desired(), &converged(), &destroy), Action::Delete),
        ["cluster.ohi-prod"]
    );
}

/// Issue 13, item 8: a partial plan (`-s api`) must never delete a service (or anything else)
/// because it was filtered out, even when the full plan would; stray scaling on its own
/// service is still its business.
#[test]
fn a_partial_desired_state_prunes_only_stray_scaling_on_its_services() {
    let mut d = desired();
    d.target = Some(vec!["api".into()]);
    assert_eq!(
        prune(&d, &live_with_leftovers(), &PruneOptions::default()),
        vec![],
        "the full plan deletes the worker (only_our_resources_the_spec_dropped_are_deletions)"
    );
    let delete_logs = PruneOptions {
        destroy: false,
        delete_logs: true,
    };
    assert_eq!(prune(&d, &live_with_leftovers(), &delete_logs), vec![]);
    d.scaling_targets.clear();
    assert_eq!(
        addresses(
            &prune(&d, &converged(), &PruneOptions::default()),
            Action::Delete
        ),
        [
            "scaling_target.ohi-prod-api",
            "scaling_policy.ohi-prod-api-cpu"
        ]
    );
}

#[test]
fn scaling_the_spec_dropped_on_a_kept_service_is_deleted() {
    let d = desired();
    let mut l = converged();
    // A policy of ecsctl's naming the spec no longer asks for, and one someone else added.
    let mut extra = l.scaling_targets[0].policies[0].clone();
    extra.name = "ohi-prod-api-memory".into();
    l.scaling_targets[0].policies.push(extra.clone());
    extra.name = "ops-alarm-policy".into();
    l.scaling_targets[0].policies.push(extra);
    let changes = prune(&d, &l, &PruneOptions::default());
    assert_eq!(
        addresses(&changes, Action::Delete),
        ["scaling_policy.ohi-prod-api-memory"]
    );

    // Autoscaling dropped from the spec: the target and all its policies go.
    let mut d = desired();
    d.scaling_targets.clear();
    let changes = prune(&d, &l, &PruneOptions::default());
    assert_eq!(
        addresses(&changes, Action::Delete),
        [
            "scaling_target.ohi-prod-api",
            "scaling_policy.ohi-prod-api-cpu",
            "scaling_policy.ohi-prod-api-memory",
            "scaling_policy.ops-alarm-policy",
        ]
    );

    // Not when the service is not ours.
    l.services[0].tags.clear();
    assert_eq!(prune(&d, &l, &PruneOptions::default()), vec![]);
}

/// Issue 10, item 4: destroy skipped a family whose newest revision was not ours, leaving our
/// revisions ACTIVE without a word. Each revision's own tags decide now: ours go with the
/// family, someone else's are listed as kept in every view, and a decoy family (no revision of
/// ours, not in the spec) is not mentioned.
#[test]
fn destroy_of_a_family_with_a_foreign_newer_revision_deletes_ours_and_lists_the_rest() {
    let revision = |n: i32, tags: LiveTags| LiveOwnedRevision {
        arn: format!("arn:aws:ecs:eu-west-1:1:task-definition/ohi-prod-api:{n}"),
        revision: n,
        tags,
    };
    let mut l = live_with_leftovers();
    l.owned.families.push(LiveOwnedFamily {
        family: "ohi-prod-api".into(),
        revisions: vec![
            revision(2, tags("ohi", "prod")),
            revision(3, tags("ohi", "prod")),
            revision(4, LiveTags::new()),
        ],
    });
    let opts = PruneOptions {
        destroy: true,
        delete_logs: false,
    };
    let changes = prune(&desired(), &l, &opts);
    let api = changes
        .iter()
        .find(|c| c.address.to_string() == "task_definition.ohi-prod-api")
        .expect("the family is deleted");
    assert_eq!(api.action, Action::Delete);
    assert_eq!(
        api.reason.as_deref(),
        Some("deregisters revisions 2-3: every ACTIVE one with this environment's ownership tags")
    );
    let families: Vec<String> = changes
        .iter()
        .filter(|c| c.address.kind == ResourceKind::TaskDefinition)
        .map(|c| format!("{} {}", c.action.symbol(), c.address))
        .collect();
    assert_eq!(
        families,
        [
            "- task_definition.ohi-prod-worker",
            "- task_definition.ohi-prod-api",
            "  task_definition.ohi-prod-api:4",
        ]
    );
    let plan = Plan::new(
        Target {
            app: "ohi".into(),
            env: "prod".into(),
            region: "eu-west-1".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        },
        changes,
    );
    let human = crate::render::human::render(&plan, false);
    assert!(
        human.contains(
            "  # task_definition.ohi-prod-api:4 is kept: it does not carry this environment's \
             ownership tags\n"
        ),
        "{human}"
    );

    // Plain pruning never reads a family the spec keeps, and never lists its revisions.
    let pruned = prune(&desired(), &l, &PruneOptions::default());
    assert!(
        !pruned
            .iter()
            .any(|c| c.address.name.starts_with("ohi-prod-api")),
        "{pruned:#?}"
    );
}
