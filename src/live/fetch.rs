//! `fetch`: reads everything one environment owns or references, concurrently, read-only.
//!
//! Owns the call plan: which reads run together and which wait for another's answer (only the
//! task definition describes wait, for the service and family ARNs; Cloud Map services wait for
//! the namespace id). Must not write to AWS and must not normalise what it reads.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::types::{Live, LiveFamily, LiveRole, LiveTaskDefinition};
use crate::aws::{AwsClients, AwsError, autoscaling, discovery, ecs, iam, logs, sts};
use crate::model::Desired;

/// Per-role IAM reads in flight at once. IAM's read quotas are account-wide and low-ish; each
/// role is 3+ calls, so 8 roles keep ~24 requests in flight without tripping throttling.
const IAM_CONCURRENCY: usize = 8;
/// DescribeTaskDefinition calls in flight at once.
const ECS_CONCURRENCY: usize = 16;

/// The live state of the environment `desired` describes. Fails on the first AWS error that
/// is not "does not exist" (absence is data, not an error).
pub async fn fetch(clients: &AwsClients, desired: &Desired) -> Result<Live, AwsError> {
    let service_names: Vec<String> = desired.services.iter().map(|s| s.name.clone()).collect();
    let families: Vec<String> = desired
        .task_definitions
        .iter()
        .map(|t| t.family.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let log_group_names: Vec<String> = desired.log_groups.iter().map(|g| g.name.clone()).collect();
    let discovery_names: Vec<String> = desired
        .discovery_services
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let scaling_ids = scaling_resource_ids(desired);

    // The services and each family's latest revision, then every distinct revision they name.
    let ecs_part = async {
        let (services, latest) = futures::try_join!(
            ecs::describe_services(clients, &desired.cluster.name, &service_names),
            latest_revisions(clients, &families),
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
        let Some(ns) = &desired.namespace else {
            return Ok((None, Vec::new()));
        };
        let Some(live_ns) = discovery::read_namespace(clients, &ns.name).await? else {
            return Ok((None, Vec::new()));
        };
        let services = discovery::read_services(clients, &live_ns.id, &discovery_names).await?;
        Ok::<_, AwsError>((Some(live_ns), services))
    };

    let (
        account_id,
        cluster,
        (services, families, task_definitions),
        roles,
        log_groups,
        (namespace, discovery_services),
        scaling_targets,
    ) = futures::try_join!(
        sts::account_id(clients),
        ecs::describe_cluster(clients, &desired.cluster.name),
        ecs_part,
        read_roles(clients, desired),
        logs::read_log_groups(clients, &log_group_names),
        discovery_part,
        autoscaling::read_targets(clients, &scaling_ids),
    )?;

    Ok(Live {
        account_id,
        region: clients.region().to_string(),
        cluster,
        roles,
        log_groups,
        namespace,
        discovery_services,
        services: services.services,
        inactive_services: services.inactive,
        task_definitions,
        families,
        scaling_targets,
    })
}

/// Every desired service's `service/<cluster>/<name>`, not only the autoscaled ones: a target
/// left on a service whose spec dropped autoscaling is drift the plan must show.
fn scaling_resource_ids(desired: &Desired) -> Vec<String> {
    let ids: BTreeSet<String> = desired
        .scaling_targets
        .iter()
        .map(|t| t.resource_id.clone())
        .chain(
            desired
                .services
                .iter()
                .map(|s| format!("service/{}/{}", s.cluster, s.name)),
        )
        .collect();
    ids.into_iter().collect()
}

async fn read_roles(clients: &AwsClients, desired: &Desired) -> Result<Vec<LiveRole>, AwsError> {
    let names: BTreeSet<&str> = desired.roles.iter().map(|r| r.name.as_str()).collect();
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
