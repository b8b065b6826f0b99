//! `ecsctl rollback` against the emulator: after an image change the service runs the previous
//! revision ecsctl deployed, the plan showed the image field, the next plan shows the change
//! back; nothing before the first revision is refused without writing.

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";

#[test]
fn rollback_after_an_image_change_runs_the_previous_image_and_the_next_plan_reverts_it() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    // One revision only: nothing to go back to, nothing written.
    let r = p.run(&["rollback", "-e", "test", "web", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "no earlier ACTIVE revision of `ap-test-web` was registered by ecsctl (the service runs `ap-test-web:1`); nothing was changed"
        ),
        "{}",
        r.all()
    );
    r.assert_no_writes("rollback without an earlier revision");

    let v2 = [("WEB_TAG", "1.28")];
    p.apply_ok(&[], &v2);
    let r = p.run(&["rollback", "-e", "test", "web", "--yes", "--stats"], &v2);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stdout.starts_with(
            "  ~ service.web (rollback: ap-test-web:2 -> ap-test-web:1)\n      containers[0].image: \"nginx:1.28\" -> \"nginx:1.27\"\n"
        ),
        "{}",
        r.all()
    );
    assert_eq!(r.mutating_calls(), ["ecs:UpdateService"], "{}", r.all());
    assert!(
        r.stderr
            .contains("rolled `web` back to `ap-test-web:1` in `test`")
            && r.stderr.contains("; stable")
            && r.stderr
                .contains("the next `ecsctl apply -e test` of the unchanged spec")
            && r.stderr.contains("`--image web=nginx:1.27`"),
        "{}",
        r.all()
    );
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.27"
    );
    // The spec still says 1.28: the plan shows the change back.
    let plan = p.run(&["plan", "-e", "test", "--detailed-exitcode"], &v2);
    assert_eq!(plan.code, Some(2), "{}", plan.all());
    assert!(plan.stdout.contains("~ service.web"), "{}", plan.all());
}

/// `--to N`: the revision it names, unless the service already runs it, it is not an ACTIVE
/// revision, or someone else registered it; each refusal writes nothing.
#[test]
fn rollback_to_a_revision_refuses_the_running_a_missing_and_a_foreign_one() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let v2 = [("WEB_TAG", "1.28")];
    p.apply_ok(&[], &v2);
    // Revision 3, registered out of band without ecsctl's tags.
    p.call(
        "ecs",
        "RegisterTaskDefinition",
        serde_json::json!({
            "family": "ap-test-web",
            "containerDefinitions": [{"name": "web", "image": "nginx:1.26", "essential": true}],
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512"
        }),
    );
    let refused = |to: &str, want: &str| {
        let r = p.run(
            &[
                "rollback", "-e", "test", "web", "--to", to, "--yes", "--stats",
            ],
            &v2,
        );
        assert_eq!(r.code, Some(1), "--to {to}: {}", r.all());
        assert!(r.stderr.contains(want), "--to {to}: {}", r.all());
        r.assert_no_writes(&format!("rollback --to {to}"));
    };
    refused(
        "2",
        "`web` already runs `ap-test-web:2`; nothing was changed",
    );
    refused(
        "9",
        "`ap-test-web:9` is not an ACTIVE revision; nothing was changed",
    );
    refused(
        "3",
        "`ap-test-web:3` was not registered by ecsctl for `ap` / `test`; nothing was changed",
    );

    let r = p.run(
        &["rollback", "-e", "test", "web", "--to", "1", "--yes"],
        &v2,
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.27"
    );
}
