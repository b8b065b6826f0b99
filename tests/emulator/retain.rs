//! `revisions.keep` against the emulator: apply deregisters the old revisions of ours beyond
//! the kept number as a step the plan shows, never one a service runs, and converges with no
//! writes after; rollback still finds the previous revision.

use serde_json::json;

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";
const FAMILY: &str = "ap-test-web";

fn status(p: &Project, revision: u32) -> String {
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": format!("{FAMILY}:{revision}")}),
    );
    td["taskDefinition"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn statuses(p: &Project, last: u32) -> Vec<String> {
    (1..=last).map(|n| status(p, n)).collect()
}

/// A plan of `tag`, which must show exactly `deregistered` as retention steps.
fn plan_shows(p: &Project, tag: &str, deregistered: &[u32]) {
    let r = p.run(&["plan", "-e", "test"], &[("WEB_TAG", tag)]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let shown: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("- task_definition."))
        .collect();
    let want: Vec<String> = deregistered
        .iter()
        .map(|n| format!("  - task_definition.{FAMILY}:{n}"))
        .collect();
    assert_eq!(shown, want, "{}", r.all());
    if !deregistered.is_empty() {
        assert!(
            r.stdout.contains("# (deregister: older than the 2 kept)"),
            "{}",
            r.all()
        );
    }
}

#[test]
fn keep_two_deregisters_the_oldest_of_ours_but_never_the_running_revision() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("revisions:\n  keep: 2\n");
    p.apply_ok(&[], &[]);
    p.apply_ok(&[], &[("WEB_TAG", "1.28")]);
    assert_eq!(statuses(&p, 2), ["ACTIVE", "ACTIVE"]);

    // Third image: revision 3 joins 2, so 1 goes, and the plan says so first.
    plan_shows(&p, "1.29", &[1]);
    let r = p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    assert!(
        r.mutating_calls()
            .contains(&"ecs:DeregisterTaskDefinition".to_string()),
        "{}",
        r.all()
    );
    assert_eq!(statuses(&p, 3), ["INACTIVE", "ACTIVE", "ACTIVE"]);
    p.assert_converged(&[("WEB_TAG", "1.29")]);

    // Rollback finds the previous revision kept: the service now runs 2.
    let back = p.run(
        &["rollback", "-e", "test", "web", "--yes"],
        &[("WEB_TAG", "1.29")],
    );
    assert_eq!(back.code, Some(0), "{}", back.all());
    assert!(
        back.stderr.contains("rolled `web` back to `ap-test-web:2`"),
        "{}",
        back.all()
    );

    // A fourth image while the service runs 2: 3 is the one kept besides the new 4, and 2 is
    // older, but the service runs it: nothing is deregistered.
    plan_shows(&p, "1.30", &[]);
    let r = p.apply_ok(&[], &[("WEB_TAG", "1.30")]);
    assert!(
        !r.mutating_calls()
            .contains(&"ecs:DeregisterTaskDefinition".to_string()),
        "{}",
        r.all()
    );
    assert_eq!(statuses(&p, 4), ["INACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);

    // The next change trims the family back to two: 2 and 3 go.
    plan_shows(&p, "1.31", &[2, 3]);
    p.apply_ok(&[], &[("WEB_TAG", "1.31")]);
    assert_eq!(
        statuses(&p, 5),
        ["INACTIVE", "INACTIVE", "INACTIVE", "ACTIVE", "ACTIVE"]
    );
    p.assert_converged(&[("WEB_TAG", "1.31")]);
    // The worker's family never changed: its one revision stays.
    assert_eq!(p.revisions("ap-test-worker"), 1);

    let back = p.run(
        &["rollback", "-e", "test", "web", "--yes"],
        &[("WEB_TAG", "1.31")],
    );
    assert_eq!(back.code, Some(0), "{}", back.all());
    assert!(
        back.stderr.contains("rolled `web` back to `ap-test-web:4`"),
        "{}",
        back.all()
    );
}

/// A revision someone else registered into the family is neither counted nor deregistered.
#[test]
fn a_revision_of_someone_else_is_left_active() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("revisions:\n  keep: 2\n");
    p.apply_ok(&[], &[]);
    p.call(
        "ecs",
        "RegisterTaskDefinition",
        json!({
            "family": FAMILY,
            "containerDefinitions": [{"name": "web", "image": "nginx:1.26", "essential": true}],
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512"
        }),
    );
    p.apply_ok(&[], &[("WEB_TAG", "1.28")]);
    plan_shows(&p, "1.29", &[1]);
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    assert_eq!(statuses(&p, 4), ["INACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);
}

/// A saved plan deregisters exactly what it showed, and is refused once the revision it would
/// deregister moved (here: someone else deregistered it first).
#[test]
fn a_saved_plan_deregisters_what_it_showed_and_only_while_nothing_moved() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("revisions:\n  keep: 2\n");
    p.apply_ok(&[], &[]);
    p.apply_ok(&[], &[("WEB_TAG", "1.28")]);
    let file = p.dir.path().join("test.plan.json");
    let file = file.to_str().unwrap();

    let r = p.run(
        &["plan", "-e", "test", "--out", file],
        &[("WEB_TAG", "1.29")],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stdout.contains("- task_definition.ap-test-web:1"),
        "{}",
        r.all()
    );
    p.call(
        "ecs",
        "DeregisterTaskDefinition",
        json!({"taskDefinition": format!("{FAMILY}:1")}),
    );
    let stale = p.run(&["apply", file, "--yes", "--stats"], &[]);
    assert_eq!(stale.code, Some(1), "{}", stale.all());
    assert!(
        stale
            .stderr
            .contains("error: the live state changed since the plan was made (`task_definition.ap-test-web:1` moved); nothing was changed"),
        "{}",
        stale.all()
    );
    stale.assert_no_writes("a stale saved plan");

    // Planned again while 1 is already gone: 3 joins 2, nothing more to deregister.
    let r = p.run(
        &["plan", "-e", "test", "--out", file],
        &[("WEB_TAG", "1.29")],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(!r.stdout.contains("- task_definition."), "{}", r.all());
    // One more change, saved then applied: exactly revision 2 goes.
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    let r = p.run(
        &["plan", "-e", "test", "--out", file],
        &[("WEB_TAG", "1.30")],
    );
    assert!(
        r.stdout.contains("- task_definition.ap-test-web:2"),
        "{}",
        r.all()
    );
    let applied = p.run(&["apply", file, "--yes", "--stats"], &[]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    assert_eq!(
        statuses(&p, 4),
        ["INACTIVE", "INACTIVE", "ACTIVE", "ACTIVE"]
    );
    p.assert_converged(&[("WEB_TAG", "1.30")]);
}

/// Trimming is what every deploy does: a protected environment does not ask for
/// `--allow-destroy` for it, and its plan does not warn that apply will refuse.
#[test]
fn a_protected_environment_trims_without_allow_destroy() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("protected: true\nrevisions:\n  keep: 2\n");
    p.apply_ok(&[], &[]);
    p.apply_ok(&[], &[("WEB_TAG", "1.28")]);
    let plan = p.run(&["plan", "-e", "test"], &[("WEB_TAG", "1.29")]);
    assert!(
        plan.stdout.contains("- task_definition.ap-test-web:1"),
        "{}",
        plan.all()
    );
    assert!(!plan.stderr.contains("is protected"), "{}", plan.all());
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    assert_eq!(statuses(&p, 3), ["INACTIVE", "ACTIVE", "ACTIVE"]);
}
