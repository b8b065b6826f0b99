//! `ecsctl plan --all` without AWS: the flags it refuses, and a run where every environment
//! fails (the endpoint is a closed port, one spec is invalid) still prints one report naming
//! each, keeps each environment's stderr together in name order, and exits 1. The plans
//! themselves are in tests/emulator/plan_all.rs; the views (and the markdown size limit) are
//! unit tests of `render::all*`, which are pure.

use std::net::TcpListener;
use std::path::Path;

use crate::support::{Ecsctl, Run, ecsctl, fixture};

const USAGE: &str =
    "\nUsage: ecsctl plan <--env <ENV>|--all>\n\nFor more information, try '--help'.\n";

#[test]
fn plan_needs_exactly_one_of_env_and_all() {
    let dir = fixture("small");
    ecsctl().current_dir(&dir).args(["plan"]).run().assert(
        1,
        "",
        &format!("error: the following required arguments were not provided:\n  <--env <ENV>|--all>\n{USAGE}"),
    );
    ecsctl()
        .current_dir(&dir)
        .args(["plan", "--all", "-e", "dev"])
        .run()
        .assert(
            1,
            "",
            &format!("error: the argument '--all' cannot be used with '--env <ENV>'\n{USAGE}"),
        );
}

/// A saved plan is one environment's contract for `apply PLANFILE`: `--all` refuses `--out`
/// before reading anything (no AWS settings here at all).
#[test]
fn plan_all_refuses_out_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plans");
    ecsctl()
        .current_dir(fixture("small"))
        .args(["plan", "--all", "--out"])
        .args([&file])
        .run()
        .assert(
            1,
            "",
            &format!(
                "error: `--out {}` saves one environment's plan, and `--all` plans every environment; nothing was read\n  \
hint: save each environment's plan with `ecsctl plan -e ENV --out FILE`, then `ecsctl apply FILE` applies it\n",
                file.display()
            ),
        );
    assert!(!file.exists());
}

#[test]
fn plan_all_without_environments_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ecsctl.yaml"),
        "app: shop\nregion: eu-west-1\n",
    )
    .unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["plan", "--all"])
        .run()
        .assert(
            1,
            "",
            "error: no environments in `environments`\n  hint: create `environments/<env>.yaml`, e.g. `prod.yaml`\n",
        );
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// `dev` (valid) and `qa` (a misspelt key) of a one-service project.
fn project(dir: &Path) {
    std::fs::create_dir(dir.join("environments")).unwrap();
    std::fs::write(
        dir.join("ecsctl.yaml"),
        "app: shop\nregion: eu-west-1\nservices:\n  web:\n    image: nginx:1.27\n    cpu: 256\n    memory: 512\n",
    )
    .unwrap();
    let env = "network:\n  subnets: [subnet-0a1b2c3d4e5f60101]\n  securityGroups: [sg-0a1b2c3d4e5f60111]\ndiscovery:\n  enabled: false\n";
    std::fs::write(dir.join("environments/dev.yaml"), env).unwrap();
    std::fs::write(
        dir.join("environments/qa.yaml"),
        format!("{env}protectd: true\n"),
    )
    .unwrap();
}

fn plan_all(dir: &Path, endpoint: &str) -> Ecsctl {
    ecsctl()
        .current_dir(dir)
        .args(["--color", "never", "plan", "--all"])
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
}

/// The elapsed time of the last note, which varies, as `T`.
fn timeless(mut run: Run) -> Run {
    let start = run.stderr.find("note: planned ").unwrap();
    let start = start + run.stderr[start..].find(" in ").unwrap() + " in ".len();
    let end = start + run.stderr[start..].find(" s\n").unwrap();
    run.stderr.replace_range(start..end, "T");
    run
}

const UNREACHABLE: &str = "cannot reach STS at `{endpoint}` (connection refused)";
const UNREACHABLE_HINT: &str = "  hint: check the network and the endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS, the profile's `endpoint_url`) and the region (AWS_REGION, the profile, the spec)";

fn stderr(endpoint: &str) -> String {
    let unreachable = UNREACHABLE.replace("{endpoint}", endpoint);
    format!(
        "error: `dev`: {unreachable}\n{UNREACHABLE_HINT}\n\
error: unknown key `protectd` at the top level\n --> environments/qa.yaml:6:1 (protectd)\n  |\n6 | protectd: true\n  | ^^^^^^^^\n  = hint: did you mean `protected`?\n\n\
error: `qa`: 1 problem in environments/qa.yaml; nothing was changed\n\
note: planned 2 environments in T s\n\
error: 2 of 2 environments could not be planned: `dev`, `qa`\n  hint: each one's error is above; `ecsctl plan -e ENV` plans one alone\n"
    )
}

/// Every environment failing is still one report on stdout, each one's error on stderr in
/// name order, and exit 1 even with `--detailed-exitcode`.
#[test]
fn plan_all_reports_each_failed_environment_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let endpoint = closed_port();
    let unreachable = UNREACHABLE.replace("{endpoint}", &endpoint);
    let run = timeless(
        plan_all(dir.path(), &endpoint)
            .args(["--detailed-exitcode"])
            .run(),
    );
    run.assert(
        1,
        &format!(
            "=== dev ===\n\nFailed: {unreachable}\n\n=== qa ===\n\nFailed: 1 problem in environments/qa.yaml; nothing was changed\n\n\
Environments:\n  dev  failed\n  qa   failed\nTotal: no changes in 0 of 2 environments (2 failed).\n"
        ),
        &stderr(&endpoint),
    );
}

#[test]
fn plan_all_json_is_one_document_with_each_environments_error() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let endpoint = closed_port();
    let run = timeless(
        plan_all(dir.path(), &endpoint)
            .args(["--output", "json"])
            .run(),
    );
    assert_eq!((run.code, run.stderr.clone()), (Some(1), stderr(&endpoint)));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let unreachable = UNREACHABLE.replace("{endpoint}", &endpoint);
    assert_eq!(
        doc,
        serde_json::json!({
            "kind": "ecsctl-plan-all",
            "formatVersion": "1.0",
            "summary": {"add": 0, "change": 0, "destroy": 0, "hasChanges": false, "environments": 2, "failed": 2},
            "environments": [
                {"env": "dev", "status": "failed", "protected": null, "plan": null,
                 "error": format!("{unreachable}\n{UNREACHABLE_HINT}")},
                {"env": "qa", "status": "failed", "protected": null, "plan": null,
                 "error": "1 problem in environments/qa.yaml; nothing was changed"},
            ]
        })
    );
}

#[test]
fn plan_all_markdown_is_one_comment_with_a_row_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let endpoint = closed_port();
    let run = timeless(
        plan_all(dir.path(), &endpoint)
            .args(["--output", "markdown"])
            .run(),
    );
    let unreachable = UNREACHABLE.replace("{endpoint}", &endpoint);
    run.assert(
        1,
        &format!(
            "### ecsctl plan: every environment\n\n\
| Environment | Add | Change | Destroy | Protected | Error |\n|---|---:|---:|---:|---|---|\n\
| `dev` | | | | | :x: {unreachable} |\n\
| `qa` | | | | | :x: 1 problem in environments/qa.yaml; nothing was changed |\n\n\
**Total: no changes in 0 of 2 environments (2 failed).**\n\n\
<details><summary><code>dev</code>: failed</summary>\n\n```text\n{unreachable}\n{UNREACHABLE_HINT}\n```\n\n</details>\n\n\
<details><summary><code>qa</code>: failed</summary>\n\n```text\n1 problem in environments/qa.yaml; nothing was changed\n```\n\n</details>\n\n"
        ),
        &stderr(&endpoint),
    );
}

/// One environment is counted as one (the note once said "1 environments").
#[test]
fn plan_all_of_one_environment_counts_it_as_one() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    std::fs::remove_file(dir.path().join("environments/qa.yaml")).unwrap();
    let endpoint = closed_port();
    let run = timeless(plan_all(dir.path(), &endpoint).run());
    let unreachable = UNREACHABLE.replace("{endpoint}", &endpoint);
    run.assert(
        1,
        &format!(
            "=== dev ===\n\nFailed: {unreachable}\n\nEnvironments:\n  dev  failed\n\
Total: no changes in 0 of 1 environment (1 failed).\n"
        ),
        &format!(
            "error: `dev`: {unreachable}\n{UNREACHABLE_HINT}\nnote: planned 1 environment in T s\n\
error: 1 of 1 environments could not be planned: `dev`\n  hint: each one's error is above; `ecsctl plan -e ENV` plans one alone\n"
        ),
    );
}
