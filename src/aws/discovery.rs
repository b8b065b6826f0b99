//! Cloud Map (servicediscovery): the environment's private DNS namespace and its services.
//!
//! Owns the Cloud Map calls and conversions. Every listing is re-filtered client-side by exact
//! name and namespace id, because moto ignores `Filters` (AWS honours them). Must not write.

use aws_sdk_servicediscovery::types::{
    FilterCondition, NamespaceFilter, NamespaceFilterName, NamespaceSummary, ServiceFilter,
    ServiceFilterName,
};
use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::live::{LiveDiscoveryService, LiveDnsRecord, LiveNamespace, LiveTags};

/// The namespace with exactly this name, without tags (see `namespace_tags`). The ListNamespaces summary already carries
/// description and properties, so no GetNamespace is needed. Namespace names are not unique
/// across types: a private DNS namespace wins over a public or HTTP one of the same name.
pub async fn read_namespace(
    clients: &AwsClients,
    name: &str,
) -> Result<Option<LiveNamespace>, AwsError> {
    let filter = NamespaceFilter::builder()
        .name(NamespaceFilterName::Name)
        .values(name)
        .condition(FilterCondition::Eq)
        .build()
        .expect("name and values are set");
    // Cloud Map's paginators have no `.items()`: the pages are flattened here.
    let pages = clients
        .discovery
        .list_namespaces()
        .filters(filter)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("servicediscovery", "ListNamespaces", Some(name), e))?;
    let mut matches: Vec<&NamespaceSummary> = pages
        .iter()
        .flat_map(|p| p.namespaces())
        .filter(|n| n.name() == Some(name))
        .collect();
    matches.sort_by_key(|n| n.r#type().map(|t| t.as_str()) != Some("DNS_PRIVATE"));
    Ok(matches.first().copied().map(namespace_from_sdk))
}

/// A namespace's tags (ListTagsForResource), read apart from `read_namespace` so the caller
/// can run it alongside `read_services`.
pub async fn namespace_tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    tags(clients, arn).await
}

/// The services with the given names inside the namespace, with tags. ListServices (filtered by
/// namespace id in AWS, unfiltered in moto), then GetService per name match to check the
/// namespace id (ServiceSummary has none), then ListTagsForResource per service kept.
pub async fn read_services(
    clients: &AwsClients,
    namespace_id: &str,
    names: &[String],
) -> Result<Vec<LiveDiscoveryService>, AwsError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = list_services_in(clients, namespace_id)
        .await?
        .into_iter()
        .filter(|(name, _)| names.iter().any(|w| w == name))
        .map(|(_, id)| id)
        .collect();
    let found = try_join_all(ids.iter().map(|id| async move {
        let out = clients
            .discovery
            .get_service()
            .id(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("servicediscovery", "GetService", Some(id), e))?;
        let Some(service) = out.service() else {
            return Ok(None);
        };
        if service.namespace_id() != Some(namespace_id) {
            return Ok(None);
        }
        let mut live = service_from_sdk(service);
        live.tags = tags(clients, &live.arn).await?;
        Ok::<_, AwsError>(Some(live))
    }))
    .await?;
    Ok(found.into_iter().flatten().collect())
}

async fn tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    let out = clients
        .discovery
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("servicediscovery", "ListTagsForResource", Some(arn), e))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

pub(crate) fn namespace_from_sdk(n: &NamespaceSummary) -> LiveNamespace {
    LiveNamespace {
        id: n.id().unwrap_or_default().to_string(),
        arn: n.arn().unwrap_or_default().to_string(),
        name: n.name().unwrap_or_default().to_string(),
        kind: n.r#type().map(|t| t.as_str().to_string()),
        description: n.description().map(str::to_string),
        hosted_zone_id: n
            .properties()
            .and_then(|p| p.dns_properties())
            .and_then(|d| d.hosted_zone_id())
            .map(str::to_string),
        tags: LiveTags::new(),
    }
}

pub(crate) fn service_from_sdk(
    s: &aws_sdk_servicediscovery::types::Service,
) -> LiveDiscoveryService {
    let dns = s.dns_config();
    LiveDiscoveryService {
        id: s.id().unwrap_or_default().to_string(),
        arn: s.arn().unwrap_or_default().to_string(),
        name: s.name().unwrap_or_default().to_string(),
        namespace_id: s.namespace_id().map(str::to_string),
        description: s.description().map(str::to_string),
        dns_records: dns
            .map(|d| {
                d.dns_records()
                    .iter()
                    .map(|r| LiveDnsRecord {
                        kind: r.r#type().as_str().to_string(),
                        ttl: r.ttl(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        routing_policy: dns
            .and_then(|d| d.routing_policy())
            .map(|r| r.as_str().to_string()),
        health_check_custom_config: s.health_check_custom_config().is_some(),
        tags: LiveTags::new(),
    }
}

/// `(name, id)` of every Cloud Map service ListServices returns for a namespace, paginated.
/// AWS filters by namespace id; moto (unpatched) ignores the filter, so callers that need the
/// namespace to be right check it with GetService (`read_services` does).
pub async fn list_services_in(
    clients: &AwsClients,
    namespace_id: &str,
) -> Result<Vec<(String, String)>, AwsError> {
    let filter = ServiceFilter::builder()
        .name(ServiceFilterName::NamespaceId)
        .values(namespace_id)
        .condition(FilterCondition::Eq)
        .build()
        .expect("name and values are set");
    let pages = clients
        .discovery
        .list_services()
        .filters(filter)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            AwsError::from_sdk("servicediscovery", "ListServices", Some(namespace_id), e)
        })?;
    Ok(pages
        .iter()
        .flat_map(|p| p.services())
        .filter_map(|s| Some((s.name()?.to_string(), s.id()?.to_string())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_servicediscovery::types::{
        DnsConfig, DnsProperties, DnsRecord, HealthCheckCustomConfig, NamespaceProperties,
        NamespaceType, RecordType, RoutingPolicy, Service,
    };

    #[test]
    fn namespace_summary_as_list_namespaces_returns_it() {
        let n = NamespaceSummary::builder()
            .id("ns-e4anhexample0004")
            .arn("arn:aws:servicediscovery:eu-west-1:111122223333:namespace/ns-e4anhexample0004")
            .name("ohi-prod.local")
            .r#type(NamespaceType::DnsPrivate)
            .description("ohi prod")
            .properties(
                NamespaceProperties::builder()
                    .dns_properties(
                        DnsProperties::builder()
                            .hosted_zone_id("Z06752353VBUDEXAMPLE")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let live = namespace_from_sdk(&n);
        assert_eq!(live.kind.as_deref(), Some("DNS_PRIVATE"));
        assert_eq!(live.hosted_zone_id.as_deref(), Some("Z06752353VBUDEXAMPLE"));
        assert_eq!(live.description.as_deref(), Some("ohi prod"));
    }

    #[test]
    fn service_as_get_service_returns_it() {
        let s = Service::builder()
            .id("srv-e4anhexample0004")
            .arn("arn:aws:servicediscovery:eu-west-1:111122223333:service/srv-e4anhexample0004")
            .name("api")
            .namespace_id("ns-e4anhexample0004")
            .dns_config(
                DnsConfig::builder()
                    .routing_policy(RoutingPolicy::Multivalue)
                    .dns_records(
                        DnsRecord::builder()
                            .r#type(RecordType::A)
                            .ttl(60)
                            .build()
                            .unwrap(),
                    )
                    .dns_records(
                        DnsRecord::builder()
                            .r#type(RecordType::Srv)
                            .ttl(60)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .health_check_custom_config(HealthCheckCustomConfig::builder().build())
            .build();
        let live = service_from_sdk(&s);
        assert_eq!(live.namespace_id.as_deref(), Some("ns-e4anhexample0004"));
        assert_eq!(
            live.dns_records,
            vec![
                LiveDnsRecord {
                    kind: "A".into(),
                    ttl: 60
                },
                LiveDnsRecord {
                    kind: "SRV".into(),
                    ttl: 60
                }
            ]
        );
        assert_eq!(live.routing_policy.as_deref(), Some("MULTIVALUE"));
        assert!(live.health_check_custom_config);
    }
}
