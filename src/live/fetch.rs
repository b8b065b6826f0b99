//! `fetch`: reads everything one environment owns or references, concurrently, read-only.
//!
//! Owns the call plan: which reads run together and which wait for another's answer (only the
//! task definition describes wait, for the service and family ARNs; Cloud Map services wait for
//! the namespace id). Must not write to AWS and must not normalise what it reads.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::query::LiveQuery;
use super::types::{Live, LiveFamily, LiveNamespace, LiveRole, LiveTaskDefinition};
use crate::aws::{AwsClients, AwsError, autoscaling, discovery, ecs, iam, logs, scheduler, sts};
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
    // The services and each family's latest revision, then every distinct revision they name.
    let ecs_part = async {
        let (services, latest) = futures::try_join!(
            ecs::describe_services(clients, &query.cluster, &query.services),
            latest_revisions(clients, &query.families),
        )?;
        let arns: BTreeSet<String> = services
            .services
            .iter()
            .filter_map(|s| s.task_definition.clone())
            .chain(latest.iter().filter_map(|f| f.latest_active_arn.clone()))
            .collect();
        let task_definitions = describe_task_definitions(clients, arns).await?;
        Ok::<_, AwsError>((services, latest, task_definitions))
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

async fn latest_revisions(
    clients: &AwsClients,
    families: &[String],
) -> Result<Vec<LiveFamily>, AwsError> {
    stream::iter(families)
        .map(|family| async move {
            let latest_active_arn = ecs::latest_active_task_definition_arn(clients, family).await?;
            Ok::<_, AwsError>(LiveFamily {
                family: family.clone(),
                latest_active_arn,
            })
        })
        .buffered(ECS_CONCURRENCY)
        .try_collect()
        .await
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
