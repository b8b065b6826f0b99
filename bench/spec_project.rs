//! The generated project of the offline benchmarks (bench/spec.rs, bench/validate.rs).
//!
//! Owns `ecsctl.yaml` + `environments/prod.yaml` for N services: every service with env vars,
//! secrets of each kind, a health check, autoscaling and service discovery; some with sidecars
//! and task roles; the environment file overrides counts, autoscaling and an env var of every
//! second service. Must not: touch AWS, or share code with bench/generate.rs (that one is shaped
//! for what the emulator can serve).

use std::fmt::Write as _;
use std::path::Path;

/// The environment every generated project defines.
pub const ENV: &str = "prod";

/// Sizes that Fargate accepts, cycled through so the model checks many pairs.
const SIZES: &[(u32, u32)] = &[
    (256, 512),
    (512, 1024),
    (1024, 2048),
    (1024, 4096),
    (2048, 8192),
    (4096, 16384),
];

/// Writes a project of `services` services into `dir` (which must exist).
pub fn write_project(dir: &Path, services: usize) {
    let mut app = String::new();
    app.push_str(
        "app: bench\nregion: eu-west-1\ntags:\n  team: platform\n  cost-center: \"4711\"\n\
         logs:\n  retentionDays: 30\n\
         discovery:\n  namespace: \"{app}-{env}.local\"\n\
         defaults:\n  deployment:\n    circuitBreaker:\n      enabled: true\n      rollback: true\n\
         services:\n",
    );
    for i in 0..services {
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
            (i + 1) % services,
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
    for i in (0..services).step_by(2) {
        writeln!(prod, "  svc-{i:03}:\n    count: 4\n    autoscaling:\n      min: 4\n      max: 20\n    env:\n      LOG_LEVEL: warn").unwrap();
    }
    std::fs::create_dir_all(dir.join("environments")).unwrap();
    std::fs::write(dir.join("environments").join(format!("{ENV}.yaml")), prod).unwrap();
}
