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
