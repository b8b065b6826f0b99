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
use crate::plan::{Action, Address, ResourceChange, ResourceKind};

/// The tag CloudFormation puts on what a stack created (Copilot and CDK deploy with stacks).
pub const STACK_TAG: &str = "aws:cloudformation:stack-name";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub address: Address,
    /// Who the tags say owns it, in words: `untagged`, `app `x`, environment `y``.
    pub owner: String,
    /// It has no ecsctl ownership tags: `--adopt` may make it this environment's, unless it
    /// belongs to a CloudFormation stack.
    pub adoptable: bool,
    /// The CloudFormation stack its tags name (`aws:cloudformation:stack-name`): it was made
    /// by a stack, and changes only through it until released.
    pub stack: Option<String>,
}

/// What a plan or apply may adopt: nothing (the default); every resource without ecsctl tags
/// and outside a stack, or in one of the stacks the user says were released (`--adopt`,
/// `--released-stack`); or exactly the resources a saved plan adopted.
#[derive(Clone, Copy, Debug)]
pub enum Adopt<'a> {
    Nothing,
    Adoptable { released: &'a [String] },
    Only(&'a [String]),
}

impl<'a> Adopt<'a> {
    /// `--adopt` with its `--released-stack`s, or nothing without it.
    pub fn flags(adopt: bool, released: &'a [String]) -> Self {
        if adopt {
            Adopt::Adoptable { released }
        } else {
            Adopt::Nothing
        }
    }

    fn takes(&self, c: &Conflict) -> bool {
        c.adoptable
            && match self {
                Adopt::Nothing => false,
                Adopt::Adoptable { released } => {
                    c.stack.as_ref().is_none_or(|s| released.contains(s))
                }
                Adopt::Only(list) => list.iter().any(|a| *a == c.address.to_string()),
            }
    }
}

/// The conflicts `adopt` takes (their addresses, to adopt), or the refusal for the others.
pub fn resolve(env: &str, found: &[Conflict], adopt: Adopt) -> Result<Vec<String>, String> {
    let refused: Vec<Conflict> = found.iter().filter(|c| !adopt.takes(c)).cloned().collect();
    if !refused.is_empty() {
        return Err(message(env, &refused));
    }
    Ok(found.iter().map(|c| c.address.to_string()).collect())
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
            let untagged = [TAG_MANAGED_BY, TAG_APP, TAG_ENV]
                .iter()
                .all(|t| !tags.contains_key(*t));
            out.push(Conflict {
                address: Address::new(kind, name),
                owner: owner(tags),
                adoptable: untagged,
                stack: tags.get(STACK_TAG).cloned(),
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

/// What the plan says of a resource it adopts.
pub const ADOPTED_REASON: &str = "adopted: it gets this environment's ownership tags";

/// What the plan says of the revision an adopted service runs, when it holds the spec's
/// content: it is kept and tagged, so the service is not redeployed. Apply tags a revision
/// that is not ecsctl's only on this word.
pub const ADOPTED_REVISION_REASON: &str =
    "adopted with its service: the revision it runs gets this environment's ownership tags";

/// What the plan adds for an adopted role whose policies change: a role made elsewhere is
/// often shared by other applications (the console's `ecsTaskExecutionRole`), and ecsctl
/// would replace what they rely on with its least-privilege policy.
pub const ADOPTED_ROLE_POLICIES: &str = "its policies become ecsctl's (below): if other applications use this role, keep it out of the spec instead and name it by ARN (`executionRoleArn`, `taskRole.arn`), which ecsctl never changes or deletes";

/// Says so on the change of each adopted resource (its tag and field changes are the diff's),
/// and on the tag-only change of the revision an adopted service runs.
pub fn mark_adopted(changes: &mut [ResourceChange], adopted: &[String], desired: &Desired) {
    let families: Vec<String> = desired
        .services
        .iter()
        .filter(|s| adopted.contains(&Address::new(ResourceKind::Service, &s.key).to_string()))
        .map(|s| Address::new(ResourceKind::TaskDefinition, &s.family).to_string())
        .collect();
    for c in changes.iter_mut() {
        let address = c.address.to_string();
        let tags_only = !c.fields.is_empty() && c.fields.iter().all(|f| f.path.starts_with("tags"));
        let reason = if adopted.contains(&address) {
            let policies = c.address.kind == ResourceKind::IamRole
                && c.fields.iter().any(|f| {
                    f.path.starts_with("inlinePolicies") || f.path.starts_with("managedPolicyArns")
                });
            if policies {
                c.reason = Some(format!("{ADOPTED_REASON}; {ADOPTED_ROLE_POLICIES}"));
                continue;
            }
            ADOPTED_REASON
        } else if families.contains(&address) && c.action == Action::Update && tags_only {
            ADOPTED_REVISION_REASON
        } else {
            continue;
        };
        c.reason = Some(match c.reason.take() {
            Some(r) => format!("{r}; {reason}"),
            None => reason.to_string(),
        });
    }
}

fn owner(tags: &LiveTags) -> String {
    if let Some(stack) = tags.get(STACK_TAG) {
        return format!("in CloudFormation stack `{stack}`");
    }
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
    if found.iter().any(|c| c.stack.is_some()) {
        text.push_str(
            "\n  hint: a resource of a CloudFormation stack (AWS Copilot, CDK) changes only through \
its stack: release it from the stack first (a `DeletionPolicy: Retain`, then remove it from the \
template or delete the stack), as docs/migrating.md shows, then adopt it with `--adopt \
--released-stack STACK` (its `aws:cloudformation:` tags stay: AWS does not let them be removed)",
        );
    }
    if found.iter().any(|c| c.adoptable && c.stack.is_none()) {
        text.push_str(
            "\n  hint: to make the untagged ones this environment's, review `ecsctl plan --adopt`: \
it shows each one's ownership tags added and any field it changes, and `apply --adopt` does it",
        );
    }
    text.push_str(
        "\n  hint: ecsctl never adopts or modifies what it did not create unless told to: rename it \
in the spec, or remove the existing resource",
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
        assert_eq!(
            found.iter().map(|c| c.adoptable).collect::<Vec<_>>(),
            [true, false, false],
            "only the resource with no ecsctl tag at all can be adopted"
        );
        assert!(msg.contains("`ecsctl plan --adopt`"), "{msg}");
    }

    #[test]
    fn adopt_takes_the_untagged_never_a_stack_or_another_owner() {
        let d = desired();
        let mut l = converged();
        l.roles[0].tags.clear();
        l.services[0].tags.clear();
        l.services[0]
            .tags
            .insert(STACK_TAG.into(), "ohi-prod-api".into());
        l.log_groups[0]
            .tags
            .insert(TAG_ENV.into(), "staging".into());
        let found = conflicts(&d, &l);
        let role = "iam_role.ohi-prod-api-exec".to_string();
        // Without --adopt every conflict is refused.
        assert!(resolve("prod", &found, Adopt::Nothing).is_err());
        // With --adopt the stack's and the other environment's still are, with their hints.
        let refusal = resolve("prod", &found, Adopt::Adoptable { released: &[] }).unwrap_err();
        assert!(refusal.starts_with("2 resource(s)"), "{refusal}");
        assert!(
            refusal.contains("in CloudFormation stack `ohi-prod-api`"),
            "{refusal}"
        );
        assert!(
            refusal.contains("release it from the stack first"),
            "{refusal}"
        );
        assert!(!refusal.contains(&role), "{refusal}");
        // Released from its stack, on the user's word: adoptable; another stack's is not.
        let released = ["ohi-prod-api".to_string()];
        let other = ["other".to_string()];
        let found_stack: Vec<Conflict> = found
            .iter()
            .filter(|c| c.stack.is_some() || c.address.to_string() == role)
            .cloned()
            .collect();
        assert_eq!(found_stack.len(), 2);
        assert!(
            resolve(
                "prod",
                &found_stack,
                Adopt::Adoptable {
                    released: &released
                }
            )
            .is_ok()
        );
        assert!(resolve("prod", &found_stack, Adopt::Adoptable { released: &other }).is_err());
        // Only the untagged role: adopted, and a saved plan adopts exactly what it lists.
        l.services[0].tags = converged().services[0].tags.clone();
        l.log_groups[0].tags = converged().log_groups[0].tags.clone();
        let found = conflicts(&d, &l);
        assert_eq!(
            resolve("prod", &found, Adopt::Adoptable { released: &[] }),
            Ok(vec![role.clone()])
        );
        assert_eq!(
            resolve("prod", &found, Adopt::Only(std::slice::from_ref(&role))),
            Ok(vec![role.clone()])
        );
        assert!(resolve("prod", &found, Adopt::Only(&[])).is_err());
    }

    /// An adopted service that runs an untagged revision with the spec's content keeps it: the
    /// revision gets the ownership tags in place, so adoption does not redeploy.
    #[test]
    fn an_adopted_service_keeps_the_matching_revision_it_runs() {
        let d = desired();
        let mut l = converged();
        l.services[0].tags.clear();
        for td in &mut l.task_definitions {
            td.tags.clear();
        }
        for f in &mut l.families {
            f.newest_owned_arn = None;
        }
        let found = conflicts(&d, &l);
        let adopted = resolve("prod", &found, Adopt::Adoptable { released: &[] }).unwrap();
        assert_eq!(adopted, ["service.api"]);
        let changes = crate::diff::changes(&d, &l, &Default::default());
        let mut changes = changes;
        mark_adopted(&mut changes, &adopted, &d);
        let td = crate::diff::fixtures::find(&changes, "task_definition.ohi-prod-api");
        assert_eq!(td.action, crate::plan::Action::Update, "{td:?}");
        assert_eq!(td.reason.as_deref(), Some(ADOPTED_REVISION_REASON));
        assert!(
            td.fields.iter().all(|f| f.path.starts_with("tags")),
            "the running revision is tagged, not replaced: {:?}",
            td.fields
        );
        let service = crate::diff::fixtures::find(&changes, "service.api");
        let paths: Vec<&str> = service.fields.iter().map(|f| f.path.as_str()).collect();
        assert!(
            paths.iter().all(|p| p.starts_with("tags")),
            "no new revision, no deployment: {paths:?}"
        );
    }

    /// AWS's own tags (`aws:…`) cannot be removed by anyone: a stack's tag on an adopted
    /// resource is not a change, or the plan would never converge.
    #[test]
    fn aws_reserved_tags_are_not_a_change() {
        let d = desired();
        let mut l = converged();
        for tags in [
            &mut l.log_groups[0].tags,
            &mut l.roles[0].tags,
            &mut l.services[0].tags,
        ] {
            tags.insert(STACK_TAG.into(), "copilot-ohi-prod-api".into());
            tags.insert("aws:cloudformation:logical-id".into(), "LogGroup".into());
        }
        let changes = crate::diff::changes(&d, &l, &Default::default());
        let moved: Vec<String> = changes
            .iter()
            .filter(|c| !c.is_noop())
            .map(|c| c.address.to_string())
            .collect();
        assert_eq!(moved, Vec::<String>::new());
    }

    #[test]
    fn an_adopted_role_whose_policies_change_says_how_to_keep_a_shared_one() {
        let d = desired();
        let mut l = converged();
        l.roles[0].tags.clear();
        l.roles[0]
            .managed_policy_arns
            .push("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
        let mut changes = crate::diff::changes(&d, &l, &Default::default());
        let adopted = vec!["iam_role.ohi-prod-api-exec".to_string()];
        mark_adopted(&mut changes, &adopted, &d);
        let c = crate::diff::fixtures::find(&changes, "iam_role.ohi-prod-api-exec");
        let paths: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            c.reason.as_deref(),
            Some(format!("{ADOPTED_REASON}; {ADOPTED_ROLE_POLICIES}").as_str()),
            "{paths:?}"
        );
    }

    #[test]
    fn an_adopted_change_says_so_and_adds_the_ownership_tags() {
        let d = desired();
        let mut l = converged();
        l.roles[0].tags.clear();
        let mut changes = crate::diff::changes(&d, &l, &Default::default());
        let adopted = vec!["iam_role.ohi-prod-api-exec".to_string()];
        mark_adopted(&mut changes, &adopted, &d);
        let c = crate::diff::fixtures::find(&changes, "iam_role.ohi-prod-api-exec");
        assert_eq!(c.reason.as_deref(), Some(ADOPTED_REASON));
        assert_eq!(c.action, crate::plan::Action::Update);
        assert!(
            c.fields.iter().all(|f| f.path.starts_with("tags")),
            "only tags change: {:?}",
            c.fields
        );
    }
}
