//! `ecsctl permissions`: the exact policy documents of the small project, offline.

use crate::support::{ecsctl, fixture};

const NO_ACCOUNT: &str = "note: the spec sets no `account:`, so every ARN has `*` for its account\n  \
hint: set `account:` in ecsctl.yaml or the environment to pin the policy to one account\n";

/// dev pins `account:`, so every ARN names it; apply is the default command.
#[test]
fn permissions_for_apply_on_small_dev() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["permissions", "-e", "dev"])
        .run()
        .assert(
            0,
            include_str!("expected/small-dev-permissions-apply.json"),
            "",
        );
}

/// prod has no `account:`: `*` in the account field, and a note on stderr says so.
#[test]
fn permissions_for_plan_on_small_prod() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["permissions", "-e", "prod", "--command", "plan"])
        .run()
        .assert(
            0,
            include_str!("expected/small-prod-permissions-plan.json"),
            NO_ACCOUNT,
        );
}

/// stdout is exactly one JSON document, whatever the command.
#[test]
fn every_command_prints_one_policy_document() {
    for command in ["plan", "apply", "destroy", "run"] {
        let run = ecsctl()
            .current_dir(fixture("small"))
            .args(["permissions", "-e", "dev", "--command", command])
            .run();
        assert_eq!(run.code, Some(0), "{command}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{command}: not JSON ({e}):\n{}", run.stdout));
        assert_eq!(doc["Version"], "2012-10-17", "{command}");
        assert!(doc["Statement"].as_array().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    let run = ecsctl()
        .current_dir(fixture("small"))
        .args(["permissions", "-e", "dev", "--command", "unlock"])
        .run();
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(
            "[possible values: plan, apply, destroy, run, status, verify, logs, exec, redeploy, rollback, prices]"
        ),
        "{}",
        run.stderr
    );
}
