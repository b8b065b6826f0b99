//! `ecsctl prices update [--region REGION]...`: refreshes the Fargate prices `cost` and `plan`
//! use, from the AWS Price List Query API, into the local cache.
//!
//! Owns the command's sequence: one GetProducts read per region (read only), the prices read
//! out of the products, the cache written once at the end (a failed region changes nothing for
//! it). Must not parse products (`cost::price_list`) or decide the file (`cost::cache`).

use anyhow::anyhow;
use futures::stream::{self, StreamExt};

use crate::aws::{AwsClients, AwsSettings};
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, PricesSettings};
use crate::cli::stats::print_aws_calls;
use crate::cost::cache::{self, CachedRegion};
use crate::cost::price_list::region_prices;

/// GetProducts reads in flight at once.
const CONCURRENCY: usize = 4;

pub fn run(_globals: &Globals, s: &PricesSettings, out: &mut Output) -> Result<Outcome, CliError> {
    let regions: Vec<String> = if s.regions.is_empty() {
        crate::cost::prices::regions().map(str::to_string).collect()
    } else {
        s.regions.clone()
    };
    let mut existing = cache::read().map_err(|e| CliError::from(anyhow!(e)))?;
    let runtime = super::runtime()?;
    let fetched = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let results = runtime.block_on(async {
        let clients = AwsClients::load(&AwsSettings::default()).await?;
        let read = stream::iter(regions.iter())
            .map(|r| {
                let clients = &clients;
                async move {
                    let products = crate::aws::pricing::ecs_compute_products(clients, r).await;
                    (r.clone(), products)
                }
            })
            .buffered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        print_aws_calls(s.stats, &clients, out)?;
        Ok::<_, CliError>(read)
    })?;
    let mut updated = 0;
    for (region, products) in results {
        let products = products.map_err(|e| aws_error(e, "reading the AWS Price List failed"))?;
        match region_prices(&region, &products) {
            Some((p, published)) => {
                let entry = CachedRegion::new(&p, &published, &fetched)
                    .ok_or_else(|| anyhow!("a price of {region} is not a finite decimal"))?;
                out.line(
                    Label::Ok,
                    &format!("{region}: prices published {}", entry.published),
                )?;
                existing.regions.insert(region, entry);
                updated += 1;
            }
            None => out.line(
                Label::Warning,
                &format!("{region}: the Price List has no Fargate Linux prices for it; its entry is left as it was"),
            )?,
        }
    }
    if updated == 0 {
        return Err(CliError::from(anyhow!(
            "no region's prices were found; the cache is unchanged"
        )));
    }
    let path = cache::write(&existing).map_err(|e| CliError::from(anyhow!(e)))?;
    out.line(
        Label::Note,
        &format!(
            "cached {updated} region(s) in {}; `ecsctl cost` and `plan` use them (docs/cost.md)",
            path.display()
        ),
    )?;
    Ok(Outcome::Success)
}
