//! Pruning one task definition family: which of its ACTIVE revisions go and which stay.
//!
//! A family is not owned as a whole: anyone may register a revision into it (ECS has no
//! per-family permission), so each revision's own tags decide. A family with at least one
//! ACTIVE revision carrying this environment's ownership tags is one deletion, addressed by the
//! family, whose reason names exactly those revisions (apply deregisters them, then deletes
//! them); every other ACTIVE revision in it is a no-op kept with `KEPT_FOREIGN_REVISION_REASON`,
//! addressed `task_definition.FAMILY:REVISION`, so the plan and destroy's output say what is
//! left behind. A family with no revision of ours is someone else's and not mentioned, unless
//! the spec names it (destroy), where its revisions are still listed as kept.
//!
//! Pure. Must not decide whether the family leaves (`diff::prune` does, from the spec and
//! `destroy`).

use serde_json::json;

use super::prune::delete;
use crate::live::owned::{LiveOwnedFamily, is_ours};
use crate::plan::{Action, ResourceChange, ResourceKind};

/// The reason on a revision someone else registered into one of our families, left in place.
pub const KEPT_FOREIGN_REVISION_REASON: &str =
    "kept: it does not carry this environment's ownership tags";

/// The changes for a family that leaves: its deletion (when it holds a revision of ours) and
/// one kept no-op per revision of someone else's. `named` says the spec names the family.
pub fn prune_family(f: &LiveOwnedFamily, app: &str, env: &str, named: bool) -> Vec<ResourceChange> {
    let (ours, foreign): (Vec<_>, Vec<_>) =
        f.revisions.iter().partition(|r| is_ours(&r.tags, app, env));
    if ours.is_empty() && !named {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !ours.is_empty() {
        let numbers: Vec<i32> = ours.iter().map(|r| r.revision).collect();
        let arns: Vec<&str> = ours.iter().map(|r| r.arn.as_str()).collect();
        let mut change = delete(
            ResourceKind::TaskDefinition,
            &f.family,
            json!({ "revisions": arns }),
        );
        let s = if numbers.len() == 1 { "" } else { "s" };
        change.reason = Some(format!(
            "deregisters revision{s} {}: every ACTIVE one with this environment's ownership tags",
            revision_list(&numbers)
        ));
        out.push(change);
    }
    for r in foreign {
        let name = format!("{}:{}", f.family, r.revision);
        let mut kept = delete(
            ResourceKind::TaskDefinition,
            &name,
            json!({"arn": r.arn, "tags": r.tags}),
        );
        kept.action = Action::NoOp;
        kept.reason = Some(KEPT_FOREIGN_REVISION_REASON.to_string());
        out.push(kept);
    }
    out
}

/// Revision numbers, ascending, with runs collapsed: `1-3, 5, 7-8`. A family may hold hundreds
/// of ACTIVE revisions (each deploy registers one), and the reason is one line.
fn revision_list(numbers: &[i32]) -> String {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for n in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|(a, b)| match b - a {
            0 => a.to_string(),
            _ => format!("{a}-{b}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveTags;
    use crate::live::owned::LiveOwnedRevision;

    fn tags(env: Option<&str>) -> LiveTags {
        let Some(env) = env else {
            return LiveTags::new();
        };
        [
            ("ecsctl:managed-by", "ecsctl"),
            ("ecsctl:app", "ohi"),
            ("ecsctl:env", env),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn family(revisions: &[(i32, Option<&str>)]) -> LiveOwnedFamily {
        LiveOwnedFamily {
            family: "ohi-dev-api".into(),
            revisions: revisions
                .iter()
                .map(|(n, env)| LiveOwnedRevision {
                    arn: format!("arn:aws:ecs:eu-west-1:1:task-definition/ohi-dev-api:{n}"),
                    revision: *n,
                    tags: tags(*env),
                })
                .collect(),
        }
    }

    fn lines(changes: &[ResourceChange]) -> Vec<(String, Action, String)> {
        changes
            .iter()
            .map(|c| {
                let reason = c.reason.clone().unwrap_or_default();
                (c.address.to_string(), c.action, reason)
            })
            .collect()
    }

    /// Issue 10, item 4: a newer revision of someone else's no longer hides ours; every one of
    /// ours goes, and each foreign one is listed as kept.
    #[test]
    fn a_foreign_newer_revision_neither_hides_ours_nor_is_deleted() {
        let f = family(&[
            (1, Some("dev")),
            (2, Some("dev")),
            (3, Some("dev")),
            (5, Some("dev")),
            (6, Some("prod")),
            (7, None),
        ]);
        let kept = KEPT_FOREIGN_REVISION_REASON.to_string();
        assert_eq!(
            lines(&prune_family(&f, "ohi", "dev", false)),
            [
                (
                    "task_definition.ohi-dev-api".to_string(),
                    Action::Delete,
                    "deregisters revisions 1-3, 5: every ACTIVE one with this environment's \
                     ownership tags"
                        .to_string()
                ),
                (
                    "task_definition.ohi-dev-api:6".into(),
                    Action::NoOp,
                    kept.clone()
                ),
                ("task_definition.ohi-dev-api:7".into(), Action::NoOp, kept),
            ]
        );
    }

    #[test]
    fn a_family_without_a_revision_of_ours_is_listed_only_when_the_spec_names_it() {
        let f = family(&[(7, None)]);
        assert!(prune_family(&f, "ohi", "dev", false).is_empty());
        // Destroy after a complete destroy: nothing to delete, the leftover still shown.
        let again = prune_family(&f, "ohi", "dev", true);
        assert_eq!(
            lines(&again),
            [(
                "task_definition.ohi-dev-api:7".to_string(),
                Action::NoOp,
                KEPT_FOREIGN_REVISION_REASON.to_string()
            )]
        );
    }

    #[test]
    fn one_revision_of_ours_is_named_in_the_singular() {
        let c = prune_family(&family(&[(4, Some("dev"))]), "ohi", "dev", true);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].reason.as_deref(),
            Some("deregisters revision 4: every ACTIVE one with this environment's ownership tags")
        );
    }

    #[test]
    fn revision_lists_collapse_runs() {
        assert_eq!(revision_list(&[7, 1, 2, 3, 5, 8]), "1-3, 5, 7-8");
        assert_eq!(revision_list(&[9]), "9");
        assert_eq!(revision_list(&[]), "");
    }
}
