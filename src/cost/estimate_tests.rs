//! The estimate of environments built from spec text: counts, Spot shares, autoscaling ranges,
//! jobs by their schedules and scheduled scaling, each against arithmetic done by hand from
//! the eu-west-1 prices (x86: $0.04048 per vCPU-hour, $0.004445 per GB-hour).

use super::*;
use crate::cost::prices::embedded;
use crate::model::testkit::ok;

fn cost(extra: &str) -> Estimate {
    let (d, _) = ok(extra);
    estimate(&d, &embedded("eu-west-1").unwrap(), &Assumptions::default())
}

/// Dollars as written, exactly.
fn usd(text: &str) -> Usd {
    Usd::decimal(text).unwrap()
}

/// 1 vCPU and 2 GB for an hour: 0.04048 + 2 × 0.004445.
fn task_hour() -> Usd {
    usd("0.04937")
}

#[test]
fn counts_and_the_spot_share_of_a_mixed_strategy() {
    let e = cost(
        "services:
  web:
    image: nginx
    cpu: 1024
    memory: 2048
    count: 2
  spot:
    image: nginx
    cpu: 1024
    memory: 2048
    capacity: spot
  mix:
    image: nginx
    cpu: 1024
    memory: 2048
    count: 5
    capacity: {base: 1, onDemandWeight: 1, spotWeight: 3}
",
    );
    let by = |k: &str| e.services.iter().find(|s| s.key == k).unwrap();
    assert_eq!(by("web").monthly, task_hour().times(2 * 730, 1));
    assert_eq!(by("web").monthly.to_string(), "$72.08");
    // Spot at the default 70 % discount.
    assert_eq!(by("spot").monthly, task_hour().times(730 * 30, 100));
    // 5 tasks: the base 1 on-demand, the other 4 split 1:3, so 2 on-demand and 3 on Spot.
    assert_eq!(by("mix").monthly, task_hour().times(730 * 29, 10));
    assert_eq!(by("mix").monthly.to_string(), "$104.52");
    assert_eq!(
        e.monthly,
        by("web")
            .monthly
            .plus(by("spot").monthly)
            .plus(by("mix").monthly)
    );
}

#[test]
fn autoscaling_gives_a_range_around_the_starting_count() {
    let e = cost(
        "services:
  api:
    image: nginx
    cpu: 1024
    memory: 2048
    count: 3
    autoscaling: {min: 2, max: 10, cpu: 70}
",
    );
    let s = &e.services[0];
    assert_eq!(s.range, Some((2, 10)));
    assert_eq!(s.monthly, task_hour().times(3 * 730, 1));
    assert_eq!(s.monthly_min, task_hour().times(2 * 730, 1));
    assert_eq!(s.monthly_max, task_hour().times(10 * 730, 1));
    assert_eq!(
        (e.monthly_min, e.monthly_max),
        (s.monthly_min, s.monthly_max)
    );
}

#[test]
fn arm_and_ephemeral_storage_use_their_prices() {
    let e = cost(
        "services:
  api:
    image: nginx
    cpu: 1024
    memory: 2048
    architecture: arm64
    ephemeralStorage: 50
",
    );
    // 0.03238 + 2 × 0.00356 + 30 GB × 0.000122, for 730 hours.
    assert_eq!(e.services[0].monthly, usd("0.04316").times(730, 1));
}

#[test]
fn a_job_costs_its_runs_in_a_month_at_the_assumed_length() {
    let e = cost(
        "services:
  api:
    image: nginx
scheduledTasks:
  nightly:
    image: busybox
    schedule: cron(0 3 * * ? *)
  hourly:
    image: busybox
    schedule: rate(1 hour)
    count: 2
    runMinutes: 20
  manual:
    image: busybox
",
    );
    let by = |k: &str| e.jobs.iter().find(|j| j.key == k).unwrap();
    // 730 hours from Monday 00:00 hold 31 runs at 03:00 and 730 hourly runs.
    assert_eq!(
        (by("nightly").runs, by("hourly").runs, by("manual").runs),
        (31, 730, 0)
    );
    // 0.25 vCPU and 0.5 GB for 10 minutes: (0.01012 + 0.0022225) / 6 a run.
    let run = usd("0.0123425").times(1, 6);
    assert_eq!(by("nightly").monthly, run.times(31, 1));
    // `runMinutes: 20`: twice the assumed 10 minutes.
    assert_eq!(by("hourly").monthly, run.times(730 * 2 * 2, 1));
    assert_eq!(by("manual").monthly, Usd::ZERO);
}

#[test]
fn scheduled_scaling_weighs_each_range_by_the_time_it_holds() {
    // examples/durableai's dev: off from 20:00 to 07:00 on weekdays and all weekend, so on for
    // 13 hours on each of 5 days: 65 of the week's 168 hours.
    let e = cost(
        "services:
  api:
    image: nginx
    cpu: 1024
    memory: 2048
    autoscaling:
      min: 1
      max: 1
      cpu: 70
      schedule:
        - {name: night, cron: \"0 20 ? * MON-FRI *\", min: 0, max: 0}
        - {name: morning, cron: \"0 7 ? * MON-FRI *\", min: 1, max: 1}
",
    );
    let s = &e.services[0];
    assert!(s.scheduled_scaling);
    assert_eq!(s.monthly, task_hour().times(730 * 65, 168));
    assert_eq!((s.monthly_min, s.monthly_max), (s.monthly, s.monthly));
}
