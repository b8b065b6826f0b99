//! Issue 16's `ecsctl import` on the emulator: the project it writes from a live cluster
//! validates and describes what runs, so that what ecsctl itself applied round-trips to
//! "No changes." and a cluster made by hand adopts with tags only.

use std::process::Stdio;

use serde_json::Value;

use crate::apply::Project;
use crate::support::Run;

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// `ecsctl -C dir ARGS` in the project's account.
fn run_in(p: &Project, dir: &std::path::Path, args: &[&str]) -> Run {
    let out = p
        .acct
        .ecsctl()
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run ecsctl");
    Run::from(out)
}

#[test]
fn what_ecsctl_applied_imports_to_a_spec_that_plans_no_changes() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let out = tempfile::tempdir().unwrap();
    let r = run_in(
        &p,
        out.path(),
        &["import", "-e", "test", "--cluster", "ap-test", "--stats"],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    r.assert_no_writes("import");
    let app = std::fs::read_to_string(out.path().join("ecsctl.yaml")).unwrap();
    let env = std::fs::read_to_string(out.path().join("environments/test.yaml")).unwrap();
    assert!(
        app.starts_with("# Written by `ecsctl import` from cluster `ap-test`."),
        "{app}"
    );
    for text in [
        "app: ap\n",
        "region: eu-west-1\n",
        "  web:\n",
        "  worker:\n",
        "capacity: spot",
        "      cpu: 70\n",
    ] {
        assert!(app.contains(text), "{text}:\n{app}");
    }
    assert!(env.contains("network:\n  subnets:"), "{env}");
    let plan = run_in(
        &p,
        out.path(),
        &["plan", "-e", "test", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(plan.code, Some(0), "{}\n---\n{app}\n---\n{env}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    plan.assert_no_writes("plan of the imported spec");
}

/// The environment made without ecsctl (the fixture applied, then stripped of every ownership
/// tag), imported from scratch: the written spec adopts with tags only, and applying that
/// converges. The roles are no longer this environment's, so the spec names them by ARN
/// (`executionRoleArn`) and adoption leaves them as they are.
#[test]
fn an_environment_made_without_ecsctl_imports_and_adopts_with_tags_only() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    crate::adopt::strip_ownership(&p);
    let out = tempfile::tempdir().unwrap();
    let r = run_in(
        &p,
        out.path(),
        &["import", "-e", "test", "--cluster", "ap-test"],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    let app = std::fs::read_to_string(out.path().join("ecsctl.yaml")).unwrap();
    assert!(
        app.contains("defaults:\n  executionRoleArn: \"arn:aws:iam::")
            || app.contains("executionRoleArn: arn:aws:iam::"),
        "roles no longer ours are referenced, never adopted:\n{app}"
    );
    // The tag index lags behind the untagging (docs/emulator.md): wait until the plan sees
    // every resource without its tags.
    let file = out.path().join("adopt.json");
    let file = file.to_str().unwrap();
    let started = std::time::Instant::now();
    let doc: Value = loop {
        let plan = run_in(
            &p,
            out.path(),
            &["plan", "-e", "test", "--adopt", "--out", file],
        );
        assert_eq!(plan.code, Some(0), "{}\n---\n{app}", plan.all());
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        if doc["adopted"].as_array().unwrap().len() == 7
            || started.elapsed() > std::time::Duration::from_secs(20)
        {
            break doc;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    crate::adopt::assert_adopts_with_tags_only(
        &doc,
        &[
            "cluster.ap-test",
            "service.web",
            "service.worker",
            "log_group./ecs/ap-test/web",
            "namespace.ap-test.local",
            "discovery_service.web",
        ],
    );
    let revisions = p.revisions("ap-test-web");
    let r = run_in(&p, out.path(), &["apply", file, "--yes"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(p.revisions("ap-test-web"), revisions, "no new revision");
    let plan = run_in(
        &p,
        out.path(),
        &["plan", "-e", "test", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    plan.assert_no_writes("plan after adoption");
}
