//! The environment's scope as found in AWS, for pruning and `destroy`: what lives under its
//! cluster, its name prefixes and the Cloud Map namespaces, with the tags that say whose it is.
//!
//! Owns `OwnedQuery` (where to look, pure) and `fetch_owned` (the reads). Candidates are
//! returned with their tags whether or not they are ours: `diff::prune` decides ownership, so
//! that decision is pure and unit tested. Names the spec still uses are not read here (the
//! regular `fetch` reads those), except in destroy mode. Must not write to AWS.
//!
//! Task definition families are not owned as a whole: anyone may register a revision into a
//! family, so every ACTIVE revision of a candidate family is described for its own tags (one
//! DescribeTaskDefinition each, after one ListTaskDefinitions per page). Only families that
//! left the spec (or, with destroy, all under the prefix) are candidates, so a converged
//! environment pays nothing for this; a family of someone else's under the prefix pays one
//! describe per ACTIVE revision on every plan.
//!
//! Scaling targets carry no readable tags in the emulator (Application Auto Scaling has no tag
//! APIs in moto), so a target is read by resource id under a candidate service, and counts as
//! ours exactly when that service is ours.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::fetch::HoldsDesired;
pub use super::ownership::is_ours;
use super::schedule::{LiveSchedule, LiveScheduleGroup};
use super::tag_index::TagIndex;
use super::types::{
    Live, LiveDiscoveryService, LiveLogGroup, LiveNamespace, LiveRole, LiveScalingTarget,
    LiveService, LiveTags, LiveTaskDefinition,
};
use crate::aws::{AwsClients, AwsError, autoscaling, discovery, ecs, list_owned, scheduler};
use crate::model::Desired;

/// Tag reads in flight at once (one call per candidate).
const CONCURRENCY: usize = 8;

/// Resources in the environment's scope that the spec does not name (or, for destroy, all of
/// them), each with its tags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveOwned {
    /// ACTIVE services of the environment's cluster (a DRAINING one is already being deleted).
    pub services: Vec<LiveService>,
    /// Task definition families under the family prefix that still have ACTIVE revisions.
    pub families: Vec<LiveOwnedFamily>,
    /// Roles under the role prefix; `arn`, policies and trust are not read (apply reads them
    /// before deleting), only name and tags.
    pub roles: Vec<LiveRole>,
    pub log_groups: Vec<LiveLogGroup>,
    /// Every namespace of the account, with tags.
    pub namespaces: Vec<LiveNamespace>,
    /// Cloud Map services inside the namespaces that are ours.
    pub discovery_services: Vec<LiveDiscoveryService>,
    /// Scaling targets on the candidate services.
    pub scaling_targets: Vec<LiveScalingTarget>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveOwnedFamily {
    pub family: String,
    /// Every ACTIVE revision, oldest first, each with its own tags: a family may hold revisions
    /// of several owners, so ownership is decided per revision (`diff::prune_family`).
    pub revisions: Vec<LiveOwnedRevision>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveOwnedRevision {
    pub arn: String,
    pub revision: i32,
    pub tags: LiveTags,
}

impl LiveOwnedRevision {
    /// A listed revision as DescribeTaskDefinition answered for it; None when it is gone or no
    /// longer ACTIVE (deregistered between the listing and the describe).
    pub(crate) fn of(arn: String, described: Option<LiveTaskDefinition>) -> Option<Self> {
        let td = described.filter(|t| t.status.as_deref().is_none_or(|s| s == "ACTIVE"))?;
        Some(LiveOwnedRevision {
            arn,
            revision: td.revision,
            tags: td.tags,
        })
    }
}

/// Where to look, and which names to skip because the spec keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedQuery {
    pub app: String,
    pub env: String,
    pub cluster: String,
    pub family_prefix: String,
    pub role_prefix: String,
    pub log_group_prefix: String,
    pub keep_services: BTreeSet<String>,
    pub keep_families: BTreeSet<String>,
    pub keep_roles: BTreeSet<String>,
    pub keep_log_groups: BTreeSet<String>,
    /// The spec's namespace and the Cloud Map services it keeps there.
    pub namespace: Option<String>,
    pub keep_discovery: BTreeSet<String>,
}

impl OwnedQuery {
    /// The scope of `desired`'s environment. Prefixes are the default name forms
    /// (`{app}-{env}-`, `/ecs/{app}-{env}/`) shortened to what every desired name shares, so
    /// custom `names:` templates are still covered (at the cost of a wider listing). With
    /// `destroy`, nothing is kept.
    pub fn of(desired: &Desired, destroy: bool) -> OwnedQuery {
        let base = format!("{}-{}-", desired.app, desired.env);
        let families = desired.task_definitions.iter().map(|t| t.family.as_str());
        let roles = desired.roles.iter().map(|r| r.name.as_str());
        let groups = desired.log_groups.iter().map(|g| g.name.as_str());
        let keep = |names: Vec<&String>| -> BTreeSet<String> {
            if destroy {
                BTreeSet::new()
            } else {
                names.into_iter().cloned().collect()
            }
        };
        OwnedQuery {
            app: desired.app.clone(),
            env: desired.env.clone(),
            cluster: desired.cluster.name.clone(),
            family_prefix: shared_prefix(&base, families),
            role_prefix: shared_prefix(&base, roles),
            log_group_prefix: shared_prefix(
                &format!("/ecs/{}-{}/", desired.app, desired.env),
                groups,
            ),
            keep_services: keep(desired.services.iter().map(|s| &s.name).collect()),
            keep_families: keep(desired.task_definitions.iter().map(|t| &t.family).collect()),
            keep_roles: keep(desired.roles.iter().map(|r| &r.name).collect()),
            keep_log_groups: keep(desired.log_groups.iter().map(|g| &g.name).collect()),
            namespace: desired.namespace.as_ref().map(|n| n.name.clone()),
            keep_discovery: keep(desired.discovery_services.iter().map(|d| &d.name).collect()),
        }
    }
}

/// The longest prefix `base` shares with every name.
pub(crate) fn shared_prefix<'a>(base: &str, names: impl Iterator<Item = &'a str>) -> String {
    let mut end = base.len();
    for n in names {
        end = base
            .bytes()
            .zip(n.bytes())
            .take(end)
            .take_while(|(a, b)| a == b)
            .count();
    }
    while !base.is_char_boundary(end) {
        end -= 1;
    }
    base[..end].to_string()
}

/// What plan and apply diff against (`fetch_with_owned`): tags from the environment's tag index
/// where it agrees with the spec, and no family search for a service whose running revision
/// `holds` what the spec wants.
pub async fn fetch_for_diff(
    clients: &AwsClients,
    desired: &Desired,
    holds: HoldsDesired<'_>,
) -> Result<Live, AwsError> {
    // The index is one paged read of the whole environment; a partial plan (`-s`) reads the
    // tags of its few resources directly instead, so its cost follows the target, not the
    // environment (25 → 17 calls for one service of the root project's prod).
    let index = match desired.target {
        None => TagIndex::of(&desired.app, &desired.env),
        Some(_) => TagIndex::direct(),
    };
    fetch_with_owned(clients, desired, false, holds, &index, true).await
}

/// `fetch_with_owned` with every tag read from its resource and every family searched: for
/// `destroy`, which must find what an apply a moment ago created, and apply's check after
/// apply, which must see its own writes (the tag index lags behind both).
pub async fn fetch_direct(
    clients: &AwsClients,
    desired: &Desired,
    destroy: bool,
) -> Result<Live, AwsError> {
    let index = TagIndex::direct();
    // No retention read: destroy deletes whole families, and the check after apply judges
    // what apply did, which a fresh trim of the families would only add calls to.
    fetch_with_owned(
        clients,
        desired,
        destroy,
        &super::fetch::never_holds,
        &index,
        false,
    )
    .await
}

/// `fetch` and `fetch_owned` together: the live state with its `owned` part filled.
/// `index` serves both: the spec's resources' tags where it agrees with the spec, and which
/// resources under the environment's prefixes carry our tags (each then confirmed directly).
/// `retention`: read the families a new revision will be registered into for trimming
/// (`live::retention`).
async fn fetch_with_owned(
    clients: &AwsClients,
    desired: &Desired,
    destroy: bool,
    holds: HoldsDesired<'_>,
    index: &TagIndex,
    retention: bool,
) -> Result<Live, AwsError> {
    let mut live_query = super::LiveQuery::of(desired);
    if !retention {
        live_query.keep_revisions = None;
    }
    let spec_part = super::fetch_query(clients, &live_query, holds, index);
    // A partial desired state (`-s`) prunes nothing the owned read would find (`diff::prune`):
    // it reads only its own resources, which is what makes a partial plan cheaper.
    if desired.target.is_some() && !destroy {
        return spec_part.await;
    }
    let query = OwnedQuery::of(desired, destroy);
    let (mut live, owned, leftover) = futures::try_join!(
        spec_part,
        fetch_owned(clients, &query, index),
        leftover_schedules(clients, desired),
    )?;
    live.owned = owned;
    if let Some((group, schedules)) = leftover {
        live.schedule_group = Some(group);
        live.schedules = schedules;
    }
    Ok(live)
}

/// The environment's schedule group (`{app}-{env}`) and its schedules when the spec has no
/// scheduled tasks any more (with them, `fetch` reads the group already): what is left there
/// is pruned by `diff::schedule::prune` if the group is ours.
async fn leftover_schedules(
    clients: &AwsClients,
    desired: &Desired,
) -> Result<Option<(LiveScheduleGroup, Vec<LiveSchedule>)>, AwsError> {
    if desired.schedules().next().is_some() {
        return Ok(None);
    }
    let name = crate::model::scheduled::schedule_group(&desired.app, &desired.env);
    let Some(group) = scheduler::read_group(clients, &name).await? else {
        return Ok(None);
    };
    let schedules = scheduler::read_schedules(clients, &name).await?;
    Ok(Some((group, schedules)))
}

/// Reads the candidates `query` describes, concurrently.
pub async fn fetch_owned(
    clients: &AwsClients,
    query: &OwnedQuery,
    index: &TagIndex,
) -> Result<LiveOwned, AwsError> {
    let services_part = async {
        let names: Vec<String> = list_owned::service_names(clients, &query.cluster)
            .await?
            .into_iter()
            .filter(|n| !query.keep_services.contains(n))
            .collect();
        let services = ecs::describe_services(clients, &query.cluster, &names)
            .await?
            .services;
        let ids: Vec<String> = services
            .iter()
            .map(|s| format!("service/{}/{}", query.cluster, s.name))
            .collect();
        let targets = autoscaling::read_targets(clients, &ids).await?;
        Ok::<_, AwsError>((services, targets))
    };
    let (services_and_targets, families, roles, log_groups, discovery) = futures::try_join!(
        services_part,
        read_families(clients, query),
        read_roles(clients, query),
        read_log_groups(clients, query),
        read_discovery(clients, query, index),
    )?;
    let (services, scaling_targets) = services_and_targets;
    let (namespaces, discovery_services) = discovery;
    Ok(LiveOwned {
        services,
        families,
        roles,
        log_groups,
        namespaces,
        discovery_services,
        scaling_targets,
    })
}

/// Each candidate family's ACTIVE revisions with their tags: one listing per family, then one
/// describe per revision (tags are per revision), `CONCURRENCY` at a time in all. A revision
/// deregistered or deleted between the two reads is left out.
async fn read_families(
    clients: &AwsClients,
    query: &OwnedQuery,
) -> Result<Vec<LiveOwnedFamily>, AwsError> {
    let names = list_owned::families(clients, &query.family_prefix).await?;
    let listed: Vec<(String, Vec<String>)> = stream::iter(
        names
            .into_iter()
            .filter(|f| !query.keep_families.contains(f)),
    )
    .map(|family| async move {
        let arns = list_owned::active_revisions(clients, &family).await?;
        Ok::<_, AwsError>((family, arns))
    })
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    let described: Vec<Option<LiveTaskDefinition>> =
        stream::iter(listed.iter().flat_map(|(_, arns)| arns))
            .map(|arn| ecs::describe_task_definition(clients, arn))
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
    // `described` is in listing order: each family takes as many as it listed.
    let mut described = described.into_iter();
    let families = listed.into_iter().map(|(family, arns)| {
        let revisions = arns
            .into_iter()
            .zip(&mut described)
            .filter_map(|(arn, td)| LiveOwnedRevision::of(arn, td))
            .collect();
        LiveOwnedFamily { family, revisions }
    });
    Ok(families.filter(|f| !f.revisions.is_empty()).collect())
}

async fn read_roles(clients: &AwsClients, query: &OwnedQuery) -> Result<Vec<LiveRole>, AwsError> {
    let names = list_owned::role_names(clients, &query.role_prefix).await?;
    stream::iter(names.into_iter().filter(|n| !query.keep_roles.contains(n)))
        .map(|name| async move {
            let tags = list_owned::role_tags(clients, &name).await?;
            Ok::<_, AwsError>(LiveRole {
                arn: String::new(),
                path: "/".to_string(),
                description: None,
                max_session_duration: None,
                trust_policy: None,
                inline_policies: Default::default(),
                managed_policy_arns: Vec::new(),
                tags,
                name,
            })
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

async fn read_log_groups(
    clients: &AwsClients,
    query: &OwnedQuery,
) -> Result<Vec<LiveLogGroup>, AwsError> {
    let groups = list_owned::log_groups(clients, &query.log_group_prefix).await?;
    stream::iter(
        groups
            .into_iter()
            .filter(|g| !query.keep_log_groups.contains(&g.name)),
    )
    .map(|mut group| async move {
        if let Some(arn) = &group.arn {
            group.tags = list_owned::log_group_tags(clients, arn).await?;
        }
        Ok::<_, AwsError>(group)
    })
    .buffered(CONCURRENCY)
    .try_collect()
    .await
}

/// Every namespace with its tags, then the services (with tags) of the namespaces that are
/// ours: a service inside someone else's namespace is never a candidate.
///
/// With a tag index, a namespace it does not list as ours is taken as not ours without reading
/// its tags (an account may hold many namespaces; one ours a moment ago is then pruned a little
/// later, never wrongly); one it lists is confirmed with its own tags, except the spec's own,
/// whose services the spec names (each candidate service inside is confirmed by its own tags).
async fn read_discovery(
    clients: &AwsClients,
    query: &OwnedQuery,
    index: &TagIndex,
) -> Result<(Vec<LiveNamespace>, Vec<LiveDiscoveryService>), AwsError> {
    let (listed, entries) =
        futures::try_join!(list_owned::namespaces(clients), index.entries(clients))?;
    let namespaces: Vec<LiveNamespace> = stream::iter(listed)
        .map(|ns| async move {
            let tags = match entries.map(|e| e.get(&ns.arn)) {
                None => discovery::namespace_tags(clients, &ns.arn).await?,
                Some(None) => LiveTags::new(),
                Some(Some(tags)) if query.namespace.as_deref() == Some(ns.name.as_str()) => {
                    tags.clone()
                }
                Some(Some(_)) => discovery::namespace_tags(clients, &ns.arn).await?,
            };
            Ok::<_, AwsError>(LiveNamespace { tags, ..ns })
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut services = Vec::new();
    for ns in namespaces
        .iter()
        .filter(|n| is_ours(&n.tags, &query.app, &query.env))
    {
        let kept = |n: &String| {
            query.namespace.as_deref() == Some(ns.name.as_str()) && query.keep_discovery.contains(n)
        };
        let names: Vec<String> = list_owned::discovery_service_names(clients, &ns.id)
            .await?
            .into_iter()
            .filter(|n| !kept(n))
            .collect();
        services.extend(discovery::read_services(clients, &ns.id, &names).await?);
    }
    Ok((namespaces, services))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::desired;

    #[test]
    fn query_prefixes_and_kept_names() {
        let d = desired();
        let q = OwnedQuery::of(&d, false);
        assert_eq!(q.cluster, "ohi-prod");
        assert_eq!(q.family_prefix, "ohi-prod-");
        assert_eq!(q.role_prefix, "ohi-prod-");
        assert_eq!(q.log_group_prefix, "/ecs/ohi-prod/");
        assert!(q.keep_services.contains("ohi-prod-api"));
        assert!(q.keep_roles.contains("ohi-prod-api-exec"));
        let all = OwnedQuery::of(&d, true);
        assert!(all.keep_services.is_empty() && all.keep_roles.is_empty());
        assert!(all.keep_families.is_empty() && all.keep_log_groups.is_empty());
    }

    #[test]
    fn custom_names_widen_the_prefix() {
        let mut d = desired();
        d.task_definitions[0].family = "ohi-api-prod".into();
        d.log_groups[0].name = "/custom/api".into();
        let q = OwnedQuery::of(&d, false);
        assert_eq!(q.family_prefix, "ohi-");
        assert_eq!(q.log_group_prefix, "/");
    }
}
