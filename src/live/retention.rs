//! The read behind `revisions.keep`: every ACTIVE revision of a family, with its tags, for the
//! families a plan will register a new revision into.
//!
//! When to read is the cost decision. A converged plan registers nothing, so it reads nothing
//! here; the count only grows when apply registers, so the read happens exactly then (the
//! family's running revision and its newest revision of ours both lack the spec's content:
//! `fetch` knows that from its own search). It then costs one ListTaskDefinitions per page
//! (100 revisions) and, only when the family holds at least `keep` ACTIVE revisions (else the
//! new one cannot push one of ours out), one DescribeTaskDefinition per ACTIVE revision not
//! described yet: tags are per revision and only DescribeTaskDefinition returns them. A family
//! with more than `keep` from before, or a lowered `keep`, is trimmed on its next change.
//!
//! Owns the read. Must not decide which revisions go (`diff::retain`) nor write to AWS.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::owned::{LiveOwnedFamily, LiveOwnedRevision};
use super::types::LiveTaskDefinition;
use crate::aws::{AwsClients, AwsError, ecs, list_owned};

/// DescribeTaskDefinition calls in flight at once (as `fetch`'s).
const CONCURRENCY: usize = 16;

/// The family's ACTIVE revisions, oldest first, each with its tags; None when it holds fewer
/// than `keep` (registering one more leaves at most `keep` of ours: nothing to trim). A
/// revision in `known` is not described again; one deregistered or deleted meanwhile is left
/// out.
pub async fn read(
    clients: &AwsClients,
    family: &str,
    keep: u32,
    known: &[LiveTaskDefinition],
) -> Result<Option<LiveOwnedFamily>, AwsError> {
    let arns = list_owned::active_revisions(clients, family).await?;
    if arns.len() < keep as usize {
        return Ok(None);
    }
    let described: Vec<Option<LiveTaskDefinition>> = stream::iter(&arns)
        .map(|arn| async move {
            match known.iter().find(|t| &t.arn == arn) {
                Some(td) => Ok(Some(td.clone())),
                None => ecs::describe_task_definition(clients, arn).await,
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let revisions = arns
        .into_iter()
        .zip(described)
        .filter_map(|(arn, td)| LiveOwnedRevision::of(arn, td))
        .collect();
    Ok(Some(LiveOwnedFamily {
        family: family.to_string(),
        revisions,
    }))
}
