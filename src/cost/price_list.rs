//! Reading Fargate prices out of AWS Price List products (the JSON documents `GetProducts`
//! returns for `AmazonECS`).
//!
//! Owns which products are the five prices ecsctl uses, by their usage type: `<PREFIX>-Fargate-
//! vCPU-Hours:perCPU`, `-Fargate-GB-Hours`, `-Fargate-ARM-vCPU-Hours:perCPU`, `-Fargate-ARM-GB-
//! Hours` and `-Fargate-EphemeralStorage-GB-Hours` (the prefix is the region's: `USE1`, `EU`, …).
//! Windows and ECS Anywhere products end otherwise and are skipped. Pure. Must not call AWS.

use serde_json::Value;

use super::money::Usd;
use super::prices::RegionPrices;

/// The prices of one region read from its products, and the newest `publicationDate` among
/// them; None when any of the five is missing (never half a table).
pub fn region_prices(region: &str, products: &[String]) -> Option<(RegionPrices, String)> {
    let mut found: [Option<Usd>; 5] = [None; 5];
    let mut published = String::new();
    for text in products {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let attrs = &v["product"]["attributes"];
        if attrs["regionCode"].as_str() != Some(region) {
            continue;
        }
        let Some(usage) = attrs["usagetype"].as_str() else {
            continue;
        };
        // The region's prefix (`USE1-`, `EU-`) or none, then exactly one of the five.
        let slot = [
            "Fargate-vCPU-Hours:perCPU",
            "Fargate-GB-Hours",
            "Fargate-ARM-vCPU-Hours:perCPU",
            "Fargate-ARM-GB-Hours",
            "Fargate-EphemeralStorage-GB-Hours",
        ]
        .iter()
        .position(|name| {
            usage.strip_suffix(name).is_some_and(|prefix| {
                prefix.is_empty()
                    || prefix
                        .strip_suffix('-')
                        .is_some_and(|p| !p.is_empty() && !p.contains('-'))
            })
        });
        let Some(slot) = slot else { continue };
        let Some(price) = on_demand_usd(&v) else {
            continue;
        };
        found[slot] = Some(price);
        if let Some(date) = v["publicationDate"].as_str()
            && date > published.as_str()
        {
            published = date.to_string();
        }
    }
    let [Some(a), Some(b), Some(c), Some(d), Some(e)] = found else {
        return None;
    };
    Some((
        RegionPrices {
            region: region.to_string(),
            x86_vcpu_hour: a,
            x86_gb_hour: b,
            arm_vcpu_hour: c,
            arm_gb_hour: d,
            storage_gb_hour: e,
        },
        published,
    ))
}

/// The one on-demand price per unit in USD (`terms.OnDemand.*.priceDimensions.*.pricePerUnit`).
fn on_demand_usd(v: &Value) -> Option<Usd> {
    let terms = v["terms"]["OnDemand"].as_object()?;
    let term = terms.values().next()?;
    let dims = term["priceDimensions"].as_object()?;
    let dim = dims.values().next()?;
    Usd::decimal(dim["pricePerUnit"]["USD"].as_str()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded `GetProducts` answer for `AmazonECS` in us-east-1 (tests/fixtures/pricing).
    fn recorded() -> Vec<String> {
        let text = include_str!("../../tests/fixtures/pricing/get-products-us-east-1.json");
        let v: Value = serde_json::from_str(text).unwrap();
        v["PriceList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_five_fargate_linux_prices_of_a_recorded_answer() {
        let (p, published) = region_prices("us-east-1", &recorded()).unwrap();
        assert_eq!(p, crate::cost::prices::embedded("us-east-1").unwrap());
        assert_eq!(published, "2022-11-21T18:21:30Z");
    }

    #[test]
    fn a_missing_price_or_another_region_gives_no_table() {
        let mut products = recorded();
        products.retain(|p| !p.contains("EphemeralStorage"));
        assert_eq!(region_prices("us-east-1", &products), None);
        assert_eq!(region_prices("eu-west-1", &recorded()), None);
    }
}
