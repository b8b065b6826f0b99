//! `ecsctl redeploy` against the emulator: a new deployment of the running revision (for
//! mutable tags), nothing else written, the next plan empty; unknown names and a missing
//! confirmation refused before any write.

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";

fn primary_id(service: &serde_json::Value) -> String {
    service["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["status"] == "PRIMARY")
        .and_then(|d| d["id"].as_str())
        .unwrap_or_else(|| panic!("no PRIMARY deployment: {service}"))
        .to_string()
}

#[test]
fn redeploy_starts_a_new_deployment_of_the_same_revision_and_changes_nothing_else() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let before = p.service("ap-test-web");
    let worker_before = primary_id(&p.service("ap-test-worker"));
    let r = p.run(&["redeploy", "-e", "test", "web", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        r.stdout,
        "  ~ service.web (redeploy: new deployment of ap-test-web:1)\n\n\
Redeploy: 1 service(s), same revision, new tasks.\n",
        "{}",
        r.all()
    );
    assert!(
        r.stderr.contains("redeployed 1 service(s) in `test`") && r.stderr.contains("; stable"),
        "{}",
        r.all()
    );
    assert_eq!(r.mutating_calls(), ["ecs:UpdateService"], "{}", r.all());
    let after = p.service("ap-test-web");
    assert_eq!(after["taskDefinition"], before["taskDefinition"]);
    assert_ne!(primary_id(&after), primary_id(&before), "no new deployment");
    // The service not named keeps its deployment.
    assert_eq!(primary_id(&p.service("ap-test-worker")), worker_before);
    p.assert_converged(&[]);
}

#[test]
fn redeploy_refuses_unknown_services_and_a_missing_confirmation_without_writing() {
    let p = Project::new(FIXTURE);
    let r = p.run(&["redeploy", "-e", "test", "nope", "--yes"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr
            .contains("no service `nope` in environment `test`; nothing was changed")
            && r.stderr.contains("hint: services: `web`, `worker`"),
        "{}",
        r.all()
    );
    // Not created yet: named, nothing written.
    let r = p.run(&["redeploy", "-e", "test", "web", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr
            .contains("service `web` (`ap-test-web`) does not exist in cluster `ap-test`"),
        "{}",
        r.all()
    );
    r.assert_no_writes("redeploy of a missing service");
    p.apply_ok(&[], &[]);
    let before = primary_id(&p.service("ap-test-web"));
    // stdin is not a terminal: refused without --yes, after showing what it would do.
    let r = p.run(&["redeploy", "-e", "test", "web", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stdout.contains("~ service.web (redeploy"), "{}", r.all());
    assert!(
        r.stderr
            .contains("refusing to redeploy without confirmation"),
        "{}",
        r.all()
    );
    r.assert_no_writes("refused redeploy");
    assert!(r.lock_writes().is_empty(), "{}", r.all());
    assert_eq!(primary_id(&p.service("ap-test-web")), before);
}
