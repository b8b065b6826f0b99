//! The pre-flight (issue 13 item 1) end to end on the emulator: a missing subnet, target group,
//! secret or image is caught before any write, named with the spec line that wrote it, by
//! `apply` (exit 1, zero mutating calls), by `verify` (human and JSON) and, as a warning, by
//! `plan`; a converged plan sends no pre-flight read.

use serde_json::{Value, json};

use crate::apply::Project;
use crate::support;

const FIXTURE: &str = "tests/fixtures/apply-basic";

fn project() -> Project {
    Project::in_account(FIXTURE, support::account())
}

/// A subnet that does not exist: apply writes nothing and points at the env file's line.
#[test]
fn apply_refuses_a_missing_subnet_before_any_write_and_names_the_spec_line() {
    let p = project();
    let gone = [("SUBNET_B", "subnet-0deadbeef00000000")];
    let r = p.run(&["apply", "-e", "test", "--yes", "--stats"], &gone);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "error: subnet `subnet-0deadbeef00000000` does not exist (EC2 DescribeSubnets); used by service `web`, service `worker`"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("environments/test.yaml:3:"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the pre-flight found 1 problem with what the spec references (above); nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(r.mutating_calls(), Vec::<String>::new());
    assert_eq!(
        r.lock_writes(),
        Vec::<String>::new(),
        "the lock is not even taken"
    );
    // verify says the same, and so does its JSON, with the file, line and column.
    let v = p.run(&["verify", "-e", "test", "--output", "json"], &gone);
    assert_eq!(v.code, Some(1), "{}", v.all());
    let doc: Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1, "{doc}");
    let e = &doc["errors"][0];
    assert!(
        e["file"]
            .as_str()
            .unwrap()
            .ends_with("environments/test.yaml"),
        "{e}"
    );
    assert_eq!(e["line"], 3);
    assert_eq!(e["usedBy"], json!(["service `web`", "service `worker`"]));
    // A plan shows it as a warning and still plans.
    let plan = p.run(&["plan", "-e", "test"], &gone);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(
        plan.stderr
            .contains("warning: subnet `subnet-0deadbeef00000000` does not exist")
            && plan.stderr.contains("(apply will refuse to start)"),
        "{}",
        plan.stderr
    );
}

/// A security group of another VPC, a target group that does not exist and a secret that does
/// not exist: every problem at once, nothing written.
#[test]
fn verify_and_apply_name_a_foreign_vpc_a_missing_target_group_and_a_missing_secret() {
    let p = project();
    let other = p.acct.network();
    let arn = format!(
        "arn:aws:elasticloadbalancing:eu-west-1:{}:targetgroup/ap-test-web/0a1b2c3d4e5f6201",
        p.acct.id
    );
    p.set_env_overrides(&format!(
        "services:\n  web:\n    loadBalancers:\n      - targetGroupArn: \"{arn}\"\n    secrets:\n      DB_PASSWORD:\n        secretsManager: \"ap/{{env}}/missing\"\n"
    ));
    let vars = [("SG", other.security_group_id.as_str())];
    let v = p.run(&["verify", "-e", "test", "--stats"], &vars);
    assert_eq!(v.code, Some(1), "{}", v.all());
    for expected in [
        // The diagnostic shortens a long value in its message; the quoted line shows it whole.
        "does not exist (ELB DescribeTargetGroups); used by service `web`".to_string(),
        format!("targetGroupArn: \"{arn}\""),
        format!(
            "error: secret `arn:aws:secretsmanager:eu-west-1:{}:secret:ap/test/missing` does not exist (Secrets Manager DescribeSecret); used by task definition `ap-test-web`",
            p.acct.id
        ),
        format!(
            "error: service `web` uses two VPCs: `{}` is in `{}`, `{}` in `{}`",
            p.net.subnet_ids[0], p.net.vpc_id, other.security_group_id, other.vpc_id
        ),
    ] {
        assert!(
            v.stderr.contains(&expected),
            "missing {expected:?} in:\n{}",
            v.stderr
        );
    }
    assert!(v.stdout.contains("4 problems, 0 warnings"), "{}", v.stdout);
    assert!(
        v.stderr
            .contains("elasticloadbalancing:DescribeTargetGroups=1"),
        "one ARN is asked once: {}",
        v.stderr
    );
    v.assert_no_writes("verify");
    let a = p.run(&["apply", "-e", "test", "--yes", "--stats"], &vars);
    assert_eq!(a.code, Some(1), "{}", a.all());
    assert!(
        a.stderr.contains("the pre-flight found 4 problems"),
        "{}",
        a.stderr
    );
    assert_eq!(a.mutating_calls(), Vec::<String>::new());
}

/// An ECR image whose repository or tag is missing stops apply; pushed, it applies;
/// `--skip-image-check` skips the check (a later pipeline step pushes). Once converged, a plan
/// sends no pre-flight read at all.
#[test]
fn an_image_not_in_ecr_stops_apply_until_pushed_and_a_converged_plan_reads_nothing_extra() {
    let p = project();
    let repo = format!("{}.dkr.ecr.eu-west-1.amazonaws.com/ap-web", p.acct.id);
    p.set_env_overrides(&format!(
        "services:\n  web:\n    image: \"{repo}:${{WEB_TAG:-v1}}\"\n"
    ));
    let r = p.run(&["apply", "-e", "test", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(&format!(
            "image `{repo}:v1` is not in ECR: registry {} in eu-west-1 has no repository `ap-web` (ECR DescribeImages)",
            p.acct.id
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--skip-image-check"), "{}", r.stderr);
    assert_eq!(r.mutating_calls(), Vec::<String>::new());
    p.push_images(&[format!("{repo}:v0")]);
    let r = p.run(&["verify", "-e", "test"], &[]);
    assert!(
        r.stderr.contains("repository `ap-web` of registry")
            && r.stderr.contains("has no tag `v1`"),
        "{}",
        r.stderr
    );
    p.push_images(&[format!("{repo}:v1")]);
    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    let plan = p.run(&["plan", "-e", "test", "--stats"], &[]);
    for service in ["ec2:", "ecr:", "secretsmanager:", "elasticloadbalancing:"] {
        assert!(
            !plan.stderr.contains(service),
            "a converged plan read {service}:\n{}",
            plan.stderr
        );
    }
    // v2 is not pushed yet: --skip-image-check lets the pipeline deploy it anyway.
    let v2 = [("WEB_TAG", "v2")];
    let refused = p.run(&["apply", "-e", "test", "--yes"], &v2);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    p.apply_ok(&["--skip-image-check"], &v2);
}
