//! IAM writes for the roles ecsctl owns: create (with tags), trust policy, managed policy
//! attachments, the inline policy, tags, delete.
//!
//! Takes ecsctl's own types and JSON texts; must not decide what to change (apply does) nor
//! let SDK types out of this file.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;

use super::write::send;
use super::{AwsClients, AwsError};

fn tags(map: &BTreeMap<String, String>) -> Result<Vec<Tag>, AwsError> {
    map.iter()
        .map(|(k, v)| {
            Tag::builder().key(k).value(v).build().map_err(|e| {
                AwsError::new(
                    "iam",
                    "CreateRole",
                    None,
                    None,
                    format!("invalid tag `{k}`: {e}"),
                )
            })
        })
        .collect()
}

/// CreateRole with its trust policy and tags; returns the role ARN.
pub async fn create_role(
    clients: &AwsClients,
    name: &str,
    trust_policy: &str,
    tag_map: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    let req = clients
        .iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust_policy)
        .description("Managed by ecsctl")
        .set_tags(Some(tags(tag_map)?));
    let out = send("iam", "CreateRole", name, req.send()).await?;
    Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
}

pub async fn update_trust_policy(
    clients: &AwsClients,
    name: &str,
    doc: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .update_assume_role_policy()
        .role_name(name)
        .policy_document(doc);
    send("iam", "UpdateAssumeRolePolicy", name, req.send()).await?;
    Ok(())
}

pub async fn put_inline_policy(
    clients: &AwsClients,
    role: &str,
    policy: &str,
    doc: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .put_role_policy()
        .role_name(role)
        .policy_name(policy)
        .policy_document(doc);
    send("iam", "PutRolePolicy", role, req.send()).await?;
    Ok(())
}

pub async fn delete_inline_policy(
    clients: &AwsClients,
    role: &str,
    policy: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .delete_role_policy()
        .role_name(role)
        .policy_name(policy);
    match send("iam", "DeleteRolePolicy", role, req.send()).await {
        Err(e) if e.is_code("NoSuchEntity") => Ok(()),
        other => other.map(|_| ()),
    }
}

pub async fn attach_managed_policy(
    clients: &AwsClients,
    role: &str,
    arn: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .attach_role_policy()
        .role_name(role)
        .policy_arn(arn);
    send("iam", "AttachRolePolicy", role, req.send()).await?;
    Ok(())
}

pub async fn detach_managed_policy(
    clients: &AwsClients,
    role: &str,
    arn: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .detach_role_policy()
        .role_name(role)
        .policy_arn(arn);
    match send("iam", "DetachRolePolicy", role, req.send()).await {
        Err(e) if e.is_code("NoSuchEntity") => Ok(()),
        other => other.map(|_| ()),
    }
}

pub async fn tag_role(
    clients: &AwsClients,
    role: &str,
    tag_map: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if tag_map.is_empty() {
        return Ok(());
    }
    let req = clients
        .iam
        .tag_role()
        .role_name(role)
        .set_tags(Some(tags(tag_map)?));
    send("iam", "TagRole", role, req.send()).await?;
    Ok(())
}

pub async fn untag_role(clients: &AwsClients, role: &str, keys: &[String]) -> Result<(), AwsError> {
    if keys.is_empty() {
        return Ok(());
    }
    let req = clients
        .iam
        .untag_role()
        .role_name(role)
        .set_tag_keys(Some(keys.to_vec()));
    send("iam", "UntagRole", role, req.send()).await?;
    Ok(())
}

/// Deletes a role after removing what IAM requires gone first (inline and managed policies).
pub async fn delete_role(
    clients: &AwsClients,
    role: &str,
    inline: &[String],
    managed: &[String],
) -> Result<(), AwsError> {
    for p in inline {
        delete_inline_policy(clients, role, p).await?;
    }
    for arn in managed {
        detach_managed_policy(clients, role, arn).await?;
    }
    let req = clients.iam.delete_role().role_name(role);
    match send("iam", "DeleteRole", role, req.send()).await {
        Err(e) if e.is_code("NoSuchEntity") => Ok(()),
        other => other.map(|_| ()),
    }
}

/// CreateServiceLinkedRole for `service` (`ecs.amazonaws.com`). A role that is already there
/// (created by a concurrent run, or by AWS on first use) is fine: IAM answers
/// `InvalidInput: Service role name AWSServiceRoleForECS has been taken in this account`.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
pub async fn create_service_linked_role(
    clients: &AwsClients,
    service: &str,
) -> Result<(), AwsError> {
    let req = clients
        .iam
        .create_service_linked_role()
        .aws_service_name(service);
    match send("iam", "CreateServiceLinkedRole", service, req.send()).await {
        Err(e) if is_taken(&e) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// IAM's answer when the service-linked role exists already.
fn is_taken(e: &AwsError) -> bool {
    e.is_code("InvalidInput") && e.message.to_ascii_lowercase().contains("has been taken")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_service_linked_role_is_not_an_error() {
        let taken = AwsError::new(
            "iam",
            "CreateServiceLinkedRole",
            Some("ecs.amazonaws.com"),
            Some("InvalidInput"),
            "Service role name AWSServiceRoleForECS has been taken in this account, please try \
             a different suffix.",
        );
        assert!(is_taken(&taken));
        let denied = AwsError::new(
            "iam",
            "CreateServiceLinkedRole",
            Some("ecs.amazonaws.com"),
            Some("AccessDenied"),
            "not authorized",
        );
        assert!(!is_taken(&denied));
    }
}
