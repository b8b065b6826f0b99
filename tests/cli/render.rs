//! `ecsctl render`: the exact resolved document of a small project, in YAML and JSON.

use crate::support::{ecsctl, fixture};

const NOTE: &str = "note: `{account_id}` is resolved from your AWS credentials at plan time\n";

/// prod has no `account:`, so `{account_id}` stays as written and render says so on stderr.
#[test]
fn render_yaml_of_small_prod() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["render", "-e", "prod"])
        .run()
        .assert(0, include_str!("expected/small-prod.yaml"), NOTE);
}

/// dev pins `account:`: every ARN and image is resolved offline, with no note.
#[test]
fn render_json_of_small_dev() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["render", "-e", "dev", "--output", "json"])
        .run()
        .assert(0, include_str!("expected/small-dev.json"), "");
}

#[test]
fn yaml_and_json_hold_the_same_document() {
    let small = fixture("small");
    let yaml = ecsctl()
        .current_dir(&small)
        .args(["render", "-e", "prod"])
        .run();
    let json = ecsctl()
        .current_dir(&small)
        .args(["render", "-e", "prod", "-o", "json"])
        .run();
    let from_yaml: serde_json::Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    let from_json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(from_yaml, from_json);
    assert_eq!(from_json["formatVersion"], 1);
    assert_eq!(from_json["account"], serde_json::Value::Null);
}

#[test]
fn image_tags_come_from_the_process_environment() {
    let run = ecsctl()
        .current_dir(fixture("small"))
        .args(["render", "-e", "dev", "-o", "json"])
        .env("IMAGE_TAG", "1.4.2")
        .run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let images: Vec<&str> = doc["resources"]["taskDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["containers"][0]["image"].as_str().unwrap())
        .collect();
    assert_eq!(
        images,
        [
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2",
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/worker:1.4.2"
        ]
    );
}

#[test]
fn invalid_spec_prints_nothing_on_stdout() {
    ecsctl()
        .current_dir(fixture("bad-fargate"))
        .args(["render", "-e", "prod"])
        .run()
        .assert(
            1,
            "",
            "error: memory `4096` does not fit cpu `256`
 --> environments/prod.yaml:7:13 (services.web.memory)
  |
7 |     memory: 4096
  |             ^^^^
  = hint: 256 CPU allows 512, 1024 or 2048 MiB

error: 1 problem in environments/prod.yaml; nothing was changed
",
        );
}

#[test]
fn unknown_environment() {
    ecsctl()
        .current_dir(fixture("small"))
        .args(["render", "-e", "staging"])
        .run()
        .assert(
            1,
            "",
            "error: unknown environment `staging`
  --> environments/staging.yaml
   = hint: environments here: `dev` or `prod`

error: 1 problem in environments/staging.yaml; nothing was changed
",
        );
}

/// A warning goes to stderr; stdout still carries exactly one document.
#[test]
fn warnings_go_to_stderr_and_the_document_to_stdout() {
    let run = ecsctl()
        .current_dir(fixture("warning"))
        .args(["render", "-e", "prod", "-o", "json"])
        .run();
    assert_eq!(run.code, Some(0));
    assert_eq!(
        run.stderr,
        "warning: autoscaling has no target (`cpu`, `memory`, `requestsPerTarget`, `sqsQueue`, `customMetric`), `steps` or `schedule`, so it never scales
  --> ecsctl.yaml:15:12 (services.web.autoscaling)
   |
15 |       max: 4
   |            ^

"
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(
        doc["resources"]["scalingTargets"][0]["policies"],
        serde_json::json!([])
    );
}
