//! Issue 16's `ecsctl import` on the emulator: the project it writes from a live cluster
//! validates and describes what runs, so that what ecsctl itself applied round-trips to
//! "No changes." and a cluster made by hand adopts with tags only.

use std::process::Stdio;

use serde_json::{Value, json};

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
    let _ = json!({});
    let _: Option<Value> = None;
}
