//! The harness itself: accounts are isolated from each other, the env it hands to processes
//! reaches the right account, snapshots see exactly one account and reads don't change them,
//! and the emulator's server settings (managed policies) are in effect.

use serde_json::json;

use crate::support::{self, REGION};

#[test]
fn two_accounts_are_isolated() {
    let a = support::account();
    let b = support::account();
    assert_ne!(a.id, b.id);
    a.call("ecs", "CreateCluster", json!({"clusterName": "iso"}))
        .unwrap();

    let who_a = a.call("sts", "GetCallerIdentity", json!({})).unwrap();
    let who_b = b.call("sts", "GetCallerIdentity", json!({})).unwrap();
    assert_eq!(who_a["Account"], a.id.as_str());
    assert_eq!(who_b["Account"], b.id.as_str());

    let in_a = a.call("ecs", "ListClusters", json!({})).unwrap();
    let in_b = b.call("ecs", "ListClusters", json!({})).unwrap();
    assert_eq!(
        in_a["clusterArns"],
        json!([format!("arn:aws:ecs:{REGION}:{}:cluster/iso", a.id)])
    );
    assert_eq!(in_b["clusterArns"], json!([]));
}

#[test]
fn env_isolates_home_and_names_the_account() {
    let acct = support::account();
    let env: std::collections::HashMap<_, _> = acct.env().into_iter().collect();
    assert_eq!(env["AWS_ENDPOINT_URL"], support::emulator().endpoint);
    assert!(env["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{env:?}");
    assert_eq!(env["AWS_REGION"], REGION);
    assert_eq!(env["HOME"], acct.home_path().display().to_string());
    assert!(env["AWS_CONFIG_FILE"].starts_with(&env["HOME"]));
    // An AWS error comes back as Err with AWS's code, not as a panic.
    let err = acct
        .call(
            "ecs",
            "DescribeTaskDefinition",
            json!({"taskDefinition": "nope:1"}),
        )
        .unwrap_err();
    assert_eq!(err.code, "ClientException");
    assert_eq!(err.message, "Unable to describe task definition.");
}

#[test]
fn snapshot_sees_one_account_and_reads_leave_it_unchanged() {
    let a = support::account();
    let b = support::account();
    let results = a.batch(&[
        ("ecs", "CreateCluster", json!({"clusterName": "snap"})),
        (
            "logs",
            "CreateLogGroup",
            json!({"logGroupName": "/ecs/snap"}),
        ),
    ]);
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    let before = a.snapshot();
    let clusters = before["ecs"]["Cluster"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["name"], "snap");
    assert_eq!(before["logs"]["LogGroup"][0]["name"], "/ecs/snap");
    assert!(
        b.snapshot().get("ecs").is_none(),
        "account b sees a's cluster"
    );

    let reads = a.batch(&[
        ("ecs", "DescribeClusters", json!({"clusters": ["snap"]})),
        ("ecs", "ListClusters", json!({})),
        ("logs", "DescribeLogGroups", json!({})),
    ]);
    assert!(reads.iter().all(Result::is_ok), "{reads:?}");
    assert_eq!(a.snapshot(), before);
}

#[test]
fn aws_managed_execution_policy_is_attachable() {
    let acct = support::account();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    let results = acct.batch(&[
        (
            "iam",
            "CreateRole",
            json!({"RoleName": "exec", "AssumeRolePolicyDocument": trust.to_string()}),
        ),
        (
            "iam",
            "AttachRolePolicy",
            json!({"RoleName": "exec", "PolicyArn": arn}),
        ),
        (
            "iam",
            "ListAttachedRolePolicies",
            json!({"RoleName": "exec"}),
        ),
    ]);
    let attached = results[2].as_ref().expect("list attached");
    assert_eq!(
        attached["AttachedPolicies"],
        json!([{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": arn}])
    );
}

/// The harness relies on `--watch-parent` to never leave a server behind (statics are not
/// dropped at exit): start one under a shell, let the shell exit, and the server must stop.
#[test]
fn emulator_exits_when_its_parent_dies() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let script = support::repo_root().join("scripts/emulator");
    let mut shell = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' --port 0 --quiet --watch-parent 2>/dev/null & read _",
            script.display()
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn bash");
    let mut lines = BufReader::new(shell.stdout.take().expect("stdout"));
    let mut endpoint = String::new();
    lines.read_line(&mut endpoint).expect("endpoint line");
    let endpoint = endpoint.trim().to_string();
    let addr = endpoint.trim_start_matches("http://").to_string();
    assert!(
        std::net::TcpStream::connect(&addr).is_ok(),
        "{endpoint} not serving"
    );

    writeln!(shell.stdin.take().expect("stdin")).expect("release the shell");
    shell.wait().expect("shell exits");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_ok() {
        assert!(
            Instant::now() < deadline,
            "{endpoint} still serving 20 s after its parent exited"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
