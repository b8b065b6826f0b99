//! CloudWatch Logs: the environment's log groups, found with one paginated prefix listing.
//!
//! Owns the Logs calls and conversions. Must not write.

use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::live::{LiveLogGroup, LiveTags};

/// The named log groups that exist, with tags read one by one (apply's own lookups): `find`
/// then one ListTagsForResource per group found.
pub async fn read_log_groups(
    clients: &AwsClients,
    names: &[String],
) -> Result<Vec<LiveLogGroup>, AwsError> {
    try_join_all(
        find(clients, names)
            .await?
            .into_iter()
            .map(|mut group| async move {
                if let Some(arn) = &group.arn {
                    group.tags = tags(clients, arn).await?;
                }
                Ok(group)
            }),
    )
    .await
}

/// The named log groups that exist, without tags. One DescribeLogGroups listing (paginated,
/// 50 a page, AWS's largest) under the names' longest common prefix, filtered to exact names.
/// Names with no useful common prefix (`/ecs/a` and `/custom/b` share only `/`) are listed one
/// prefix per name instead, so a read never pages through the whole account.
pub async fn find(clients: &AwsClients, names: &[String]) -> Result<Vec<LiveLogGroup>, AwsError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let listed = try_join_all(
        listing_prefixes(names)
            .into_iter()
            .map(|p| list(clients, p)),
    )
    .await?;
    let mut found: Vec<LiveLogGroup> = Vec::new();
    for group in listed.into_iter().flatten() {
        let wanted = names.contains(&group.name);
        if wanted && !found.iter().any(|f| f.name == group.name) {
            found.push(group);
        }
    }
    Ok(found)
}

/// The prefixes to list: the common one when it says more than `/`, else each name.
pub(crate) fn listing_prefixes(names: &[String]) -> Vec<&str> {
    let common = common_prefix(names);
    if common.trim_matches('/').is_empty() {
        let mut each: Vec<&str> = names.iter().map(String::as_str).collect();
        each.sort_unstable();
        each.dedup();
        each
    } else {
        vec![common]
    }
}

/// DescribeLogGroups under `prefix` (every log group for ""), every page, without tags.
pub(crate) async fn list(
    clients: &AwsClients,
    prefix: &str,
) -> Result<Vec<LiveLogGroup>, AwsError> {
    // DescribeLogGroups API reference: `limit` "The maximum number of items returned. If you
    // don't specify a value, the default is up to 50 items", and 50 is also the most.
    let mut req = clients.logs.describe_log_groups().limit(50);
    if !prefix.is_empty() {
        req = req.log_group_name_prefix(prefix);
    }
    let groups = req
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("logs", "DescribeLogGroups", Some(prefix), e))?;
    Ok(groups.iter().map(log_group_from_sdk).collect())
}

/// ListTagsForResource on a log group ARN (without `:*`).
pub async fn tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    let out = clients
        .logs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("logs", "ListTagsForResource", Some(arn), e))?;
    Ok(out
        .tags()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default())
}

/// The longest common prefix, cut at a char boundary.
pub(crate) fn common_prefix(names: &[String]) -> &str {
    let first = names[0].as_str();
    let mut end = first.len();
    for n in &names[1..] {
        end = first
            .bytes()
            .zip(n.bytes())
            .take(end)
            .take_while(|(a, b)| a == b)
            .count();
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    &first[..end]
}

/// `logGroupArn` is the ARN without `:*`, the form the tagging APIs take (with `:*` moto
/// silently returns no tags). Older responses carry only `arn`, so strip it from that.
pub(crate) fn log_group_from_sdk(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> LiveLogGroup {
    let arn = g.log_group_arn().map(str::to_string).or_else(|| {
        g.arn()
            .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
    });
    LiveLogGroup {
        name: g.log_group_name().unwrap_or_default().to_string(),
        arn,
        retention_days: g.retention_in_days(),
        kms_key_id: g.kms_key_id().map(str::to_string),
        log_group_class: g.log_group_class().map(|c| c.as_str().to_string()),
        tags: LiveTags::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::types::LogGroup;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn common_prefix_of_an_environments_groups() {
        assert_eq!(
            common_prefix(&names(&["/ecs/ohi-prod/api", "/ecs/ohi-prod/worker"])),
            "/ecs/ohi-prod/"
        );
        assert_eq!(common_prefix(&names(&["/ecs/a"])), "/ecs/a");
        assert_eq!(common_prefix(&names(&["/ecs/a", "/custom/b"])), "/");
        assert_eq!(common_prefix(&names(&["é1", "é2"])), "é");
        assert_eq!(common_prefix(&names(&["x", "y"])), "");
    }

    #[test]
    fn one_listing_under_a_real_common_prefix_else_one_per_name() {
        let env = names(&["/ecs/ohi-prod/worker", "/ecs/ohi-prod/api"]);
        assert_eq!(listing_prefixes(&env), ["/ecs/ohi-prod/"]);
        let mixed = names(&["/ecs/a", "/custom/b", "/ecs/a"]);
        assert_eq!(listing_prefixes(&mixed), ["/custom/b", "/ecs/a"]);
        assert_eq!(listing_prefixes(&names(&["x", "y"])), ["x", "y"]);
    }

    #[test]
    fn log_group_as_describe_log_groups_returns_it() {
        // Shaped like the DescribeLogGroups reference response: `arn` with `:*`, `logGroupArn`
        // without, STANDARD class.
        let g = LogGroup::builder()
            .log_group_name("/ecs/ohi-prod/api")
            .arn("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/ohi-prod/api:*")
            .log_group_arn("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/ohi-prod/api")
            .retention_in_days(30)
            .log_group_class(aws_sdk_cloudwatchlogs::types::LogGroupClass::Standard)
            .creation_time(1_700_000_000_000)
            .stored_bytes(0)
            .build();
        let live = log_group_from_sdk(&g);
        assert_eq!(
            live.arn.as_deref(),
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/ohi-prod/api")
        );
        assert_eq!(live.retention_days, Some(30));
        assert_eq!(live.log_group_class.as_deref(), Some("STANDARD"));
        assert_eq!(live.kms_key_id, None);
    }

    #[test]
    fn log_group_without_log_group_arn_strips_the_wildcard() {
        let g = LogGroup::builder()
            .log_group_name("/ecs/x")
            .arn("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/x:*")
            .build();
        assert_eq!(
            log_group_from_sdk(&g).arn.as_deref(),
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/x")
        );
    }
}
