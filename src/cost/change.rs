//! What a plan changes in the monthly Fargate compute of the services the spec names: each
//! service as it runs now (its running revision's size, its live count, strategy and scaling)
//! and as the plan leaves it.
//!
//! Owns the comparison: a service under autoscaling keeps its live count (ecsctl keeps it
//! within the new range, never resets it to `count`), so only sizes, strategies and ranges
//! move its cost; a new service starts at `count`. Pure. Must not render. Services the plan
//! deletes and scheduled jobs are not in it (docs/cost.md).

use super::estimate::{Assumptions, service_cost};
use super::prices::RegionPrices;
use super::usage::{FREE_STORAGE_GIB, TaskShape};
use crate::live::{
    Live, LiveCapacityProviderItem, LiveScalingTarget, LiveService, LiveTaskDefinition,
};
use crate::model::{
    CapacityProvider, CapacityProviderItem, Desired, ScalingSchedule, ScalingTarget,
};
use crate::plan::cost::{PlanCost, ServiceCostChange};

/// The plan's cost change with the region's prices (`cache::for_region`), or None: no
/// service's cost moves, or the region has no prices.
pub fn for_plan(
    d: &Desired,
    live: &Live,
    prices: Option<(RegionPrices, super::cache::PriceOrigin)>,
) -> Option<PlanCost> {
    let (p, origin) = prices?;
    let mut c = plan_cost(d, live, &p, &Assumptions::default());
    c.prices_date = origin.date;
    (!c.services.is_empty()).then_some(c)
}

pub fn plan_cost(d: &Desired, live: &Live, p: &RegionPrices, a: &Assumptions) -> PlanCost {
    let mut before = 0;
    let mut after = 0;
    let mut services = Vec::new();
    for s in &d.services {
        let Some(td) = d.task_definitions.iter().find(|t| t.family == s.family) else {
            continue;
        };
        let target = d.scaling_targets.iter().find(|t| t.service == s.key);
        let running = live
            .services
            .iter()
            .find(|l| l.name == s.name && l.status == "ACTIVE");
        let now = running.and_then(|l| live_cost(live, l, p, a));
        // Under autoscaling the live count stays (within the new range); otherwise `count`.
        let count = match (running, target) {
            (Some(l), Some(_)) => u32::try_from(l.desired_count).unwrap_or(0),
            _ => s.desired_count,
        };
        let then = service_cost(
            &s.key,
            super::estimate::shape(td),
            count,
            &s.capacity,
            target,
            p,
            a,
        )
        .monthly
        .cents();
        let then = i64::try_from(then).unwrap_or(i64::MAX);
        before += now.unwrap_or(0);
        after += then;
        if now != Some(then) {
            services.push(ServiceCostChange {
                key: s.key.clone(),
                before_cents: now,
                after_cents: then,
            });
        }
    }
    PlanCost {
        prices_date: super::prices::DATE.to_string(),
        before_cents: before,
        after_cents: after,
        services,
    }
}

/// A running service's monthly cost as it runs now; None when its revision was not read.
fn live_cost(live: &Live, s: &LiveService, p: &RegionPrices, a: &Assumptions) -> Option<i64> {
    let arn = s.task_definition.as_deref()?;
    let td = live.task_definition(arn)?;
    let shape = shape(td)?;
    let capacity = capacity(&s.capacity_provider_strategy);
    let target = live.service_scaling_target(s).map(scaling_target);
    let count = u32::try_from(s.desired_count).unwrap_or(0);
    let c = service_cost(&s.name, shape, count, &capacity, target.as_ref(), p, a)
        .monthly
        .cents();
    i64::try_from(c).ok()
}

fn shape(td: &LiveTaskDefinition) -> Option<TaskShape> {
    Some(TaskShape {
        cpu: td.cpu.as_deref()?.trim().parse().ok()?,
        memory: td.memory.as_deref()?.trim().parse().ok()?,
        arm: td
            .runtime_platform
            .as_ref()
            .and_then(|r| r.cpu_architecture.as_deref())
            == Some("ARM64"),
        storage_gib: td
            .ephemeral_storage_gib
            .and_then(|g| u32::try_from(g).ok())
            .unwrap_or(FREE_STORAGE_GIB),
    })
}

/// A service created with a launch type runs on-demand: an empty strategy says so.
fn capacity(items: &[LiveCapacityProviderItem]) -> Vec<CapacityProviderItem> {
    items
        .iter()
        .filter_map(|i| {
            let provider = match i.capacity_provider.as_str() {
                "FARGATE" => CapacityProvider::Fargate,
                "FARGATE_SPOT" => CapacityProvider::FargateSpot,
                _ => return None,
            };
            Some(CapacityProviderItem {
                capacity_provider: provider,
                base: u32::try_from(i.base).unwrap_or(0),
                weight: u32::try_from(i.weight).unwrap_or(0),
            })
        })
        .collect()
}

fn scaling_target(t: &LiveScalingTarget) -> ScalingTarget {
    ScalingTarget {
        service: String::new(),
        resource_id: t.resource_id.clone(),
        min: u32::try_from(t.min).unwrap_or(0),
        max: u32::try_from(t.max).unwrap_or(0),
        policies: Vec::new(),
        schedules: t
            .schedules
            .iter()
            .filter_map(|s| {
                Some(ScalingSchedule {
                    name: s.name.clone(),
                    expression: s.schedule.clone(),
                    timezone: s.timezone.clone().unwrap_or_else(|| "UTC".into()),
                    min: u32::try_from(s.min?).ok()?,
                    max: u32::try_from(s.max?).ok()?,
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::{converged, desired};

    #[test]
    fn a_converged_environment_changes_no_cost() {
        let d = desired();
        let prices = crate::cost::cache::for_region(&Default::default(), &d.region);
        assert!(prices.is_some());
        assert_eq!(for_plan(&d, &converged(), prices), None);
    }

    #[test]
    fn a_bigger_task_shows_its_service_before_and_after() {
        let d = desired();
        let live = converged();
        let p = super::super::prices::embedded(&d.region).unwrap();
        let a = Assumptions::default();
        let mut bigger = d.clone();
        let td = &mut bigger.task_definitions[0];
        td.size = crate::model::fargate::FargateSize::new(td.size.cpu() * 2, td.size.memory() * 2)
            .unwrap();
        let c = plan_cost(&bigger, &live, &p, &a);
        assert_eq!(c.services.len(), 1, "{c:?}");
        let s = &c.services[0];
        let before = s.before_cents.unwrap();
        // Twice the vCPU and memory of the same count: twice the cost, to the cent or one off
        // (each side is rounded to cents on its own).
        assert!((s.after_cents - 2 * before).abs() <= 1, "{c:?}");
        assert_eq!(c.delta_cents(), s.after_cents - before);
        assert!(
            c.line()
                .starts_with("Monthly Fargate compute of the services: "),
            "{}",
            c.line()
        );
        // A service not running yet has no "before".
        let mut absent = live.clone();
        absent.services.clear();
        let c = plan_cost(&d, &absent, &p, &a);
        assert_eq!(c.services[0].before_cents, None);
        assert_eq!(c.before_cents, 0);
    }
}
