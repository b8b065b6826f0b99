//! CloudWatch Logs writes for the log groups ecsctl owns: create (with tags and KMS key),
//! retention, KMS association, tags, delete.
//!
//! Must not decide what to change (apply does) nor let SDK types out of this file.

use std::collections::BTreeMap;

use super::write::send;
use super::{AwsClients, AwsError};

/// CreateLogGroup with tags (and the KMS key, which CreateLogGroup takes directly). Returns
/// false when the group already exists (a retried create, or someone else's: the caller checks).
pub async fn create_log_group(
    clients: &AwsClients,
    name: &str,
    kms_key_id: Option<&str>,
    tags: &BTreeMap<String, String>,
) -> Result<bool, AwsError> {
    let req = clients
        .logs
        .create_log_group()
        .log_group_name(name)
        .set_kms_key_id(kms_key_id.map(str::to_string))
        .set_tags(Some(tags.clone().into_iter().collect()));
    match send("logs", "CreateLogGroup", name, req.send()).await {
        Err(e) if e.is_code("ResourceAlreadyExistsException") => Ok(false),
        other => other.map(|_| true),
    }
}

/// PutRetentionPolicy, or DeleteRetentionPolicy for "keep forever".
pub async fn set_retention(
    clients: &AwsClients,
    name: &str,
    days: Option<u32>,
) -> Result<(), AwsError> {
    match days {
        Some(d) => {
            let req = clients
                .logs
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(d as i32);
            send("logs", "PutRetentionPolicy", name, req.send()).await?;
        }
        None => {
            let req = clients.logs.delete_retention_policy().log_group_name(name);
            send("logs", "DeleteRetentionPolicy", name, req.send()).await?;
        }
    }
    Ok(())
}

/// AssociateKmsKey / DisassociateKmsKey on an existing group. moto 5.2.1 implements neither
/// (docs/emulator.md); real AWS does.
pub async fn set_kms_key(
    clients: &AwsClients,
    name: &str,
    key: Option<&str>,
) -> Result<(), AwsError> {
    match key {
        Some(k) => {
            let req = clients
                .logs
                .associate_kms_key()
                .log_group_name(name)
                .kms_key_id(k);
            send("logs", "AssociateKmsKey", name, req.send()).await?;
        }
        None => {
            let req = clients.logs.disassociate_kms_key().log_group_name(name);
            send("logs", "DisassociateKmsKey", name, req.send()).await?;
        }
    }
    Ok(())
}

/// TagResource on the group's ARN (without the trailing `:*`).
pub async fn tag(
    clients: &AwsClients,
    arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if tags.is_empty() {
        return Ok(());
    }
    let req = clients
        .logs
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags.clone().into_iter().collect()));
    send("logs", "TagResource", arn, req.send()).await?;
    Ok(())
}

pub async fn untag(clients: &AwsClients, arn: &str, keys: &[String]) -> Result<(), AwsError> {
    if keys.is_empty() {
        return Ok(());
    }
    let req = clients
        .logs
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(keys.to_vec()));
    send("logs", "UntagResource", arn, req.send()).await?;
    Ok(())
}

pub async fn delete_log_group(clients: &AwsClients, name: &str) -> Result<(), AwsError> {
    let req = clients.logs.delete_log_group().log_group_name(name);
    match send("logs", "DeleteLogGroup", name, req.send()).await {
        Err(e) if e.is_code("ResourceNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}
