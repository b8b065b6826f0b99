//! The price cache `ecsctl prices update` writes and `cost` and `plan` prefer to the embedded
//! table: per region, the five prices as the Price List API gave them, when AWS published them
//! and when they were fetched.
//!
//! Owns the file (`$ECSCTL_CACHE_DIR/prices.json`, else `$XDG_CACHE_HOME/ecsctl/…`, else
//! `~/.cache/ecsctl/…`) and choosing between it and the embedded table. Reads and writes only
//! that file; must not call AWS.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::money::Usd;
use super::prices::{self, RegionPrices};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceCache {
    pub regions: BTreeMap<String, CachedRegion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedRegion {
    /// The products' `publicationDate` (AWS's).
    pub published: String,
    /// When `ecsctl prices update` fetched them (RFC 3339, UTC).
    pub fetched: String,
    pub x86_vcpu_hour: String,
    pub x86_gb_hour: String,
    pub arm_vcpu_hour: String,
    pub arm_gb_hour: String,
    pub storage_gb_hour: String,
}

/// Where prices came from, as every view says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceOrigin {
    /// `2025-06-05`: when AWS published them.
    pub date: String,
    pub source: String,
}

pub fn path() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("ECSCTL_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("ecsctl")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("ecsctl")))?;
    Some(dir.join("prices.json"))
}

/// The cache, or an empty one when there is none; an unreadable cache is an error (it would
/// otherwise be silently ignored).
pub fn read() -> Result<PriceCache, String> {
    let Some(p) = path() else {
        return Ok(PriceCache::default());
    };
    match std::fs::read_to_string(&p) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| format!("the price cache `{}` is not readable ({e}); delete it or run `ecsctl prices update`", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PriceCache::default()),
        Err(e) => Err(format!("cannot read the price cache `{}`: {e}", p.display())),
    }
}

pub fn write(cache: &PriceCache) -> Result<PathBuf, String> {
    let p = path().ok_or("no cache directory: set ECSCTL_CACHE_DIR, XDG_CACHE_HOME or HOME")?;
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(cache).expect("the cache serialises");
    std::fs::write(&p, text + "\n").map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
    Ok(p)
}

impl CachedRegion {
    pub fn new(p: &RegionPrices, published: &str, fetched: &str) -> Option<CachedRegion> {
        Some(CachedRegion {
            published: published.to_string(),
            fetched: fetched.to_string(),
            x86_vcpu_hour: p.x86_vcpu_hour.decimal_string()?,
            x86_gb_hour: p.x86_gb_hour.decimal_string()?,
            arm_vcpu_hour: p.arm_vcpu_hour.decimal_string()?,
            arm_gb_hour: p.arm_gb_hour.decimal_string()?,
            storage_gb_hour: p.storage_gb_hour.decimal_string()?,
        })
    }

    fn prices(&self, region: &str) -> Option<RegionPrices> {
        Some(RegionPrices {
            region: region.to_string(),
            x86_vcpu_hour: Usd::decimal(&self.x86_vcpu_hour)?,
            x86_gb_hour: Usd::decimal(&self.x86_gb_hour)?,
            arm_vcpu_hour: Usd::decimal(&self.arm_vcpu_hour)?,
            arm_gb_hour: Usd::decimal(&self.arm_gb_hour)?,
            storage_gb_hour: Usd::decimal(&self.storage_gb_hour)?,
        })
    }
}

/// The region's prices: the cache's when it has them, else the embedded table's; None when
/// neither has the region.
pub fn for_region(cache: &PriceCache, region: &str) -> Option<(RegionPrices, PriceOrigin)> {
    if let Some(c) = cache.regions.get(region)
        && let Some(p) = c.prices(region)
    {
        let date = c.published.get(..10).unwrap_or(&c.published).to_string();
        let fetched = c.fetched.get(..10).unwrap_or(&c.fetched);
        return Some((
            p,
            PriceOrigin {
                date,
                source: format!(
                    "the AWS Price List API, fetched {fetched} (`ecsctl prices update`)"
                ),
            },
        ));
    }
    Some((
        prices::embedded(region)?,
        PriceOrigin {
            date: prices::DATE.to_string(),
            source: prices::SOURCE.to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_wins_over_the_embedded_table_for_its_regions_only() {
        let mut p = prices::embedded("eu-west-1").unwrap();
        p.x86_vcpu_hour = Usd::decimal("0.05").unwrap();
        let mut cache = PriceCache::default();
        cache.regions.insert(
            "eu-west-1".into(),
            CachedRegion::new(&p, "2026-10-01T00:00:00Z", "2026-11-29T08:00:00Z").unwrap(),
        );
        let (got, origin) = for_region(&cache, "eu-west-1").unwrap();
        assert_eq!(got, p);
        assert_eq!(origin.date, "2026-10-01");
        assert_eq!(
            origin.source,
            "the AWS Price List API, fetched 2026-11-29 (`ecsctl prices update`)"
        );
        let (_, origin) = for_region(&cache, "us-east-1").unwrap();
        assert_eq!(origin.date, prices::DATE);
        assert_eq!(for_region(&cache, "cn-north-1"), None);
    }
}
