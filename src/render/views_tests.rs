//! The three views together, on plans built by the diff from the shared fixtures: what every
//! format must agree on (counts and warnings, sensitive values, ownership tags, nested
//! documents).

use serde_json::json;

use super::{human, json, markdown};
use crate::diff::diff;
use crate::diff::fixtures::{converged, desired};
use crate::live::Live;
use crate::plan::{Action, Plan, Target};

fn target() -> Target {
    Target {
        app: "ohi".into(),
        env: "prod".into(),
        region: "eu-west-1".into(),
        account_id: Some("123456789012".into()),
        services: None,
        images: Vec::new(),
        before_deploy: Vec::new(),
        adopted: Vec::new(),
        cost: None,
    }
}

/// The lines of `text` from the one equal to `first` up to the next blank line.
fn block<'a>(text: &'a str, first: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != first)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// Regression: the summary counted a replacement as a destroy ("2 to destroy") while the
/// warning under it said "this plan deletes 1 resource(s)". Both now count as Terraform does.
#[test]
fn the_destroy_warning_counts_what_the_summary_counts() {
    let plan = super::human::tests::small_plan();
    assert_eq!(plan.summary().destroy, 2);
    let text = human::render(&plan, false);
    assert!(
        text.ends_with(
            "Plan: 2 to add, 2 to change, 2 to destroy.\nWarning: this plan destroys 2 resource(s): 1 deleted, 1 replaced (-/+).\n"
        ),
        "{text}"
    );
    let md = markdown::render(&plan);
    assert!(
        md.contains(
            "**Plan: 2 to add, 2 to change, 2 to destroy.**\n\n> :warning: **Destructive:** this plan destroys 2 resource(s): 1 deleted, 1 replaced (-/+).\n"
        ),
        "{md}"
    );
    // Only deletions: no breakdown.
    let mut only_deletes = plan.clone();
    only_deletes.changes.retain(|c| c.action == Action::Delete);
    assert_eq!(
        super::destroy_warning(&only_deletes).as_deref(),
        Some("this plan destroys 1 resource(s)")
    );
}

/// `sensitive: [DB_URL]` hides the value in every view, the pull-request markdown included.
#[test]
fn a_sensitive_value_is_hidden_in_every_format() {
    let secret = "postgres://u:hunter2@db/x";
    let mut d = desired();
    let c = &mut d.task_definitions[0].containers[0];
    c.environment.insert("DB_URL".into(), secret.into());
    c.sensitive.insert("DB_URL".into());
    let plan = Plan::new(target(), diff(&d, &converged()));
    let line = r#"containerDefinitions.api.environment.DB_URL = "(sensitive value)""#;
    let text = human::render(&plan, false);
    assert!(text.contains(&format!("      + {line}\n")), "{text}");
    let md = markdown::render(&plan);
    assert!(md.contains(&format!("\n+     {line}\n")), "{md}");
    let js = json::render(&plan);
    let doc: serde_json::Value = serde_json::from_str(&js).unwrap();
    let fields = doc["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["fieldChanges"].as_array().unwrap().iter())
        .find(|f| f["path"] == "containerDefinitions.api.environment.DB_URL")
        .cloned();
    assert_eq!(fields.unwrap()["after"], json!("(sensitive value)"));
    for (name, out) in [("human", &text), ("markdown", &md), ("json", &js)] {
        assert!(!out.contains("hunter2"), "{name} shows the value:\n{out}");
    }
}

/// Regression: every resource of a first plan printed its three ownership tags, one line each
/// (165 of 948 lines for a production spec). On a create they are one line; user tags stay.
#[test]
fn ownership_tags_are_one_line_on_a_create() {
    let live = Live {
        account_id: "123456789012".into(),
        region: "eu-west-1".into(),
        ..Live::default()
    };
    let plan = Plan::new(target(), diff(&desired(), &live));
    let text = human::render(&plan, false);
    assert_eq!(
        block(&text, "  + log_group./ecs/ohi-prod/api"),
        [
            "  + log_group./ecs/ohi-prod/api",
            "      + retentionInDays = 30",
            r#"      + tags["ecsctl:*"] = (3 ownership tags)"#,
            r#"      + tags.team = "platform""#,
        ]
    );
    let creates = plan.actionable().count();
    assert_eq!(
        text.matches(r#"+ tags["ecsctl:*"] = (3 ownership tags)"#)
            .count(),
        plan.actionable()
            .filter(|c| c.fields.iter().any(|f| f.path == r#"tags["ecsctl:env"]"#))
            .count()
    );
    assert!(creates > 3, "{text}");
    assert!(!text.contains(r#"tags["ecsctl:env"]"#), "{text}");
    let md = markdown::render(&plan);
    assert!(!md.contains(r#"tags["ecsctl:env"]"#), "{md}");
    assert!(
        md.contains("+     tags[\"ecsctl:*\"] = (3 ownership tags)\n"),
        "{md}"
    );
    // The JSON plan still lists every tag.
    assert!(json::render(&plan).contains(r#""path": "tags[\"ecsctl:env\"]""#));
}

/// Regression: an IAM policy change printed the whole `Statement` list as one JSON line on
/// each side. An action removed out of band is now one `+` line in its statement.
#[test]
fn a_policy_change_shows_the_changed_action_only() {
    let mut live = converged();
    let doc = live.roles[0].inline_policies.get_mut("ecsctl").unwrap();
    doc["Statement"][1]["Action"] = json!(["logs:CreateLogStream"]);
    let plan = Plan::new(target(), diff(&desired(), &live));
    let text = human::render(&plan, false);
    let lines = block(&text, "  ~ iam_role.ohi-prod-api-exec");
    assert_eq!(
        lines,
        [
            "  ~ iam_role.ohi-prod-api-exec",
            "      ~ inlinePolicies.ecsctl.Statement = [",
            "            # (1 unchanged element hidden)",
            "          ~ {",
            "              ~ Action = [",
            "                    # (1 unchanged element hidden)",
            "                  + \"logs:PutLogEvents\",",
            "                ]",
            "                Effect = \"Allow\"",
            "                Resource = [\"arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ohi-prod/api:*\"]",
            "            },",
            "        ]",
        ],
        "{text}"
    );
    let md = markdown::render(&plan);
    assert!(
        md.contains("~     inlinePolicies.ecsctl.Statement = [\n          # (1 unchanged element hidden)\n~         {\n~             Action = [\n                  # (1 unchanged element hidden)\n+                 \"logs:PutLogEvents\",\n"),
        "{md}"
    );
}

/// Issue 13, item 8: a partial plan says so in every view, and the JSON document carries its
/// services (`target.services`) through a save and a read back.
#[test]
fn a_partial_plan_says_so_in_every_view() {
    let mut t = target();
    t.services = Some(vec!["api".into(), "worker".into()]);
    let plan = Plan::new(t, diff(&desired(), &converged()));
    let header = "Partial plan: only services `api`, `worker` (with their scheduled tasks and the resources they use); the rest of `prod` is neither changed nor pruned.";
    let text = human::render(&plan, false);
    assert!(
        text.starts_with(&format!("{header}\n\nNo changes.")),
        "{text}"
    );
    let md = markdown::render(&plan);
    assert!(
        md.starts_with(&format!(
            "### ecsctl plan: `ohi` / `prod`\n\n> **{header}**\n\n"
        )),
        "{md}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json::render(&plan)).unwrap();
    assert_eq!(doc["formatVersion"], json!("1.5"));
    assert_eq!(doc["target"], json!({"services": ["api", "worker"]}));
    let back = json::JsonPlan::parse(&json::render(&plan)).unwrap();
    assert_eq!(back.target.services, plan.target.services);
    // A full plan has no `target` and no header.
    let full = Plan::new(target(), diff(&desired(), &converged()));
    let doc: serde_json::Value = serde_json::from_str(&json::render(&full)).unwrap();
    assert!(doc.get("target").is_none());
    assert!(!human::render(&full, false).contains("Partial"));
}

/// What an `--image` flag set is in every view, and survives a saved plan's round trip.
#[test]
fn image_notes_show_in_every_view() {
    use crate::plan::{ImageNote, TouchedContainer, TouchedKind};
    let touched = |kind, name: &str, container: &str, main| TouchedContainer {
        kind,
        name: name.into(),
        container: container.into(),
        main,
    };
    let mut t = target();
    t.images = vec![ImageNote {
        flag: "api=repo/api:v2".into(),
        repository: "repo/api".into(),
        containers: vec![
            touched(TouchedKind::Service, "api", "api", true),
            touched(TouchedKind::Service, "worker", "agent", false),
            touched(TouchedKind::ScheduledTask, "migrate", "api", true),
        ],
    }];
    let plan = Plan::new(t, diff(&desired(), &converged()));
    let line = "--image api=repo/api:v2 set `api`, `worker/agent`, scheduled task `migrate` (every container whose image is in `repo/api`)";
    let text = human::render(&plan, false);
    assert!(
        text.starts_with(&format!("{line}\n\nNo changes.")),
        "{text}"
    );
    let md = markdown::render(&plan);
    assert!(md.contains(&format!("\n- {line}\n")), "{md}");
    let doc: serde_json::Value = serde_json::from_str(&json::render(&plan)).unwrap();
    assert_eq!(
        doc["images"][0]["containers"][2]["kind"],
        json!("scheduledTask")
    );
    let back = json::JsonPlan::parse(&json::render(&plan)).unwrap();
    assert_eq!(back.target.images, plan.target.images);
    // Without --image there is no `images` key and no line.
    let plain = Plan::new(target(), diff(&desired(), &converged()));
    let doc: serde_json::Value = serde_json::from_str(&json::render(&plain)).unwrap();
    assert!(doc.get("images").is_none());
    assert!(!human::render(&plain, false).contains("--image"));
}

/// A plan that runs `beforeDeploy` jobs says so in every view, and the JSON keeps it through a
/// saved plan's round trip (1.3).
#[test]
fn the_before_deploy_jobs_show_in_every_view() {
    let mut plan = crate::render::human::tests::small_plan();
    plan.target.before_deploy = vec!["migrate".into(), "seed".into()];
    let line = "Before updating any service, apply runs `migrate`, then `seed` (beforeDeploy)";
    assert!(crate::render::human::render(&plan, false).contains(line));
    assert!(crate::render::markdown::render(&plan).contains(line));
    let text = crate::render::json::render(&plan);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["beforeDeploy"], json!(["migrate", "seed"]));
    let back = crate::render::json::JsonPlan::parse(&text).unwrap();
    assert_eq!(back.target.before_deploy, plan.target.before_deploy);
}
