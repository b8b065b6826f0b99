//! `fetch`: reads everything one environment owns or references, concurrently, read-only.
//!
//! Owns the call plan: which reads run together and which wait for another's answer (the
//! revisions the services run are described once the services are read; a family is searched
//! for its newest revision of ours only when the revision its service runs does not already
//! hold what the spec wants; Cloud Map services wait for the namespace id; tags of log groups
//! and Cloud Map resources come from the tag index where it agrees with the spec). Must not
//! write to AWS and must not normalise what it reads.
//!
//! A family's revision to compare with is the one its service runs; when that does not hold
//! the desired content, also its newest ACTIVE one that carries this environment's ownership
//! tags (apply reuses it when it holds the desired content), not its newest: anyone may
//! register a revision into a family (`ecs_revisions` describes newest first and stops at the
//! first of ours). So a converged service costs its share of DescribeServices and one
//! DescribeTaskDefinition, and a changed one 1 ListTaskDefinitions and at most 1 describe more.
//!
//! Calls of a converged environment (docs/aws.md, "Calls"): STS, DescribeClusters,
//! DescribeServices per 10 services, DescribeTaskDefinition per service, one
//! GetAccountAuthorizationDetails for every role, DescribeLogGroups and ListServices (Cloud Map)
//! per page, one tag index read, the scaling reads per page, and the schedule group.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::ownership::is_ours;
use super::query::LiveQuery;
use super::tag_index::TagIndex;
use super::types::{
    Live, LiveAlarm, LiveDiscoveryService, LiveFamily, LiveLogGroup, LiveNamespace, LiveRole,
    LiveScalingTarget, LiveTags, LiveTaskDefinition,
};
use crate::aws::{
    AwsClients, AwsError, alarms, autoscaling, discovery, ecs, ecs_revisions, iam, logs, scheduler,
    sts,
};
use crate::model::Desired;

/// Per-role IAM reads in flight at once, when the bulk read is not allowed (`read_roles`).
/// IAM's read quotas are account-wide and low-ish; each role is 3+ calls, so 8 roles keep ~24
/// requests in flight without tripping throttling.
const IAM_CONCURRENCY: usize = 8;
/// DescribeTaskDefinition calls in flight at once.
const ECS_CONCURRENCY: usize = 16;
/// ListTagsForResource calls in flight at once (resources the tag index could not vouch for).
const TAG_CONCURRENCY: usize = 8;

/// Whether a revision a service runs already holds what the spec wants for its family (the
/// diff's own content comparison, `diff::task_definition::holds_desired`, handed in by the
/// caller so that `live` does not depend on `diff`). When it does, the family is not searched
/// for a newer revision of ours: the diff would compare with the running one anyway.
/// Its first argument is the caller's account id (the diff builds ARNs with it).
pub type HoldsDesired<'a> = &'a dyn Fn(&str, &LiveTaskDefinition) -> bool;

/// Searches every family (apply's check after apply, and tests that read without a spec).
pub fn never_holds(_: &str, _: &LiveTaskDefinition) -> bool {
    false
}

/// The live state of the environment `desired` describes. Fails on the first AWS error that
/// is not "does not exist" (absence is data, not an error).
pub async fn fetch(
    clients: &AwsClients,
    desired: &Desired,
    holds: HoldsDesired<'_>,
    index: &TagIndex,
) -> Result<Live, AwsError> {
    fetch_query(clients, &LiveQuery::of(desired), holds, index).await
}

/// Reads exactly what `query` names.
pub async fn fetch_query(
    clients: &AwsClients,
    query: &LiveQuery,
    holds: HoldsDesired<'_>,
    index: &TagIndex,
) -> Result<Live, AwsError> {
    // The services, the revisions they run, then the families whose running revision does not
    // hold the desired content (or that no service runs): their newest revision of ours.
    let ecs_part = async {
        let services = ecs::describe_services(clients, &query.cluster, &query.services).await?;
        let running: BTreeSet<String> = services
            .services
            .iter()
            .filter_map(|s| s.task_definition.clone())
            .collect();
        let (mut task_definitions, account) = futures::try_join!(
            describe_task_definitions(clients, running),
            sts::account_id(clients),
        )?;
        let settled: BTreeSet<&str> = task_definitions
            .iter()
            .filter(|td| holds(&account, td))
            .map(|td| td.family.as_str())
            .collect();
        let search: Vec<&String> = query
            .families
            .iter()
            .filter(|f| !settled.contains(f.as_str()))
            .collect();
        let (families, described) =
            newest_owned_revisions(clients, query, &search, &task_definitions).await?;
        task_definitions.extend(described);
        let mut seen = BTreeSet::new();
        task_definitions.retain(|td| seen.insert(td.arn.clone()));
        let retention = retention_reads(
            clients,
            query,
            &account,
            holds,
            &families,
            &task_definitions,
        )
        .await?;
        Ok::<_, AwsError>((services, families, task_definitions, retention))
    };
    let discovery_part = async {
        let Some(name) = &query.namespace else {
            return Ok((None, Vec::new()));
        };
        let Some(ns) = discovery::read_namespace(clients, name).await? else {
            return Ok((None, Vec::new()));
        };
        // The namespace's tags alongside the services' listing, as before the index: when the
        // index cannot vouch for them, their read adds no round trip.
        let ns_tags = tags_of(
            clients,
            index,
            &ns.arn,
            query.namespace_tags.as_ref(),
            discovery::namespace_tags(clients, &ns.arn),
        );
        let (tags, found) = futures::try_join!(
            ns_tags,
            discovery::find_services(clients, &ns.id, &query.discovery_services)
        )?;
        let services = discovery_tags(clients, index, &query.discovery_tags, found).await?;
        Ok::<_, AwsError>((Some(LiveNamespace { tags, ..ns }), services))
    };
    let logs_part = async {
        let found = logs::find(clients, &query.log_groups).await?;
        log_group_tags(clients, index, &query.log_group_tags, found).await
    };

    let scheduler_part = async {
        let Some(group) = &query.schedule_group else {
            return Ok((None, Vec::new()));
        };
        let Some(found) = scheduler::read_group(clients, group).await? else {
            return Ok((None, Vec::new()));
        };
        // A DELETING group's schedules are being deleted with it (DeleteScheduleGroup API):
        // none of them will be there for apply to update.
        if found.state.as_deref() == Some("DELETING") {
            return Ok((Some(found), Vec::new()));
        }
        let schedules = scheduler::read_schedules(clients, group).await?;
        Ok::<_, AwsError>((Some(found), schedules))
    };

    // The tag index is read alongside the lists, so that using it adds no round trip.
    let index_part = async {
        if query.log_groups.is_empty() && query.namespace.is_none() {
            return Ok(());
        }
        index.entries(clients).await.map(|_| ())
    };
    let (account_id, cluster, ecs, roles, log_groups, discovery, scaling_targets, scheduled, ()) =
        futures::try_join!(
            sts::account_id(clients),
            ecs::describe_cluster(clients, &query.cluster),
            ecs_part,
            read_roles(clients, &query.roles),
            logs_part,
            discovery_part,
            scaling(clients, query),
            scheduler_part,
            index_part,
        )?;
    let (schedule_group, schedules) = scheduled;
    let (scaling_targets, alarms) = scaling_targets;
    let (services, families, task_definitions, retention) = ecs;
    let (namespace, discovery_services) = discovery;

    Ok(Live {
        account_id,
        region: clients.region().to_string(),
        cluster,
        roles,
        log_groups,
        namespace,
        discovery_services,
        services: services.services,
        inactive_services: [services.inactive, services.draining].concat(),
        task_definitions,
        families,
        scaling_targets,
        alarms,
        owned: Default::default(),
        schedule_group,
        schedules,
        retention,
    })
}

/// The roles in one bulk read (`iam::read_roles_bulk`), or role by role when the caller may not
/// make it.
/// The scaling targets, then the alarms of step rules: those the spec asks for and those the
/// live step policies list (a second round trip only when there are any).
async fn scaling(
    clients: &AwsClients,
    query: &LiveQuery,
) -> Result<(Vec<LiveScalingTarget>, Vec<LiveAlarm>), AwsError> {
    let targets = autoscaling::read_targets(clients, &query.scaling_resource_ids).await?;
    let names: BTreeSet<String> = query
        .alarm_names
        .iter()
        .cloned()
        .chain(
            targets
                .iter()
                .flat_map(|t| &t.policies)
                .filter(|p| p.step.is_some())
                .flat_map(|p| p.alarm_names.iter().cloned()),
        )
        .collect();
    if names.is_empty() {
        return Ok((targets, Vec::new()));
    }
    let names: Vec<String> = names.into_iter().collect();
    let alarms = alarms::read_alarms(clients, &names).await?;
    Ok((targets, alarms))
}

async fn read_roles(clients: &AwsClients, names: &[String]) -> Result<Vec<LiveRole>, AwsError> {
    if let Some(roles) = iam::read_roles_bulk(clients, names).await? {
        return Ok(roles);
    }
    let roles: Vec<Option<LiveRole>> = stream::iter(names)
        .map(|name| iam::read_role(clients, name))
        .buffered(IAM_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(roles.into_iter().flatten().collect())
}

/// A resource's tags: the tag index's entry where it holds exactly what the spec wants there
/// (`expected`), else `read`, the resource's own ListTagsForResource (`tag_index`).
async fn tags_of<F>(
    clients: &AwsClients,
    index: &TagIndex,
    arn: &str,
    expected: Option<&LiveTags>,
    read: F,
) -> Result<LiveTags, AwsError>
where
    F: std::future::Future<Output = Result<LiveTags, AwsError>>,
{
    match index.settled(clients, arn, expected).await? {
        Some(tags) => Ok(tags),
        None => read.await,
    }
}

/// Tags of the log groups found (`tags_of`), `TAG_CONCURRENCY` at a time.
async fn log_group_tags(
    clients: &AwsClients,
    index: &TagIndex,
    expected: &std::collections::BTreeMap<String, LiveTags>,
    found: Vec<LiveLogGroup>,
) -> Result<Vec<LiveLogGroup>, AwsError> {
    stream::iter(found)
        .map(|mut group| async move {
            if let Some(arn) = group.arn.clone() {
                let want = expected.get(&group.name);
                group.tags = tags_of(clients, index, &arn, want, logs::tags(clients, &arn)).await?;
            }
            Ok::<_, AwsError>(group)
        })
        .buffered(TAG_CONCURRENCY)
        .try_collect()
        .await
}

/// Tags of the Cloud Map services found (`tags_of`), `TAG_CONCURRENCY` at a time.
async fn discovery_tags(
    clients: &AwsClients,
    index: &TagIndex,
    expected: &std::collections::BTreeMap<String, LiveTags>,
    found: Vec<LiveDiscoveryService>,
) -> Result<Vec<LiveDiscoveryService>, AwsError> {
    stream::iter(found)
        .map(|mut service| async move {
            let (arn, want) = (service.arn.clone(), expected.get(&service.name));
            let read = discovery::service_tags(clients, &arn);
            service.tags = tags_of(clients, index, &arn, want, read).await?;
            Ok::<_, AwsError>(service)
        })
        .buffered(TAG_CONCURRENCY)
        .try_collect()
        .await
}

/// Per family in `search`, its newest ACTIVE revision carrying our ownership tags (an INACTIVE
/// answer means it was deregistered after the listing), and every revision described to find
/// it; `known` revisions (those the services run) are not described again.
async fn newest_owned_revisions(
    clients: &AwsClients,
    query: &LiveQuery,
    search: &[&String],
    known: &[LiveTaskDefinition],
) -> Result<(Vec<LiveFamily>, Vec<LiveTaskDefinition>), AwsError> {
    let ours = |td: &LiveTaskDefinition| {
        is_ours(&td.tags, &query.app, &query.env) && td.status.as_deref() != Some("INACTIVE")
    };
    let found: Vec<(LiveFamily, Vec<LiveTaskDefinition>)> = stream::iter(search)
        .map(|family| async move {
            let found =
                ecs_revisions::newest_active_revision_where(clients, family, known, ours).await?;
            let live = LiveFamily {
                family: (*family).clone(),
                newest_owned_arn: found.found,
            };
            Ok::<_, AwsError>((live, found.described))
        })
        .buffered(ECS_CONCURRENCY)
        .try_collect()
        .await?;
    let (families, described): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    Ok((families, described.into_iter().flatten().collect()))
}

/// `live::retention` for each searched family whose newest revision of ours does not hold the
/// spec's content either: apply registers a new revision there, which may push an old one of
/// ours past `keep`. Families whose running revision holds the content were never searched.
async fn retention_reads(
    clients: &AwsClients,
    query: &LiveQuery,
    account: &str,
    holds: HoldsDesired<'_>,
    searched: &[LiveFamily],
    known: &[LiveTaskDefinition],
) -> Result<Vec<super::owned::LiveOwnedFamily>, AwsError> {
    let Some(keep) = query.keep_revisions else {
        return Ok(Vec::new());
    };
    let registers = searched.iter().filter(|f| {
        let newest = f.newest_owned_arn.as_deref();
        !newest
            .and_then(|arn| super::types::find_task_definition(known, arn))
            .is_some_and(|td| holds(account, td))
    });
    let read: Vec<Option<super::owned::LiveOwnedFamily>> = stream::iter(registers)
        .map(|f| super::retention::read(clients, &f.family, keep, known))
        .buffered(ECS_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(read.into_iter().flatten().collect())
}

async fn describe_task_definitions(
    clients: &AwsClients,
    arns: BTreeSet<String>,
) -> Result<Vec<LiveTaskDefinition>, AwsError> {
    let found: Vec<Option<LiveTaskDefinition>> = stream::iter(arns)
        .map(|arn| async move { ecs::describe_task_definition(clients, &arn).await })
        .buffered(ECS_CONCURRENCY)
        .try_collect()
        .await?;
    // Two spellings of one revision (moto may store `family:rev`) collapse to one entry.
    let mut seen = BTreeSet::new();
    Ok(found
        .into_iter()
        .flatten()
        .filter(|td| seen.insert(td.arn.clone()))
        .collect())
}
