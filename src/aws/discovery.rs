//! Cloud Map (servicediscovery): the environment's private DNS namespace and its services.
//!
//! Owns the Cloud Map calls and conversions. Every listing is re-filtered client-side by exact
//! name and namespace id, because moto ignores `Filters` (AWS honours them). Must not write.

use aws_sdk_servicediscovery::types::{
    FilterCondition, NamespaceFilter, NamespaceFilterName, NamespaceSummary, ServiceFilter,
    ServiceFilterName, ServiceSummary,
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

/// The services with the given names inside the namespace, with tags read one by one (apply's
/// own lookups and prune candidates): `find_services`, then ListTagsForResource per service.
pub async fn read_services(
    clients: &AwsClients,
    namespace_id: &str,
    names: &[String],
) -> Result<Vec<LiveDiscoveryService>, AwsError> {
    try_join_all(
        find_services(clients, namespace_id, names)
            .await?
            .into_iter()
            .map(|mut s| async move {
                s.tags = tags(clients, &s.arn).await?;
                Ok::<_, AwsError>(s)
            }),
    )
    .await
}

/// The services with the given names inside the namespace, without tags: ListServices filtered
/// by the namespace id (up to 100 a page), whose summaries carry everything the diff compares
/// (DNS records, routing policy, custom health check, description), so no GetService is needed.
/// https://docs.aws.amazon.com/cloud-map/latest/api/API_ServiceSummary.html
pub async fn find_services(
    clients: &AwsClients,
    namespace_id: &str,
    names: &[String],
) -> Result<Vec<LiveDiscoveryService>, AwsError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(summaries_in(clients, namespace_id)
        .await?
        .iter()
        .filter(|s| names.iter().any(|n| Some(n.as_str()) == s.name()))
        .map(|s| summary_from_sdk(s, namespace_id))
        .collect())
}

/// A service's tags (ListTagsForResource).
pub async fn service_tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    tags(clients, arn).await
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

/// `(name, id)` of every Cloud Map service in a namespace (ListServices, paginated).
pub async fn list_services_in(
    clients: &AwsClients,
    namespace_id: &str,
) -> Result<Vec<(String, String)>, AwsError> {
    Ok(summaries_in(clients, namespace_id)
        .await?
        .iter()
        .filter_map(|s| Some((s.name()?.to_string(), s.id()?.to_string())))
        .collect())
}

/// Every service summary ListServices returns for the namespace id filter, every page.
async fn summaries_in(
    clients: &AwsClients,
    namespace_id: &str,
) -> Result<Vec<ServiceSummary>, AwsError> {
    let filter = ServiceFilter::builder()
        .name(ServiceFilterName::NamespaceId)
        .values(namespace_id)
        .condition(FilterCondition::Eq)
        .build()
        .expect("name and values are set");
    // Cloud Map's paginators have no `.items()`: the pages are flattened here. 100 a page is
    // ListServices' default and largest.
    let pages = clients
        .discovery
        .list_services()
        .filters(filter)
        .max_results(100)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            AwsError::from_sdk("servicediscovery", "ListServices", Some(namespace_id), e)
        })?;
    Ok(pages.iter().flat_map(|p| p.services()).cloned().collect())
}

/// A ListServices summary, in the namespace the listing was filtered by (a summary names none).
pub(crate) fn summary_from_sdk(s: &ServiceSummary, namespace_id: &str) -> LiveDiscoveryService {
    let dns = s.dns_config();
    LiveDiscoveryService {
        id: s.id().unwrap_or_default().to_string(),
        arn: s.arn().unwrap_or_default().to_string(),
        name: s.name().unwrap_or_default().to_string(),
        namespace_id: Some(namespace_id.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_servicediscovery::types::{DnsProperties, NamespaceProperties, NamespaceType};

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

    /// The API reference's ListServices example (botocore examples-1.json, "Example: List
    /// services"), through the SDK's deserializer: the summary is the service the diff compares,
    /// in the namespace the listing was filtered by.
    #[test]
    fn service_summary_as_list_services_returns_it() {
        use crate::aws::replay::{clients, run};
        let page = serde_json::json!({"Services": [{
            "Arn": "arn:aws:servicediscovery:us-west-2:123456789012:service/srv-p5zdwlg5uvvzjita",
            "CreateDate": 1587081768.334,
            "DnsConfig": {"DnsRecords": [{"TTL": 60, "Type": "A"}], "RoutingPolicy": "MULTIVALUE"},
            "Id": "srv-p5zdwlg5uvvzjita",
            "Name": "myservice"
        }]});
        let (c, sent) = clients(&[page]);
        let found = run(find_services(
            &c,
            "ns-e4anhexample0004",
            &["myservice".to_string()],
        ))
        .unwrap();
        assert_eq!(found.len(), 1);
        let live = &found[0];
        assert_eq!(live.id, "srv-p5zdwlg5uvvzjita");
        assert_eq!(live.namespace_id.as_deref(), Some("ns-e4anhexample0004"));
        assert_eq!(
            live.dns_records,
            vec![LiveDnsRecord {
                kind: "A".into(),
                ttl: 60
            }]
        );
        assert_eq!(live.routing_policy.as_deref(), Some("MULTIVALUE"));
        assert!(!live.health_check_custom_config);
        assert_eq!(c.calls().get("servicediscovery:GetService"), None);
        assert_eq!(
            sent.bodies()[0],
            serde_json::json!({"Filters": [{"Name": "NAMESPACE_ID",
                "Values": ["ns-e4anhexample0004"], "Condition": "EQ"}], "MaxResults": 100})
        );
    }
}
