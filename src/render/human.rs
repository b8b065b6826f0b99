//! The human view: Terraform-like text with `+ ~ -/+ -` per resource and per field, and the
//! summary line. Colour only when the caller says so (it decides from `--color`, NO_COLOR and
//! the terminal).
//!
//! Must not hide anything the JSON shows about an actionable change; no-ops are omitted, as
//! Terraform does.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::headline;
use super::nested::{self, Sym};
use super::ownership::{self, Shown};
use crate::plan::{Action, Effect, FieldChange, Plan, ResourceChange, Target};

pub fn render(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    if let Some(header) = super::partial_header(plan) {
        out.push_str(&paint(color, Style::new().bold(), &format!("{header}.")));
        out.push_str("\n\n");
    }
    let images = super::image_lines(plan);
    for line in &images {
        out.push_str(line);
        out.push('\n');
    }
    if !images.is_empty() {
        out.push('\n');
    }
    let summary = plan.summary();
    if summary.is_empty() {
        out.push_str(&paint(color, Style::new().bold(), &summary.to_string()));
        out.push('\n');
        kept_lines(&mut out, plan);
        return out;
    }
    out.push_str("ecsctl will perform the following actions:\n");
    for c in plan.actionable() {
        out.push('\n');
        resource(&mut out, &plan.target, c, color);
    }
    out.push('\n');
    out.push_str(&paint(color, Style::new().bold(), &summary.to_string()));
    out.push('\n');
    if let Some(warning) = super::destroy_warning(plan) {
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let text = format!("Warning: {warning}.");
        out.push_str(&paint(color, red, &text));
        out.push('\n');
    }
    kept_lines(&mut out, plan);
    out
}

/// One line per resource kept on purpose (see `render::kept`).
fn kept_lines(out: &mut String, plan: &Plan) {
    for (address, reason) in super::kept(plan) {
        let _ = writeln!(out, "  # {address} is {reason}");
    }
}

fn resource(out: &mut String, target: &Target, c: &ResourceChange, color: bool) {
    let _ = writeln!(out, "  # {} {}", c.address, headline(c));
    if let Some(reason) = &c.reason {
        let _ = writeln!(out, "  # ({reason})");
    }
    let symbol = format!("{:>3}", c.action.symbol());
    let _ = writeln!(
        out,
        "{} {}",
        paint(color, style(c.action.symbol()), &symbol),
        c.address
    );
    if c.action == Action::Delete {
        return;
    }
    for entry in ownership::shown(target, c) {
        match entry {
            Shown::Field(f) => field(out, f, color),
            Shown::Ownership(n) => {
                let sym = paint(color, style("+"), "+");
                let text = Shown::ownership_text(n);
                let _ = writeln!(out, "      {sym} {} = {text}", ownership::PATH);
            }
        }
    }
}

fn field(out: &mut String, f: &FieldChange, color: bool) {
    let note = match f.effect {
        Effect::NewDeployment | Effect::Replace => {
            format!("  # {}", f.effect.note().unwrap_or_default())
        }
        _ => String::new(),
    };
    for (n, line) in nested::field_lines(f).iter().enumerate() {
        let indent = " ".repeat(6 + 4 * line.depth);
        let sym = line.sym.as_str();
        let note = if n == 0 { note.as_str() } else { "" };
        let _ = writeln!(
            out,
            "{indent}{} {}{note}",
            paint(color && line.sym != Sym::Same, style(sym), sym),
            line.text
        );
    }
}

fn style(symbol: &str) -> Style {
    let c = match symbol {
        "+" => AnsiColor::Green,
        "~" => AnsiColor::Yellow,
        "-/+" => AnsiColor::Magenta,
        _ => AnsiColor::Red,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::{Address, ResourceKind as K, Target};
    use serde_json::json;

    fn f(
        path: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
        effect: Effect,
    ) -> FieldChange {
        FieldChange {
            path: path.into(),
            before,
            after,
            after_unknown: false,
            effect,
        }
    }

    /// A small plan touching every action and field shape.
    pub(crate) fn small_plan() -> Plan {
        let c = |kind, name: &str, action, fields, reason: Option<&str>, force| ResourceChange {
            address: Address::new(kind, name),
            action,
            fields,
            reason: reason.map(str::to_string),
            force_new_deployment: force,
            observed: "absent".into(),
        };
        let changes = vec![
            c(
                K::LogGroup,
                "/ecs/ohi-prod/api",
                Action::Create,
                vec![
                    f("retentionInDays", None, Some(json!(30)), Effect::InPlace),
                    f(
                        r#"tags["ecsctl:app"]"#,
                        None,
                        Some(json!("ohi")),
                        Effect::InPlace,
                    ),
                    f(
                        r#"tags["ecsctl:env"]"#,
                        None,
                        Some(json!("prod")),
                        Effect::InPlace,
                    ),
                    f(
                        r#"tags["ecsctl:managed-by"]"#,
                        None,
                        Some(json!("ecsctl")),
                        Effect::InPlace,
                    ),
                    f("tags.team", None, Some(json!("payments")), Effect::InPlace),
                ],
                None,
                false,
            ),
            c(K::Cluster, "ohi-prod", Action::NoOp, vec![], None, false),
            c(
                K::TaskDefinition,
                "ohi-prod-api",
                Action::Update,
                vec![
                    f(
                        "containerDefinitions.api.image",
                        Some(json!("ohi-api:1.4.2")),
                        Some(json!("ohi-api:1.5.0")),
                        Effect::NewRevision,
                    ),
                    f(
                        "containerDefinitions.api.environment.DEBUG",
                        Some(json!("1")),
                        None,
                        Effect::NewRevision,
                    ),
                ],
                Some("new revision of `ohi-prod-api`, compared with revision 3"),
                false,
            ),
            c(
                K::Service,
                "api",
                Action::Update,
                vec![
                    FieldChange {
                        path: "taskDefinition".into(),
                        before: Some(json!("ohi-prod-api:3")),
                        after: None,
                        after_unknown: true,
                        effect: Effect::InPlace,
                    },
                    f(
                        "capacityProviderStrategy",
                        Some(json!([{"capacityProvider": "FARGATE", "base": 0, "weight": 1}])),
                        Some(json!([{"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 1}])),
                        Effect::NewDeployment,
                    ),
                ],
                None,
                true,
            ),
            c(
                K::DiscoveryService,
                "worker",
                Action::Replace,
                vec![f(
                    "routingPolicy",
                    Some(json!("WEIGHTED")),
                    Some(json!("MULTIVALUE")),
                    Effect::Replace,
                )],
                None,
                false,
            ),
            c(
                K::IamRole,
                "ohi-prod-old-exec",
                Action::Delete,
                vec![],
                None,
                false,
            ),
        ];
        let target = Target {
            app: "ohi".into(),
            env: "prod".into(),
            region: "eu-west-1".into(),
            account_id: Some("123456789012".into()),
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        Plan::new(target, changes)
    }

    #[test]
    fn small_plan_renders_exactly() {
        let want = r#"ecsctl will perform the following actions:

  # log_group./ecs/ohi-prod/api will be created
  + log_group./ecs/ohi-prod/api
      + retentionInDays = 30
      + tags["ecsctl:*"] = (3 ownership tags)
      + tags.team = "payments"

  # task_definition.ohi-prod-api will get a new revision
  # (new revision of `ohi-prod-api`, compared with revision 3)
  ~ task_definition.ohi-prod-api
      ~ containerDefinitions.api.image = "ohi-api:1.4.2" -> "ohi-api:1.5.0"
      - containerDefinitions.api.environment.DEBUG = "1"

  # service.api will be updated in place, with a new deployment
  ~ service.api
      ~ taskDefinition = "ohi-prod-api:3" -> (known after apply)
      ~ capacityProviderStrategy = [  # forces new deployment
          ~ {
              ~ capacityProvider = "FARGATE" -> "FARGATE_SPOT"
                base = 0
                weight = 1
            },
        ]

  # discovery_service.worker must be replaced
-/+ discovery_service.worker
      ~ routingPolicy = "WEIGHTED" -> "MULTIVALUE"  # forces replacement

  # iam_role.ohi-prod-old-exec will be destroyed
  - iam_role.ohi-prod-old-exec

Plan: 2 to add, 2 to change, 2 to destroy.
Warning: this plan destroys 2 resource(s): 1 deleted, 1 replaced (-/+).
"#;
        assert_eq!(render(&small_plan(), false), want);
    }

    #[test]
    fn no_changes_is_one_line() {
        let target = Target {
            app: "a".into(),
            env: "e".into(),
            region: "r".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        let plan = Plan::new(target, vec![]);
        assert_eq!(
            render(&plan, false),
            "No changes. Your infrastructure matches the spec.\n"
        );
    }

    #[test]
    fn colour_only_when_told() {
        let plain = render(&small_plan(), false);
        let coloured = render(&small_plan(), true);
        assert!(!plain.contains('\u{1b}'));
        assert!(coloured.contains("\u{1b}["));
        assert_ne!(plain, coloured);
    }
}

#[cfg(test)]
mod from_diff {
    use super::render;
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired};
    use crate::plan::{Plan, Target};

    /// A new image and an out-of-band count outside the autoscaling range, end to end from the
    /// diff: the text a CI log shows.
    #[test]
    fn new_image_and_clamped_count() {
        let mut d = desired();
        d.task_definitions[0].containers[0].image =
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:1.5.0".into();
        let mut l = converged();
        l.services[0].desired_count = 12;
        let target = Target {
            app: "ohi".into(),
            env: "prod".into(),
            region: "eu-west-1".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        let plan = Plan::new(target, diff(&d, &l));
        let want = r#"ecsctl will perform the following actions:

  # task_definition.ohi-prod-api will get a new revision
  # (new revision of `ohi-prod-api`, compared with revision 3)
  ~ task_definition.ohi-prod-api
      ~ containerDefinitions.api.image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:1.4.2" -> "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:1.5.0"

  # service.api will be updated in place
  ~ service.api
      ~ taskDefinition = "ohi-prod-api:3" -> (known after apply)
      ~ desiredCount = 12 -> 6

Plan: 0 to add, 2 to change, 0 to destroy.
"#;
        assert_eq!(render(&plan, false), want);
    }
}
