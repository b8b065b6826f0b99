//! Scenario 3 of the emulator benchmark: real-AWS latency and rate limits (issue 12, item 2).
//!
//! One instant-mode server with AWS's rate limits (`ECSCTL_EMULATOR_RATE_LIMITS=aws`, the
//! buckets of src/aws/rate.rs) and a latency it changes while running (`POST
//! /ecsctl-emulator/throttle/latency`), so the same account, in the same state, is timed at 0 ms
//! and at `LATENCY_MS`, alternately (A B A B: a busy machine slows both alike). Per project:
//! `apply` from empty at `LATENCY_MS`, converged plans at both latencies, then a one-service
//! image change at `LATENCY_MS`. Before every timed run the account's buckets are refilled (`POST
//! /ecsctl-emulator/throttle/refill`): AWS's buckets are the account's, so back-to-back runs
//! would start on what the last one left, which is not what a run some minutes later sees.
//! The critical path in round trips is (median at `LATENCY_MS` − median at 0) / `LATENCY_MS`:
//! how many sequential round trips the run waits for. The emulator's throttle count before
//! and after shows whether ecsctl stayed under every bucket (it must: 0).
//!
//! Must not: time anything against the shared test server, or leave the latency changed.

use std::time::Duration;

use super::support::{Emulator, http};
use super::{Bench, Run, calls_of, secs, stat};

/// The latency AWS's control planes answer with, roughly (a round trip from Europe to a
/// European Region: tens of milliseconds).
pub const LATENCY_MS: u64 = 60;

/// The server's settings on top of the instant mode.
pub const SETTINGS: &[(&str, &str)] = &[
    ("ECSCTL_EMULATOR_RATE_LIMITS", "aws"),
    ("ECSCTL_EMULATOR_LATENCY_MS", "60"),
];

pub struct LatencyResult {
    pub name: String,
    pub services: usize,
    pub from_empty: Run,
    pub one_image: Run,
    pub plans_0: Vec<Run>,
    pub plans_latency: Vec<Run>,
    /// Requests the emulator throttled during this project's ecsctl runs.
    pub throttled: u64,
}

fn post(e: &Emulator, path: &str) {
    let r = http::request(&e.endpoint, "POST", path, &[], "").expect(path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
}

fn set_latency(e: &Emulator, ms: u64) {
    post(e, &format!("/ecsctl-emulator/throttle/latency?ms={ms}"));
}

fn refill(e: &Emulator, b: &Bench) {
    post(
        e,
        &format!("/ecsctl-emulator/throttle/refill?account={}", b.acct.id),
    );
}

fn throttled(e: &Emulator) -> u64 {
    let r = http::request(&e.endpoint, "GET", "/ecsctl-emulator/throttle", &[], "")
        .expect("GET /ecsctl-emulator/throttle");
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("throttle JSON");
    v["throttled"].as_u64().expect("throttled")
}

/// Scenario 3 for one project (a fresh account); `first` / `repo` name the service whose image
/// changes and its repository, as in scenario 2.
pub fn scenario(
    e: &Emulator,
    name: &str,
    b: Bench,
    services: usize,
    (first, repo): (&str, &str),
    runs: usize,
) -> LatencyResult {
    set_latency(e, LATENCY_MS);
    let _warm = b.plan();
    let before = throttled(e);
    refill(e, &b);
    let from_empty = b.apply(&[], &[]);
    refill(e, &b);
    b.assert_converged();
    let (mut plans_0, mut plans_latency) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        for (ms, into) in [(0, &mut plans_0), (LATENCY_MS, &mut plans_latency)] {
            set_latency(e, ms);
            refill(e, &b);
            into.push(b.assert_converged());
        }
    }
    // Last: the `--image` override makes the spec's own image a change again.
    set_latency(e, LATENCY_MS);
    let image = format!("{}.dkr.ecr.eu-west-1.amazonaws.com/{repo}:2.0.0", b.acct.id);
    crate::support::fixtures::push_tag(&b.acct, &b.net, b.dir.path(), "2.0.0");
    refill(e, &b);
    let one_image = b.apply(&["--image", &format!("{first}={image}")], &[]);
    LatencyResult {
        name: name.to_string(),
        services,
        from_empty,
        one_image,
        plans_0,
        plans_latency,
        throttled: throttled(e) - before,
    }
}

fn median(runs: &[Run]) -> Duration {
    stat(runs).median
}

fn range(runs: &[Run]) -> String {
    let mut wall: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    wall.sort();
    format!(
        "{} [{}–{}] ({})",
        secs(stat(runs).median),
        secs(wall[0]),
        secs(wall[wall.len() - 1]),
        runs.len()
    )
}

/// (median at `LATENCY_MS` − median at 0) / `LATENCY_MS`.
pub fn round_trips(at_0: &[Run], at_latency: &[Run]) -> f64 {
    let extra = median(at_latency).as_secs_f64() - median(at_0).as_secs_f64();
    extra / (LATENCY_MS as f64 / 1000.0)
}

pub fn print(results: &[LatencyResult]) {
    println!(
        "\n### latency {LATENCY_MS} ms and AWS's rate limits (instant mode, buckets refilled before each run)\n"
    );
    println!(
        "| project | services | step | latency | wall time, median [min–max] (runs) | AWS calls | critical path (round trips) |"
    );
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: |");
    for r in results {
        let one = |step: &str, run: &Run| {
            println!(
                "| {} | {} | {step} | {LATENCY_MS} ms | {} | {} | |",
                r.name,
                r.services,
                secs(run.wall),
                run.total_calls()
            );
        };
        one("apply from empty", &r.from_empty);
        one("apply, image change of 1 service", &r.one_image);
        for (ms, runs) in [(0, &r.plans_0), (LATENCY_MS, &r.plans_latency)] {
            let path = if ms == 0 {
                String::new()
            } else {
                format!("{:.1}", round_trips(&r.plans_0, &r.plans_latency))
            };
            println!(
                "| {} | {} | plan, converged | {ms} ms | {} | {} | {path} |",
                r.name,
                r.services,
                range(runs),
                calls_of(runs).1
            );
        }
    }
    let throttled: Vec<String> = results
        .iter()
        .map(|r| format!("{} {}", r.name, r.throttled))
        .collect();
    println!(
        "\nRequests the emulator throttled during ecsctl's runs: {}.",
        throttled.join(", ")
    );
}
