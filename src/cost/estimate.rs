//! The monthly compute cost of one environment: each service at the count the spec starts
//! with (and its autoscaling range), each scheduled job by its schedule, on-demand and Spot
//! by the capacity strategy.
//!
//! Owns the assumptions (a month is 730 hours; a Spot discount; a job run's length) and how
//! counts, strategies and schedules become task-hours. Pure: the prices and the spec's model
//! come in, an `Estimate` goes out. Must not render.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::money::Usd;
use super::prices::RegionPrices;
use super::usage::{Breakdown, TaskShape, task_cost};
use crate::model::next_run::{ScheduleTimes, next_run};
use crate::model::{
    CapacityProvider, CapacityProviderItem, Desired, ScalingTarget, TaskDefinition,
};
use crate::spec::raw_values::Architecture;

/// Hours in a month, as AWS's pricing calculator counts them.
pub const MONTH_HOURS: i128 = 730;

/// What the estimate assumes where the spec does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assumptions {
    /// Percent off the on-demand price for tasks on FARGATE_SPOT. AWS says "up to a 70%
    /// discount off the regular Fargate price" (https://aws.amazon.com/fargate/pricing/), and
    /// Spot prices move: 70 is the default because it is the only figure AWS publishes.
    pub spot_discount_percent: u32,
    /// How long a scheduled job's run lasts, in minutes, when the spec does not say.
    pub job_minutes: u32,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            spot_discount_percent: 70,
            job_minutes: 10,
        }
    }
}

/// One service's monthly cost.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceCost {
    pub key: String,
    pub shape: TaskShape,
    /// The count the spec starts the service with.
    pub count: u32,
    /// Autoscaling's range, when the service scales.
    pub range: Option<(u32, u32)>,
    /// The service runs some of its tasks on Spot.
    pub spot: bool,
    /// Scheduled scaling changes its range over the week: the costs are time-weighted.
    pub scheduled_scaling: bool,
    pub monthly: Usd,
    /// At the range's ends (the same as `monthly` without autoscaling).
    pub monthly_min: Usd,
    pub monthly_max: Usd,
}

/// One scheduled job's monthly cost.
#[derive(Clone, Debug, PartialEq)]
pub struct JobCost {
    pub key: String,
    pub shape: TaskShape,
    /// Runs in a month; 0 for a job that runs only on demand.
    pub runs: u32,
    pub tasks_per_run: u32,
    pub minutes: u32,
    pub monthly: Usd,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub region: String,
    pub assumptions: Assumptions,
    pub services: Vec<ServiceCost>,
    pub jobs: Vec<JobCost>,
    pub monthly: Usd,
    pub monthly_min: Usd,
    pub monthly_max: Usd,
}

pub fn estimate(d: &Desired, p: &RegionPrices, a: &Assumptions) -> Estimate {
    let services: Vec<ServiceCost> = d
        .services
        .iter()
        .filter_map(|s| {
            let td = d.task_definitions.iter().find(|t| t.family == s.family)?;
            let target = d.scaling_targets.iter().find(|t| t.service == s.key);
            Some(service_cost(
                &s.key,
                shape(td),
                s.desired_count,
                &s.capacity,
                target,
                p,
                a,
            ))
        })
        .collect();
    let jobs: Vec<JobCost> = d
        .scheduled_tasks
        .iter()
        .filter_map(|j| {
            let td = d.task_definitions.iter().find(|t| t.family == j.family)?;
            let shape = shape(td);
            let runs = if j.enabled {
                j.expression
                    .as_deref()
                    .map_or(0, |e| runs_in_a_month(e, &j.timezone))
            } else {
                0
            };
            let minutes = j.run_minutes.unwrap_or(a.job_minutes);
            let run = hourly(p, &shape, &j.capacity, j.count, a).times(i128::from(minutes), 60);
            Some(JobCost {
                key: j.key.clone(),
                shape,
                runs,
                tasks_per_run: j.count,
                minutes,
                monthly: run.total().times(i128::from(runs), 1),
            })
        })
        .collect();
    let sum = |f: &dyn Fn(&ServiceCost) -> Usd| {
        let jobs = jobs.iter().fold(Usd::ZERO, |acc, j| acc.plus(j.monthly));
        services.iter().fold(jobs, |acc, s| acc.plus(f(s)))
    };
    Estimate {
        region: p.region.clone(),
        assumptions: *a,
        monthly: sum(&|s| s.monthly),
        monthly_min: sum(&|s| s.monthly_min),
        monthly_max: sum(&|s| s.monthly_max),
        services,
        jobs,
    }
}

pub fn shape(td: &TaskDefinition) -> TaskShape {
    TaskShape {
        cpu: td.size.cpu(),
        memory: td.size.memory(),
        arm: td.architecture == Architecture::Arm64,
        storage_gib: td
            .ephemeral_storage_gib
            .unwrap_or(super::usage::FREE_STORAGE_GIB),
    }
}

pub fn service_cost(
    key: &str,
    shape: TaskShape,
    count: u32,
    capacity: &[CapacityProviderItem],
    target: Option<&ScalingTarget>,
    p: &RegionPrices,
    a: &Assumptions,
) -> ServiceCost {
    let month = |n: u32| {
        hourly(p, &shape, capacity, n, a)
            .total()
            .times(MONTH_HOURS, 1)
    };
    let spot = capacity
        .iter()
        .any(|c| c.capacity_provider == CapacityProvider::FargateSpot && c.weight > 0);
    let Some(t) = target else {
        let m = month(count);
        return ServiceCost {
            key: key.to_string(),
            shape,
            count,
            range: None,
            spot,
            scheduled_scaling: false,
            monthly: m,
            monthly_min: m,
            monthly_max: m,
        };
    };
    // Each range in force, with the share of the month it holds; the count the service runs
    // with is kept inside it by Application Auto Scaling.
    let ranges = scheduled_ranges(t);
    let weighted = |pick: &dyn Fn(u32, u32) -> u32| {
        let total: i128 = ranges.iter().map(|(secs, _, _)| *secs).sum();
        ranges.iter().fold(Usd::ZERO, |acc, (secs, min, max)| {
            acc.plus(month(pick(*min, *max)).times(*secs, total.max(1)))
        })
    };
    ServiceCost {
        key: key.to_string(),
        shape,
        count,
        range: Some((t.min, t.max)),
        spot,
        scheduled_scaling: !t.schedules.is_empty(),
        monthly: weighted(&|min, max| count.clamp(min, max.max(min))),
        monthly_min: weighted(&|min, _| min),
        monthly_max: weighted(&|min, max| max.max(min)),
    }
}

/// `n` tasks for an hour: the first `base` on FARGATE, the rest split by the weights, Spot
/// tasks at the discount.
fn hourly(
    p: &RegionPrices,
    shape: &TaskShape,
    capacity: &[CapacityProviderItem],
    n: u32,
    a: &Assumptions,
) -> Breakdown {
    let hour = task_cost(p, shape, 3600);
    let item = |c: CapacityProvider| capacity.iter().find(|i| i.capacity_provider == c);
    let od = item(CapacityProvider::Fargate);
    let sp = item(CapacityProvider::FargateSpot);
    let base = i128::from(od.map_or(0, |o| o.base) + sp.map_or(0, |s| s.base)).min(n.into());
    let (wo, ws) = (
        i128::from(od.map_or(0, |o| o.weight)),
        i128::from(sp.map_or(0, |s| s.weight)),
    );
    // Without a strategy (or with no weight at all) every task is on-demand.
    let (wo, ws) = if wo + ws == 0 { (1, 0) } else { (wo, ws) };
    let rest = i128::from(n) - base;
    // The base runs on the provider that carries it (ECS allows one base).
    let base_spot = sp.is_some_and(|s| s.base > 0);
    let (od_n, od_d) = if base_spot {
        (rest * wo, wo + ws)
    } else {
        (base * (wo + ws) + rest * wo, wo + ws)
    };
    let spot_n = i128::from(n) * od_d - od_n;
    let spot_price = 100 - i128::from(a.spot_discount_percent.min(100));
    hour.times(od_n, od_d)
        .plus(&hour.times(spot_n * spot_price, od_d * 100))
}

/// The start of the month the schedules are counted over: a Monday at 00:00 UTC, so that
/// weekly schedules fall the same way every time (2026-01-05).
fn reference_start() -> Timestamp {
    Timestamp::from_second(1_767_571_200).expect("a valid timestamp")
}

/// Runs of a job's `cron(…)` or `rate(…)` in 730 hours from the reference start.
fn runs_in_a_month(expression: &str, timezone: &str) -> u32 {
    let start = reference_start();
    let end = start + SignedDuration::from_hours(MONTH_HOURS as i64);
    let times = ScheduleTimes {
        expression,
        timezone,
        start: None,
        end: None,
        created: Some(start),
    };
    let runs = runs_between(
        &times,
        start - SignedDuration::from_nanos(1),
        end,
        1_000_000,
    );
    u32::try_from(runs.len()).unwrap_or(u32::MAX)
}

/// The schedule's runs strictly after `after` and before `end`, at most `limit` of them.
fn runs_between(
    times: &ScheduleTimes,
    after: Timestamp,
    end: Timestamp,
    limit: usize,
) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let mut at = after;
    while let Some(next) = next_run(times, at) {
        if next >= end || out.len() >= limit {
            break;
        }
        out.push(next);
        at = next;
    }
    out
}

/// (seconds, min, max) of each range in force over four weeks: the spec's range until the
/// first scheduled action, then each action's, with the week before counted in so that the
/// range in force when the window opens is the last action's.
fn scheduled_ranges(t: &ScalingTarget) -> Vec<(i128, u32, u32)> {
    if t.schedules.is_empty() {
        return vec![(1, t.min, t.max)];
    }
    let start = reference_start();
    let lead = start - SignedDuration::from_hours(24 * 7);
    let end = start + SignedDuration::from_hours(24 * 28);
    let mut events: Vec<(Timestamp, u32, u32)> = Vec::new();
    for s in &t.schedules {
        let times = ScheduleTimes {
            expression: &s.expression,
            timezone: &s.timezone,
            start: None,
            end: None,
            created: Some(lead),
        };
        // At most about 100,000 actions in all, as bound before.
        let room = 100_001usize.saturating_sub(events.len());
        events.extend(
            runs_between(&times, lead, end, room)
                .into_iter()
                .map(|at| (at, s.min, s.max)),
        );
    }
    events.sort_by_key(|e| e.0);
    let mut state = (t.min, t.max);
    let mut cursor = start;
    let mut out: Vec<(i128, u32, u32)> = Vec::new();
    for (at, min, max) in events {
        if at > cursor {
            out.push((
                i128::from(at.as_second() - cursor.as_second()),
                state.0,
                state.1,
            ));
            cursor = at;
        }
        state = (min, max);
    }
    if end > cursor {
        out.push((
            i128::from(end.as_second() - cursor.as_second()),
            state.0,
            state.1,
        ));
    }
    out
}

#[cfg(test)]
#[path = "estimate_tests.rs"]
mod tests;
