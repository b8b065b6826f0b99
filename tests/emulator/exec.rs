//! `ecsctl exec` against the emulator up to the Session Manager plugin: a stand-in
//! `session-manager-plugin` on PATH records its argv and exits with the code the test asks for.
//! The argv must be exactly what `aws ecs execute-command` gives the plugin; a missing plugin
//! and a task without ECS Exec are clear errors, with no ExecuteCommand sent.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::{Value, json};

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// A directory holding a stand-in plugin that writes one argument a line to `record`.
fn stand_in_plugin(dir: &Path, record: &Path) {
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\nexit \"${{PLUGIN_EXIT:-0}}\"\n",
        record.display()
    );
    let path = dir.join("session-manager-plugin");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn exec(p: &Project, args: &[&str], path: &str, exit: &str) -> crate::support::Run {
    let mut c = p.cmd(args, &[("PATH", path), ("PLUGIN_EXIT", exit)]);
    c.env_remove("AWS_PROFILE");
    crate::support::Run::from(c.output().expect("run ecsctl"))
}

#[test]
fn exec_hands_the_session_to_the_plugin_as_the_aws_cli_does_and_returns_its_exit_code() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("services:\n  web:\n    enableExecuteCommand: true\n");
    p.apply_ok(&[], &[]);
    let bin = tempfile::tempdir().unwrap();
    let record = bin.path().join("argv");
    stand_in_plugin(bin.path(), &record);
    let path = path_with(bin.path());
    let args = [
        "exec", "-e", "test", "web", "--stats", "--", "sh", "-c", "echo hi",
    ];
    let r = exec(&p, &args, &path, "7");
    assert_eq!(r.code, Some(7), "{}", r.all());
    assert_eq!(r.mutating_calls(), ["ecs:ExecuteCommand"], "{}", r.all());
    let argv: Vec<String> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    // The task and runtime id, read out of band.
    let arns = p.call(
        "ecs",
        "ListTasks",
        json!({"cluster": "ap-test", "serviceName": "ap-test-web"}),
    )["taskArns"]
        .clone();
    let tasks = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": "ap-test", "tasks": arns}),
    );
    let mut running: Vec<&Value> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["lastStatus"] == "RUNNING")
        .collect();
    running.sort_by_key(|t| t["taskArn"].as_str().unwrap().to_string());
    let task = running[0];
    let id = task["taskArn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let runtime = task["containers"][0]["runtimeId"].as_str().unwrap();
    assert_eq!(argv.len(), 6, "{argv:?}");
    let session: Value = serde_json::from_str(&argv[0]).unwrap();
    let keys: Vec<&String> = session.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["sessionId", "streamUrl", "tokenValue"], "{argv:?}");
    assert!(argv[0].starts_with("{\"sessionId\": \""), "{argv:?}");
    assert_eq!(argv[1], "eu-west-1");
    assert_eq!(argv[2], "StartSession");
    assert_eq!(argv[3], "", "no profile: the AWS CLI passes an empty one");
    assert_eq!(
        argv[4],
        format!("{{\"Target\": \"ecs:ap-test_{id}_{runtime}\"}}")
    );
    let endpoint = p
        .acct
        .env()
        .into_iter()
        .find(|(k, _)| k == "AWS_ENDPOINT_URL")
        .unwrap()
        .1;
    assert_eq!(argv[5], endpoint.trim_end_matches('/'));

    // Exit 0 passes through too.
    let r = exec(&p, &args, &path, "0");
    assert_eq!(r.code, Some(0), "{}", r.all());

    // The worker has no ECS Exec: refused before ExecuteCommand, with the fix.
    std::fs::remove_file(&record).unwrap();
    let r = exec(
        &p,
        &["exec", "-e", "test", "worker", "--stats", "--", "sh"],
        &path,
        "0",
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("ECS Exec is not enabled on task `")
            && r.stderr.contains(
                "hint: set `enableExecuteCommand: true` on service `worker` and apply; tasks started before need a redeploy (`ecsctl redeploy -e test worker`)"
            ),
        "{}",
        r.all()
    );
    r.assert_no_writes("exec into a task without ECS Exec");
    assert!(!record.exists(), "the plugin ran");
}

#[test]
fn exec_without_the_plugin_names_the_install_page_and_calls_no_aws() {
    let p = Project::new(FIXTURE);
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().display().to_string();
    let r = exec(
        &p,
        &["exec", "-e", "test", "web", "--stats", "--", "sh"],
        &path,
        "0",
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "the AWS Session Manager plugin (`session-manager-plugin`) is not installed or not on PATH"
        ) && r.stderr.contains(
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
        ),
        "{}",
        r.all()
    );
    assert!(!r.stderr.contains("aws calls:"), "{}", r.all());
}
