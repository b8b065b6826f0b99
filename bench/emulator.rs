//! The emulator benchmark: `ecsctl plan` and `ecsctl apply` wall time and AWS calls per
//! operation, the release binary run as a subprocess against the patched moto server, the way a
//! user runs it.
//!
//! Scenarios (each in a fresh emulator account, with its own VPC, subnets and security group):
//! 1. plan on 10, 50 and 200 generated services, on an instant-mode emulator (every window 0,
//!    AWS's page sizes: ecsctl plus moto alone, comparable with the figures from before the
//!    realistic mode): on the empty account (everything to create), then after
//!    `apply --yes --no-wait` (converged, must be "No changes.");
//! 2. apply from empty (waiting until stable) and an image change, for the root project's prod
//!    environment (11 services) on the instant emulator and on a realistic one (`REALISTIC`'s
//!    windows: rollouts of 3 s, MISSING and stale reads of 1 s, IAM propagation of 2 s), and
//!    for a 50-service generated project on the instant one; each `ECSCTL_BENCH_APPLY_RUNS`
//!    times (default 3, a fresh account each), reported as median [min–max].
//!
//! Reuses the emulator test harness (tests/emulator/support: servers started with port 0,
//! accounts from sts:AssumeRole, network fixtures through boto3) rather than a second copy.
//! Every account is warmed by one discarded plan before anything is timed, so figures are warm:
//! moto builds an account's backends on its first calls. Call counts come from `--stats`
//! (`note: aws calls: TOTAL: service:Operation=N …` on stderr).
//! 3. latency and AWS's rate limits (bench/latency.rs): root prod and a generated project on an
//!    instant server with `ECSCTL_EMULATOR_RATE_LIMITS=aws`, apply at 60 ms, converged plans
//!    at 0 and 60 ms alternately, and the critical path in round trips.
//!
//! Run: `cargo bench --bench emulator` (≈ 4–6 min on 2 cores, plus scenario 3);
//! `ECSCTL_BENCH_SCENARIOS=plan,apply,latency` picks scenarios (default all),
//! `ECSCTL_BENCH_BIN=PATH` times another ecsctl binary (a release archive's, say) instead of the
//! one cargo built beside this benchmark.
//! `ECSCTL_BENCH_RUNS=N` sets the timed runs per plan (default 5), `ECSCTL_BENCH_SIZES=10,50` the
//! service counts; scenario 3 has `ECSCTL_BENCH_LATENCY_SIZES` (default 200) and
//! `ECSCTL_BENCH_LATENCY_RUNS` (default 3).
//! Must not: run as a test, reset the emulator, or touch anything but 127.0.0.1.

// The harness re-exports more than the benchmark uses.
#[allow(unused_imports)]
#[path = "../tests/emulator/support/mod.rs"]
mod support;

mod generate;
mod latency;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Emulator, Network, TestAccount};

/// Instant mode (docs/emulator.md): every window 0, AWS's own page sizes, no faults, so a
/// figure is ecsctl plus moto alone and stays comparable with figures taken before the
/// realistic mode existed.
const INSTANT: &[(&str, &str)] = &[
    ("ECSCTL_EMULATOR_MODE", "instant"),
    ("ECSCTL_EMULATOR_IAM_PROPAGATION_MS", "0"),
    ("ECSCTL_EMULATOR_SLR_PROPAGATION_MS", "0"),
    ("ECSCTL_EMULATOR_MISSING_MS", "0"),
    ("ECSCTL_EMULATOR_STALE_MS", "0"),
    ("ECSCTL_EMULATOR_ROLLOUT_MS", "0"),
    ("ECSCTL_EMULATOR_DRAIN_MS", "0"),
    ("ECSCTL_EMULATOR_AAS_LAG_MS", "0"),
    ("ECSCTL_EMULATOR_DEREGISTER_MS", "0"),
    ("ECSCTL_EMULATOR_GROUP_DELETE_MS", "0"),
    ("ECSCTL_EMULATOR_TASK_RUN_MS", "0"),
    ("ECSCTL_EMULATOR_PAGE_SIZE", "0"),
];

/// Realistic mode with the server's default ("demo scale") windows, and AWS's own page sizes
/// so the call counts are the ones AWS would see: a role unusable for 2 s, a new service
/// MISSING for 1 s and an update read stale for 1 s, a rollout of 3 s with the old deployment
/// beside the new one, Application Auto Scaling 1 s behind ECS.
const REALISTIC: &[(&str, &str)] = &[
    ("ECSCTL_EMULATOR_MODE", "realistic"),
    ("ECSCTL_EMULATOR_IAM_PROPAGATION_MS", "2000"),
    ("ECSCTL_EMULATOR_SLR_PROPAGATION_MS", "2000"),
    ("ECSCTL_EMULATOR_MISSING_MS", "1000"),
    ("ECSCTL_EMULATOR_STALE_MS", "1000"),
    ("ECSCTL_EMULATOR_ROLLOUT_MS", "3000"),
    ("ECSCTL_EMULATOR_DRAIN_MS", "2000"),
    ("ECSCTL_EMULATOR_AAS_LAG_MS", "1000"),
    ("ECSCTL_EMULATOR_DEREGISTER_MS", "1500"),
    ("ECSCTL_EMULATOR_GROUP_DELETE_MS", "1000"),
    ("ECSCTL_EMULATOR_TASK_RUN_MS", "2000"),
    ("ECSCTL_EMULATOR_PAGE_SIZE", "0"),
    // Kept comparable with the figures measured before rate limits existed; the latency
    // scenario below turns them on.
    ("ECSCTL_EMULATOR_RATE_LIMITS", "off"),
];

/// One run of the binary: wall time, exit code, outputs and the `--stats` counts.
struct Run {
    wall: Duration,
    /// CPU time (user + system) of the ecsctl process itself: the rest of `wall` is waiting
    /// for the emulator.
    cpu: Duration,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    calls: BTreeMap<String, u32>,
}

impl Run {
    fn total_calls(&self) -> u32 {
        self.calls.values().sum()
    }

    fn expect_ok(self, what: &str) -> Run {
        if self.code != Some(0) {
            panic!(
                "{what} failed (exit {:?}):\n{}\n{}",
                self.code, self.stdout, self.stderr
            );
        }
        self
    }
}

/// A project directory bound to one fresh account and its network.
struct Bench {
    acct: TestAccount,
    net: Network,
    dir: tempfile::TempDir,
    env: String,
}

impl Bench {
    fn new(emulator: &Emulator, env: &str) -> Bench {
        let acct = emulator.account();
        let net = acct.network();
        let dir = tempfile::tempdir().expect("temp project dir");
        Bench {
            acct,
            net,
            dir,
            env: env.to_string(),
        }
    }

    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(ecsctl_bin());
        self.acct.apply(&mut cmd);
        cmd.arg("-C")
            .arg(self.dir.path())
            .args(args)
            .env("SUBNET_A", &self.net.subnet_ids[0])
            .env("SUBNET_B", &self.net.subnet_ids[1])
            .env("SG", &self.net.security_group_id)
            .env("VPC", &self.net.vpc_id)
            .env("NO_COLOR", "1")
            .env_remove("IMAGE_TAG")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let cpu0 = children_cpu();
        let t0 = Instant::now();
        let out = cmd.output().expect("run ecsctl");
        let wall = t0.elapsed();
        let cpu = children_cpu().saturating_sub(cpu0);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        Run {
            wall,
            cpu,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            calls: parse_stats(&stderr),
            stderr,
        }
    }

    fn plan(&self) -> Run {
        let env = self.env.clone();
        self.run(&["plan", "-e", &env, "--stats"], &[])
            .expect_ok("plan")
    }

    fn apply(&self, extra: &[&str], vars: &[(&str, &str)]) -> Run {
        let env = self.env.clone();
        let mut args = vec!["apply", "-e", &env, "--yes", "--stats"];
        args.extend_from_slice(extra);
        self.run(&args, vars).expect_ok("apply")
    }

    /// Panics unless a plan now says "No changes." (a benchmark of a wrong result is no figure).
    fn assert_converged(&self) -> Run {
        let r = self.plan();
        assert!(
            r.stdout.starts_with("No changes."),
            "not converged:\n{}",
            r.stdout
        );
        r
    }
}

/// `note: aws calls: 99: ecs:DescribeClusters=1 …` → the per-operation map.
fn parse_stats(stderr: &str) -> BTreeMap<String, u32> {
    let Some(line) = stderr.lines().rev().find(|l| l.contains("aws calls: ")) else {
        return BTreeMap::new();
    };
    let list = line.split_once("aws calls: ").map(|x| x.1).unwrap_or("");
    let list = list.split_once(": ").map(|x| x.1).unwrap_or("");
    list.split_whitespace()
        .filter_map(|kv| kv.rsplit_once('='))
        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
        .collect()
}

/// CPU time of this process's waited-for children (Linux `/proc/self/stat` fields 16 and 17,
/// `cutime` + `cstime`, in clock ticks of 10 ms); zero where there is no procfs.
fn children_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the `(comm)`, which may contain spaces: field 3 is the first one here.
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(13).copied().unwrap_or(0) + f.get(14).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Median and min of the wall times of a set of runs, and their median CPU time.
struct Stat {
    median: Duration,
    min: Duration,
    cpu: Duration,
}

fn stat(runs: &[Run]) -> Stat {
    let mut t: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    t.sort();
    let mut c: Vec<Duration> = runs.iter().map(|r| r.cpu).collect();
    c.sort();
    Stat {
        median: t[t.len() / 2],
        min: t[0],
        cpu: c[c.len() / 2],
    }
}

/// The calls of the timed runs: they must agree, or the table shows the range.
fn calls_of(runs: &[Run]) -> (BTreeMap<String, u32>, String) {
    let totals: Vec<u32> = runs.iter().map(Run::total_calls).collect();
    let (lo, hi) = (totals.iter().min().unwrap(), totals.iter().max().unwrap());
    let text = if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    };
    (runs[0].calls.clone(), text)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Results of scenario 1 for one size.
struct PlanResult {
    services: usize,
    empty: (Stat, BTreeMap<String, u32>, String),
    apply: Run,
    converged: (Stat, BTreeMap<String, u32>, String),
}

fn plan_scenario(emulator: &Emulator, n: usize, runs: usize) -> PlanResult {
    let b = Bench::new(emulator, generate::ENV);
    generate::write_project(b.dir.path(), n).expect("write project");
    support::fixtures::bind(&b.acct, &b.net, b.dir.path());
    let _warm = b.plan();
    let empty: Vec<Run> = (0..runs).map(|_| b.plan()).collect();
    let apply = b.apply(&["--no-wait"], &[]);
    let _warm = b.assert_converged();
    let converged: Vec<Run> = (0..runs).map(|_| b.assert_converged()).collect();
    let (ec, et) = calls_of(&empty);
    let (cc, ct) = calls_of(&converged);
    PlanResult {
        services: n,
        empty: (stat(&empty), ec, et),
        apply,
        converged: (stat(&converged), cc, ct),
    }
}

/// Results of scenario 2 for one project: each step once per repetition (a fresh account each).
struct ApplyResult {
    name: String,
    mode: &'static str,
    services: usize,
    from_empty: Vec<Run>,
    one_image: Vec<Run>,
    all_images: Vec<Run>,
}

/// The root project (`-C <repo> -e prod`) copied to a temp dir, its placeholder network ids
/// replaced by the account's: moto validates subnets and cannot create chosen ids (the approach
/// of tests/emulator/apply.rs `root_project`, with a third real subnet instead of a repeat).
fn root_prod(emulator: &Emulator) -> Bench {
    let b = Bench::new(emulator, "prod");
    let root = support::repo_root();
    std::fs::copy(root.join("ecsctl.yaml"), b.dir.path().join("ecsctl.yaml")).expect("copy");
    std::fs::create_dir_all(b.dir.path().join("environments")).unwrap();
    // prod names three subnets; moto rejects a list naming one twice, so add a third (AZ c).
    let third = b
        .acct
        .call(
            "ec2",
            "CreateSubnet",
            serde_json::json!({"VpcId": b.net.vpc_id, "CidrBlock": "10.0.3.0/24",
                "AvailabilityZone": "eu-west-1c"}),
        )
        .expect("a third subnet");
    let third = third["Subnet"]["SubnetId"].as_str().expect("SubnetId");
    let subnets = [&b.net.subnet_ids[0], &b.net.subnet_ids[1], third];
    let mut text = std::fs::read_to_string(root.join("environments/prod.yaml")).unwrap();
    for i in 0..3 {
        for (j, to) in subnets.iter().enumerate() {
            let from = format!("subnet-0a1b2c3d4e5f60{i}0{}", j + 1);
            text = text.replace(&from, to);
        }
        text = text.replace(&format!("sg-0a1b2c3d4e5f60{i}11"), &b.net.security_group_id);
        text = text.replace(&format!("vpc-0a1b2c3d4e5f60{i}00"), &b.net.vpc_id);
    }
    std::fs::write(b.dir.path().join("environments/prod.yaml"), text).unwrap();
    support::fixtures::bind(&b.acct, &b.net, b.dir.path());
    b
}

/// `first` is the service whose image changes, `repo` its repository (the image changes tag
/// only, so the execution role's ECR statement stays as it is, as in a real deploy). `project`
/// makes a fresh project in a fresh account for each of the `reps` repetitions.
fn apply_scenario(
    name: &str,
    mode: &'static str,
    reps: usize,
    project: impl Fn() -> Bench,
    services: usize,
    (first, repo): (&str, &str),
    all: bool,
) -> ApplyResult {
    let mut result = ApplyResult {
        name: name.to_string(),
        mode,
        services,
        from_empty: Vec::new(),
        one_image: Vec::new(),
        all_images: Vec::new(),
    };
    for _ in 0..reps {
        let b = project();
        let _warm = b.plan();
        result.from_empty.push(b.apply(&[], &[]));
        b.assert_converged();
        let image = format!("{}.dkr.ecr.eu-west-1.amazonaws.com/{repo}:2.0.0", b.acct.id);
        support::fixtures::push_tag(&b.acct, &b.net, b.dir.path(), "2.0.0");
        result
            .one_image
            .push(b.apply(&["--image", &format!("{first}={image}")], &[]));
        if all {
            // Keep the one-service override, so only the tag rolls out everywhere else.
            result.all_images.push(b.apply(
                &["--image", &format!("{first}={image}")],
                &[("IMAGE_TAG", "2.0.0")],
            ));
        }
    }
    result
}

/// The ecsctl binary to time: `ECSCTL_BENCH_BIN`, else the one built with this benchmark.
fn ecsctl_bin() -> std::path::PathBuf {
    std::env::var_os("ECSCTL_BENCH_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_BIN_EXE_ecsctl")))
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|x| x.trim().parse().expect("a number"))
            .collect(),
        _ => default.to_vec(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let started = Instant::now();
    let scenarios = std::env::var("ECSCTL_BENCH_SCENARIOS").unwrap_or_default();
    let want =
        |name: &str| scenarios.trim().is_empty() || scenarios.split(',').any(|s| s.trim() == name);
    if want("latency") {
        latency_main();
    }
    if !want("plan") && !want("apply") {
        return;
    }
    let runs = env_list("ECSCTL_BENCH_RUNS", &[5])[0].max(1);
    let sizes = if want("plan") {
        env_list("ECSCTL_BENCH_SIZES", &[10, 50, 200])
    } else {
        Vec::new()
    };
    let reps = env_list("ECSCTL_BENCH_APPLY_RUNS", &[3])[0].max(1);
    let instant = Emulator::start("bench-instant", INSTANT, 1);
    let realistic = Emulator::start("bench-realistic", REALISTIC, 1);
    eprintln!(
        "emulators: instant {}, realistic {} ({:.1} s); binary {}",
        instant.endpoint,
        realistic.endpoint,
        started.elapsed().as_secs_f64(),
        ecsctl_bin().display()
    );

    let mut plans = Vec::new();
    for &n in &sizes {
        let t = Instant::now();
        plans.push(plan_scenario(&instant, n, runs));
        eprintln!("plan, {n} services: {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut applies = Vec::new();
    let apply_modes = if want("apply") {
        vec![("instant", &instant), ("realistic", &realistic)]
    } else {
        Vec::new()
    };
    for (mode, emulator) in apply_modes {
        let t = Instant::now();
        applies.push(apply_scenario(
            "root `prod`",
            mode,
            reps,
            || root_prod(emulator),
            11,
            ("api", "ohi-api"),
            false,
        ));
        eprintln!(
            "apply, root prod ({mode}): {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let first = generate::service_name(0);
    let repo = format!("bench-{first}");
    let generated = || {
        let b = Bench::new(&instant, generate::ENV);
        generate::write_project(b.dir.path(), 50).expect("write project");
        support::fixtures::bind(&b.acct, &b.net, b.dir.path());
        b
    };
    if want("apply") {
        applies.push(apply_scenario(
            "generated",
            "instant",
            reps,
            generated,
            50,
            (&first, &repo),
            true,
        ));
        eprintln!("apply, 50 services: {:.1} s", t.elapsed().as_secs_f64());
    }

    if !plans.is_empty() {
        print_plans(&plans, runs);
        print_operations(&plans);
    }
    if !applies.is_empty() {
        print_applies(&applies);
    }
    println!(
        "\nTotal benchmark time {:.0} s.",
        started.elapsed().as_secs_f64()
    );
}

/// Scenario 3 (bench/latency.rs): root prod and `ECSCTL_BENCH_LATENCY_SIZES` generated
/// services (default 200), `ECSCTL_BENCH_LATENCY_RUNS` plans at each latency (default 3).
fn latency_main() {
    let started = Instant::now();
    let runs = env_list("ECSCTL_BENCH_LATENCY_RUNS", &[3])[0].max(1);
    let sizes = env_list("ECSCTL_BENCH_LATENCY_SIZES", &[200]);
    let settings: Vec<(&str, &str)> = INSTANT.iter().chain(latency::SETTINGS).copied().collect();
    let server = Emulator::start("bench-latency", &settings, 1);
    let mut results = Vec::new();
    let t = Instant::now();
    results.push(latency::scenario(
        &server,
        "root `prod`",
        root_prod(&server),
        11,
        ("api", "ohi-api"),
        runs,
    ));
    eprintln!("latency, root prod: {:.1} s", t.elapsed().as_secs_f64());
    let first = generate::service_name(0);
    let repo = format!("bench-{first}");
    for n in sizes {
        let t = Instant::now();
        let b = Bench::new(&server, generate::ENV);
        generate::write_project(b.dir.path(), n).expect("write project");
        support::fixtures::bind(&b.acct, &b.net, b.dir.path());
        support::fixtures::bind(&b.acct, &b.net, b.dir.path());
        results.push(latency::scenario(
            &server,
            "generated",
            b,
            n,
            (&first, &repo),
            runs,
        ));
        eprintln!("latency, {n} services: {:.1} s", t.elapsed().as_secs_f64());
    }
    latency::print(&results);
    println!(
        "\nLatency scenario time {:.0} s.",
        started.elapsed().as_secs_f64()
    );
}

fn print_plans(plans: &[PlanResult], runs: usize) {
    println!("\n### plan (warm account; wall time of the binary, {runs} runs after 1 discarded)\n");
    println!(
        "| services | state | median | min | ecsctl CPU | AWS calls | calls / service | apply --no-wait before |"
    );
    println!("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for p in plans {
        let n = p.services as f64;
        for (state, (s, calls, text), apply) in [
            ("empty (all creates)", &p.empty, String::new()),
            ("converged", &p.converged, secs(p.apply.wall)),
        ] {
            let total: u32 = calls.values().sum();
            println!(
                "| {} | {state} | {} | {} | {} | {text} | {:.1} | {apply} |",
                p.services,
                ms(s.median),
                ms(s.min),
                ms(s.cpu),
                f64::from(total) / n
            );
        }
    }
}

fn print_operations(plans: &[PlanResult]) {
    let mut ops: Vec<&String> = plans
        .iter()
        .flat_map(|p| p.empty.1.keys().chain(p.converged.1.keys()))
        .collect();
    ops.sort();
    ops.dedup();
    println!("\n### plan: AWS calls per operation (empty / converged)\n");
    let head: Vec<String> = plans
        .iter()
        .map(|p| format!("{} svc", p.services))
        .collect();
    println!("| operation | {} |", head.join(" | "));
    println!("| --- |{}", " ---: |".repeat(plans.len()));
    for op in ops {
        let cells: Vec<String> = plans
            .iter()
            .map(|p| {
                let e = p.empty.1.get(op).copied().unwrap_or(0);
                let c = p.converged.1.get(op).copied().unwrap_or(0);
                format!("{e} / {c}")
            })
            .collect();
        println!("| `{op}` | {} |", cells.join(" | "));
    }
}

fn print_applies(applies: &[ApplyResult]) {
    println!("\n### apply (warm account; waits until stable)\n");
    println!(
        "| project | mode | services | step | wall time, median [min–max] (runs) | ecsctl CPU (median) | AWS calls | plan summary |"
    );
    println!("| --- | --- | ---: | --- | ---: | ---: | ---: | --- |");
    for a in applies {
        let rows = [
            ("from empty", &a.from_empty),
            ("image change, 1 service (`--image`)", &a.one_image),
            ("image change, all services (`IMAGE_TAG`)", &a.all_images),
        ];
        for (step, runs) in rows {
            if runs.is_empty() {
                continue;
            }
            let mut wall: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
            wall.sort();
            let st = stat(runs);
            let (_, calls) = calls_of(runs);
            println!(
                "| {} | {} | {} | {step} | {} [{}–{}] ({}) | {} | {calls} | {} |",
                a.name,
                a.mode,
                a.services,
                secs(st.median),
                secs(wall[0]),
                secs(wall[wall.len() - 1]),
                runs.len(),
                secs(st.cpu),
                summary(&runs[0].stdout)
            );
        }
    }
    let windows: Vec<String> = REALISTIC
        .iter()
        .skip(1)
        .map(|(k, v)| {
            let name = k
                .trim_start_matches("ECSCTL_EMULATOR_")
                .trim_end_matches("_MS")
                .to_lowercase();
            format!("{name} {v}")
        })
        .collect();
    println!(
        "\nRealistic windows (ms; page size 0 = AWS's own): {}.",
        windows.join(", ")
    );
}

/// "Plan: 2 to add, …" from apply's stdout.
fn summary(stdout: &str) -> String {
    stdout
        .lines()
        .find(|l| l.starts_with("Plan: "))
        .unwrap_or("?")
        .trim_start_matches("Plan: ")
        .trim_end_matches('.')
        .to_string()
}
