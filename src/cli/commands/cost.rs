//! `ecsctl cost -e ENV [--output human|json|markdown] [--spot-discount PCT] [--job-minutes N]`:
//! the monthly Fargate compute cost of one environment, offline.
//!
//! Owns the command's sequence: load and build the spec (no AWS: like `render`), look up the
//! region's prices, estimate, print. Must not price anything itself (`cost::estimate`) or
//! format (`render::cost`).

use anyhow::anyhow;

use crate::cli::args::PlanFormat;
use crate::cli::error::{CliError, Outcome};
use crate::cli::output::Output;
use crate::cli::project::load_and_build;
use crate::cli::settings::{CostSettings, Globals};
use crate::cli::target::report;
use crate::cost::estimate::{Assumptions, estimate};
use crate::render::cost::{human, json, markdown};

pub fn run(globals: &Globals, s: &CostSettings, out: &mut Output) -> Result<Outcome, CliError> {
    crate::cli::project::require_project(&globals.dir)?;
    let desired = report(load_and_build(&globals.dir, &s.env, None), true, out)?;
    let cache = crate::cost::cache::read().map_err(|e| CliError::from(anyhow!(e)))?;
    let Some((p, origin)) = crate::cost::cache::for_region(&cache, &desired.region) else {
        let hint = if desired.region.starts_with("cn-") {
            "AWS prices its China regions in CNY (\"Amazon Web Services in China is priced and billed in local currency\"); ecsctl has no CNY prices"
        } else {
            "ecsctl's price table has no Fargate prices for it; nothing is guessed (docs/cost.md)"
        };
        return Err(CliError::from(anyhow!(
            "no price data for region `{}`\n  hint: {hint}",
            desired.region
        )));
    };
    let mut a = Assumptions::default();
    if let Some(d) = s.spot_discount {
        if d > 100 {
            return Err(CliError::from(anyhow!(
                "--spot-discount `{d}` is not a percentage from 0 to 100"
            )));
        }
        a.spot_discount_percent = d;
    }
    if let Some(m) = s.job_minutes {
        if !(1..=1440).contains(&m) {
            return Err(CliError::from(anyhow!(
                "--job-minutes `{m}` is not from 1 to 1440"
            )));
        }
        a.job_minutes = m;
    }
    let e = estimate(&desired, &p, &a);
    let doc = json(&desired.env, &e, &origin.date, &origin.source);
    let text = match s.format {
        PlanFormat::Human => human(&doc),
        PlanFormat::Markdown => markdown(&doc),
        PlanFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("the cost document serialises")
        ),
    };
    out.product(&text)?;
    Ok(Outcome::Success)
}
