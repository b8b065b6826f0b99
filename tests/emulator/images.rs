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
