//! The GitHub Action's plan and comment steps (scripts/action/plan.sh, comment.sh) against AWS:
//! on a pull request the step plans, the comment step posts the markdown plan, the saved plan
//! it wrote applies, and the next run's "No changes." replaces the comment rather than adding
//! one. GitHub's API is served locally (tests/common/github.rs).

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::apply::Project;
use crate::support::github::{github, step_outputs as outputs};
use crate::support::repo_root;

/// `sh scripts/action/NAME.sh` in the project, with the environment `ecsctl` gets in these
/// tests (this account, its network's variables) and the built ecsctl first on PATH.
fn step(p: &Project, name: &str, vars: &[(&str, String)]) -> std::process::Output {
    let template = p.cmd(&[], &[]);
    let mut cmd = Command::new("sh");
    cmd.arg(repo_root().join(format!("scripts/action/{name}.sh")))
        .current_dir(p.dir.path());
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_ecsctl")).parent().unwrap();
    cmd.env(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    );
    cmd.envs(vars.iter().map(|(k, v)| (*k, v.as_str())));
    cmd.output().expect("sh runs")
}

#[test]
fn a_pull_requests_plan_is_commented_once_and_its_saved_plan_applies() {
    let p = Project::new("tests/fixtures/apply-basic");
    let gh = github(vec![], 200);
    let temp = tempfile::tempdir().unwrap();
    let plan = |n: usize| {
        let gh_output = temp.path().join(format!("output-{n}"));
        let out = step(
            &p,
            "plan",
            &[
                ("ENVIRONMENT", "test".to_string()),
                ("PLAN_ARGS", "--stats".to_string()),
                ("FORK", "false".to_string()),
                ("EVENT_NAME", "pull_request".to_string()),
                ("PR_NUMBER", "7".to_string()),
                ("RUNNER_TEMP", temp.path().display().to_string()),
                ("GITHUB_OUTPUT", gh_output.display().to_string()),
                (
                    "GITHUB_STEP_SUMMARY",
                    temp.path().join("summary.md").display().to_string(),
                ),
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        // PLAN_ARGS reached the plan, which wrote nothing.
        crate::support::Run {
            code: Some(0),
            stdout: String::new(),
            stderr,
        }
        .assert_no_writes("the action's plan");
        outputs(&gh_output)
    };
    let comment = |got: &HashMap<String, String>| {
        let out = step(
            &p,
            "comment",
            &[
                ("GITHUB_TOKEN", "ghs_test".to_string()),
                ("GITHUB_API_URL", format!("http://127.0.0.1:{}", gh.port)),
                ("GITHUB_REPOSITORY", "o/r".to_string()),
                ("PR_NUMBER", "7".to_string()),
                ("ENVIRONMENT", "test".to_string()),
                ("DIRECTORY", ".".to_string()),
                ("MARKDOWN", got["markdown"].clone()),
            ],
        );
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };

    // The pull request: an empty account, so changes; commented.
    let first = plan(1);
    assert_eq!(first["planned"], "true");
    assert_eq!(first["exitcode"], "2");
    assert_eq!(first["comment"], "true");
    let markdown = std::fs::read_to_string(&first["markdown"]).unwrap();
    let direct = p.run(&["plan", "-e", "test", "--output", "markdown"], &[]);
    assert_eq!(markdown, direct.stdout);
    let summary = std::fs::read_to_string(temp.path().join("summary.md")).unwrap();
    assert_eq!(summary, markdown);
    comment(&first);
    let comments = gh.comments.lock().unwrap().clone();
    assert_eq!(comments.len(), 1);
    assert_eq!(
        comments[0]["body"],
        format!("<!-- ecsctl-plan: test in . -->\n{markdown}")
    );

    // Merged: the saved plan the step wrote is what applies.
    let applied = p.run(&["apply", &first["file"], "--yes"], &[]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    p.assert_converged(&[]);

    // The next push: "No changes.", in the same comment.
    let second = plan(2);
    assert_eq!(second["exitcode"], "0");
    comment(&second);
    let comments = gh.comments.lock().unwrap().clone();
    assert_eq!(comments.len(), 1, "{comments:?}");
    let body = comments[0]["body"].as_str().unwrap();
    assert!(
        body.starts_with(
            "<!-- ecsctl-plan: test in . -->\n### ecsctl plan: `ap` / `test`\n\n**No changes. Your infrastructure matches the spec.**"
        ),
        "{body}"
    );
    let calls: Vec<String> = gh
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.0, r.1))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /repos/o/r/issues/7/comments?per_page=100&page=1",
            "POST /repos/o/r/issues/7/comments",
            "GET /repos/o/r/issues/7/comments?per_page=100&page=1",
            "PATCH /repos/o/r/issues/comments/1",
        ]
    );
}
