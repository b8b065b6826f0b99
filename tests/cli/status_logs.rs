//! `ecsctl status` and `ecsctl logs` without AWS: what they refuse before the first call, and
//! the read-only policies `permissions --command status|logs` prints for them.

use crate::support::{ecsctl, fixture};

#[test]
fn logs_refuses_a_bad_since_and_an_unknown_service_before_any_aws_call() {
    let bad = ecsctl()
        .current_dir(fixture("small"))
        .args(["logs", "-e", "dev", "web", "--since", "yesterday"])
        .run();
    bad.assert(
        1,
        "",
        "error: `--since yesterday` is neither a duration (`30s`, `10m`, `2h`, `1d`) nor an RFC 3339 time (`2026-11-28T07:00:00Z`)\n",
    );
    let unknown = ecsctl()
        .current_dir(fixture("small"))
        .args(["logs", "-e", "dev", "nope"])
        .run();
    assert_eq!(unknown.code, Some(1), "{}", unknown.stderr);
    assert!(
        unknown.stderr.ends_with(
            "error: no service or scheduled task `nope` in environment `dev`\n  hint: services and jobs: `web`, `worker`\n"
        ),
        "{}",
        unknown.stderr
    );
}

#[test]
fn status_refuses_an_unknown_service_and_interval_without_watch() {
    let unknown = ecsctl()
        .current_dir(fixture("small"))
        .args(["status", "-e", "dev", "web", "api"])
        .run();
    assert_eq!(unknown.code, Some(1), "{}", unknown.stderr);
    assert!(
        unknown.stderr.ends_with(
            "error: no service `api` in environment `dev`\n  hint: services: `web`, `worker`\n"
        ),
        "{}",
        unknown.stderr
    );
    let interval = ecsctl()
        .args(["status", "-e", "dev", "--interval", "10s"])
        .run();
    assert_eq!(interval.code, Some(1), "{}", interval.stderr);
    assert!(interval.stderr.contains("--watch"), "{}", interval.stderr);
}

#[test]
fn status_and_logs_policies_hold_only_their_reads() {
    let policy = |command: &str| {
        let run = ecsctl()
            .current_dir(fixture("small"))
            .args(["permissions", "-e", "dev", "--command", command])
            .run();
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    let status = policy("status");
    for action in [
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "scheduler:GetSchedule",
    ] {
        assert!(status.contains(action), "{action} missing:\n{status}");
    }
    let logs = policy("logs");
    assert!(logs.contains("\"logs:FilterLogEvents\""), "{logs}");
    assert!(logs.contains(":log-group:/ecs/shop-dev/"), "{logs}");
    for (text, own) in [(&status, "status"), (&logs, "logs")] {
        for write in [
            "Create", "Update", "Delete", "Put", "Register", "RunTask", "PassRole",
        ] {
            assert!(!text.contains(write), "{own} policy has {write}:\n{text}");
        }
    }
    assert!(!status.contains("FilterLogEvents"), "{status}");
    assert!(!logs.contains("ecs:"), "{logs}");
}
