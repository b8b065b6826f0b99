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

#[test]
fn the_latest_revision_is_found_on_a_later_ascending_page() {
    // moto ignores `sort`: pages come back ascending, so the newest is on the last page.
    let (c, sent) = clients(&[
        json!({"taskDefinitionArns": [format!("{TD}/api:1"), format!("{TD}/api:2")], "nextToken": "t1"}),
        json!({"taskDefinitionArns": [format!("{TD}/api:3"), format!("{TD}/api-worker:9")]}),
    ]);
    let latest = run(super::ecs::latest_active_task_definition_arn(&c, "api")).unwrap();
    assert_eq!(latest, Some(format!("{TD}/api:3")));
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 2);
    let bodies = sent.bodies();
    assert_eq!(bodies[1]["nextToken"], "t1");
    assert_eq!(
        without_token(bodies[1].clone(), "nextToken"),
        json!({"familyPrefix": "api", "status": "ACTIVE", "sort": "DESC"})
    );
    assert_eq!(bodies[0], without_token(bodies[1].clone(), "nextToken"));
}

#[test]
fn a_descending_first_page_with_the_family_is_the_only_call() {
    let (c, _) = clients(&[json!({
        "taskDefinitionArns": [format!("{TD}/api:9"), format!("{TD}/api:8")],
        "nextToken": "more"
    })]);
    let latest = run(super::ecs::latest_active_task_definition_arn(&c, "api")).unwrap();
    assert_eq!(latest, Some(format!("{TD}/api:9")));
    assert_eq!(calls(&c, "ecs:ListTaskDefinitions"), 1);
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
    assert_eq!(sent.bodies()[1], json!({"cluster": "c", "nextToken": "p2"}));
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
