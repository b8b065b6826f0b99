//! Issue 10, item 4, "Foreign revisions": anyone may register a revision into one of our task
//! definition families. Such a revision, newer than ours, must be neither compared with (plan)
//! nor reused, and must not hide ours from destroy or pruning; it is never deregistered, and
//! destroy's plan lists it as kept. Revisions are registered and checked out of band (boto3).

use serde_json::{Value, json};

use crate::prune::{Project, stdout_json};

const KEPT: &str = "is kept: it does not carry this environment's ownership tags\n";

/// A copy of `family:revision`'s content registered out of band (what RegisterTaskDefinition
/// accepts of DescribeTaskDefinition's answer), with `image` on its container and `tags`.
fn register_copy(p: &Project, family: &str, revision: u32, image: &str, tags: Value) -> u32 {
    let read = p.must(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": format!("{family}:{revision}")}),
    );
    let td = &read["taskDefinition"];
    let mut params = crate::support::reregister_input(td);
    params["tags"] = tags;
    params["containerDefinitions"][0]["image"] = json!(image);
    let out = p.must("ecs", "RegisterTaskDefinition", params);
    out["taskDefinition"]["revision"].as_u64().unwrap() as u32
}

/// The family's ACTIVE revisions (numbers, ascending) and which of them carry `pr`/`dev`'s
/// three ownership tags.
fn active(p: &Project, family: &str) -> (Vec<u32>, Vec<u32>) {
    let listed = p.must(
        "ecs",
        "ListTaskDefinitions",
        json!({"familyPrefix": family, "status": "ACTIVE"}),
    );
    let mut all = Vec::new();
    let mut ours = Vec::new();
    for arn in listed["taskDefinitionArns"].as_array().unwrap() {
        let arn = arn.as_str().unwrap();
        let read = p.must(
            "ecs",
            "DescribeTaskDefinition",
            json!({"taskDefinition": arn, "include": ["TAGS"]}),
        );
        let n = read["taskDefinition"]["revision"].as_u64().unwrap() as u32;
        let tags: Vec<(String, String)> = read["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["key"].as_str().unwrap().into(),
                    t["value"].as_str().unwrap().into(),
                )
            })
            .collect();
        let has = |k: &str, v: &str| tags.contains(&(k.to_string(), v.to_string()));
        all.push(n);
        if has("ecsctl:managed-by", "ecsctl") && has("ecsctl:app", "pr") && has("ecsctl:env", "dev")
        {
            ours.push(n);
        }
    }
    all.sort();
    ours.sort();
    (all, ours)
}

fn staging() -> Value {
    json!([{"key": "ecsctl:managed-by", "value": "ecsctl"}, {"key": "ecsctl:app", "value": "pr"},
        {"key": "ecsctl:env", "value": "staging"}])
}

#[test]
fn a_foreign_newer_revision_is_neither_compared_against_nor_leaked_by_destroy() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.overlay("dev", "services:\n  web:\n    image: \"nginx:1.28\"");
    p.ok(&["apply", "-e", "dev", "--yes"]);
    assert_eq!(active(&p, "pr-dev-web"), (vec![1, 2], vec![1, 2]));
    // Newer than ours: an untagged twin of what the spec wants, then another environment's
    // revision with another image (the family's newest).
    assert_eq!(
        register_copy(&p, "pr-dev-web", 2, "nginx:1.28", json!([])),
        3
    );
    assert_eq!(
        register_copy(&p, "pr-dev-web", 2, "nginx:1.29", staging()),
        4
    );

    // (a) Converged: nothing to do, and not a single write.
    let plan = p.run(&["plan", "-e", "dev", "--detailed-exitcode", "--stats"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.all());
    plan.assert_no_writes("a converged plan");
    // Asking for revision 4's content: a new revision of ours, compared with ours (2), never
    // "reuses revision 4" (the service would then run someone else's revision).
    let image = p.run(&[
        "plan",
        "-e",
        "dev",
        "--output",
        "json",
        "--image",
        "web=nginx:1.29",
        "--stats",
    ]);
    assert_eq!(image.code, Some(0), "{}", image.all());
    image.assert_no_writes("plan");
    let doc = stdout_json(&image);
    let changes = doc["resourceChanges"].as_array().unwrap();
    let td = changes
        .iter()
        .find(|c| c["address"] == "task_definition.pr-dev-web")
        .unwrap();
    assert_eq!(td["action"], "update", "{td:#}");
    assert_eq!(
        td["reason"],
        "new revision of `pr-dev-web`, compared with revision 2"
    );
    let service = changes
        .iter()
        .find(|c| c["address"] == "service.web")
        .unwrap();
    assert_eq!(service["fieldChanges"][0]["path"], "taskDefinition");
    assert_eq!(service["fieldChanges"][0]["before"], "pr-dev-web:2");
    assert_eq!(
        service["fieldChanges"][0]["afterUnknown"], true,
        "{service:#}"
    );

    // (b) Destroy deregisters every ACTIVE revision of ours, older ones included, keeps the
    // foreign ones and says so.
    let r = p.ok(&["destroy", "-e", "dev", "--yes"]);
    for line in [
        "  # task_definition.pr-dev-web will be destroyed\n  # (deregisters revisions 1-2: every \
         ACTIVE one with this environment's ownership tags)\n  - task_definition.pr-dev-web\n",
        &format!("  # task_definition.pr-dev-web:3 {KEPT}"),
        &format!("  # task_definition.pr-dev-web:4 {KEPT}"),
    ] {
        assert!(r.stdout.contains(line), "{line}\n{}", r.all());
    }
    // Two revisions, two log groups (retained).
    assert!(r.stderr.contains("; 4 kept (see the plan)"), "{}", r.all());
    assert_eq!(active(&p, "pr-dev-web"), (vec![3, 4], vec![]));
    assert_eq!(active(&p, "pr-dev-worker"), (vec![], vec![]));

    // (c) Nothing of ours is left: a second destroy deletes nothing, writes nothing, and still
    // names what it leaves.
    let again = p.ok(&[
        "destroy",
        "-e",
        "dev",
        "--yes",
        "--detailed-exitcode",
        "--stats",
    ]);
    assert!(
        again.stderr.contains("nothing to destroy in `dev`"),
        "{}",
        again.all()
    );
    again.assert_no_writes("a second destroy");
    assert!(
        again
            .stdout
            .contains(&format!("  # task_definition.pr-dev-web:4 {KEPT}")),
        "{}",
        again.all()
    );
    assert_eq!(active(&p, "pr-dev-web"), (vec![3, 4], vec![]));
}

#[test]
fn pruning_a_family_whose_newest_revision_is_foreign_deregisters_ours() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    assert_eq!(
        register_copy(&p, "pr-dev-worker", 1, "busybox:1.37", json!([])),
        2
    );
    p.overlay("dev", "services:\n  worker:\n    enabled: false");

    let plan = p.run(&["plan", "-e", "dev", "--output", "json", "--stats"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    plan.assert_no_writes("plan");
    let doc = stdout_json(&plan);
    let families: Vec<(String, String, String)> = doc["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "task_definition" && c["name"] != "pr-dev-web")
        .map(|c| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (s(&c["address"]), s(&c["action"]), s(&c["reason"]))
        })
        .collect();
    assert_eq!(
        families,
        [
            (
                "task_definition.pr-dev-worker".to_string(),
                "delete".to_string(),
                "deregisters revision 1: every ACTIVE one with this environment's ownership tags"
                    .to_string()
            ),
            (
                "task_definition.pr-dev-worker:2".to_string(),
                "no-op".to_string(),
                "kept: it does not carry this environment's ownership tags".to_string()
            ),
        ]
    );

    p.ok(&["apply", "-e", "dev", "--yes"]);
    assert_eq!(active(&p, "pr-dev-worker"), (vec![2], vec![]));
    let again = p.run(&["plan", "-e", "dev", "--detailed-exitcode", "--stats"]);
    assert_eq!(again.code, Some(0), "{}", again.all());
    again.assert_no_writes("plan");
}
