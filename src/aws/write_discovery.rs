//! Cloud Map writes: the private DNS namespace (asynchronous: an operation to poll), discovery
//! services, tags.
//!
//! Every create carries a `CreatorRequestId` the caller derives from the resource and its
//! content, so a create retried after an interrupted run is recognised by Cloud Map instead of
//! making a second resource. Must not decide what to change, nor let SDK types out.

use std::collections::BTreeMap;

use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, HealthCheckCustomConfig, OperationStatus, RecordType,
    RoutingPolicy, ServiceChange, Tag,
};

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::{DiscoveryService, Namespace};

fn invalid(operation: &'static str, resource: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(
        "servicediscovery",
        operation,
        Some(resource),
        None,
        format!("invalid request: {e}"),
    )
}

fn tags(map: &BTreeMap<String, String>, op: &'static str, res: &str) -> Result<Vec<Tag>, AwsError> {
    map.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(op, res, e))
        })
        .collect()
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// CreatePrivateDnsNamespace; returns the operation id to poll with `operation_status`.
pub async fn create_private_dns_namespace(
    clients: &AwsClients,
    ns: &Namespace,
    creator_request_id: &str,
) -> Result<String, AwsError> {
    let op = "CreatePrivateDnsNamespace";
    let req = clients
        .discovery
        .create_private_dns_namespace()
        .name(&ns.name)
        .vpc(&ns.vpc)
        .set_description(ns.description.clone())
        .creator_request_id(creator_request_id)
        .set_tags(Some(tags(&ns.tags, op, &ns.name)?));
    let out = send("servicediscovery", op, &ns.name, req.send()).await?;
    out.operation_id()
        .map(str::to_string)
        .ok_or_else(|| invalid(op, &ns.name, "the response carries no operation id"))
}

/// UpdatePrivateDnsNamespace (the description); returns the operation id.
pub async fn update_namespace_description(
    clients: &AwsClients,
    id: &str,
    ns: &Namespace,
    updater_request_id: &str,
) -> Result<String, AwsError> {
    use aws_sdk_servicediscovery::types::PrivateDnsNamespaceChange;
    let op = "UpdatePrivateDnsNamespace";
    let change = PrivateDnsNamespaceChange::builder()
        .description(ns.description.clone().unwrap_or_default())
        .build();
    let req = clients
        .discovery
        .update_private_dns_namespace()
        .id(id)
        .updater_request_id(updater_request_id)
        .namespace(change);
    let out = send("servicediscovery", op, &ns.name, req.send()).await?;
    out.operation_id()
        .map(str::to_string)
        .ok_or_else(|| invalid(op, &ns.name, "the response carries no operation id"))
}

/// Where an asynchronous Cloud Map operation stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperationState {
    Pending,
    /// Done; the id of the namespace (or service) it made, when it names one.
    Succeeded {
        target_id: Option<String>,
    },
    Failed {
        code: Option<String>,
        message: String,
    },
}

/// GetOperation.
pub async fn operation_status(
    clients: &AwsClients,
    operation_id: &str,
) -> Result<OperationState, AwsError> {
    let out = clients
        .discovery
        .get_operation()
        .operation_id(operation_id)
        .send()
        .await
        .map_err(|e| {
            AwsError::from_sdk("servicediscovery", "GetOperation", Some(operation_id), e)
        })?;
    let Some(op) = out.operation() else {
        return Ok(OperationState::Pending);
    };
    Ok(match op.status() {
        Some(OperationStatus::Success) => OperationState::Succeeded {
            target_id: op
                .targets()
                .and_then(|t| t.values().next())
                .map(|v| v.to_string()),
        },
        Some(OperationStatus::Fail) => OperationState::Failed {
            code: op.error_code().map(str::to_string),
            message: op
                .error_message()
                .unwrap_or("the operation failed")
                .to_string(),
        },
        _ => OperationState::Pending,
    })
}

fn records(ds: &DiscoveryService) -> Vec<DnsRecord> {
    ds.records
        .iter()
        .map(|r| {
            DnsRecord::builder()
                .r#type(RecordType::from(enum_text(&r.kind).as_str()))
                .ttl(r.ttl.into())
                .build()
        })
        .collect::<Result<_, _>>()
        .unwrap_or_default()
}

/// CreateService in the namespace, with ECS-managed health (custom config); returns
/// `(id, arn)`.
pub async fn create_service(
    clients: &AwsClients,
    namespace_id: &str,
    ds: &DiscoveryService,
    creator_request_id: &str,
) -> Result<(String, String), AwsError> {
    let op = "CreateService";
    let dns = DnsConfig::builder()
        .routing_policy(RoutingPolicy::from(enum_text(&ds.routing).as_str()))
        .set_dns_records(Some(records(ds)))
        .build()
        .map_err(|e| invalid(op, &ds.name, e))?;
    let req = clients
        .discovery
        .create_service()
        .name(&ds.name)
        .namespace_id(namespace_id)
        .dns_config(dns)
        .health_check_custom_config(HealthCheckCustomConfig::builder().build())
        .creator_request_id(creator_request_id)
        .set_tags(Some(tags(&ds.tags, op, &ds.name)?));
    let out = send("servicediscovery", op, &ds.name, req.send()).await?;
    let s = out
        .service()
        .ok_or_else(|| invalid(op, &ds.name, "the response carries no service"))?;
    Ok((
        s.id().unwrap_or_default().to_string(),
        s.arn().unwrap_or_default().to_string(),
    ))
}

/// UpdateService: the DNS records' TTLs. Returns the operation id.
pub async fn update_service_records(
    clients: &AwsClients,
    id: &str,
    ds: &DiscoveryService,
) -> Result<String, AwsError> {
    let op = "UpdateService";
    let change = DnsConfigChange::builder()
        .set_dns_records(Some(records(ds)))
        .build()
        .map_err(|e| invalid(op, &ds.name, e))?;
    let req = clients
        .discovery
        .update_service()
        .id(id)
        .service(ServiceChange::builder().dns_config(change).build());
    let out = send("servicediscovery", op, &ds.name, req.send()).await?;
    Ok(out.operation_id().unwrap_or_default().to_string())
}

pub async fn tag(
    clients: &AwsClients,
    arn: &str,
    t: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if t.is_empty() {
        return Ok(());
    }
    let op = "TagResource";
    let req = clients
        .discovery
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags(t, op, arn)?));
    send("servicediscovery", op, arn, req.send()).await?;
    Ok(())
}

pub async fn untag(clients: &AwsClients, arn: &str, keys: &[String]) -> Result<(), AwsError> {
    if keys.is_empty() {
        return Ok(());
    }
    let req = clients
        .discovery
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(keys.to_vec()));
    send("servicediscovery", "UntagResource", arn, req.send()).await?;
    Ok(())
}

/// DeleteNamespace (asynchronous); returns the operation id.
pub async fn delete_namespace(
    clients: &AwsClients,
    id: &str,
    name: &str,
) -> Result<String, AwsError> {
    let req = clients.discovery.delete_namespace().id(id);
    let out = send("servicediscovery", "DeleteNamespace", name, req.send()).await?;
    Ok(out.operation_id().unwrap_or_default().to_string())
}

pub async fn delete_service(clients: &AwsClients, id: &str, name: &str) -> Result<(), AwsError> {
    let req = clients.discovery.delete_service().id(id);
    match send("servicediscovery", "DeleteService", name, req.send()).await {
        Err(e) if e.is_code("ServiceNotFound") => Ok(()),
        other => other.map(|_| ()),
    }
}
