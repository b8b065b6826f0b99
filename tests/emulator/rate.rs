//! ecsctl stays under AWS's request rates without retrying (src/aws/rate.rs): on a private
//! emulator with `ECSCTL_EMULATOR_RATE_LIMITS=aws` (scripts/moto/throttle.py, AWS's buckets per
//! account), apply and plan of a generated project get no throttling error at all, while the
//! same plan with the pacing turned off (`ECSCTL_RATE_LIMIT=off`, a user setting) is throttled:
//! the workload is big enough to matter. The emulator's buckets are ecsctl's (same table).

use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::{Emulator, Network, Run, TestAccount, http};

#[allow(dead_code)] // the benchmark's generator; only `write_project` and `ENV` are used here
#[path = "../../bench/generate.rs"]
mod generate;

/// Services in the generated project: enough that its reads exceed CloudWatch Logs' 5 a second
/// and IAM's buckets several times over.
const SERVICES: usize = 12;

fn limited() -> &'static Emulator {
    static SERVER: OnceLock<Emulator> = OnceLock::new();
    SERVER.get_or_init(|| Emulator::start("rate", &[("ECSCTL_EMULATOR_RATE_LIMITS", "aws")], 10))
}

fn throttle_report(e: &Emulator) -> Value {
    let r = http::request(&e.endpoint, "GET", "/ecsctl-emulator/throttle", &[], "")
        .expect("GET /ecsctl-emulator/throttle");
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("throttle JSON")
}

fn throttled(e: &Emulator) -> u64 {
    throttle_report(e)["throttled"].as_u64().expect("throttled")
}

fn refill(e: &Emulator, acct: &TestAccount) {
    let path = format!("/ecsctl-emulator/throttle/refill?account={}", acct.id);
    let r = http::request(&e.endpoint, "POST", &path, &[], "").expect("POST refill");
    assert_eq!(r.status, 200, "{}", r.body);
}

struct Project {
    acct: TestAccount,
    net: Network,
    dir: tempfile::TempDir,
}

impl Project {
    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cmd: Command = self.acct.ecsctl();
        cmd.arg("-C")
            .arg(self.dir.path())
            .args(args)
            .env("SUBNET_A", &self.net.subnet_ids[0])
            .env("SUBNET_B", &self.net.subnet_ids[1])
            .env("SG", &self.net.security_group_id)
            .env("VPC", &self.net.vpc_id)
            .env("NO_COLOR", "1")
            .env_remove("ECSCTL_RATE_LIMIT")
            .envs(vars.iter().copied());
        cmd.output().expect("run ecsctl").into()
    }
}

#[test]
fn apply_and_plan_stay_under_aws_rate_limits_without_throttling() {
    let server = limited();
    let acct = server.account();
    let net = acct.network();
    let dir = tempfile::tempdir().unwrap();
    generate::write_project(dir.path(), SERVICES).unwrap();
    crate::support::fixtures::bind(&acct, &net, dir.path());
    let p = Project { acct, net, dir };
    let env = generate::ENV;

    let before = throttled(server);
    let apply = p.run(&["apply", "-e", env, "--yes", "--no-wait", "--stats"], &[]);
    assert_eq!(apply.code, Some(0), "{}", apply.all());
    // AWS's buckets are the account's, not the process's: a plan right after the apply starts
    // on what the apply left, and ecsctl cannot know that (docs/aws.md, "Request rate"). Plan
    // as if the apply had been a minute ago.
    refill(server, &p.acct);
    let plan = p.run(&["plan", "-e", env, "--detailed-exitcode", "--stats"], &[]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    let report = throttle_report(server);
    assert_eq!(
        report["throttled"].as_u64(),
        Some(before),
        "ecsctl was throttled: {}",
        report["by_operation"]
    );
    assert!(report["limited"].as_u64().unwrap() > 0, "{report}");

    // The same plan without the pacing: AWS's buckets empty and requests are throttled (the
    // SDK's retries then get the plan through).
    refill(server, &p.acct);
    let unpaced = p.run(
        &["plan", "-e", env, "--stats"],
        &[("ECSCTL_RATE_LIMIT", "off")],
    );
    let after = throttled(server);
    assert!(
        after > before,
        "an unpaced plan of {SERVICES} services was never throttled:\n{}",
        unpaced.all()
    );
}

/// The emulator's buckets are ecsctl's: one table of figures, in two languages.
#[test]
fn the_emulator_throttles_with_ecsctls_own_table() {
    let report = throttle_report(limited());
    let ours: Vec<Value> = ecsctl::aws::rate::TABLE
        .iter()
        .map(|r| {
            json!({"service": r.service, "bucket": r.bucket, "burst": r.burst, "rate": r.rate,
                   "operations": r.operations})
        })
        .collect();
    assert_eq!(report["table"], Value::Array(ours));
    assert_eq!(report["rate_limits"], "aws");
}
