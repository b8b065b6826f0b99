//! The GitHub Action's steps (action.yml runs scripts/action/*.sh), run as the runner runs them:
//! the same environment variables, GITHUB_OUTPUT and GITHUB_PATH files, and GitHub's REST API
//! served locally. The plan itself, against AWS, is in tests/emulator/action.rs.
//!
//! Needs sh, curl, tar, sha256sum and jq: without one, a test fails.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::install::{archive, release, sha256};
use crate::support::ecsctl;
use crate::support::github::{GitHub, github, step_outputs as outputs};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `sh scripts/action/NAME.sh` in `dir`, with only `vars` (and PATH, with the built ecsctl
/// first) in its environment: no AWS variable of the machine running the tests leaks in.
fn step(name: &str, dir: &Path, vars: &[(&str, &str)]) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_ecsctl")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    Command::new("sh")
        .arg(root().join(format!("scripts/action/{name}.sh")))
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .envs(vars.iter().copied())
        .output()
        .expect("sh runs")
}

#[test]
fn the_install_step_installs_the_version_puts_it_on_the_path_and_caches_the_archive() {
    let work = tempfile::tempdir().unwrap();
    let tgz = archive(work.path());
    let sums = format!(
        "{}  ecsctl-x86_64-unknown-linux-musl.tar.gz\n",
        sha256(&tgz, work.path())
    );
    let port = release(HashMap::from([
        ("ecsctl-x86_64-unknown-linux-musl.tar.gz".to_string(), tgz),
        ("SHA256SUMS".to_string(), sums.into_bytes()),
    ]));
    let base = format!("http://127.0.0.1:{port}");
    let gh_path = work.path().join("github_path");
    let gh_output = work.path().join("github_output");
    let bin_dir = work.path().join("bin");
    let archives = work.path().join("archives");
    let vars = |version: &'static str| {
        vec![
            ("VERSION", version.to_string()),
            ("BIN_DIR", bin_dir.display().to_string()),
            ("ARCHIVE_DIR", archives.display().to_string()),
            ("ECSCTL_DOWNLOAD_BASE", base.clone()),
            ("ECSCTL_TARGET", "x86_64-unknown-linux-musl".to_string()),
            ("GITHUB_PATH", gh_path.display().to_string()),
            ("GITHUB_OUTPUT", gh_output.display().to_string()),
        ]
    };
    let run = |version: &'static str| {
        let v = vars(version);
        let v: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        step("install", work.path(), &v)
    };

    let out = run("v9.9.9");
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "ecsctl 9.9.9 (commit 0123456789ab)\n");
    assert_eq!(
        std::fs::read_to_string(&gh_path).unwrap(),
        format!("{}\n", bin_dir.display())
    );
    let got = outputs(&gh_output);
    assert_eq!(got["path"], bin_dir.join("ecsctl").display().to_string());
    assert_eq!(got["version"], "9.9.9");
    // The archive the cache step saves.
    assert!(
        archives
            .join("v9.9.9/ecsctl-x86_64-unknown-linux-musl.tar.gz")
            .is_file()
    );

    for bad in ["latest", "", "main"] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stdout),
            format!(
                "::error title=ecsctl action::the `version` input must name a release, such as 0.2.0 (got `{bad}`)\n"
            )
        );
    }
    // A release that does not exist: the install script's reason, then the step's.
    let out = run("9.9.8");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("install-ecsctl: cannot download"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout),
        "::error title=ecsctl action::installing ecsctl 9.9.8 failed (the reason is above)\n"
    );
}

/// A starter project (`ecsctl init`): valid, offline.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ecsctl()
        .current_dir(dir.path())
        .args(["init", "--app", "shop", "--region", "eu-west-1"])
        .run();
    dir
}

#[test]
fn on_a_forks_pull_request_the_plan_step_only_validates_and_refuses_aws_credentials() {
    let dir = project();
    let gh_output = dir.path().join("github_output");
    let temp = dir.path().join("runner-temp");
    let mut vars = vec![
        ("ENVIRONMENT", "dev"),
        ("FORK", "true"),
        ("EVENT_NAME", "pull_request"),
        ("PR_NUMBER", "7"),
    ];
    let o = gh_output.display().to_string();
    let t = temp.display().to_string();
    vars.push(("GITHUB_OUTPUT", &o));
    vars.push(("RUNNER_TEMP", &t));

    let out = step("plan", dir.path(), &vars);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "::notice title=ecsctl action::pull request from a fork: validating only (a plan needs AWS credentials, which a fork's pull request never gets)\n"
    );
    assert_eq!(text(&out.stderr), "ok: dev (1 service, 0 warnings)\n");
    let got = outputs(&gh_output);
    assert_eq!(got["planned"], "false");
    assert_eq!(got["comment"], "false");
    assert!(!temp.join("ecsctl-plan-dev/plan.md").exists());

    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        let _ = std::fs::remove_file(&gh_output);
        let mut with = vars.clone();
        with.push((var, "set-by-a-pull_request_target-workflow"));
        let out = step("plan", dir.path(), &with);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stdout),
            format!(
                "::error title=ecsctl action::AWS credentials (${var}) are set on a pull request from a fork: refusing to run. Configure AWS credentials only when github.event.pull_request.head.repo.full_name == github.repository (docs/install.md, \"Pull requests from forks\").\n"
            )
        );
        // Nothing ran: not even validate.
        assert_eq!(text(&out.stderr), "");
        assert!(!gh_output.exists());
    }
}

#[test]
fn a_plan_that_fails_fails_the_step_and_names_the_exit_code() {
    let dir = project();
    let o = dir.path().join("github_output").display().to_string();
    let t = dir.path().join("runner-temp").display().to_string();
    let out = step(
        "plan",
        dir.path(),
        &[
            ("ENVIRONMENT", "staging"),
            ("FORK", "false"),
            ("EVENT_NAME", "push"),
            ("GITHUB_OUTPUT", &o),
            ("RUNNER_TEMP", &t),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("staging"),
        "ecsctl names the unknown environment: {}",
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout),
        "::error title=ecsctl action::ecsctl plan -e staging failed (exit 1; the error is above)\n"
    );
    assert!(outputs(Path::new(&o)).is_empty());
}

fn comment(gh: &GitHub, markdown: &Path) -> Output {
    let api = format!("http://127.0.0.1:{}", gh.port);
    let md = markdown.display().to_string();
    step(
        "comment",
        markdown.parent().unwrap(),
        &[
            ("GITHUB_TOKEN", "ghs_test"),
            ("GITHUB_API_URL", &api),
            ("GITHUB_REPOSITORY", "o/r"),
            ("PR_NUMBER", "7"),
            ("ENVIRONMENT", "staging"),
            ("DIRECTORY", "."),
            ("MARKDOWN", &md),
        ],
    )
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn markdown(dir: &Path, body: &str) -> PathBuf {
    let f = dir.join("plan.md");
    std::fs::write(&f, body).unwrap();
    f
}

const MARKER: &str = "<!-- ecsctl-plan: staging in . -->";

#[test]
fn the_comment_step_posts_the_plan_once_then_updates_it_in_place() {
    let work = tempfile::tempdir().unwrap();
    let md = markdown(work.path(), "**2 to change**\n\n- `web`: cpu 256 → 512\n");

    // First push: no comment of ours among others: a new one.
    let gh = github(vec![serde_json::json!({"id": 1, "body": "LGTM"})], 200);
    let out = comment(&gh, &md);
    assert_ok(&out);
    assert_eq!(
        text(&out.stdout),
        "posted the plan comment: https://github.com/o/r/pull/7#issuecomment-2\n"
    );
    let got = gh.requests.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=1")
    );
    assert_eq!(
        (got[1].0.as_str(), got[1].1.as_str()),
        ("POST", "/repos/o/r/issues/7/comments")
    );
    let body: serde_json::Value = serde_json::from_str(&got[1].2).unwrap();
    assert_eq!(
        body["body"],
        format!("{MARKER}\n**2 to change**\n\n- `web`: cpu 256 → 512\n")
    );

    // A later push: ours is on the second page (after 100 others): updated, not added.
    let mut existing: Vec<_> = (1..=100)
        .map(|i| serde_json::json!({"id": i, "body": format!("comment {i}")}))
        .collect();
    existing.push(serde_json::json!({"id": 4242, "body": format!("{MARKER}\nold plan")}));
    let gh = github(existing, 200);
    let md = markdown(work.path(), "No changes.\n");
    let out = comment(&gh, &md);
    assert_ok(&out);
    assert_eq!(
        text(&out.stdout),
        "updated the plan comment: https://github.com/o/r/pull/7#issuecomment-4242\n"
    );
    let got = gh.requests.lock().unwrap().clone();
    let calls: Vec<(&str, &str)> = got.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    assert_eq!(
        calls,
        [
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=1"),
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=2"),
            ("PATCH", "/repos/o/r/issues/comments/4242"),
        ]
    );
    let body: serde_json::Value = serde_json::from_str(&got[2].2).unwrap();
    assert_eq!(body["body"], format!("{MARKER}\nNo changes.\n"));
    let comments = gh.comments.lock().unwrap();
    assert_eq!(comments.len(), 101);
    assert_eq!(comments[100]["body"], format!("{MARKER}\nNo changes.\n"));
}

#[test]
fn a_plan_longer_than_a_comment_is_cut_and_says_so() {
    let work = tempfile::tempdir().unwrap();
    let md = markdown(work.path(), &"- `web`: änderung\n".repeat(5000));
    let gh = github(vec![], 200);
    let out = comment(&gh, &md);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let got = gh.requests.lock().unwrap().clone();
    let body: serde_json::Value = serde_json::from_str(&got[1].2).unwrap();
    let body = body["body"].as_str().unwrap();
    // GitHub's limit is 65,536 characters.
    assert!(body.chars().count() <= 65_536, "{}", body.chars().count());
    assert!(body.ends_with(
        "\n\n… the plan is longer than a comment can hold; the whole plan is in the job summary.\n"
    ));
}

#[test]
fn a_token_without_permission_fails_the_step_with_githubs_message_and_a_hint() {
    let work = tempfile::tempdir().unwrap();
    let md = markdown(work.path(), "No changes.\n");
    let gh = github(vec![], 403);
    let out = comment(&gh, &md);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "::error title=ecsctl action::GET /repos/o/r/issues/7/comments?per_page=100&page=1: HTTP 403: Resource not accessible by integration (the token needs `pull-requests: write`; a fork's pull request never gets it)\n"
    );
}
