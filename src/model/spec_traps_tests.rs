//! Regression tests for the spec traps of issue 11: each fails on the code before the fix.

use super::resources::{Desired, PolicyRule};
use super::testkit::{BASE, build_raw, merged};
use crate::diagnostic::{Diagnostic, Severity};

fn build(base: &str, env: &str) -> (Desired, Vec<Diagnostic>) {
    match build_raw(&merged(&format!("{BASE}{base}"), env)) {
        Ok((desired, warnings)) => (desired, warnings.into_iter().collect()),
        Err(d) => panic!(
            "unexpected errors: {:#?}",
            d.into_iter().collect::<Vec<_>>()
        ),
    }
}

fn warnings(diags: &[Diagnostic]) -> Vec<(String, String, u32)> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (d.path.clone(), d.message.clone(), d.loc.line))
        .collect()
}

fn container<'a>(d: &'a Desired, family: &str) -> &'a super::resources::ContainerDefinition {
    &d.task_definitions
        .iter()
        .find(|t| t.family == family)
        .unwrap_or_else(|| panic!("no family {family}"))
        .containers[0]
}

#[test]
fn defaults_autoscaling_with_only_cooldowns_turns_autoscaling_on_for_no_one_else() {
    let base = "defaults:\n  autoscaling:\n    scaleInCooldown: 120\n    cpu: 70\n\
                services:\n  api:\n    image: nginx:1.27\n    autoscaling: {min: 1, max: 4}\n\
                \x20 worker:\n    image: nginx:1.27\n";
    let (desired, diags) = build(base, "");
    let targets: Vec<&str> = desired
        .scaling_targets
        .iter()
        .map(|t| t.service.as_str())
        .collect();
    assert_eq!(targets, ["api"]);
    let policy = &desired.scaling_targets[0].policies[0];
    let PolicyRule::TargetTracking {
        target_value,
        scale_in_cooldown,
        ..
    } = policy.rule
    else {
        panic!("target tracking expected: {policy:?}");
    };
    assert_eq!((target_value, scale_in_cooldown), (70.0, 120));
    assert_eq!(warnings(&diags), []);
}

#[test]
fn defaults_autoscaling_enabled_false_does_not_silently_switch_off_a_service_range() {
    let base =
        "services:\n  api:\n    image: nginx:1.27\n    autoscaling: {min: 1, max: 4, cpu: 60}\n";
    let env = "defaults:\n  autoscaling:\n    enabled: false\n";
    let (desired, diags) = build(base, env);
    assert_eq!(
        desired.scaling_targets.len(),
        1,
        "the service's own range wins"
    );
    assert_eq!(
        warnings(&diags),
        [(
            "defaults.autoscaling.enabled".to_string(),
            "`defaults.autoscaling.enabled: false` does not turn autoscaling off for `api`, which set their own `autoscaling`".to_string(),
            3
        )]
    );
    // The service's own `enabled: false` turns it off, without a warning.
    let env = "services:\n  api:\n    autoscaling: {enabled: false}\n";
    let (desired, diags) = build(base, env);
    assert!(desired.scaling_targets.is_empty());
    assert_eq!(warnings(&diags), []);
}

#[test]
fn defaults_autoscaling_range_that_no_service_turns_on_is_a_warning() {
    let base = "defaults:\n  autoscaling: {min: 1, max: 4, cpu: 60}\n\
                services:\n  api:\n    image: nginx:1.27\n";
    let (desired, diags) = build(base, "");
    assert!(desired.scaling_targets.is_empty());
    assert_eq!(
        warnings(&diags),
        [(
            "defaults.autoscaling".to_string(),
            "`defaults.autoscaling` turns autoscaling on for no service".to_string(),
            8
        )]
    );
    // `enabled: true` in defaults turns it on for every service.
    let base = "defaults:\n  autoscaling: {enabled: true, min: 1, max: 4, cpu: 60}\n\
                services:\n  api:\n    image: nginx:1.27\n";
    assert_eq!(build(base, "").0.scaling_targets.len(), 1);
}

#[test]
fn empty_secrets_block_drops_secrets_inherited_from_defaults() {
    let base = "defaults:\n  secrets:\n    DB: {secretsManager: shop/db}\n\
                services:\n  api:\n    image: nginx:1.27\n    secrets: {}\n\
                \x20 web:\n    image: nginx:1.27\n";
    let (desired, _) = build(base, "");
    assert!(container(&desired, "shop-prod-api").secrets.is_empty());
    assert_eq!(container(&desired, "shop-prod-web").secrets.len(), 1);
    // Nor can its execution role read the secret any more.
    let role = desired
        .roles
        .iter()
        .find(|r| r.name == "shop-prod-api-exec")
        .unwrap();
    let policy = serde_json::to_string(&role.inline_policy).unwrap();
    assert!(!policy.contains("secretsmanager"), "{policy}");
}

#[test]
fn null_removes_one_inherited_key() {
    let base = "defaults:\n  env: {A: \"1\", B: \"2\"}\n  tags: {team: web}\n\
                services:\n  api:\n    image: nginx:1.27\n    env: {C: \"3\"}\n";
    let env = "services:\n  api:\n    env:\n      A: null\n      C: ~\n";
    let (desired, _) = build(base, env);
    let vars: Vec<&str> = container(&desired, "shop-prod-api")
        .environment
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(vars, ["B"]);
}

#[test]
fn env_values_expand_known_placeholders_and_keep_json() {
    let base = "services:\n  api:\n    image: \"nginx:{env}\"\n    env:\n\
                \x20     BACKEND_URL: http://backend.{env}.local:8000\n\
                \x20     WHO: \"{app}/{service}@{region} in {account_id}\"\n\
                \x20     JSON: '{\"a\":1,\"b\":{\"c\":\"{user}\"}}'\n\
                \x20     LITERAL: \"$${env}\"\n";
    let (desired, _) = build(base, "");
    let c = container(&desired, "shop-prod-api");
    assert_eq!(c.image, "nginx:prod");
    let env = &c.environment;
    assert_eq!(env["BACKEND_URL"], "http://backend.prod.local:8000");
    // `account:` is set in BASE, so `{account_id}` resolves offline here.
    assert_eq!(env["WHO"], "shop/api@eu-west-1 in 123456789012");
    assert_eq!(env["JSON"], "{\"a\":1,\"b\":{\"c\":\"{user}\"}}");
    assert_eq!(env["LITERAL"], "${env}");
}

#[test]
fn image_strings_are_validated() {
    let yaml = |image: &str| format!("{BASE}services:\n  api:\n    image: {image}\n");
    let errors = |image: &str| -> Vec<(String, u32)> {
        match build_raw(&merged(&yaml(image), "")) {
            Ok(_) => Vec::new(),
            Err(d) => d
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| (d.message, d.loc.line))
                .collect(),
        }
    };
    assert_eq!(
        errors("\"nginx:1.27\\n\""),
        [(
            "image `nginx:1.27\n` is not valid: it contains a space, tab or line break".to_string(),
            9
        )]
    );
    assert_eq!(
        errors("'repo/Api:1'"),
        [(
            "image `repo/Api:1` is not valid: the repository has uppercase letters (repositories are lowercase)".to_string(),
            9
        )]
    );
    assert_eq!(
        errors("\"nginx:\""),
        [(
            "image `nginx:` is not valid: the tag after `:` is empty".to_string(),
            9
        )]
    );
    assert_eq!(
        errors("\"{account_id}.dkr.ecr.{region}.amazonaws.com/api:1\""),
        []
    );
}
