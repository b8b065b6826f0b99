//! EC2 reads for the pre-flight: which of the subnets and security groups a spec names exist,
//! and the VPC of each.
//!
//! Owns the calls and the conversion into plain maps. Filters by ID (`subnet-id`, `group-id`)
//! rather than `SubnetIds` / `GroupIds`: with IDs, one unknown ID fails the whole call
//! (`InvalidSubnetID.NotFound`) and names only one of them, while a filter answers with the
//! ones that exist, so the caller sees every missing ID from one call
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html, Filter
//! `subnet-id`). Must not judge (crate::preflight does) and must not write.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;

use super::{AwsClients, AwsError};

/// ID → VPC ID of the subnets in `ids` that exist (absent ones are missing).
pub async fn subnets(
    clients: &AwsClients,
    ids: &[String],
) -> Result<BTreeMap<String, String>, AwsError> {
    let mut found = BTreeMap::new();
    // A filter takes at most 200 values (EC2 API reference, Filter).
    for chunk in ids.chunks(200) {
        let mut pages = clients
            .ec2
            .describe_subnets()
            .filters(filter("subnet-id", chunk))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| AwsError::from_sdk("ec2", "DescribeSubnets", None, e))?;
            for s in page.subnets() {
                if let (Some(id), Some(vpc)) = (s.subnet_id(), s.vpc_id()) {
                    found.insert(id.to_string(), vpc.to_string());
                }
            }
        }
    }
    Ok(found)
}

/// ID → VPC ID of the security groups in `ids` that exist.
pub async fn security_groups(
    clients: &AwsClients,
    ids: &[String],
) -> Result<BTreeMap<String, String>, AwsError> {
    let mut found = BTreeMap::new();
    for chunk in ids.chunks(200) {
        let mut pages = clients
            .ec2
            .describe_security_groups()
            .filters(filter("group-id", chunk))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| AwsError::from_sdk("ec2", "DescribeSecurityGroups", None, e))?;
            for g in page.security_groups() {
                if let (Some(id), Some(vpc)) = (g.group_id(), g.vpc_id()) {
                    found.insert(id.to_string(), vpc.to_string());
                }
            }
        }
    }
    Ok(found)
}

fn filter(name: &str, values: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}
