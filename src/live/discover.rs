//! `discover`: reads a cluster nobody described yet, for `ecsctl import`.
//!
//! Owns finding the names a `LiveQuery` needs when there is no spec to derive them from: the
//! cluster's services (ListServices), then from what they run the roles, log groups, Cloud Map
//! namespace and services, and scaling targets; then one ordinary `fetch_query` of all of it.
//! Must not write to AWS and must not decide what the spec says (`import::live` does).

use std::collections::BTreeSet;

use super::fetch::fetch_query;
use super::query::LiveQuery;
use super::tag_index::TagIndex;
use super::types::Live;
use crate::aws::{AwsClients, AwsError, discovery, ec2, list_owned};

/// What to read: a cluster, and optionally only some of its services (by name).
pub struct Discover<'a> {
    pub app: &'a str,
    pub env: &'a str,
    pub cluster: &'a str,
    pub services: &'a [String],
}

/// Reads the listed services; one that ListServices lists but DescribeServices answers
/// `MISSING` for was just created (DescribeServices is eventually consistent after CreateService:
/// terraform-provider-aws PR #3387), so it is read again, for up to `SETTLE`, rather than left
/// out of the import without a word.
async fn first_read(
    clients: &AwsClients,
    query: &LiveQuery,
    index: &TagIndex,
) -> Result<Live, AwsError> {
    let started = std::time::Instant::now();
    loop {
        let live = fetch_query(clients, query, &|_, _| true, index).await?;
        let seen: BTreeSet<&str> = live
            .services
            .iter()
            .map(|s| s.name.as_str())
            .chain(live.inactive_services.iter().map(String::as_str))
            .collect();
        let unseen = query.services.iter().any(|s| !seen.contains(s.as_str()));
        if !unseen || started.elapsed() >= SETTLE {
            return Ok(live);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// How long a service ListServices lists may stay `MISSING` to DescribeServices.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(30);

/// What `discover` found.
pub struct Discovered {
    pub live: Live,
    /// Services asked for that the cluster does not have.
    pub missing: Vec<String>,
    /// Services ListServices lists that DescribeServices still did not return after `SETTLE`.
    pub unseen: Vec<String>,
    /// The VPC of the services' subnets, when they register in a private DNS namespace: Cloud
    /// Map does not return a namespace's VPC (GetNamespace has only its hosted zone), and the
    /// spec needs it (`discovery.vpc`); the services run in the namespace's VPC.
    pub vpc: Option<String>,
}

/// The live state of the cluster's services and everything they use, as `fetch` reads an
/// environment.
pub async fn discover(clients: &AwsClients, d: &Discover<'_>) -> Result<Discovered, AwsError> {
    let listed = list_owned::service_names(clients, d.cluster).await?;
    let missing: Vec<String> = d
        .services
        .iter()
        .filter(|s| !listed.contains(s))
        .cloned()
        .collect();
    let names: Vec<String> = if d.services.is_empty() {
        listed
    } else {
        listed
            .into_iter()
            .filter(|s| d.services.contains(s))
            .collect()
    };
    let mut query = LiveQuery {
        app: d.app.to_string(),
        env: d.env.to_string(),
        cluster: d.cluster.to_string(),
        services: names,
        ..LiveQuery::default()
    };
    let index = TagIndex::direct();
    let first = first_read(clients, &query, &index).await?;
    let unseen: Vec<String> = query
        .services
        .iter()
        .filter(|s| {
            !first.services.iter().any(|x| &x.name == *s) && !first.inactive_services.contains(s)
        })
        .cloned()
        .collect();
    let active = first.services.iter().filter(|s| s.status == "ACTIVE");
    let mut roles = BTreeSet::new();
    let mut groups = BTreeSet::new();
    for td in &first.task_definitions {
        for arn in [&td.execution_role_arn, &td.task_role_arn]
            .into_iter()
            .flatten()
        {
            if let Some(name) = arn.rsplit('/').next() {
                roles.insert(name.to_string());
            }
        }
        for c in &td.containers {
            if let Some(g) = c
                .log_configuration
                .as_ref()
                .and_then(|l| l.options.get("awslogs-group"))
            {
                groups.insert(g.clone());
            }
        }
    }
    let registries: BTreeSet<String> = active
        .clone()
        .flat_map(|s| s.service_registries.iter())
        .filter_map(|r| {
            r.registry_arn
                .as_deref()?
                .rsplit('/')
                .next()
                .map(str::to_string)
        })
        .collect();
    query.services = active.clone().map(|s| s.name.clone()).collect();
    query.scaling_resource_ids = active
        .map(|s| format!("service/{}/{}", d.cluster, s.name))
        .collect();
    query.roles = roles.into_iter().collect();
    query.log_groups = groups.into_iter().collect();
    if !registries.is_empty() {
        // A registry names a Cloud Map service by id; its namespace is found by listing the
        // account's namespaces (few) and their services.
        for ns in list_owned::namespaces(clients).await? {
            let found: Vec<String> = discovery::list_services_in(clients, &ns.id)
                .await?
                .into_iter()
                .filter(|(_, id)| registries.contains(id))
                .map(|(name, _)| name)
                .collect();
            if !found.is_empty() {
                query.namespace = Some(ns.name.clone());
                query.discovery_services = found;
                break;
            }
        }
    }
    let live = fetch_query(clients, &query, &|_, _| true, &index).await?;
    let mut vpc = None;
    if query.namespace.is_some() {
        let subnets: BTreeSet<String> = live
            .services
            .iter()
            .filter_map(|s| s.network.as_ref())
            .flat_map(|n| n.subnets.iter().cloned())
            .collect();
        let subnets: Vec<String> = subnets.into_iter().collect();
        vpc = ec2::subnets(clients, &subnets).await?.into_values().next();
    }
    Ok(Discovered {
        live,
        missing,
        unseen,
        vpc,
    })
}
