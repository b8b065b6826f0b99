//! Issue 15's EBS volumes on the emulator: a service's volume configured at deployment
//! (the infrastructure role created and handed to ECS, the task definition's volume configured
//! at launch, the configuration on the service's deployment), resized in place without a new
//! revision, and turned back into scratch space (a new revision and an empty configuration in
//! one UpdateService, the role pruned), each re-planned as "No changes.".

use serde_json::{Value, json};

use crate::apply::{Project, change};

const FIXTURE: &str = "tests/fixtures/apply-basic";
const ROLE: &str = "ap-test-ecs-infrastructure";

fn worker_volume(ebs: &str) -> String {
    format!(
        "services:\n  worker:\n    volumes:\n      data:\n{ebs}    mounts:\n      - volume: data\n        path: /data\n"
    )
}

/// The PRIMARY deployment's volume configuration, as DescribeServices reports it.
fn deployed(p: &Project) -> Value {
    p.primary_deployment("ap-test-worker")["volumeConfigurations"].clone()
}

#[test]
fn an_ebs_volume_is_configured_resized_and_turned_back_into_scratch_space() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    p.set_env_overrides(&worker_volume("        ebs: {size: 20}\n"));
    let plan = p.run(&["plan", "-e", "test"], &[]);
    for shown in ["volumeConfigurations", "configuredAtLaunch", ROLE] {
        assert!(plan.stdout.contains(shown), "{shown}:\n{}", plan.all());
    }
    change(
        &p,
        &[],
        &[],
        &[
            "+ iam_role.ap-test-ecs-infrastructure",
            "~ task_definition.ap-test-worker",
            "~ service.worker",
        ],
    );
    let td = p.task_definition("ap-test-worker");
    assert_eq!(
        td["volumes"],
        json!([{"name": "data", "configuredAtLaunch": true}])
    );
    let v = deployed(&p);
    let ebs = &v[0]["managedEBSVolume"];
    assert_eq!(v[0]["name"], "data");
    assert_eq!(
        (
            &ebs["sizeInGiB"],
            &ebs["volumeType"],
            &ebs["filesystemType"],
            &ebs["encrypted"]
        ),
        (&json!(20), &json!("gp3"), &json!("xfs"), &json!(true))
    );
    assert!(
        ebs["roleArn"]
            .as_str()
            .unwrap()
            .ends_with(&format!(":role/{ROLE}")),
        "{ebs}"
    );
    assert_eq!(
        ebs["tagSpecifications"],
        json!([{"resourceType": "volume", "propagateTags": "SERVICE"}])
    );
    let policy = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": ROLE, "PolicyName": "ecsctl"}),
    );
    let text = policy["PolicyDocument"].to_string();
    for grant in [
        "CreateEBSManagedVolume",
        "task/ap-test/*",
        "DeleteEBSManagedVolume",
    ] {
        assert!(text.contains(grant), "{grant} missing from {text}");
    }
    let revisions = p.revisions("ap-test-worker");

    // A bigger, faster volume: the service's configuration only, no new revision.
    p.set_env_overrides(&worker_volume("        ebs: {size: 50, throughput: 250}\n"));
    change(&p, &[], &[], &["~ service.worker"]);
    assert_eq!(p.revisions("ap-test-worker"), revisions);
    let ebs = deployed(&p)[0]["managedEBSVolume"].clone();
    assert_eq!(
        (&ebs["sizeInGiB"], &ebs["throughput"]),
        (&json!(50), &json!(250))
    );

    // Scratch space again: a revision without the volume configured at launch and an empty
    // configuration, in one UpdateService (ECS refuses either alone), and the role goes.
    p.set_env_overrides(&worker_volume("        {}\n"));
    change(
        &p,
        &[],
        &[],
        &[
            "~ task_definition.ap-test-worker",
            "~ service.worker",
            "- iam_role.ap-test-ecs-infrastructure",
        ],
    );
    assert_eq!(deployed(&p), Value::Null);
    assert_eq!(
        p.task_definition("ap-test-worker")["volumes"],
        json!([{"name": "data"}])
    );
    assert!(
        p.acct
            .call("iam", "GetRole", json!({"RoleName": ROLE}))
            .is_err(),
        "the infrastructure role is pruned"
    );
}
