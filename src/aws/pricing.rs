//! The AWS Price List Query API: the `AmazonECS` products of one region (GetProducts).
//!
//! Owns the call and its paging. Must not read the products (`cost::price_list` does, on the
//! strings returned here) and must not let SDK types out of this file.
//!
//! The API is served from two regions only ("The AWS Price List Query API provides the following
//! two endpoints": us-east-1 and ap-south-1; AWS Billing user guide, "Using the AWS Price List
//! Query API"): a client configured for any other region asks us-east-1, as `aws pricing
//! --region us-east-1` does.

use aws_sdk_pricing::types::{Filter, FilterType};

use super::{AwsClients, AwsError};

/// The regions that serve the Price List Query API.
const ENDPOINT_REGIONS: [&str; 2] = ["us-east-1", "ap-south-1"];

/// The region the pricing client talks to, given the configured one.
pub fn endpoint_region(configured: &str) -> &'static str {
    ENDPOINT_REGIONS
        .iter()
        .find(|r| **r == configured)
        .copied()
        .unwrap_or("us-east-1")
}

/// Every `Compute` product of `AmazonECS` in `region`, each a Price List JSON document as the
/// API returns it (GetProducts, every page).
pub async fn ecs_compute_products(
    clients: &AwsClients,
    region: &str,
) -> Result<Vec<String>, AwsError> {
    let filter = |field: &str, value: &str| {
        Filter::builder()
            .r#type(FilterType::TermMatch)
            .field(field)
            .value(value)
            .build()
            .expect("type, field and value are set")
    };
    clients
        .pricing
        .get_products()
        .service_code("AmazonECS")
        .filters(filter("regionCode", region))
        .filters(filter("productFamily", "Compute"))
        .format_version("aws_v1")
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("pricing", "GetProducts", Some(region), e))
}
