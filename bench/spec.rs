//! The spec benchmark: load + build + render of one environment of a 500-service project.
//!
//! Generates a realistic project in a temporary directory (every service with env vars,
//! secrets of each kind, a health check, autoscaling and service discovery; some with sidecars
//! and task roles; an environment file that overrides sizes and counts), then times the offline
//! pipeline `ecsctl render -e prod` runs, without process start-up. Run with
//! `cargo bench --bench spec`; see bench/README.md.

use std::path::Path;
use std::time::{Duration, Instant};

use ecsctl::cli::args::RenderFormat;
use ecsctl::cli::commands::render::render_document;
use ecsctl::cli::project::process_var;
use ecsctl::model::build::{BuildContext, build};
use ecsctl::spec::load::load_env;

#[path = "spec_project.rs"]
mod spec_project;
use spec_project::{ENV, write_project};

const SERVICES: usize = 500;
/// Runs after one warm-up; stops early when the time budget is spent.
const RUNS: usize = 30;
const BUDGET: Duration = Duration::from_secs(20);

fn main() {
    let dir = tempfile::tempdir().expect("a temporary project directory");
    write_project(dir.path(), SERVICES);
    let bytes: u64 = walk_size(dir.path());

    let mut load = Vec::new();
    let mut model = Vec::new();
    let mut render = Vec::new();
    let mut total = Vec::new();
    let started = Instant::now();
    let mut output_len = 0;
    for run in 0..=RUNS {
        let t0 = Instant::now();
        let loaded = load_env(dir.path(), ENV)
            .unwrap_or_else(|f| panic!("the generated project must load: {f:?}"));
        let t1 = Instant::now();
        let ctx = BuildContext {
            env: ENV,
            account_id: None,
            partition: None,
            vars: &process_var,
        };
        let (desired, _warnings) = build(&loaded.merged, &ctx)
            .unwrap_or_else(|d| panic!("the generated project must build: {d:?}"));
        let t2 = Instant::now();
        let text = render_document(&desired, RenderFormat::Yaml).expect("render");
        let t3 = Instant::now();
        output_len = text.len();
        std::hint::black_box(text);
        if run == 0 {
            continue; // warm-up: page cache, allocator
        }
        load.push(t1 - t0);
        model.push(t2 - t1);
        render.push(t3 - t2);
        total.push(t3 - t0);
        if started.elapsed() > BUDGET {
            break;
        }
    }

    println!(
        "spec benchmark: {SERVICES} services, env `{ENV}`, {} KiB of YAML in, {} KiB of YAML out, {} runs",
        bytes / 1024,
        output_len / 1024,
        total.len()
    );
    report("load (read + parse + check + merge)", &mut load);
    report("build (model + validation)", &mut model);
    report("render (YAML)", &mut render);
    report("total", &mut total);
}

fn report(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let min = samples[0];
    println!(
        "  {label:<38} median {:>8.2} ms   min {:>8.2} ms",
        ms(median),
        ms(min)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn walk_size(dir: &Path) -> u64 {
    let mut size = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        size += if meta.is_dir() {
            walk_size(&entry.path())
        } else {
            meta.len()
        };
    }
    size
}
