//! The report of `plan --all`: every environment's plan, or why it has none, in one document.
//!
//! Owns `EnvReport` (what the views of several environments take), the totals across them and
//! the human view: each environment's plan under a heading, as `plan -e` prints it, then one
//! summary line per environment and a total. The JSON envelope is `json::all`, the pull-request
//! comment `all_markdown`. Must not decide anything about a plan, and must not print: the
//! command writes what these return.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::plan::Summary;
use crate::plan::saved::SavedPlan;

/// One environment of `plan --all`.
#[derive(Clone, Debug)]
pub struct EnvReport {
    pub env: String,
    pub outcome: EnvOutcome,
}

#[derive(Clone, Debug)]
pub enum EnvOutcome {
    /// Planned: the plan with the desired state it was computed from, as `plan -e` has it.
    Planned(Box<SavedPlan>),
    /// Not planned: the error, worded as `plan -e ENV` words it.
    Failed(String),
}

impl EnvReport {
    pub fn saved(&self) -> Option<&SavedPlan> {
        match &self.outcome {
            EnvOutcome::Planned(saved) => Some(saved),
            EnvOutcome::Failed(_) => None,
        }
    }

    pub fn error(&self) -> Option<&str> {
        match &self.outcome {
            EnvOutcome::Planned(_) => None,
            EnvOutcome::Failed(e) => Some(e),
        }
    }

    /// Whether the spec marks the environment `protected` (unknown when it failed).
    pub fn protected(&self) -> Option<bool> {
        self.saved().map(|s| s.desired.protected)
    }
}

/// What the environments add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// The changes of the planned environments, counted as each plan's summary counts them.
    pub summary: Summary,
    pub environments: usize,
    pub failed: usize,
}

impl Totals {
    pub fn of(reports: &[EnvReport]) -> Totals {
        let mut t = Totals {
            environments: reports.len(),
            ..Totals::default()
        };
        for r in reports {
            match r.saved() {
                Some(saved) => {
                    let s = saved.plan.summary();
                    t.summary.add += s.add;
                    t.summary.change += s.change;
                    t.summary.destroy += s.destroy;
                }
                None => t.failed += 1,
            }
        }
        t
    }

    /// True when some planned environment has changes (the `--detailed-exitcode` 2).
    pub fn has_changes(&self) -> bool {
        !self.summary.is_empty()
    }

    /// `Total: 1 to add, 2 to change, 0 to destroy in 3 environments.`, or `in 2 of 3
    /// environments (1 failed).` when some have no plan to count.
    pub fn line(&self) -> String {
        let counts = if self.has_changes() {
            counts(&self.summary)
        } else {
            "no changes".to_string()
        };
        let envs = match self.environments {
            1 => "1 environment".to_string(),
            n => format!("{n} environments"),
        };
        match self.failed {
            0 => format!("Total: {counts} in {envs}."),
            failed => {
                let planned = self.environments - failed;
                format!("Total: {counts} in {planned} of {envs} ({failed} failed).")
            }
        }
    }
}

/// `1 to add, 2 to change, 0 to destroy`, or `no changes`.
pub fn counts(s: &Summary) -> String {
    if s.is_empty() {
        return "no changes".to_string();
    }
    format!(
        "{} to add, {} to change, {} to destroy",
        s.add, s.change, s.destroy
    )
}

/// The first line of an error: its sentence without the hint, for tables and summaries.
pub fn first_line(error: &str) -> &str {
    error.lines().next().unwrap_or_default()
}

/// The human view: a heading and the plan (or the error) per environment, then the summary.
pub fn human(reports: &[EnvReport], color: bool) -> String {
    let bold = Style::new().bold();
    let mut out = String::new();
    for r in reports {
        let heading = format!("=== {} ===", r.env);
        let _ = writeln!(out, "{}\n", paint(color, bold, &heading));
        match &r.outcome {
            EnvOutcome::Planned(saved) => out.push_str(&super::human::render(&saved.plan, color)),
            EnvOutcome::Failed(error) => {
                let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
                let text = format!("Failed: {}", first_line(error));
                let _ = writeln!(out, "{}", paint(color, red, &text));
            }
        }
        out.push('\n');
    }
    let width = reports.iter().map(|r| r.env.len()).max().unwrap_or(0);
    let _ = writeln!(out, "{}", paint(color, bold, "Environments:"));
    for r in reports {
        let status = match (r.saved(), r.error()) {
            (Some(saved), _) => {
                let mut s = counts(&saved.plan.summary());
                if saved.desired.protected {
                    s.push_str(" (protected)");
                }
                s
            }
            (None, Some(_)) => "failed".to_string(),
            (None, None) => unreachable!("an environment is planned or failed"),
        };
        let _ = writeln!(out, "  {:<width$}  {status}", r.env);
    }
    let total = Totals::of(reports).line();
    let _ = writeln!(out, "{}", paint(color, bold, &total));
    out
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::saved::ECSCTL_VERSION;
    use crate::plan::{Plan, Target};

    /// A planned environment: `small_plan()`'s changes (2 to add, 2 to change, 2 to destroy)
    /// when `changed`, else none.
    pub fn planned(env: &str, changed: bool, protected: bool) -> EnvReport {
        let mut desired = crate::diff::fixtures::desired();
        desired.env = env.to_string();
        desired.protected = protected;
        let plan = if changed {
            let mut p = crate::render::human::tests::small_plan();
            p.target.env = env.to_string();
            p
        } else {
            let target = Target {
                app: "ohi".into(),
                env: env.into(),
                region: "eu-west-1".into(),
                account_id: Some("123456789012".into()),
                services: None,
                images: Vec::new(),
                before_deploy: Vec::new(),
                adopted: Vec::new(),
                cost: None,
            };
            Plan::new(target, vec![])
        };
        EnvReport {
            env: env.to_string(),
            outcome: EnvOutcome::Planned(Box::new(SavedPlan {
                plan,
                desired,
                delete_logs: false,
                ecsctl_version: ECSCTL_VERSION.to_string(),
            })),
        }
    }

    pub fn failed(env: &str) -> EnvReport {
        EnvReport {
            env: env.to_string(),
            outcome: EnvOutcome::Failed(
                "the spec pins account `111111111111` but the credentials are for account `222222222222`; nothing was read\n  \
hint: switch credentials (AWS_PROFILE) or change `account:` in ecsctl.yaml"
                    .to_string(),
            ),
        }
    }

    #[test]
    fn human_shows_each_plan_under_a_heading_then_one_line_per_environment_and_a_total() {
        let reports = [
            planned("dev", false, false),
            planned("prod", true, true),
            failed("staging"),
        ];
        let text = human(&reports, false);
        let prod_plan = crate::render::human::render(&reports[1].saved().unwrap().plan, false);
        let want = format!(
            "=== dev ===\n\nNo changes. Your infrastructure matches the spec.\n\n\
=== prod ===\n\n{prod_plan}\n\
=== staging ===\n\nFailed: the spec pins account `111111111111` but the credentials are for account `222222222222`; nothing was read\n\n\
Environments:\n  dev      no changes\n  prod     2 to add, 2 to change, 2 to destroy (protected)\n  staging  failed\n\
Total: 2 to add, 2 to change, 2 to destroy in 2 of 3 environments (1 failed).\n"
        );
        assert_eq!(text, want);
    }

    #[test]
    fn totals_add_up_planned_environments_and_count_the_failed() {
        let reports = [
            planned("a", true, false),
            planned("b", true, false),
            planned("c", false, false),
            failed("d"),
        ];
        let t = Totals::of(&reports);
        assert_eq!(
            (t.summary.add, t.summary.change, t.summary.destroy),
            (4, 4, 4)
        );
        assert_eq!((t.environments, t.failed), (4, 1));
        assert!(t.has_changes());
        let quiet = Totals::of(&[planned("a", false, false)]);
        assert!(!quiet.has_changes());
        assert_eq!(quiet.line(), "Total: no changes in 1 environment.");
        assert_eq!(
            Totals::of(&[failed("a"), failed("b")]).line(),
            "Total: no changes in 0 of 2 environments (2 failed)."
        );
    }
}
