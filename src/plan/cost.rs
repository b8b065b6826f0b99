//! `PlanCost`: what the plan changes in the environment's monthly Fargate compute, per service
//! whose cost moves and in total. Part of the plan value, so every view shows the same figures
//! and a saved plan keeps them.
//!
//! Owns the shape only; `cost::change` computes it. Amounts are cents (exact integers).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanCost {
    /// When the prices were published (`cost::prices::DATE`).
    pub prices_date: String,
    /// The services the spec names, as they run now and as the plan leaves them.
    pub before_cents: i64,
    pub after_cents: i64,
    /// Each service whose monthly cost the plan changes, in spec order.
    pub services: Vec<ServiceCostChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCostChange {
    pub key: String,
    /// None: the service does not run yet.
    pub before_cents: Option<i64>,
    pub after_cents: i64,
}

impl PlanCost {
    pub fn delta_cents(&self) -> i64 {
        self.after_cents - self.before_cents
    }

    /// `$1,234.56`.
    pub fn dollars(cents: i64) -> String {
        crate::cost::money::Usd::from_cents(cents.into()).to_string()
    }

    /// `+$12.34`, `-$5.00`, `$0.00`.
    pub fn signed(cents: i64) -> String {
        match cents {
            c if c > 0 => format!("+{}", PlanCost::dollars(c)),
            c => PlanCost::dollars(c),
        }
    }

    /// The line every view shows: `Monthly Fargate compute of the services: $540.60 → $612.68 (+$72.08):
    /// api $108.12 → $180.20 (+$72.08); …`.
    pub fn line(&self) -> String {
        let services: Vec<String> = self
            .services
            .iter()
            .map(|s| {
                let before = s.before_cents.unwrap_or(0);
                format!(
                    "`{}` {} → {} ({})",
                    s.key,
                    s.before_cents.map_or("new".to_string(), PlanCost::dollars),
                    PlanCost::dollars(s.after_cents),
                    PlanCost::signed(s.after_cents - before)
                )
            })
            .collect();
        format!(
            "Monthly Fargate compute of the services: {} → {} ({}): {} (prices of {}; docs/cost.md).",
            PlanCost::dollars(self.before_cents),
            PlanCost::dollars(self.after_cents),
            PlanCost::signed(self.delta_cents()),
            services.join("; "),
            self.prices_date
        )
    }
}
