//! The spec benchmark: load + build + render of one environment of a 500-service project.
//!
//! Generates a realistic project in a temporary directory (every service with env vars,
//! secrets of each kind, a health check, autoscaling and service discovery; some with sidecars
//! and task roles; an environment file that overrides sizes and counts), then times the offline
//! pipeline `ecsctl render -e prod` runs, without process start-up. Run with
//! `cargo bench --bench spec`; see bench/README.md.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use ecsctl::cli::args::RenderFormat;
use ecsctl::cli::commands::render::render_document;
use ecsctl::cli::project::process_var;
use ecsctl::model::build::{BuildContext, build};
use ecsctl::spec::load::load_env;

const SERVICES: usize = 500;
const ENV: &str = "prod";
/// Runs after one warm-up; stops early when the time budget is spent.
const RUNS: usize = 30;
const BUDGET: Duration = Duration::from_secs(20);

fn main() {
    let dir = tempfile::tempdir().expect("a temporary project directory");
    write_project(dir.path());
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

/// Sizes that Fargate accepts, cycled through so the model checks many pairs.
const SIZES: &[(u32, u32)] = &[
    (256, 512),
    (512, 1024),
    (1024, 2048),
    (1024, 4096),
    (2048, 8192),
    (4096, 16384),
];

fn write_project(dir: &Path) {
    let mut app = String::new();
    app.push_str(
        "app: bench\nregion: eu-west-1\ntags:\n  team: platform\n  cost-center: \"4711\"\n\
         logs:\n  retentionDays: 30\n\
         discovery:\n  namespace: \"{app}-{env}.local\"\n\
         defaults:\n  deployment:\n    circuitBreaker:\n      enabled: true\n      rollback: true\n\
         services:\n",
    );
    for i in 0..SERVICES {
        let (cpu, memory) = SIZES[i % SIZES.len()];
        let name = format!("svc-{i:03}");
        let port = 8000 + (i % 100);
        writeln!(app, "  {name}:").unwrap();
        writeln!(app, "    image: \"{{account_id}}.dkr.ecr.{{region}}.amazonaws.com/bench/{name}:${{IMAGE_TAG:-v1.{i}.0}}\"").unwrap();
        writeln!(
            app,
            "    cpu: {cpu}\n    memory: {memory}\n    count: 2\n    ports: [{port}]"
        )
        .unwrap();
        app.push_str("    env:\n");
        writeln!(app, "      PORT: {port}\n      SERVICE_NAME: {name}\n      LOG_LEVEL: info\n      FEATURE_X: true").unwrap();
        writeln!(
            app,
            "      UPSTREAM_URL: http://svc-{:03}.bench-{{env}}.local:{}",
            (i + 1) % SERVICES,
            8000 + ((i + 1) % 100)
        )
        .unwrap();
        writeln!(app, "      OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4317\n      TIMEOUT_MS: 2500\n      REGION_HINT: eu").unwrap();
        app.push_str("    secrets:\n");
        writeln!(app, "      DB_PASSWORD: \"arn:aws:secretsmanager:eu-west-1:111122223333:secret:bench/{name}/db:password::\"").unwrap();
        writeln!(
            app,
            "      API_KEY:\n        secretsManager: bench/{name}/api\n        key: key"
        )
        .unwrap();
        writeln!(
            app,
            "      SIGNING_KEY:\n        ssm: /bench/{name}/signing-key"
        )
        .unwrap();
        writeln!(app, "    healthCheck:\n      command: curl -f http://localhost:{port}/health || exit 1\n      interval: 15").unwrap();
        app.push_str("    discovery:\n      records: [A, SRV]\n");
        app.push_str(
            "    autoscaling:\n      min: 2\n      max: 10\n      cpu: 60\n      memory: 75\n",
        );
        if i % 5 == 0 {
            app.push_str("    sidecars:\n      otel:\n        image: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0\n        essential: false\n        containerMemory: 128\n");
            app.push_str("    dependsOn:\n      otel: START\n");
        }
        if i % 3 == 0 {
            writeln!(app, "    taskRole:\n      statements:\n        - actions: [s3:GetObject, s3:PutObject]\n          resources: [\"arn:aws:s3:::bench-{name}/*\"]\n        - actions: [sqs:SendMessage]\n          resources: [\"arn:aws:sqs:eu-west-1:111122223333:bench-{name}\"]").unwrap();
        }
    }
    std::fs::write(dir.join("ecsctl.yaml"), app).unwrap();

    let mut prod = String::from(
        "tags:\n  env: production\n\
         network:\n  subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003]\n  securityGroups: [sg-0a1b2c3d4e5f60011]\n\
         discovery:\n  vpc: vpc-0a1b2c3d4e5f60000\n\
         capacity:\n  base: 1\n  onDemandWeight: 1\n  spotWeight: 3\n\
         services:\n",
    );
    for i in (0..SERVICES).step_by(2) {
        writeln!(prod, "  svc-{i:03}:\n    count: 4\n    autoscaling:\n      min: 4\n      max: 20\n    env:\n      LOG_LEVEL: warn").unwrap();
    }
    std::fs::create_dir_all(dir.join("environments")).unwrap();
    std::fs::write(dir.join("environments").join(format!("{ENV}.yaml")), prod).unwrap();
}
