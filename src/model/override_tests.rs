//! One `--image` reaching every container of the same repository (issue 13): services that
//! take the image from `defaults:`, a sidecar, and a scheduled task built from a service.

use super::r#override::{ImageOverride, TouchedKind, apply_overrides};
use super::resources::{Desired, RoleRef};
use super::testkit::ok;

const REPO: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop";

fn spec() -> String {
    format!(
        "defaults:
  image: {REPO}:v1
services:
  web:
    ports: [8080]
    sidecars:
      proxy:
        image: nginx:1.27
      agent:
        image: {REPO}:v1
  worker:
    command: [bin/worker]
  beat:
    command: [bin/beat]
  admin:
    image: {REPO}-admin:v1
scheduledTasks:
  migrate:
    service: web
    schedule: rate(1 day)
    command: [bin/migrate]
"
    )
}

fn image_of(d: &Desired, family_suffix: &str, container: &str) -> String {
    let td = d
        .task_definitions
        .iter()
        .find(|t| t.family.ends_with(family_suffix))
        .unwrap_or_else(|| panic!("no family *{family_suffix}"));
    td.containers
        .iter()
        .find(|c| c.name == container)
        .unwrap_or_else(|| panic!("no container {container} in {}", td.family))
        .image
        .clone()
}

#[test]
fn one_override_reaches_every_container_of_the_same_repository() {
    let (mut d, _) = ok(&spec());
    let v2 = format!("{REPO}:v2");
    let notes = apply_overrides(
        &mut d,
        &[ImageOverride::parse(&format!("web={v2}")).unwrap()],
    )
    .unwrap();
    for (family, container) in [
        ("-web", "web"),
        ("-web", "agent"),
        ("-worker", "worker"),
        ("-beat", "beat"),
        ("-migrate", "web"),
        ("-migrate", "agent"),
    ] {
        assert_eq!(image_of(&d, family, container), v2, "{family}/{container}");
    }
    // Other repositories are left alone: a sidecar from Docker Hub, and a repository whose
    // name merely starts the same.
    assert_eq!(image_of(&d, "-web", "proxy"), "nginx:1.27");
    assert_eq!(image_of(&d, "-admin", "admin"), format!("{REPO}-admin:v1"));

    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].repository, REPO);
    let set: Vec<String> = notes[0].containers.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        set,
        [
            "`web`",
            "`web/agent`",
            "`worker`",
            "`beat`",
            "scheduled task `migrate`",
            "scheduled task `migrate/agent`"
        ]
    );
    assert!(
        notes[0]
            .containers
            .iter()
            .any(|c| c.kind == TouchedKind::ScheduledTask && c.name == "migrate")
    );
}

#[test]
fn matching_uses_the_spec_images_so_flag_order_does_not_matter() {
    let (base, _) = ok(&spec());
    let flags = [format!("web={REPO}:v2"), format!("admin={REPO}-admin:v9")];
    let parsed: Vec<ImageOverride> = flags
        .iter()
        .map(|f| ImageOverride::parse(f).unwrap())
        .collect();
    let mut a = base.clone();
    apply_overrides(&mut a, &parsed).unwrap();
    let mut b = base.clone();
    let reversed: Vec<ImageOverride> = parsed.iter().rev().cloned().collect();
    apply_overrides(&mut b, &reversed).unwrap();
    assert_eq!(a.task_definitions, b.task_definitions);
    assert_eq!(image_of(&a, "-admin", "admin"), format!("{REPO}-admin:v9"));
    assert_eq!(image_of(&a, "-beat", "beat"), format!("{REPO}:v2"));
}

#[test]
fn an_override_into_another_repository_moves_the_ecr_pull_grants_along() {
    let (mut d, _) = ok(&spec());
    let other = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-next:v2";
    apply_overrides(
        &mut d,
        &[ImageOverride::parse(&format!("web={other}")).unwrap()],
    )
    .unwrap();
    for family in ["-web", "-worker", "-beat", "-migrate"] {
        let td = d
            .task_definitions
            .iter()
            .find(|t| t.family.ends_with(family))
            .unwrap();
        let RoleRef::Owned(role) = &td.execution_role else {
            panic!("{family}: owned role expected");
        };
        let role = d.roles.iter().find(|r| &r.name == role).unwrap();
        let doc = serde_json::to_string(role.inline_policy.as_ref().unwrap()).unwrap();
        assert!(doc.contains("repository/shop-next"), "{family}: {doc}");
        assert!(!doc.contains("repository/shop\""), "{family}: {doc}");
    }
}

#[test]
fn a_container_override_still_names_the_container_and_reaches_its_repository() {
    let (mut d, _) = ok(&spec());
    let notes = apply_overrides(
        &mut d,
        &[ImageOverride::parse("web/proxy=nginx:1.28").unwrap()],
    )
    .unwrap();
    assert_eq!(image_of(&d, "-web", "proxy"), "nginx:1.28");
    assert_eq!(image_of(&d, "-web", "web"), format!("{REPO}:v1"));
    let set: Vec<String> = notes[0].containers.iter().map(|c| c.to_string()).collect();
    // The job built from web has web's sidecars too.
    assert_eq!(set, ["`web/proxy`", "scheduled task `migrate/proxy`"]);
    assert!(apply_overrides(&mut d, &[ImageOverride::parse("web/nope=nginx:1").unwrap()]).is_err());
}
