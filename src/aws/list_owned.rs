//! Listing reads for pruning and `destroy`: what lives in one environment's scope (its
//! cluster, its name prefixes, Cloud Map namespaces), with the tags that say who owns it.
//!
//! Owns the list calls, paged by the SDK's generated paginators. Must not decide ownership
//! (`diff::prune` does, on the tags returned here), must not write, and must not let SDK types
//! out of this file.

use aws_sdk_ecs::types::TaskDefinitionFamilyStatus;
use aws_sdk_ecs::types::TaskDefinitionStatus;

use super::discovery::namespace_from_sdk;
use super::ecs::family_revision;
use super::{AwsClients, AwsError};
use crate::live::{LiveLogGroup, LiveNamespace, LiveTags};

/// The names of every service in the cluster (ListServices, paginated). moto also lists
/// INACTIVE ones; the caller describes them and keeps the ACTIVE ones. A missing cluster has
/// no services.
pub async fn service_names(clients: &AwsClients, cluster: &str) -> Result<Vec<String>, AwsError> {
    let arns = clients
        .ecs
        .list_services()
        .cluster(cluster)
        // AWS answers 10 a page unless asked for up to 100 (ListServices API reference).
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let arns = match arns {
        Ok(arns) => arns,
        Err(e) => {
            let err = AwsError::from_sdk("ecs", "ListServices", Some(cluster), e);
            if err.is_code("ClusterNotFoundException") {
                return Ok(Vec::new());
            }
            return Err(err);
        }
    };
    let mut names: Vec<String> = arns
        .iter()
        .filter_map(|arn| arn.rsplit('/').next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Task definition families whose name starts with `prefix` (ListTaskDefinitionFamilies,
/// ACTIVE; moto ignores the status and also lists families with only INACTIVE revisions).
pub async fn families(clients: &AwsClients, prefix: &str) -> Result<Vec<String>, AwsError> {
    let families: Vec<String> = clients
        .ecs
        .list_task_definition_families()
        .family_prefix(prefix)
        .status(TaskDefinitionFamilyStatus::Active)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ListTaskDefinitionFamilies", Some(prefix), e))?;
    Ok(families
        .into_iter()
        .filter(|f| f.starts_with(prefix))
        .collect())
}

/// The ARNs of the family's ACTIVE revisions, oldest first (exactly this family: the
/// `familyPrefix` parameter is a prefix in AWS).
pub async fn active_revisions(clients: &AwsClients, family: &str) -> Result<Vec<String>, AwsError> {
    let arns: Vec<String> = clients
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ListTaskDefinitions", Some(family), e))?;
    let mut revisions: Vec<(i32, String)> = arns
        .into_iter()
        .filter_map(|arn| match family_revision(&arn) {
            Some((f, rev)) if f == family => Some((rev, arn)),
            _ => None,
        })
        .collect();
    revisions.sort();
    Ok(revisions.into_iter().map(|(_, arn)| arn).collect())
}

/// Role names starting with `prefix`. IAM has no name or tag filter on ListRoles, so this pages
/// through the account's roles (ListRoles, 1000 a page) and filters here.
pub async fn role_names(clients: &AwsClients, prefix: &str) -> Result<Vec<String>, AwsError> {
    let roles = clients
        .iam
        .list_roles()
        .into_paginator()
        .page_size(1000)
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("iam", "ListRoles", Some(prefix), e))?;
    Ok(roles
        .iter()
        .map(|r| r.role_name().to_string())
        .filter(|n| n.starts_with(prefix))
        .collect())
}

/// ListRoleTags, every page (IAM "might return fewer results, even when there are more", and
/// the ownership tags may be on any page); a role deleted meanwhile has none (NoSuchEntity).
pub async fn role_tags(clients: &AwsClients, name: &str) -> Result<LiveTags, AwsError> {
    let pages: Result<Vec<_>, _> = clients
        .iam
        .list_role_tags()
        .role_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    match pages {
        Ok(tags) => Ok(tags
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) => {
            let err = AwsError::from_sdk("iam", "ListRoleTags", Some(name), e);
            if err.is_code("NoSuchEntity") {
                Ok(LiveTags::new())
            } else {
                Err(err)
            }
        }
    }
}

/// Log groups whose name starts with `prefix` (every log group for ""), without tags.
pub async fn log_groups(clients: &AwsClients, prefix: &str) -> Result<Vec<LiveLogGroup>, AwsError> {
    super::logs::list(clients, prefix).await
}

/// The tags of a log group, by its ARN without `:*`.
pub async fn log_group_tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    super::logs::tags(clients, arn).await
}

/// Every Cloud Map namespace of the account, without tags (ListNamespaces, paginated).
/// Accounts hold few; a namespace removed from the spec has no name ecsctl could look for.
pub async fn namespaces(clients: &AwsClients) -> Result<Vec<LiveNamespace>, AwsError> {
    let pages = clients
        .discovery
        .list_namespaces()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("servicediscovery", "ListNamespaces", None, e))?;
    Ok(pages
        .iter()
        .flat_map(|p| p.namespaces())
        .map(namespace_from_sdk)
        .collect())
}

/// The names of the Cloud Map services in a namespace (ListServices filtered by namespace id;
/// moto ignores the filter unless patched, so `discovery::read_services` re-checks the id).
pub async fn discovery_service_names(
    clients: &AwsClients,
    namespace_id: &str,
) -> Result<Vec<String>, AwsError> {
    let mut names: Vec<String> = super::discovery::list_services_in(clients, namespace_id)
        .await?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}
