//! IAM: the roles an environment owns, with trust policy, inline and attached policies, tags.
//!
//! Owns the IAM calls and the decoding of IAM's policy documents, which IAM returns
//! URL-encoded (RFC 3986) and the Rust SDK passes through as is. Must not write, and must not
//! interpret documents beyond parsing them (the diff compares them).

use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::live::{LiveRole, LiveTags};

/// Whether a role exists (GetRole; NoSuchEntity is "no"), without reading its policies: the
/// check before creating a service-linked role.
pub async fn role_exists(clients: &AwsClients, name: &str) -> Result<bool, AwsError> {
    match clients.iam.get_role().role_name(name).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = AwsError::from_sdk("iam", "GetRole", Some(name), e);
            if err.is_code("NoSuchEntity") {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

/// Reads one role completely; None if it does not exist (NoSuchEntity).
/// Calls: GetRole, ListRolePolicies and ListAttachedRolePolicies at once (one round trip; for
/// a missing role all three say NoSuchEntity), then one GetRolePolicy per inline policy, and
/// ListRoleTags only if GetRole carried no tags (IAM includes them; so does moto).
pub async fn read_role(clients: &AwsClients, name: &str) -> Result<Option<LiveRole>, AwsError> {
    let get_role = async {
        clients
            .iam
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam", "GetRole", Some(name), e))
    };
    let read = futures::try_join!(
        get_role,
        inline_policies(clients, name),
        attached_policy_arns(clients, name)
    );
    let (role, inline, attached) = match read {
        Ok((out, inline, attached)) => match out.role {
            Some(role) => (role, inline, attached),
            None => return Ok(None),
        },
        Err(e) if e.is_code("NoSuchEntity") => return Ok(None),
        Err(e) => return Err(e),
    };
    let tags = if role.tags().is_empty() {
        role_tags(clients, name).await?
    } else {
        tags_from_sdk(role.tags())
    };
    let trust_policy = role
        .assume_role_policy_document()
        .map(|d| decode_document(d, name))
        .transpose()?;
    Ok(Some(LiveRole {
        name: role.role_name().to_string(),
        arn: role.arn().to_string(),
        path: role.path().to_string(),
        description: role.description().map(str::to_string),
        max_session_duration: role.max_session_duration(),
        trust_policy,
        inline_policies: inline.into_iter().collect(),
        managed_policy_arns: attached,
        tags,
    }))
}

/// The roles named in `names` that exist, each read completely, with GetAccountAuthorizationDetails
/// (`Filter=Role`): one call returns up to 1,000 roles with their trust policy, inline policy
/// documents, attached policies and tags, so an environment's roles cost one call instead of four
/// each. It cannot be scoped: it pages through the whole account's roles, so it stops as soon as
/// every name was found (a missing role still costs the whole listing). `None` when the caller
/// may not call it (`AccessDenied`, e.g. a policy written before ecsctl used it): the caller then
/// reads role by role with `read_role`.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
/// ("MaxItems ... If you do not include this parameter, the number of items defaults to 100";
/// 1,000 at most; policy documents URL-encoded as everywhere in IAM). The answer omits a role's
/// description and maximum session duration, which the diff does not compare.
pub async fn read_roles_bulk(
    clients: &AwsClients,
    names: &[String],
) -> Result<Option<Vec<LiveRole>>, AwsError> {
    if names.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut found: Vec<LiveRole> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = clients
            .iam
            .get_account_authorization_details()
            .filter(aws_sdk_iam::types::EntityType::Role)
            .max_items(BULK_PAGE)
            .set_marker(marker.take())
            .send()
            .await;
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                let err = AwsError::from_sdk("iam", "GetAccountAuthorizationDetails", None, e);
                if err.is_access_denied() {
                    return Ok(None);
                }
                return Err(err);
            }
        };
        for role in out.role_detail_list() {
            let name = role.role_name().unwrap_or_default();
            if names.iter().any(|n| n == name) {
                found.push(role_from_detail(role)?);
            }
        }
        let all_found = names.iter().all(|n| found.iter().any(|r| &r.name == n));
        match out.marker() {
            Some(next) if out.is_truncated() && !all_found => marker = Some(next.to_string()),
            _ => break,
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(found))
}

/// GetAccountAuthorizationDetails' largest page (its API reference: MaxItems 1 to 1,000).
const BULK_PAGE: i32 = 1000;

fn role_from_detail(role: &aws_sdk_iam::types::RoleDetail) -> Result<LiveRole, AwsError> {
    let name = role.role_name().unwrap_or_default();
    let decode = |raw: &str, resource: &str| {
        decode_document(raw, resource).map_err(|mut e| {
            e.operation = "GetAccountAuthorizationDetails";
            e
        })
    };
    let trust_policy = role
        .assume_role_policy_document()
        .map(|d| decode(d, name))
        .transpose()?;
    let inline_policies = role
        .role_policy_list()
        .iter()
        .map(|p| {
            let policy = p.policy_name().unwrap_or_default();
            let doc = p.policy_document().unwrap_or("{}");
            Ok((
                policy.to_string(),
                decode(doc, &format!("{name}/{policy}"))?,
            ))
        })
        .collect::<Result<_, AwsError>>()?;
    Ok(LiveRole {
        name: name.to_string(),
        arn: role.arn().unwrap_or_default().to_string(),
        path: role.path().unwrap_or("/").to_string(),
        description: None,
        max_session_duration: None,
        trust_policy,
        inline_policies,
        managed_policy_arns: role
            .attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .map(str::to_string)
            .collect(),
        tags: tags_from_sdk(role.tags()),
    })
}

async fn inline_policies(
    clients: &AwsClients,
    role: &str,
) -> Result<Vec<(String, serde_json::Value)>, AwsError> {
    let names: Vec<String> = clients
        .iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("iam", "ListRolePolicies", Some(role), e))?;
    try_join_all(names.into_iter().map(|policy| async move {
        let resource = format!("{role}/{policy}");
        let out = clients
            .iam
            .get_role_policy()
            .role_name(role)
            .policy_name(&policy)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam", "GetRolePolicy", Some(&resource), e))?;
        let doc = decode_document(out.policy_document(), &resource)?;
        Ok((policy, doc))
    }))
    .await
}

async fn attached_policy_arns(clients: &AwsClients, role: &str) -> Result<Vec<String>, AwsError> {
    let policies = clients
        .iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("iam", "ListAttachedRolePolicies", Some(role), e))?;
    Ok(policies
        .iter()
        .filter_map(|p| p.policy_arn())
        .map(str::to_string)
        .collect())
}

async fn role_tags(clients: &AwsClients, role: &str) -> Result<LiveTags, AwsError> {
    let tags = clients
        .iam
        .list_role_tags()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("iam", "ListRoleTags", Some(role), e))?;
    Ok(tags_from_sdk(&tags))
}

fn tags_from_sdk(tags: &[aws_sdk_iam::types::Tag]) -> LiveTags {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// IAM returns policy documents URL-encoded (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
/// A document that is already plain JSON (moto's ListRoles) parses directly, so try that first:
/// decoding plain JSON would corrupt a literal `%` in a condition value.
pub(crate) fn decode_document(raw: &str, resource: &str) -> Result<serde_json::Value, AwsError> {
    if let Ok(v) = serde_json::from_str(raw) {
        return Ok(v);
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    serde_json::from_str(&decoded).map_err(|e| {
        AwsError::new(
            "iam",
            "GetRole",
            Some(resource),
            None,
            format!("policy document is not JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_url_encoded_documents_as_iam_returns_them() {
        // GetRole's AssumeRolePolicyDocument, verbatim from an IAM response (whitespace kept).
        let raw = "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22Service%22%3A%20%22ecs-tasks.amazonaws.com%22%7D%2C%20%22Action%22%3A%20%22sts%3AAssumeRole%22%7D%5D%0A%7D";
        let doc = decode_document(raw, "r").unwrap();
        assert_eq!(
            doc,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        );
    }

    #[test]
    fn plain_json_with_a_percent_sign_is_not_decoded() {
        let raw = r#"{"Statement":[{"Condition":{"StringLike":{"k":"100%25"}}}]}"#;
        let doc = decode_document(raw, "r").unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringLike"]["k"],
            "100%25"
        );
    }

    /// One page of GetAccountAuthorizationDetails as IAM answers it (the API reference's
    /// example response, with the roles cut to `roles` and documents URL-encoded as IAM sends
    /// them), `marker` making it truncated.
    fn details_page(roles: &[&str], marker: Option<&str>) -> String {
        let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        let inline = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3APutLogEvents%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let members: String = roles
            .iter()
            .map(|name| {
                format!(
                    "<member><Path>/</Path><RoleName>{name}</RoleName><RoleId>AROA{}EXAMPLE</RoleId>\
                     <Arn>arn:aws:iam::123456789012:role/{name}</Arn>\
                     <CreateDate>2014-07-30T17:09:20Z</CreateDate>\
                     <AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument>\
                     <InstanceProfileList/>\
                     <RolePolicyList><member><PolicyName>ecsctl</PolicyName>\
                     <PolicyDocument>{inline}</PolicyDocument></member></RolePolicyList>\
                     <AttachedManagedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName>\
                     <PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member>\
                     </AttachedManagedPolicies>\
                     <Tags><member><Key>ecsctl:app</Key><Value>ohi</Value></member></Tags>\
                     </member>",
                    name.len()
                )
            })
            .collect();
        let truncated = match marker {
            Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
            None => "<IsTruncated>false</IsTruncated>".to_string(),
        };
        format!(
            "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
             <GetAccountAuthorizationDetailsResult>{truncated}<UserDetailList/><GroupDetailList/>\
             <RoleDetailList>{members}</RoleDetailList><Policies/>\
             </GetAccountAuthorizationDetailsResult>\
             <ResponseMetadata><RequestId>92e79ae7-7399-11e4-8c85-4b53eEXAMPLE</RequestId>\
             </ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
        )
    }

    #[test]
    fn every_role_comes_from_one_bulk_read_that_stops_once_all_were_seen() {
        use crate::aws::replay::{clients_raw, run};
        let first = details_page(&["other-team-role", "ohi-prod-api-exec"], Some("page2"));
        let second = details_page(&["ohi-prod-worker-exec"], None);
        // Both names on the first page: the second is never asked for.
        let (c, _) = clients_raw(&[&first, &second]);
        let roles = run(read_roles_bulk(&c, &["ohi-prod-api-exec".to_string()]))
            .unwrap()
            .unwrap();
        assert_eq!(c.calls()["iam:GetAccountAuthorizationDetails"], 1);
        assert_eq!(roles.len(), 1);
        let r = &roles[0];
        assert_eq!(r.arn, "arn:aws:iam::123456789012:role/ohi-prod-api-exec");
        assert_eq!(
            r.trust_policy.as_ref().unwrap()["Statement"][0]["Principal"]["Service"],
            "ecs-tasks.amazonaws.com"
        );
        assert_eq!(
            r.inline_policies["ecsctl"]["Statement"][0]["Action"],
            "logs:PutLogEvents"
        );
        assert_eq!(
            r.managed_policy_arns,
            ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        );
        assert_eq!(r.tags["ecsctl:app"], "ohi");

        // A role on the second page, and one that exists nowhere: every page is read.
        let (c, _) = clients_raw(&[&first, &second]);
        let names = [
            "ohi-prod-worker-exec".to_string(),
            "ohi-prod-gone-exec".to_string(),
        ];
        let roles = run(read_roles_bulk(&c, &names)).unwrap().unwrap();
        assert_eq!(c.calls()["iam:GetAccountAuthorizationDetails"], 2);
        let found: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(found, ["ohi-prod-worker-exec"]);
    }

    #[test]
    fn garbage_document_is_an_error_naming_the_resource() {
        let err = decode_document("%7Bnot json", "web-exec/ecsctl").unwrap_err();
        assert_eq!(err.resource.as_deref(), Some("web-exec/ecsctl"));
        assert!(err.message.starts_with("policy document is not JSON"));
    }
}
