//! The pull-request view: a markdown comment with the summary, a table of the resources that
//! change, and the field-level details in a collapsed `diff` block.
//!
//! Must show the same changes as the JSON; no-ops are omitted from the table.

use std::fmt::Write;

use super::action_label;
use super::nested;
use super::ownership::{self, Shown};
use crate::plan::{Action, Effect, Plan};

pub fn render(plan: &Plan) -> String {
    let t = &plan.target;
    let mut out = format!("### ecsctl plan: `{}` / `{}`\n\n", t.app, t.env);
    if let Some(header) = super::partial_header(plan) {
        let _ = writeln!(out, "> **{header}.**\n");
    }
    for line in super::image_lines(plan) {
        let _ = writeln!(out, "- {line}\n");
    }
    let summary = plan.summary();
    let _ = writeln!(out, "**{summary}**\n");
    if let Some(warning) = super::destroy_warning(plan) {
        let _ = writeln!(out, "> :warning: **Destructive:** {warning}.\n");
    }
    let kept = super::kept(plan);
    if !kept.is_empty() {
        for (address, reason) in &kept {
            let _ = writeln!(out, "- `{}` is {reason}", cell(address));
        }
        out.push('\n');
    }
    if summary.is_empty() {
        footer(&mut out, plan);
        return out;
    }
    out.push_str("| | Resource | Action | Fields |\n|---|---|---|---|\n");
    for c in plan.actionable() {
        let mut notes: Vec<String> = c
            .fields
            .iter()
            .filter(|f| f.effect == Effect::Replace)
            .map(|f| format!("`{}` forces replacement", cell(&f.path)))
            .collect();
        notes.dedup();
        let count = match c.fields.len() {
            1 => "1 field".to_string(),
            n => format!("{n} fields"),
        };
        let fields = if notes.is_empty() {
            count
        } else {
            format!("{count}; {}", notes.join(", "))
        };
        let action = if c.action == Action::Delete {
            format!(":warning: **{}**", action_label(c))
        } else {
            action_label(c)
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            c.action.symbol(),
            cell(&c.address.to_string()),
            action,
            fields
        );
    }
    out.push_str("\n<details><summary>Details</summary>\n\n```diff\n");
    for c in plan.actionable() {
        let _ = writeln!(out, "{} {}", c.action.symbol(), c.address);
        if let Some(reason) = &c.reason {
            let _ = writeln!(out, "# {reason}");
        }
        if c.action == Action::Delete {
            continue;
        }
        for entry in ownership::shown(t, c) {
            match entry {
                Shown::Field(f) => {
                    for line in nested::field_lines(f) {
                        let indent = " ".repeat(5 + 4 * line.depth);
                        let _ = writeln!(out, "{}{indent}{}", line.sym.as_str(), line.text);
                    }
                }
                Shown::Ownership(n) => {
                    let text = Shown::ownership_text(n);
                    let _ = writeln!(out, "+     {} = {text}", ownership::PATH);
                }
            }
        }
    }
    out.push_str("```\n\n</details>\n\n");
    footer(&mut out, plan);
    out
}

fn footer(out: &mut String, plan: &Plan) {
    let t = &plan.target;
    let account = t.account_id.as_deref().unwrap_or("unknown account");
    let _ = writeln!(
        out,
        "<sub>{account} · {} · live state {}</sub>",
        t.region, plan.fingerprint
    );
}

/// Table cells cannot hold a raw `|`.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::human::tests::small_plan;

    #[test]
    fn renders_a_summary_table_and_details() {
        let md = render(&small_plan());
        assert!(md.starts_with(
            "### ecsctl plan: `ohi` / `prod`\n\n**Plan: 2 to add, 2 to change, 2 to destroy.**\n"
        ));
        let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(
            table,
            [
                "| | Resource | Action | Fields |",
                "|---|---|---|---|",
                "| `+` | `log_group./ecs/ohi-prod/api` | create | 5 fields |",
                "| `~` | `task_definition.ohi-prod-api` | new revision | 2 fields |",
                "| `~` | `service.api` | update in place, new deployment | 2 fields |",
                "| `-/+` | `discovery_service.worker` | replace | 1 field; `routingPolicy` forces replacement |",
                "| `-` | `iam_role.ohi-prod-old-exec` | :warning: **destroy** | 0 fields |",
            ]
        );
        assert!(
            md.contains("```diff\n+ log_group./ecs/ohi-prod/api\n+     retentionInDays = 30\n+     tags[\"ecsctl:*\"] = (3 ownership tags)\n+     tags.team = \"payments\"\n")
        );
        assert!(md.contains("-     containerDefinitions.api.environment.DEBUG = \"1\"\n"));
        assert!(md.contains("- iam_role.ohi-prod-old-exec\n```"));
        assert!(
            md.trim_end()
                .ends_with(&format!("live state {}</sub>", small_plan().fingerprint))
        );
        // every fenced block is closed
        assert_eq!(md.matches("```").count() % 2, 0);
    }
}
