//! ARNs per partition (issue 11): the same project rendered in a commercial, a China and a
//! GovCloud region names only that partition's ARNs, and an ARN from another partition in the
//! spec is an error at its line.

use crate::support::{ecsctl, fixture};

/// Every string value of the rendered document that is an ARN.
fn arns(doc: &serde_json::Value, out: &mut Vec<String>) {
    match doc {
        serde_json::Value::String(s) if s.starts_with("arn:") => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| arns(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| arns(v, out)),
        _ => {}
    }
}

#[test]
fn render_in_each_partition_names_only_that_partitions_arns() {
    for (env, partition) in [
        ("commercial", "aws"),
        ("china", "aws-cn"),
        ("govcloud", "aws-us-gov"),
    ] {
        let run = ecsctl()
            .current_dir(fixture("partitions"))
            .args(["render", "-e", env, "-o", "json"])
            .run();
        assert_eq!(run.code, Some(0), "{env}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["resources"]["partition"], partition);
        let mut found = Vec::new();
        arns(&doc, &mut found);
        // Repository, log group, secret, parameter, task definitions, tasks, passed roles, the
        // task definition's secrets.
        assert!(found.len() >= 9, "{env}: {found:?}");
        let prefix = format!("arn:{partition}:");
        let foreign: Vec<&String> = found.iter().filter(|a| !a.starts_with(&prefix)).collect();
        assert!(foreign.is_empty(), "{env}: {foreign:?}");
        if partition != "aws" {
            assert!(!run.stdout.contains("arn:aws:"), "{env}");
        }
    }
}

#[test]
fn render_says_enable_execute_command_gave_the_task_role_the_exec_channels() {
    let run = ecsctl()
        .current_dir(fixture("partitions"))
        .args(["render", "-e", "china"])
        .run();
    assert_eq!(
        run.stderr,
        "note: `web` has enableExecuteCommand: its task role `shop-china-web-task` grants ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel (statement `EcsExec`)\n"
    );
    assert!(
        run.stdout
            .contains("  - name: shop-china-web-task\n    purpose: task\n")
    );
}

#[test]
fn an_arn_from_another_partition_is_an_error_at_its_line() {
    ecsctl()
        .current_dir(fixture("partitions"))
        .args(["validate", "-e", "mixed"])
        .run()
        .assert(
            1,
            "",
            "error: `arn:aws:secretsmanager:cn-north-1:111122223333:secret:shop/db` is in partition `aws` but this environment is in `aws-cn` (region `cn-north-1`)
 --> environments/mixed.yaml:6:11 (services.web.secrets.DB)
  |
6 |       DB: arn:aws:secretsmanager:cn-north-1:111122223333:secret:shop/db
  |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = hint: write it as `arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:shop/db`

failed: mixed (1 error, 0 warnings)
error: 1 problem in environments/mixed.yaml; nothing was changed
",
        );
}
