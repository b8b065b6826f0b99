//! The Resource Groups Tagging API: the tags of every resource of some types that carries this
//! environment's ownership tags, in one paged read (`tag:GetResources`), instead of one
//! ListTagsForResource per resource.
//!
//! Owns that call and its conversion. Must not decide whether an answer can be trusted: the
//! index lags behind the services (a resource tagged a moment ago can be missing or show its
//! old tags, a deleted one can still be listed), so `live::tag_index` uses it only where it
//! agrees with what the spec wants and reads the resource itself otherwise. Must not write.
//!
//! <https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html>:
//! TagFilters are ANDed, a filter's values ORed; `ResourcesPerPage` 1 to 100; "Returns all the
//! tagged or previously tagged resources"; the last page's `PaginationToken` is empty.

use std::collections::BTreeMap;

use aws_sdk_resourcegroupstagging::types::TagFilter;

use super::{AwsClients, AwsError};
use crate::live::LiveTags;

/// GetResources' largest page.
const PAGE: i32 = 100;

/// ARN → tags of every resource of `types` (`logs:log-group`, `servicediscovery:service`, …)
/// whose tags include every `(key, value)` of `filters`. `None` when the caller may not call
/// the API (`AccessDenied`, e.g. a policy written before ecsctl used it): the caller then reads
/// each resource's tags itself.
pub async fn tagged(
    clients: &AwsClients,
    filters: &[(&str, &str)],
    types: &[&str],
) -> Result<Option<BTreeMap<String, LiveTags>>, AwsError> {
    let mut req = clients.tagging.get_resources().resources_per_page(PAGE);
    for (key, value) in filters {
        req = req.tag_filters(TagFilter::builder().key(*key).values(*value).build());
    }
    for t in types {
        req = req.resource_type_filters(*t);
    }
    let pages: Result<Vec<_>, _> = req.into_paginator().send().try_collect().await;
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => {
            let err = AwsError::from_sdk("tag", "GetResources", None, e);
            if err.is_access_denied() {
                return Ok(None);
            }
            return Err(err);
        }
    };
    Ok(Some(
        pages
            .iter()
            .flat_map(|p| p.resource_tag_mapping_list())
            .filter_map(|m| {
                let arn = m.resource_arn()?.to_string();
                let tags = m
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect();
                Some((arn, tags))
            })
            .collect(),
    ))
}
