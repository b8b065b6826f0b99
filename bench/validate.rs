//! The validate benchmark: how `ecsctl validate -e prod` scales with the number of services.
//!
//! Generates the spec benchmark's project (bench/spec_project.rs) at 500, 5,000 and 20,000
//! services and times what `validate` does in-process (`spec::load::load_env`, then
//! `model::build`), without process start-up: one warm-up run, then at least `RUNS` timed runs
//! per size, reporting the median and the range, and the time per service, so a step that grows
//! faster than linearly shows as a growing per-service figure. Run with
//! `cargo bench --bench validate`; `ECSCTL_BENCH_SIZES=500,2000` and `ECSCTL_BENCH_RUNS=5`
//! change the sizes and runs. `ECSCTL_BENCH_WRITE=DIR` only writes the project of the first size
//! into DIR, for timing whole binaries against each other (the release builds: bench/README.md).
//! See bench/README.md.

use std::path::Path;
use std::time::{Duration, Instant};

use ecsctl::cli::project::process_var;
use ecsctl::model::build::{BuildContext, build};
use ecsctl::spec::load::load_env;

#[path = "spec_project.rs"]
mod spec_project;
use spec_project::{ENV, write_project};

const SIZES: &[usize] = &[500, 5_000, 20_000];
const RUNS: usize = 3;

fn main() {
    let sizes = std::env::var("ECSCTL_BENCH_SIZES")
        .ok()
        .map(|s| {
            s.split(',')
                .map(|n| n.trim().parse().expect("ECSCTL_BENCH_SIZES: numbers"))
                .collect()
        })
        .unwrap_or_else(|| SIZES.to_vec());
    if let Some(dir) = std::env::var_os("ECSCTL_BENCH_WRITE") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).expect("ECSCTL_BENCH_WRITE: a directory");
        write_project(dir, sizes[0]);
        println!(
            "wrote the {}-service project to {}",
            sizes[0],
            dir.display()
        );
        return;
    }
    let runs = std::env::var("ECSCTL_BENCH_RUNS")
        .ok()
        .map(|n| n.parse().expect("ECSCTL_BENCH_RUNS: a number"))
        .unwrap_or(RUNS)
        .max(1);
    println!("validate benchmark: env `{ENV}`, {runs} runs per size after one warm-up");
    println!(
        "  {:>8}  {:>9}  {:>12}  {:>23}  {:>12}  {:>12}",
        "services", "KiB in", "median", "range", "per service", "load / build"
    );
    for n in sizes {
        let dir = tempfile::tempdir().expect("a temporary project directory");
        write_project(dir.path(), n);
        let kib = std::fs::metadata(dir.path().join("ecsctl.yaml"))
            .map(|m| m.len() / 1024)
            .unwrap_or(0);
        let mut samples = Vec::new();
        for run in 0..=runs {
            let sample = validate_once(dir.path());
            if run > 0 {
                samples.push(sample);
            }
        }
        samples.sort_by_key(|(total, _, _)| *total);
        let (median, load, build) = samples[samples.len() / 2];
        let (min, max) = (samples[0].0, samples[samples.len() - 1].0);
        println!(
            "  {n:>8}  {kib:>9}  {:>9.0} ms  {:>9.0} ms – {:>6.0} ms  {:>9.1} µs  {:>5.0} / {:<5.0}",
            ms(median),
            ms(min),
            ms(max),
            median.as_secs_f64() * 1e6 / n as f64,
            ms(load),
            ms(build),
        );
    }
}

/// One `validate -e prod` in-process: (total, load, build).
fn validate_once(dir: &Path) -> (Duration, Duration, Duration) {
    let t0 = Instant::now();
    let loaded = load_env(dir, ENV).unwrap_or_else(|f| {
        let messages: Vec<&str> = f.diagnostics.iter().map(|d| d.message.as_str()).collect();
        panic!("the project must load: {messages:?}")
    });
    let t1 = Instant::now();
    let ctx = BuildContext {
        env: ENV,
        account_id: None,
        partition: None,
        vars: &process_var,
    };
    let built = build(&loaded.merged, &ctx);
    let t2 = Instant::now();
    let (desired, _warnings) = built.unwrap_or_else(|d| {
        let messages: Vec<&str> = d.iter().take(5).map(|d| d.message.as_str()).collect();
        panic!("the project must build: {messages:?}")
    });
    std::hint::black_box(desired);
    (t2 - t0, t1 - t0, t2 - t1)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
