//! `ecsctl permissions` against moto's IAM enforcement: plan, apply and destroy run as IAM users
//! that hold exactly the generated policy of their command, and the apply policy minus one
//! action fails with AccessDenied naming it and changes nothing.
//!
//! The server is a dedicated one: moto's enforcement is process-wide. It starts with
//! `INITIAL_NO_AUTH_ACTION_COUNT` set, so the setup (the account, its network, the users, their
//! policies and keys) runs unauthenticated; moto's `/moto-api/reset-auth` then sets the count to
//! 0 and resets moto's process-wide request counter, so every later call is authorised against
//! the caller's policies, however many calls the setup made. What moto does not enforce
//! (resources other than IAM roles, conditions, dependent actions such as iam:PassRole) is in
//! docs/emulator.md, "IAM enforcement"; src/permissions/document_tests.rs pins those.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::apply::Project;
use crate::prune::writes_only;
use crate::support::{Emulator, Run, http};

const FIXTURE: &str = "tests/fixtures/apply-basic";
const ENV: &str = "test";

/// The server with IAM enforcement (not yet on: `enforce` switches it on).
fn enforcing() -> &'static Emulator {
    static SERVER: OnceLock<Emulator> = OnceLock::new();
    // Any large count: the setup's calls run unauthenticated until `enforce`.
    SERVER.get_or_init(|| {
        Emulator::start(
            "iam-enforced",
            &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")],
            1,
        )
    })
}

/// From now on moto authorises every call on `server` against the caller's IAM policies.
fn enforce(server: &Emulator) {
    let r = http::request(
        &server.endpoint,
        "POST",
        "/moto-api/reset-auth",
        &[("Content-Type", "text/plain")],
        "0",
    )
    .expect("POST /moto-api/reset-auth");
    assert_eq!(r.status, 200, "reset-auth: {}", r.body);
}

/// An IAM user in the project's account holding `policy` (a customer managed policy, as a CI
/// role would), with an access key: `(key id, secret)`.
fn user_with_policy(p: &Project, name: &str, policy: &Value) -> (String, String) {
    let call = |op: &str, params: Value| {
        p.acct
            .call("iam", op, params)
            .unwrap_or_else(|e| panic!("iam:{op} for {name}: {e:?}"))
    };
    call("CreateUser", json!({"UserName": name}));
    let created = call(
        "CreatePolicy",
        json!({"PolicyName": name, "PolicyDocument": policy.to_string()}),
    );
    let arn = created["Policy"]["Arn"].as_str().unwrap().to_string();
    call(
        "AttachUserPolicy",
        json!({"UserName": name, "PolicyArn": arn}),
    );
    let key = call("CreateAccessKey", json!({"UserName": name}));
    (
        key["AccessKey"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .to_string(),
        key["AccessKey"]["SecretAccessKey"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

/// `ecsctl permissions -e test --command COMMAND`, parsed.
fn policy(p: &Project, command: &str) -> Value {
    let r = p.run(&["permissions", "-e", ENV, "--command", command], &[]);
    assert_eq!(r.code, Some(0), "permissions: {}", r.all());
    assert_eq!(r.stderr, "", "the account is pinned: no note");
    serde_json::from_str(&r.stdout).expect("one JSON document")
}

/// `policy` without `action` in any statement.
fn without(mut policy: Value, action: &str) -> Value {
    for s in policy["Statement"].as_array_mut().unwrap() {
        s["Action"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a.as_str() != Some(action));
    }
    policy["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !s["Action"].as_array().unwrap().is_empty());
    policy
}

/// ecsctl ARGS as the IAM user with `key` (no session token: a plain user key).
fn run_as(p: &Project, key: &(String, String), args: &[&str]) -> Run {
    let mut c = p.cmd(args, &[]);
    c.env("AWS_ACCESS_KEY_ID", &key.0)
        .env("AWS_SECRET_ACCESS_KEY", &key.1)
        .env_remove("AWS_SESSION_TOKEN");
    Run::from(c.output().expect("run ecsctl"))
}

#[test]
fn plan_apply_and_destroy_run_with_exactly_their_generated_policies() {
    let server = enforcing();
    let p = Project::in_account(FIXTURE, server.account());
    p.set_env_overrides(&format!("account: \"{}\"", p.acct.id));
    let apply_policy = policy(&p, "apply");
    let planner = user_with_policy(&p, "ci-plan", &policy(&p, "plan"));
    let applier = user_with_policy(&p, "ci-apply", &apply_policy);
    let destroyer = user_with_policy(&p, "ci-destroy", &policy(&p, "destroy"));
    // The first write apply makes is taking the lock: without it, nothing may change.
    let no_lock = user_with_policy(
        &p,
        "ci-apply-no-lock",
        &without(apply_policy.clone(), "ssm:PutParameter"),
    );
    // A read apply needs before any write.
    let no_read = user_with_policy(
        &p,
        "ci-apply-no-read",
        &without(apply_policy, "logs:DescribeLogGroups"),
    );
    // A plan policy from before ecsctl read roles and tags in bulk (issue 12).
    let old_planner = user_with_policy(
        &p,
        "ci-plan-old",
        &without(
            without(policy(&p, "plan"), "iam:GetAccountAuthorizationDetails"),
            "tag:GetResources",
        ),
    );
    enforce(server);

    // A key the account does not know is refused: enforcement is on.
    let stranger = ("AKIAUNKNOWN000000000".to_string(), "x".to_string());
    let r = run_as(&p, &stranger, &["plan", "-e", ENV]);
    assert_eq!(r.code, Some(1), "an unknown key was let in:\n{}", r.all());

    // plan as the plan policy: changes to make.
    let r = run_as(&p, &planner, &["plan", "-e", ENV, "--detailed-exitcode"]);
    assert_eq!(r.code, Some(2), "plan before apply:\n{}", r.all());

    // Minus one action apply needs: AccessDenied naming it, and nothing changed.
    let before = writes_only(p.acct.snapshot());
    let id = &p.acct.id;
    let denied = |user: &str, action: &str| {
        format!(
            "AccessDeniedException: User: arn:aws:iam::{id}:user/{user} is not authorized to \
             perform: {action}"
        )
    };
    let read_denied = |prefix: &str| {
        format!(
            "error: reading the live state failed: logs:DescribeLogGroups on `{prefix}`: {}\n  \
             hint: the caller needs `logs:DescribeLogGroups` on this resource\n",
            denied("ci-apply-no-read", "logs:DescribeLogGroups")
        )
    };
    let cases = [
        (
            &no_read,
            "logs:DescribeLogGroups",
            // Two listings run at once (the spec's groups and pruning's prefix): the first
            // denied one is reported.
            vec![read_denied("/ecs/ap-test/w"), read_denied("/ecs/ap-test/")],
        ),
        (
            &no_lock,
            "ssm:PutParameter",
            vec![format!(
                "error: taking the environment lock failed: ssm:PutParameter on \
                 `/ecsctl/locks/ap/test`: {}\n  hint: the caller needs `ssm:PutParameter` on \
                 this resource\n",
                denied("ci-apply-no-lock", "ssm:PutParameter")
            )],
        ),
    ];
    for (key, action, expected) in cases {
        let r = run_as(&p, key, &["apply", "-e", ENV, "--yes"]);
        assert_eq!(r.code, Some(1), "apply without {action}:\n{}", r.all());
        assert!(
            expected.iter().any(|e| r.stderr.ends_with(e)),
            "apply without {action}: want stderr ending in one of\n{expected:#?}\n{}",
            r.all()
        );
        let after = writes_only(p.acct.snapshot());
        assert!(
            after == before,
            "apply without {action} changed the account: {:?}",
            changed_parts(&before, &after)
        );
    }

    // apply as the apply policy, then the plan is empty.
    let r = run_as(&p, &applier, &["apply", "-e", ENV, "--yes"]);
    assert_eq!(r.code, Some(0), "apply with its policy:\n{}", r.all());
    let r = run_as(
        &p,
        &planner,
        &["plan", "-e", ENV, "--detailed-exitcode", "--stats"],
    );
    assert_eq!(r.code, Some(0), "plan after apply:\n{}", r.all());
    assert!(r.stdout.starts_with("No changes."), "{}", r.stdout);
    // The generated policy allows the bulk reads: no role or tag is read one by one.
    for one_by_one in [
        "iam:GetRole=",
        "logs:ListTagsForResource=",
        "iam:ListRolePolicies=",
    ] {
        assert!(!r.stderr.contains(one_by_one), "{one_by_one}\n{}", r.all());
    }
    // Without them (an older policy), plan reads each role and each resource's tags instead,
    // and sees the same: no changes.
    let r = run_as(
        &p,
        &old_planner,
        &["plan", "-e", ENV, "--detailed-exitcode", "--stats"],
    );
    assert_eq!(r.code, Some(0), "plan with an older policy:\n{}", r.all());
    assert!(r.stdout.starts_with("No changes."), "{}", r.stdout);
    for one_by_one in ["iam:GetRole=", "logs:ListTagsForResource="] {
        assert!(r.stderr.contains(one_by_one), "{one_by_one}\n{}", r.all());
    }

    // destroy as the destroy policy removes everything it owns (log groups too).
    let r = run_as(
        &p,
        &destroyer,
        &["destroy", "-e", ENV, "--yes", "--delete-logs"],
    );
    assert_eq!(r.code, Some(0), "destroy with its policy:\n{}", r.all());
    let r = run_as(&p, &planner, &["plan", "-e", ENV, "--detailed-exitcode"]);
    assert_eq!(r.code, Some(2), "plan after destroy:\n{}", r.all());
}

/// The `service.record` keys whose records differ between two snapshots.
fn changed_parts(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    let services = |v: &Value| v.as_object().cloned().unwrap_or_default();
    let (b, a) = (services(before), services(after));
    for service in b.keys().chain(a.keys()) {
        let bs = b.get(service).and_then(Value::as_object).unwrap_or(&empty);
        let as_ = a.get(service).and_then(Value::as_object).unwrap_or(&empty);
        for record in bs.keys().chain(as_.keys()) {
            let name = format!("{service}.{record}");
            if bs.get(record) != as_.get(record) && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
