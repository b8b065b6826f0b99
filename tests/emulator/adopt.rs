//! Issue 16's explicit adoption on the emulator: same-named resources made by hand, without
//! ecsctl's tags, are refused by a plain plan (nothing written), shown by `plan --adopt` with
//! only their ownership tags added, adopted by applying that saved plan, and then converged;
//! one of a CloudFormation stack is refused even with `--adopt`, until the user names the stack
//! as released.

use serde_json::{Value, json};

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// The paths of a JSON plan change's fields.
fn field_paths(change: &Value) -> Vec<&str> {
    change["fieldChanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

/// The saved plan `doc` adopts each of `addresses`, and every change it makes is to tags.
pub(crate) fn assert_adopts_with_tags_only(doc: &Value, addresses: &[&str]) {
    let adopted = doc["adopted"].as_array().unwrap();
    for address in addresses {
        assert!(
            adopted.iter().any(|a| a == address),
            "{address} adopted: {adopted:?}"
        );
    }
    for c in doc["resourceChanges"].as_array().unwrap() {
        if c["action"] == "no-op" {
            continue;
        }
        assert_eq!(c["action"], "update", "{c}");
        let paths = field_paths(c);
        assert!(
            paths.iter().all(|p| p.starts_with("tags")),
            "{}: only the ownership tags change: {paths:?}",
            c["address"]
        );
    }
}

/// Removes ecsctl's ownership tags from everything the fixture's environment made (the
/// cluster, services, running revisions, log groups, roles, namespace and Cloud Map services):
/// the environment as a team made it without ecsctl.
pub(crate) fn strip_ownership(p: &Project) {
    let ownership = json!(["ecsctl:managed-by", "ecsctl:app", "ecsctl:env"]);
    let cluster = p.call("ecs", "DescribeClusters", json!({"clusters": ["ap-test"]}));
    let mut ecs_arns = vec![
        cluster["clusters"][0]["clusterArn"]
            .as_str()
            .unwrap()
            .to_string(),
    ];
    for name in ["ap-test-web", "ap-test-worker"] {
        let s = p.service(name);
        ecs_arns.push(s["serviceArn"].as_str().unwrap().to_string());
        ecs_arns.push(s["taskDefinition"].as_str().unwrap().to_string());
    }
    for arn in &ecs_arns {
        p.call(
            "ecs",
            "UntagResource",
            json!({"resourceArn": arn, "tagKeys": ownership}),
        );
    }
    for group in ["/ecs/ap-test/web", "/ecs/ap-test/worker"] {
        let arn = format!("arn:aws:logs:eu-west-1:{}:log-group:{group}", p.acct.id);
        p.call(
            "logs",
            "UntagResource",
            json!({"resourceArn": arn, "tagKeys": ownership}),
        );
    }
    let roles = p.call("iam", "ListRoles", json!({}));
    for role in roles["Roles"].as_array().unwrap() {
        let name = role["RoleName"].as_str().unwrap();
        if name.starts_with("ap-test-") {
            p.call(
                "iam",
                "UntagRole",
                json!({"RoleName": name, "TagKeys": ownership}),
            );
        }
    }
    let namespaces = p.call("servicediscovery", "ListNamespaces", json!({}));
    let services = p.call("servicediscovery", "ListServices", json!({}));
    let cloud_map = namespaces["Namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .chain(services["Services"].as_array().unwrap())
        .map(|r| r["Arn"].as_str().unwrap().to_string());
    for arn in cloud_map {
        p.call(
            "servicediscovery",
            "UntagResource",
            json!({"ResourceARN": arn, "TagKeys": ownership}),
        );
    }
}

#[test]
fn untagged_resources_are_adopted_on_purpose_and_only_with_their_tags() {
    let p = Project::new(FIXTURE);
    // Made by hand, as the spec would make them, without ecsctl's tags.
    // Without capacity providers (that takes ECS's service-linked role): adopting it shows
    // that change beside the tags.
    p.call("ecs", "CreateCluster", json!({"clusterName": "ap-test"}));
    p.call(
        "logs",
        "CreateLogGroup",
        json!({"logGroupName": "/ecs/ap-test/web", "tags": {"team": "web"}}),
    );
    p.call(
        "logs",
        "PutRetentionPolicy",
        json!({"logGroupName": "/ecs/ap-test/web", "retentionInDays": 7}),
    );

    let refused = p.run(&["plan", "-e", "test", "--stats"], &[]);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    for text in [
        "`log_group./ecs/ap-test/web` exists but is not ecsctl's (no ecsctl ownership tags)",
        "`ecsctl plan --adopt`",
    ] {
        assert!(refused.stderr.contains(text), "{text}:\n{}", refused.all());
    }
    refused.assert_no_writes("a refused plan");

    let file = p.dir.path().join("adopt.json");
    let file = file.to_str().unwrap();
    let plan = p.run(
        &["plan", "-e", "test", "--adopt", "--out", file, "--stats"],
        &[],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(
        plan.stdout.contains("Adopting 2 resource(s)"),
        "{}",
        plan.all()
    );
    plan.assert_no_writes("plan --adopt");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut adopted: Vec<&str> = doc["adopted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    adopted.sort();
    assert_eq!(adopted, ["cluster.ap-test", "log_group./ecs/ap-test/web"]);
    let group = doc["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "log_group./ecs/ap-test/web")
        .unwrap();
    assert_eq!(group["action"], "update", "{group}");
    let paths = field_paths(group);
    assert!(
        paths.iter().all(|p| p.starts_with("tags")),
        "only tags change on an adopted group that matches the spec: {paths:?}"
    );
    assert!(
        paths.contains(&"tags.team"),
        "a tag the spec does not have is shown going: {paths:?}"
    );

    let r = p.run(&["apply", file, "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    p.assert_converged(&[]);
    let tags = p.call(
        "logs",
        "ListTagsForResource",
        json!({"resourceArn": format!(
            "arn:aws:logs:eu-west-1:{}:log-group:/ecs/ap-test/web", p.acct.id)}),
    );
    assert_eq!(tags["tags"]["ecsctl:env"], "test", "{tags}");
}

#[test]
fn a_resource_of_a_cloudformation_stack_is_never_adopted() {
    let p = Project::new(FIXTURE);
    p.call(
        "logs",
        "CreateLogGroup",
        json!({"logGroupName": "/ecs/ap-test/web",
               "tags": {"aws:cloudformation:stack-name": "copilot-ap-test-web"}}),
    );
    let r = p.run(&["plan", "-e", "test", "--adopt", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    for text in [
        "(in CloudFormation stack `copilot-ap-test-web`)",
        "release it from the stack first",
        "docs/migrating.md",
    ] {
        assert!(r.stderr.contains(text), "{text}:\n{}", r.all());
    }
    r.assert_no_writes("a refused plan --adopt");
    // Released from its stack, on the user's word: adopted, its stack tag kept.
    let released = [
        "plan",
        "-e",
        "test",
        "--adopt",
        "--released-stack",
        "copilot-ap-test-web",
    ];
    let r = p.run(&released, &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(r.stdout.contains("Adopting 1 resource(s)"), "{}", r.all());
    let mut apply = released.to_vec();
    apply[0] = "apply";
    apply.push("--yes");
    let r = p.run(&apply, &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    p.assert_converged(&[]);
}

/// The environment as a team made it without ecsctl: every resource ecsctl would make, with
/// the same settings, and none of its tags (made by ecsctl, then stripped of them). `plan
/// --adopt` changes nothing but tags, the running revisions included (no new revision, no
/// deployment), and applying it converges.
#[test]
fn a_whole_environment_made_elsewhere_is_adopted_with_tags_only() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    strip_ownership(&p);

    // Log group and Cloud Map tags are read through the Resource Groups Tagging API, whose
    // index lags behind (docs/emulator.md): wait until the plan sees every tag gone.
    let file = p.dir.path().join("adopt.json");
    let file = file.to_str().unwrap();
    let started = std::time::Instant::now();
    let doc: Value = loop {
        let refused = p.run(&["plan", "-e", "test", "--stats"], &[]);
        assert_eq!(refused.code, Some(1), "{}", refused.all());
        refused.assert_no_writes("a refused plan");
        let plan = p.run(&["plan", "-e", "test", "--adopt", "--out", file], &[]);
        assert_eq!(plan.code, Some(0), "{}", plan.all());
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        if doc["adopted"].as_array().unwrap().len() == 9
            || started.elapsed() > std::time::Duration::from_secs(20)
        {
            break doc;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    assert_adopts_with_tags_only(
        &doc,
        &[
            "cluster.ap-test",
            "service.web",
            "service.worker",
            "log_group./ecs/ap-test/web",
            "iam_role.ap-test-web-exec",
            "namespace.ap-test.local",
            "discovery_service.web",
        ],
    );
    let revisions = p.revisions("ap-test-web");
    let r = p.run(&["apply", file, "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(p.revisions("ap-test-web"), revisions, "no new revision");
    p.assert_converged(&[]);
}
