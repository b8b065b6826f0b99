//! One `--image` flag reaching every container of the same repository (issue 13, item 7):
//! `web` and `worker` name the image, `beat` takes it from `defaults:`, and the `migrate` job is
//! built from `web`. Before, `--image web=…:v2` updated web alone and a pipeline following the
//! README deployed mixed versions. Uses prune.rs's project with an overlay.

use serde_json::{Value, json};

use crate::prune::Project;

const V1: &str = "registry.example.com/shop/app:v1";
const V2: &str = "registry.example.com/shop/app:v2";

fn project() -> Project {
    let p = Project::new();
    p.overlay(
        "dev",
        &format!(
            "defaults:
  image: \"{V1}\"
services:
  web:
    image: \"{V1}\"
  worker:
    image: \"{V1}\"
  beat:
    command: [sleep, \"3600\"]
    discovery:
      enabled: false
scheduledTasks:
  migrate:
    service: web
    schedule: rate(1 day)
    command: [bin/migrate]
"
        ),
    );
    p
}

/// The images of the latest ACTIVE revision of `family`, read out of band.
fn images(p: &Project, family: &str) -> Vec<String> {
    let td = p.must(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": family}),
    );
    td["taskDefinition"]["containerDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["image"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn one_image_flag_reaches_web_worker_beat_and_the_migrate_job() {
    let p = project();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    for family in [
        "pr-dev-web",
        "pr-dev-worker",
        "pr-dev-beat",
        "pr-dev-migrate",
    ] {
        assert_eq!(images(&p, family), [V1], "{family}");
    }
    let flag = format!("web={V2}");

    let plan = p.ok(&["plan", "-e", "dev", "--image", &flag, "--output", "json"]);
    let doc: Value = serde_json::from_str(&plan.stdout).unwrap();
    let note = &doc["images"][0];
    assert_eq!(note["flag"], flag.as_str());
    assert_eq!(note["repository"], "registry.example.com/shop/app");
    let set: Vec<(String, String)> = note["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("service", "web"),
        ("service", "worker"),
        ("service", "beat"),
        ("scheduledTask", "migrate"),
    ] {
        assert!(
            set.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in {set:?}"
        );
    }
    let changed: Vec<&str> = doc["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "no-op" && c["type"] == "task_definition")
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    for family in [
        "pr-dev-web",
        "pr-dev-worker",
        "pr-dev-beat",
        "pr-dev-migrate",
    ] {
        assert!(
            changed.contains(&format!("task_definition.{family}").as_str()),
            "{family} not changed: {changed:?}"
        );
    }
    let human = p.ok(&["plan", "-e", "dev", "--image", &flag]);
    assert!(
        human.stdout.starts_with(&format!(
            "--image {flag} set `web`, `worker`, `beat`, scheduled task `migrate` (every container whose image is in `registry.example.com/shop/app`)\n"
        )),
        "{}",
        human.all()
    );

    p.ok(&["apply", "-e", "dev", "--yes", "--image", &flag]);
    for family in [
        "pr-dev-web",
        "pr-dev-worker",
        "pr-dev-beat",
        "pr-dev-migrate",
    ] {
        assert_eq!(images(&p, family), [V2], "{family}");
    }
    // The pipeline's next plan with the same flag has nothing to do and writes nothing.
    let again = p.run(&[
        "plan",
        "-e",
        "dev",
        "--image",
        &flag,
        "--detailed-exitcode",
        "--stats",
    ]);
    assert_eq!(again.code, Some(0), "{}", again.all());
    again.assert_no_writes("plan");
}

/// The task definition and image of the task `run` printed, read out of band.
fn run_image(p: &Project, task_arn: &str) -> (String, String) {
    let tasks = p.must(
        "ecs",
        "DescribeTasks",
        json!({"cluster": "pr-dev", "tasks": [task_arn]}),
    );
    let td = tasks["tasks"][0]["taskDefinitionArn"]
        .as_str()
        .unwrap()
        .to_string();
    let image = p.must(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": td}),
    )["taskDefinition"]["containerDefinitions"][0]["image"]
        .as_str()
        .unwrap()
        .to_string();
    (td, image)
}

/// "Migrate, then deploy": `run` starts the revision the spec describes now with the run's
/// `--image` (registering it), warns that the services still run the old image, and reuses an
/// identical revision instead of registering another. Before, it started the family's latest
/// revision (`:v1`) and exited 0 without a word.
#[test]
fn run_starts_the_spec_revision_with_its_image_and_warns_when_services_run_another() {
    let p = project();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    let flag = format!("web={V2}");

    let migrate = p.ok(&["run", "-e", "dev", "migrate", "--image", &flag, "--stats"]);
    let (td, image) = run_image(&p, migrate.stdout.trim());
    assert_eq!(image, V2, "{}", migrate.all());
    assert!(td.ends_with("pr-dev-migrate:2"), "{td}");
    assert!(
        migrate.stderr.contains(&format!(
            "registered {td} for this run: no revision of `pr-dev-migrate` held what the spec describes now"
        )),
        "{}",
        migrate.stderr
    );
    assert!(
        migrate.stderr.contains(&format!(
            "warning: this run uses `{V2}`, but service `web` runs `{V1}` (pr-dev-web:1)"
        )),
        "{}",
        migrate.stderr
    );
    // The services were not touched: a run is not a deploy.
    assert_eq!(images(&p, "pr-dev-web"), [V1]);

    // Without --image the spec's own revision (the first) is started again, registering none.
    let again = p.ok(&["run", "-e", "dev", "migrate", "--stats"]);
    let (td, image) = run_image(&p, again.stdout.trim());
    assert_eq!(
        (td.ends_with("pr-dev-migrate:1"), image.as_str()),
        (true, V1),
        "{td}"
    );
    assert!(!again.stderr.contains("registered"), "{}", again.stderr);
    assert!(!again.stderr.contains("warning:"), "{}", again.stderr);
    assert!(
        !again.stderr.contains("ecs:RegisterTaskDefinition"),
        "{}",
        again.stderr
    );
}
