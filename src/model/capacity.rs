//! Capacity provider strategies: `on-demand`, `spot`, or a FARGATE/FARGATE_SPOT mix.
//!
//! Owns turning the spec's capacity into the strategy ECS takes, and the mix rules (at least
//! one weight above 0; zero-weight entries left out unless they carry a base). Must not pick
//! which capacity applies (services and scheduled tasks resolve precedence first).

use super::resources::{CapacityProvider, CapacityProviderItem};
use super::scope::Scope;
use super::validate::written_at;
use crate::spec::raw::RawProject;
use crate::spec::raw_values::{CapacityMode, RawCapacity};
use crate::spec::span::Sp;

/// `capacity`, `defaults.capacity` or `<task>.capacity`: wherever the resolved value was written.
pub fn capacity_path(raw: &RawProject, capacity: Option<&Sp<RawCapacity>>, at: &str) -> String {
    let Some(cap) = capacity else {
        return format!("{at}.capacity");
    };
    let env = raw.capacity.as_ref().map(|c| c.loc);
    let defaults = raw
        .defaults
        .as_ref()
        .and_then(|d| d.capacity.as_ref())
        .map(|c| c.loc);
    written_at(cap.loc, env, defaults, "capacity", at)
}

pub fn strategy(
    cx: &Scope,
    capacity: Option<&Sp<RawCapacity>>,
    path: &str,
) -> Vec<CapacityProviderItem> {
    let item = |capacity_provider, base, weight| CapacityProviderItem {
        capacity_provider,
        base,
        weight,
    };
    let Some(cap) = capacity else {
        return vec![item(CapacityProvider::Fargate, 0, 1)];
    };
    match &cap.value {
        RawCapacity::Mode(CapacityMode::OnDemand) => vec![item(CapacityProvider::Fargate, 0, 1)],
        RawCapacity::Mode(CapacityMode::Spot) => vec![item(CapacityProvider::FargateSpot, 0, 1)],
        RawCapacity::Mix(mix) => {
            let base = mix.base.unwrap_or(0);
            if mix.on_demand_weight == 0 && mix.spot_weight == 0 {
                let hint = "for example `{base: 1, onDemandWeight: 1, spotWeight: 3}`";
                cx.error_hint(
                    cap.loc,
                    path,
                    "capacity mix needs `onDemandWeight` or `spotWeight` above 0",
                    hint,
                );
            }
            if base > 100_000 {
                cx.error(
                    cap.loc,
                    path,
                    format!("capacity base `{base}` is out of range 0-100000"),
                );
            }
            let mut out = Vec::new();
            if mix.on_demand_weight > 0 || base > 0 {
                out.push(item(CapacityProvider::Fargate, base, mix.on_demand_weight));
            }
            if mix.spot_weight > 0 {
                out.push(item(CapacityProvider::FargateSpot, 0, mix.spot_weight));
            }
            out
        }
    }
}
