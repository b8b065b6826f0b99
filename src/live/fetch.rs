//! `fetch`: reads everything one environment owns or references, concurrently, read-only.
//!
//! Owns the call plan: which reads run together and which wait for another's answer (the
//! running revisions' describes wait for the service ARNs and for each family's search for its
//! newest revision of ours, so that no revision is described twice; Cloud Map services wait for
//! the namespace id). Must not write to AWS and must not normalise what it reads.
//!
//! A family's revision to compare with is its newest ACTIVE one that carries this environment's
//! ownership tags, not its newest: anyone may register a revision into a family
//! (`ecs_revisions` describes newest first and stops at the first of ours, so a family whose
//! newest revision is ours costs 1 ListTaskDefinitions and 1 DescribeTaskDefinition).

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::ownership::is_ours;
use super::query::LiveQuery;
use super::types::{
    Live, LiveFamily, LiveNamespace, LiveRole, LiveTaskDefinition, find_task_definition,
};
use crate::aws::{
    AwsClients, AwsError, autoscaling, discovery, ecs, ecs_revisions, iam, logs, scheduler, sts,
};
use crate::model::Desired;

/// Per-role IAM reads in flight at once. IAM's read quotas are account-wide and low-ish; each
/// role is 3+ calls, so 8 roles keep ~24 requests in flight without tripping throttling.
const IAM_CONCURRENCY: usize = 8;
/// DescribeTaskDefinition calls in flight at once.
const ECS_CONCURRENCY: usize = 16;

/// The live state of the environment `desired` describes. Fails on the first AWS error that
/// is not "does not exist" (absence is data, not an error).
pub async fn fetch(clients: &AwsClients, desired: &Desired) -> Result<Live, AwsError> {
    fetch_query(clients, &LiveQuery::of(desired)).await
}

/// Reads exactly what `query` names.
pub async fn fetch_query(clients: &AwsClients, query: &LiveQuery) -> Result<Live, AwsError> {
    // The services and each family's newest revision of ours, then the revisions the services
    // run that the search did not describe already.
    let ecs_part = async {
        let (services, (families, mut task_definitions)) = futures::try_join!(
            ecs::describe_services(clients, &query.cluster, &query.services),
            newest_owned_revisions(clients, query),
        )?;
        let running: BTreeSet<String> = services
            .services
            .iter()
            .filter_map(|s| s.task_definition.clone())
            .filter(|r| find_task_definition(&task_definitions, r).is_none())
            .collect();
        task_definitions.extend(describe_task_definitions(clients, running).await?);
        let mut seen = BTreeSet::new();
        task_definitions.retain(|td| seen.insert(td.arn.clone()));
        Ok::<_, AwsError>((services, families, task_definitions))
    };
    let discovery_part = async {
        let Some(name) = &query.namespace else {
            return Ok((None, Vec::new()));
        };
        let Some(ns) = discovery::read_namespace(clients, name).await? else {
            return Ok((None, Vec::new()));
        };
        let (tags, services) = futures::try_join!(
            discovery::namespace_tags(clients, &ns.arn),
            discovery::read_services(clients, &ns.id, &query.discovery_services),
        )?;
        Ok::<_, AwsError>((Some(LiveNamespace { tags, ..ns }), services))
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

    let (account_id, cluster, ecs, roles, log_groups, discovery, scaling_targets, scheduled) = futures::try_join!(
        sts::account_id(clients),
        ecs::describe_cluster(clients, &query.cluster),
        ecs_part,
        read_roles(clients, &query.roles),
        logs::read_log_groups(clients, &query.log_groups),
        discovery_part,
        autoscaling::read_targets(clients, &query.scaling_resource_ids),
        scheduler_part,
    )?;
    let (schedule_group, schedules) = scheduled;
    let (services, families, task_definitions) = ecs;
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
        owned: Default::default(),
        schedule_group,
        schedules,
    })
}

async fn read_roles(clients: &AwsClients, names: &[String]) -> Result<Vec<LiveRole>, AwsError> {
    let roles: Vec<Option<LiveRole>> = stream::iter(names)
        .map(|name| iam::read_role(clients, name))
        .buffered(IAM_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(roles.into_iter().flatten().collect())
}

/// Per family, its newest ACTIVE revision carrying our ownership tags (an INACTIVE answer means
/// it was deregistered after the listing), and every revision described to find it.
async fn newest_owned_revisions(
    clients: &AwsClients,
    query: &LiveQuery,
) -> Result<(Vec<LiveFamily>, Vec<LiveTaskDefinition>), AwsError> {
    let ours = |td: &LiveTaskDefinition| {
        is_ours(&td.tags, &query.app, &query.env) && td.status.as_deref() != Some("INACTIVE")
    };
    let found: Vec<(LiveFamily, Vec<LiveTaskDefinition>)> = stream::iter(&query.families)
        .map(|family| async move {
            let found = ecs_revisions::newest_active_revision_where(clients, family, ours).await?;
            let live = LiveFamily {
                family: family.clone(),
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
