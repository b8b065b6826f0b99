//! The saved-plan contract and the check after apply (issue 10), each "Why" bullet reproduced:
//! a spec edited after the plan, another `--image` at apply, a hand-edited plan file, Auto
//! Scaling moving a count between plan and apply, and a value written by someone else during
//! an apply. Effects are read through boto3 (scripts/aws-oob.py), never through ecsctl.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";
/// The environment lock of the fixture's `test` environment (docs/apply.md, Lock).
#[cfg(feature = "fault-hooks")]
const LOCK: &str = "/ecsctl/locks/ap/test";

fn saved_plan(p: &Project, vars: &[(&str, &str)]) -> (PathBuf, String) {
    let file = p.dir.path().join("reviewed.plan.json");
    let r = p.run(
        &["plan", "-e", "test", "--out", file.to_str().unwrap()],
        vars,
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    (file, r.stdout)
}

fn count(p: &Project, service: &str) -> i64 {
    p.service(service)["desiredCount"].as_i64().unwrap()
}

#[test]
fn a_saved_plan_applies_its_own_values_not_the_spec_edited_since() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    p.set_env_overrides("services:\n  web:\n    count: 2");
    let (file, shown) = saved_plan(&p, &[]);
    assert!(shown.contains("desiredCount = 1 -> 2"), "{shown}");
    // After review, the spec and the environment change; the reviewed plan still says 2.
    p.set_env_overrides("services:\n  web:\n    count: 7");
    let r = p.run(
        &["apply", file.to_str().unwrap(), "--yes", "--stats"],
        &[("WEB_TAG", "EVIL")],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stderr.contains("ok: applied `test`: 0 added, 1 changed"),
        "{}",
        r.all()
    );
    assert_eq!(
        count(&p, "ap-test-web"),
        2,
        "the reviewed value, not the spec's"
    );
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.27",
        "`${{WEB_TAG}}` at apply time is not read"
    );
}

#[test]
fn image_env_or_options_given_with_a_saved_plan_are_refused() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let (file, shown) = saved_plan(&p, &[("WEB_TAG", "2.0")]);
    assert!(shown.contains("nginx:2.0"), "{shown}");
    let f = file.to_str().unwrap();
    for (extra, named) in [
        (vec!["--image", "web=nginx:EVIL"], "`--image`"),
        (vec!["-e", "test"], "`-e`"),
        (vec!["--delete-logs"], "`--delete-logs`"),
    ] {
        let mut args = vec!["apply", f, "--yes"];
        args.extend(extra);
        let r = p.run(&args, &[]);
        assert_eq!(r.code, Some(1), "{}", r.all());
        assert!(
            r.stderr.contains(&format!(
                "error: {named} cannot be combined with a saved plan: `{f}` applies exactly the environment, images and options it was made with; nothing was changed"
            )),
            "{}",
            r.all()
        );
    }
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.27"
    );
    // The reviewed plan itself still applies, with the image it showed.
    let r = p.run(&["apply", f, "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:2.0"
    );
}

#[test]
fn a_hand_edited_plan_file_is_refused_without_a_call() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let (file, _) = saved_plan(&p, &[("WEB_TAG", "2.0")]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("nginx:2.0"));
    // Both the shown `after` and the desired value, consistently: only the digest catches it.
    std::fs::write(&file, text.replace("nginx:2.0", "nginx:EVIL")).unwrap();
    let r = p.run(&["apply", file.to_str().unwrap(), "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(&format!(
            "error: cannot apply `{}`: its content was changed after `ecsctl plan` saved it (the digest does not match); nothing was changed",
            file.display()
        )),
        "{}",
        r.all()
    );
    assert!(
        !r.stderr.contains("aws calls:"),
        "refused before connecting: {}",
        r.all()
    );
    // Reformatting is not an edit: the same document pretty-printed differently applies.
    let doc: Value = serde_json::from_str(&text).unwrap();
    std::fs::write(&file, doc.to_string()).unwrap();
    let r = p.run(&["apply", file.to_str().unwrap(), "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:2.0"
    );
}

#[test]
fn auto_scaling_moving_a_count_within_range_does_not_stale_the_plan() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let (file, _) = saved_plan(&p, &[("WEB_TAG", "2.0")]);
    // The worker autoscales within 1..3; Application Auto Scaling raises it to 3.
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-worker", "desiredCount": 3}),
    );
    let r = p.run(&["apply", file.to_str().unwrap(), "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        count(&p, "ap-test-worker"),
        3,
        "the plan leaves the count alone"
    );
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:2.0"
    );
}

// Uses ECSCTL_PAUSE_AFTER, which exists only with the feature (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn a_value_written_by_someone_else_during_the_apply_fails_the_check() {
    use std::time::{Duration, Instant};
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    p.set_env_overrides("services:\n  web:\n    count: 2");
    let child = p
        .cmd(
            &["apply", "-e", "test", "--yes", "--no-wait"],
            &[("ECSCTL_PAUSE_AFTER", "ecs:UpdateService@ap-test-web")],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // While apply pauses after its UpdateService, another writer sets the count to 5.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&p, "ap-test-web") != 2 {
        assert!(Instant::now() < deadline, "apply never set the count");
        std::thread::sleep(Duration::from_millis(100));
    }
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-web", "desiredCount": 5}),
    );
    let r = crate::support::Run::from(child.wait_with_output().unwrap());
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "error: apply made its changes, but the live state is not what was applied: `service.web` desiredCount: applied `2`, AWS reads `5`; something else changed it during the apply"
        ),
        "{}",
        r.all()
    );
    assert!(!r.stderr.contains("ok: applied"), "{}", r.all());
}

#[test]
fn a_sensitive_value_is_kept_as_a_digest_and_must_be_the_same_at_apply() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    p.set_env_overrides(
        "services:\n  web:\n    env:\n      API_TOKEN: \"${API_TOKEN}\"\n    sensitive: [API_TOKEN]",
    );
    let token = "reviewed-token-4711";
    let (file, shown) = saved_plan(&p, &[("API_TOKEN", token)]);
    assert!(
        shown.contains(
            r#"+ containerDefinitions.web.environment = {"API_TOKEN":"(sensitive value)"}"#
        ),
        "{shown}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!shown.contains(token) && !text.contains(token), "{text}");
    let f = file.to_str().unwrap();

    let other = p.run(
        &["apply", f, "--yes", "--stats"],
        &[("API_TOKEN", "swapped")],
    );
    assert_eq!(other.code, Some(1), "{}", other.all());
    assert!(
        other.stderr.contains(
            "error: the sensitive value `API_TOKEN` of container `web` in `ap-test-web` is not the one reviewed (its digest differs, or the spec no longer marks it sensitive); nothing was changed"
        ),
        "{}",
        other.all()
    );
    other.assert_no_writes("an apply with another sensitive value");

    let r = p.run(&["apply", f, "--yes"], &[("API_TOKEN", token)]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(!r.stdout.contains(token), "{}", r.stdout);
    let env = &p.task_definition("ap-test-web")["containerDefinitions"][0]["environment"];
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "API_TOKEN" && e["value"] == token),
        "{env}"
    );
}

// Uses ECSCTL_PAUSE_AFTER, which exists only with the feature (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn sigint_during_apply_stops_cleanly_with_130_and_a_rerun_converges() {
    use std::time::{Duration, Instant};
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let vars = [("WEB_TAG", "2.0")];
    let mut pause = vars.to_vec();
    pause.push((
        "ECSCTL_PAUSE_AFTER",
        "ecs:RegisterTaskDefinition@ap-test-web",
    ));
    let child = p
        .cmd(&["apply", "-e", "test", "--yes", "--stats"], &pause)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The new revision exists: apply is paused right after registering it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while p.revisions("ap-test-web") < 2 {
        assert!(
            Instant::now() < deadline,
            "apply never registered the revision"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("`kill` is needed by this test");
    assert!(kill.success());
    let r = crate::support::Run::from(child.wait_with_output().unwrap());
    assert_eq!(r.code, Some(130), "{}", r.all());
    for line in [
        "interrupted: the steps in flight finish, no new step starts (press Ctrl-C again to abandon them)",
        "Done (1):\n  ~ task_definition.ap-test-web\n",
        "Not attempted (1):\n  ~ service.web\n",
        "error: interrupted: 1 step(s) done, 0 failed, 1 not attempted\n  hint: run the same command again: it continues from what exists",
    ] {
        assert!(r.stderr.contains(line), "{line}\n{}", r.all());
    }
    assert!(
        !r.mutating_calls().iter().any(|c| c == "ecs:UpdateService"),
        "no step started after the signal: {}",
        r.all()
    );
    assert!(
        p.service("ap-test-web")["taskDefinition"]
            .as_str()
            .unwrap()
            .ends_with(":1")
    );
    assert_eq!(
        crate::lock::lock_value(&p.acct, LOCK),
        None,
        "the lock was released"
    );
    // The re-run continues: the registered revision is reused, the service moves to it.
    p.apply_ok(&[], &vars);
    assert_eq!(p.revisions("ap-test-web"), 2, "no duplicate revision");
    assert!(
        p.service("ap-test-web")["taskDefinition"]
            .as_str()
            .unwrap()
            .ends_with(":2")
    );
    p.assert_converged(&vars);
}

/// Starts `apply -e test --yes --stats` that pauses 3 s after `pause_after` (holding the lock).
#[cfg(feature = "fault-hooks")]
fn spawn_paused(p: &Project, vars: &[(&str, &str)], pause_after: &str) -> std::process::Child {
    let mut all = vars.to_vec();
    all.push(("ECSCTL_PAUSE_AFTER", pause_after));
    p.cmd(&["apply", "-e", "test", "--yes", "--stats"], &all)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[cfg(feature = "fault-hooks")]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

// Uses ECSCTL_PAUSE_AFTER to hold the first apply inside its lock (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn two_concurrent_applies_with_different_specs_never_both_win() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let image = |p: &Project| {
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Without --lock-timeout the second apply fails at once, naming the holder, writing nothing.
    let first = spawn_paused(
        &p,
        &[("WEB_TAG", "2.0")],
        "ecs:RegisterTaskDefinition@ap-test-web",
    );
    wait_until("the first apply registered", || {
        p.revisions("ap-test-web") == 2
    });
    let second = p.run(
        &["apply", "-e", "test", "--yes", "--stats"],
        &[("WEB_TAG", "3.0")],
    );
    assert_eq!(second.code, Some(1), "{}", second.all());
    assert!(
        second
            .stderr
            .contains("error: environment `test` of `ap` is locked by `")
            && second.stderr.contains("running `apply`")
            && second
                .stderr
                .contains("hint: wait for it, pass `--lock-timeout 5m` to wait"),
        "{}",
        second.all()
    );
    second.assert_no_writes("an apply refused by the lock");
    assert_eq!(
        second.lock_writes(),
        ["ssm:PutParameter"],
        "{}",
        second.all()
    );
    let first = crate::support::Run::from(first.wait_with_output().unwrap());
    assert_eq!(first.code, Some(0), "{}", first.all());
    assert!(first.stderr.contains("; checked"), "{}", first.all());
    assert_eq!(image(&p), "nginx:2.0", "only the winner's spec is live");

    // With --lock-timeout the second one waits, reads again under the lock and wins after.
    let third = spawn_paused(
        &p,
        &[("WEB_TAG", "4.0")],
        "ecs:RegisterTaskDefinition@ap-test-web",
    );
    wait_until("the third apply registered", || {
        p.revisions("ap-test-web") == 3
    });
    let fourth = p.run(
        &["apply", "-e", "test", "--yes", "--lock-timeout", "60s"],
        &[("WEB_TAG", "5.0")],
    );
    let third = crate::support::Run::from(third.wait_with_output().unwrap());
    assert_eq!(third.code, Some(0), "{}", third.all());
    assert_eq!(fourth.code, Some(0), "{}", fourth.all());
    assert!(
        fourth
            .stderr
            .contains("note: waiting for the lock of `test` held by `"),
        "{}",
        fourth.all()
    );
    assert!(fourth.stderr.contains("; checked"), "{}", fourth.all());
    assert_eq!(
        image(&p),
        "nginx:5.0",
        "the waiter applied after the holder"
    );
    p.assert_converged(&[("WEB_TAG", "5.0")]);
    assert_eq!(
        crate::lock::lock_value(&p.acct, LOCK),
        None,
        "both released"
    );
}

// Uses ECSCTL_PAUSE_AFTER to hold the first apply inside its lock (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn two_concurrent_applies_of_the_same_spec_from_empty_create_once() {
    // Before the lock the loser met the winner's roles: a raw `EntityAlreadyExists`.
    let p = Project::new(FIXTURE);
    let first = spawn_paused(&p, &[], "iam:CreateRole@ap-test-web-exec");
    wait_until("the first apply created a role", || {
        p.acct
            .call("iam", "GetRole", json!({"RoleName": "ap-test-web-exec"}))
            .is_ok()
    });
    let second = p.run(
        &["apply", "-e", "test", "--yes", "--lock-timeout", "120s"],
        &[],
    );
    let first = crate::support::Run::from(first.wait_with_output().unwrap());
    assert_eq!(first.code, Some(0), "{}", first.all());
    assert_eq!(second.code, Some(0), "{}", second.all());
    assert!(
        second.stdout.contains("No changes."),
        "the waiter found everything made: {}",
        second.all()
    );
    assert!(
        !second.stderr.contains("EntityAlreadyExists"),
        "{}",
        second.all()
    );
    p.assert_converged(&[]);
}

// Uses ECSCTL_PAUSE_AFTER (docs/apply.md). SIGTERM is how CI cancels a job.
#[cfg(feature = "fault-hooks")]
#[test]
fn sigterm_during_destroy_stops_cleanly_releases_the_lock_and_a_rerun_finishes() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let child = p
        .cmd(
            &["destroy", "-e", "test", "--yes", "--stats"],
            &[("ECSCTL_PAUSE_AFTER", "ecs:DeleteService@ap-test-web")],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("destroy deleted the web service", || {
        p.service("ap-test-web")["status"] != "ACTIVE"
    });
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("`kill` is needed by this test");
    assert!(kill.success());
    let r = crate::support::Run::from(child.wait_with_output().unwrap());
    assert_eq!(r.code, Some(130), "{}", r.all());
    assert!(r.stderr.contains("Not attempted ("), "{}", r.all());
    assert!(r.stderr.contains("error: interrupted: "), "{}", r.all());
    assert_eq!(
        r.lock_writes(),
        ["ssm:DeleteParameter", "ssm:PutParameter"],
        "{}",
        r.all()
    );
    assert_eq!(crate::lock::lock_value(&p.acct, LOCK), None, "released");
    let again = p.run(&["destroy", "-e", "test", "--yes"], &[]);
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(
        again.stderr.contains("ok: destroyed `test`"),
        "{}",
        again.all()
    );
    let done = p.run(&["destroy", "-e", "test", "--yes", "--stats"], &[]);
    assert!(
        done.stderr.contains("nothing to destroy in `test`"),
        "{}",
        done.all()
    );
    done.assert_no_writes("a destroy with nothing left");
}
