//! N-service projects for the emulator benchmark (bench/emulator.rs).
//!
//! Owns the generated `ecsctl.yaml` + `environments/bench.yaml`: services shaped like the root
//! OHI project's (a port, env vars, Secrets Manager refs, Cloud Map discovery, autoscaling on
//! half of them, a task role on every fifth, workers without a port), so a plan reads every kind
//! of resource ecsctl manages. The network comes from `${SUBNET_A}`, `${SUBNET_B}`, `${SG}` and
//! `${VPC}`, because moto validates subnet and security-group ids and cannot create chosen ones
//! (the same approach as tests/emulator/apply.rs). Images take `${IMAGE_TAG:-1.0.0}`, so the
//! benchmark can roll a new tag out to every service the way CI does.
//!
//! Must not: touch AWS, or share code with bench/spec.rs (its generator is tuned for offline
//! model checks of 500 services, this one for what the emulator can serve).

use std::fmt::Write as _;
use std::path::Path;

/// The app and environment every generated project uses.
pub const APP: &str = "bench";
pub const ENV: &str = "bench";

/// The name of service `i`: `svc-000`, `svc-001`, …
pub fn service_name(i: usize) -> String {
    format!("svc-{i:03}")
}

/// Writes an `n`-service project into `dir` (which must exist).
pub fn write_project(dir: &Path, n: usize) -> std::io::Result<()> {
    std::fs::write(dir.join("ecsctl.yaml"), app_file(n))?;
    std::fs::create_dir_all(dir.join("environments"))?;
    std::fs::write(dir.join(format!("environments/{ENV}.yaml")), ENV_FILE)
}

const ENV_FILE: &str = "\
tags:
  Environment: bench
logs:
  retentionDays: 14
network:
  subnets: [\"${SUBNET_A}\", \"${SUBNET_B}\"]
  securityGroups: [\"${SG}\"]
  assignPublicIp: false
discovery:
  vpc: \"${VPC}\"
";

fn app_file(n: usize) -> String {
    let mut s = format!(
        "app: {APP}\nregion: eu-west-1\ntags:\n  Project: bench\n\
         logs:\n  retentionDays: 7\n\
         discovery:\n  namespace: \"{{app}}-{{env}}.local\"\n\
         defaults:\n  cpu: 256\n  memory: 512\n  count: 1\n  discovery:\n    routing: MULTIVALUE\n\
         services:\n"
    );
    for i in 0..n {
        service(&mut s, i);
    }
    s
}

fn service(s: &mut String, i: usize) {
    let name = service_name(i);
    // Every fourth service is a background worker: no port, nothing to discover.
    let worker = i % 4 == 3;
    let w = |s: &mut String, text: String| s.push_str(&text);
    w(s, format!("  {name}:\n"));
    w(
        s,
        format!(
            "    image: \"{{account_id}}.dkr.ecr.{{region}}.amazonaws.com/bench-{name}:${{IMAGE_TAG:-1.0.0}}\"\n"
        ),
    );
    if i.is_multiple_of(3) {
        s.push_str("    cpu: 512\n    memory: 1024\n");
    }
    if worker {
        s.push_str("    discovery:\n      enabled: false\n");
    } else {
        writeln!(s, "    ports: [{}]", 8000 + i % 1000).unwrap();
    }
    writeln!(
        s,
        "    env:\n      SERVICE_NAME: {name}\n      LOG_LEVEL: info\n      UPSTREAM: http://svc-000.bench-{{env}}.local:8000"
    )
    .unwrap();
    s.push_str(
        "    secrets:\n      DATABASE_PASSWORD:\n        secretsManager: \"bench/{env}/database\"\n        key: password\n",
    );
    if i.is_multiple_of(2) {
        s.push_str("    autoscaling:\n      min: 1\n      max: 4\n      cpu: 70\n");
    }
    if i.is_multiple_of(5) {
        writeln!(
            s,
            "    taskRole:\n      statements:\n        - actions: [s3:GetObject]\n          resources: [\"arn:aws:s3:::bench-{name}/*\"]"
        )
        .unwrap();
    }
}
