//! The embedded Fargate price table: on-demand Linux prices per region, with their date and
//! source.
//!
//! Owns the prices `ecsctl cost` and the plan's cost lines use when no fresher table is cached.
//! Must not guess: a region not listed has no price data (China regions price in CNY and are
//! not listed; "Amazon Web Services in China is priced and billed in local currency (CNY)").
//!
//! Source: AWS's Fargate price feed behind https://aws.amazon.com/fargate/pricing/
//! (`b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ecs/USD/current/ecs.json`, the Price List
//! SKUs of the `AmazonECS` offer), as published 2025-06-05T17:56:26Z; copied from the raw
//! snapshot in github.com/QuinnyPig/aws-price-watcher `raw/ecs.json` at commit daa3fca. The
//! us-east-1 prices match a recorded Price List `GetProducts` answer SKU for SKU, and the
//! eu-west-1 ones an `AmazonECS` offer CSV (docs/cost.md, "Prices").

use super::money::Usd;

/// When the embedded prices were published, and where they come from.
pub const DATE: &str = "2025-06-05";
pub const SOURCE: &str = "AWS's Fargate price feed (the AmazonECS offer's Price List SKUs)";

/// On-demand Linux Fargate prices of one region, in USD.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionPrices {
    pub region: String,
    pub x86_vcpu_hour: Usd,
    pub x86_gb_hour: Usd,
    pub arm_vcpu_hour: Usd,
    pub arm_gb_hour: Usd,
    /// Ephemeral storage above the 20 GiB every task gets, per GB-hour.
    pub storage_gb_hour: Usd,
}

/// (region, [x86 vCPU-hour, x86 GB-hour, ARM vCPU-hour, ARM GB-hour, storage GB-hour]).
const TABLE: &[(&str, [&str; 5])] = &[
    (
        "af-south-1",
        ["0.0546", "0.006", "0.04372", "0.0048", "0.000145"],
    ),
    (
        "ap-east-1",
        ["0.0556", "0.0061", "0.04449", "0.00487", "0.000147"],
    ),
    (
        "ap-east-2",
        ["0.045504", "0.004977", "0.036405", "0.003978", "0.0001197"],
    ),
    (
        "ap-northeast-1",
        ["0.05056", "0.00553", "0.04045", "0.00442", "0.000133"],
    ),
    (
        "ap-northeast-2",
        ["0.04656", "0.00511", "0.03725", "0.00409", "0.000127"],
    ),
    (
        "ap-northeast-3",
        ["0.05056", "0.00553", "0.04045", "0.00442", "0.000133"],
    ),
    (
        "ap-south-1",
        ["0.04256", "0.004655", "0.02383", "0.00261", "0.000127"],
    ),
    (
        "ap-south-2",
        ["0.04256", "0.00466", "0.02383", "0.00261", "0.000127"],
    ),
    (
        "ap-southeast-1",
        ["0.05056", "0.00553", "0.04045", "0.00442", "0.000133"],
    ),
    (
        "ap-southeast-2",
        ["0.04856", "0.00532", "0.03885", "0.00426", "0.000133"],
    ),
    (
        "ap-southeast-3",
        ["0.05056", "0.00553", "0.04045", "0.00442", "0.000133"],
    ),
    (
        "ap-southeast-4",
        ["0.04856", "0.00532", "0.03885", "0.00426", "0.000133"],
    ),
    (
        "ap-southeast-5",
        ["0.045504", "0.004977", "0.036403", "0.003982", "0.00012"],
    ),
    (
        "ap-southeast-7",
        ["0.045504", "0.004977", "0.036403", "0.003982", "0.00012"],
    ),
    (
        "ca-central-1",
        ["0.04456", "0.004865", "0.03565", "0.00389", "0.000122"],
    ),
    (
        "ca-west-1",
        ["0.04456", "0.004865", "0.03565", "0.00389", "0.000122"],
    ),
    (
        "eu-central-1",
        ["0.04656", "0.00511", "0.03725", "0.00409", "0.000132"],
    ),
    (
        "eu-central-2",
        ["0.05448", "0.00598", "0.04358", "0.00478", "0.0001584"],
    ),
    (
        "eu-north-1",
        ["0.0445", "0.0049", "0.0356", "0.00392", "0.000116"],
    ),
    (
        "eu-south-1",
        ["0.0486", "0.0053", "0.03886", "0.00427", "0.000128"],
    ),
    (
        "eu-south-2",
        ["0.046552", "0.005112", "0.037242", "0.004089", "0.000122"],
    ),
    (
        "eu-west-1",
        ["0.04048", "0.004445", "0.03238", "0.00356", "0.000122"],
    ),
    (
        "eu-west-2",
        ["0.04656", "0.00511", "0.03725", "0.00409", "0.000129"],
    ),
    (
        "eu-west-3",
        ["0.0486", "0.0053", "0.03888", "0.00424", "0.000129"],
    ),
    (
        "il-central-1",
        [
            "0.0518144",
            "0.0056896",
            "0.04145152",
            "0.00455168",
            "0.0001464",
        ],
    ),
    (
        "me-central-1",
        ["0.0526", "0.0058", "0.04208", "0.00464", "0.000134"],
    ),
    (
        "me-south-1",
        ["0.0526", "0.0058", "0.04208", "0.00464", "0.000134"],
    ),
    (
        "mx-central-1",
        [
            "0.042504",
            "0.00466725",
            "0.033999",
            "0.003738",
            "0.00011655",
        ],
    ),
    (
        "sa-east-1",
        ["0.0696", "0.0076", "0.0557", "0.00612", "0.000211"],
    ),
    (
        "us-east-1",
        ["0.04048", "0.004445", "0.03238", "0.00356", "0.000111"],
    ),
    (
        "us-east-2",
        ["0.04048", "0.004445", "0.03238", "0.00356", "0.000111"],
    ),
    (
        "us-gov-east-1",
        ["0.0486", "0.0053", "0.0374304", "0.0040866", "0.000133"],
    ),
    (
        "us-gov-west-1",
        ["0.0486", "0.0053", "0.0374304", "0.0040866", "0.000133"],
    ),
    (
        "us-west-1",
        ["0.04656", "0.00511", "0.03725", "0.00409", "0.000133"],
    ),
    (
        "us-west-2",
        ["0.04048", "0.004445", "0.03238", "0.00356", "0.000111"],
    ),
];

/// The region's prices, or None: no price data (never a neighbour's).
pub fn embedded(region: &str) -> Option<RegionPrices> {
    let (_, p) = TABLE.iter().find(|(r, _)| *r == region)?;
    let usd = |s: &str| Usd::decimal(s).expect("the embedded table holds decimals");
    Some(RegionPrices {
        region: region.to_string(),
        x86_vcpu_hour: usd(p[0]),
        x86_gb_hour: usd(p[1]),
        arm_vcpu_hour: usd(p[2]),
        arm_gb_hour: usd(p[3]),
        storage_gb_hour: usd(p[4]),
    })
}

/// The regions the embedded table has.
pub fn regions() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(r, _)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_east_1_has_the_prices_the_pricing_page_quotes() {
        // The pricing page's examples: $0.000011244 per vCPU-second = 0.04048 / 3600, …
        let p = embedded("us-east-1").unwrap();
        assert_eq!(p.x86_vcpu_hour, Usd::decimal("0.04048").unwrap());
        assert_eq!(p.x86_gb_hour, Usd::decimal("0.004445").unwrap());
        assert_eq!(p.arm_vcpu_hour, Usd::decimal("0.03238").unwrap());
        assert_eq!(p.arm_gb_hour, Usd::decimal("0.00356").unwrap());
        assert_eq!(p.storage_gb_hour, Usd::decimal("0.000111").unwrap());
    }

    #[test]
    fn unknown_and_china_regions_have_no_price_data() {
        for r in ["cn-north-1", "cn-northwest-1", "xx-nowhere-1"] {
            assert_eq!(embedded(r), None, "{r}");
        }
        assert_eq!(regions().count(), 35);
    }
}
