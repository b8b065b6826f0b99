//! Listings that span more than one page (the emulator answers most in one): each read
//! follows the token through the SDK's paginator, keeps its filters on every page, makes one
//! call per page, and stops early only where it means to.

use serde_json::{Value, json};

use super::replay::{clients, run};

const TD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition";

fn calls(c: &super::AwsClients, op: &str) -> u32 {
    c.calls().get(op).copied().unwrap_or_default()
}

/// The request's own fields, without the pagination token.
fn without_token(mut body: Value, token: &str) -> Value {
    body.as_object_mut().expect("a JSON request").remove(token);
    body
}

/// A DescribeTaskDefinition answer for `family:revision`, with `env` as its environment tag
/// (None: untagged, someone else's).
fn described(family: &str, revision: i32, env: Option<&str>) -> Value {
    let tags = match env {
        Some(env) => json!([{"key": "ecsctl:managed-by", "value": "ecsctl"},
            {"key": "ecsctl:app", "value": "ohi"}, {"key": "ecsctl:env", "value": env}]),
        None => json!([]),
    };
    json!({"taskDefinition": {"taskDefinitionArn": format!("{TD}/{family}:{revision}"),
        "family": family, "revision": revision, "status": "ACTIVE"}, "tags": tags})
}

fn dev(td: &crate::live::LiveTaskDefinition) -> bool {
    td.tags.get("ecsctl:env").map(String::as_str) == Some("dev")
}

#[test]
fn the_latest_revision_is_found_on_a_later_ascending_page() {
    // moto ignores `sort`: pages come back ascending, so the newest is on the last page.
    let (c, sent) = clients(&[
        json!({"taskDefinitionArns": [format!("{TD}/api:1"), format!("{TD}/api:2")], "nextToken": "t1"}),
        json!({"taskDefinitionArns": [format!("{TD}/api:3"), format!("{TD}/api-worker:9")]}),
        described("api", 3, Some("dev")),
    ]);
    let found = run(super::ecs_revisions::newest_active_revision_where(
        &c,
        "api",
        &[],
        dev,
    ))
    .unwrap();
    assert_eq!(found.found, Some(format!("{TD}/api:3")));
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 2);
    assert_eq!(calls(&c, "ecs:DescribeTaskDefinition"), 1);
    let bodies = sent.bodies();
    assert_eq!(bodies[1]["nextToken"], "t1");
    assert_eq!(
        without_token(bodies[1].clone(), "nextToken"),
        json!({"familyPrefix": "api", "status": "ACTIVE", "sort": "DESC"})
    );
    assert_eq!(bodies[0], without_token(bodies[1].clone(), "nextToken"));
    assert_eq!(
        bodies[2],
        json!({"taskDefinition": format!("{TD}/api:3"), "include": ["TAGS"]})
    );
}

#[test]
fn a_descending_first_page_with_our_newest_revision_is_one_list_and_one_describe() {
    let (c, _) = clients(&[
        json!({"taskDefinitionArns": [format!("{TD}/api:9"), format!("{TD}/api:8")],
            "nextToken": "more"}),
        described("api", 9, Some("dev")),
    ]);
    let found = run(super::ecs_revisions::newest_active_revision_where(
        &c,
        "api",
        &[],
        dev,
    ))
    .unwrap();
    assert_eq!(found.found, Some(format!("{TD}/api:9")));
    assert_eq!(found.described.len(), 1);
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 1);
    assert_eq!(calls(&c, "ecs:DescribeTaskDefinition"), 1);
}

#[test]
fn foreign_newer_revisions_are_skipped_across_pages_to_the_newest_of_ours() {
    // Someone registered 9 (untagged) and 8 (another environment's) after our 7; the second
    // page is only read once both were looked at, and 6 (ours, older) never is.
    let (c, sent) = clients(&[
        json!({"taskDefinitionArns": [format!("{TD}/api:9"), format!("{TD}/api:8")],
            "nextToken": "p2"}),
        described("api", 9, None),
        described("api", 8, Some("prod")),
        json!({"taskDefinitionArns": [format!("{TD}/api:7"), format!("{TD}/api:6")]}),
        described("api", 7, Some("dev")),
    ]);
    let found = run(super::ecs_revisions::newest_active_revision_where(
        &c,
        "api",
        &[],
        dev,
    ))
    .unwrap();
    assert_eq!(found.found, Some(format!("{TD}/api:7")));
    let seen: Vec<i32> = found.described.iter().map(|t| t.revision).collect();
    assert_eq!(seen, [9, 8, 7]);
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 2);
    assert_eq!(calls(&c, "ecs:DescribeTaskDefinition"), 3);
    assert_eq!(sent.bodies()[3]["nextToken"], "p2");
}

#[test]
fn a_family_without_a_revision_of_ours_is_read_to_the_end() {
    let (c, _) = clients(&[
        json!({"taskDefinitionArns": [format!("{TD}/api:2")], "nextToken": "p2"}),
        described("api", 2, None),
        json!({"taskDefinitionArns": [format!("{TD}/api:1")]}),
        described("api", 1, Some("prod")),
    ]);
    let found = run(super::ecs_revisions::newest_active_revision_where(
        &c,
        "api",
        &[],
        dev,
    ))
    .unwrap();
    assert_eq!(found.found, None);
    assert_eq!(found.described.len(), 2);
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 2);
}

#[test]
fn service_names_gather_every_page_of_the_cluster() {
    let svc = "arn:aws:ecs:eu-west-1:123456789012:service/c";
    let (c, sent) = clients(&[
        json!({"serviceArns": [format!("{svc}/web"), format!("{svc}/api")], "nextToken": "p2"}),
        json!({"serviceArns": [format!("{svc}/api"), format!("{svc}/worker")]}),
    ]);
    let names = run(super::list_owned::service_names(&c, "c")).unwrap();
    assert_eq!(names, ["api", "web", "worker"]);
    assert_eq!(calls(&c, "ecs:ListServices"), 2);
    assert_eq!(
        sent.bodies()[1],
        json!({"cluster": "c", "maxResults": 100, "nextToken": "p2"})
    );
}

#[test]
fn a_namespace_on_the_second_page_is_found_with_the_filter_kept() {
    let ns = |id: &str, kind: &str| {
        json!({"Id": id, "Arn": format!("arn:aws:servicediscovery:eu-west-1:123456789012:namespace/{id}"),
               "Name": "shop-dev.local", "Type": kind})
    };
    let (c, sent) = clients(&[
        json!({"Namespaces": [ns("ns-public", "DNS_PUBLIC")], "NextToken": "n2"}),
        json!({"Namespaces": [ns("ns-private", "DNS_PRIVATE")]}),
    ]);
    let found = run(super::discovery::read_namespace(&c, "shop-dev.local"))
        .unwrap()
        .expect("found");
    assert_eq!(
        found.id, "ns-private",
        "a private namespace wins across pages"
    );
    assert_eq!(calls(&c, "servicediscovery:ListNamespaces"), 2);
    let filter = json!([{"Name": "NAME", "Values": ["shop-dev.local"], "Condition": "EQ"}]);
    assert_eq!(sent.bodies()[1]["Filters"], filter);
    assert_eq!(sent.bodies()[1]["NextToken"], "n2");
}
