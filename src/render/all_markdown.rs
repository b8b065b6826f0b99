//! The pull-request view of `plan --all`: ONE comment with a summary table (environment,
//! add / change / destroy, protected, error) and a collapsed `<details>` per environment
//! holding its markdown plan as `plan -e ENV --output markdown` writes it.
//!
//! Owns fitting that comment under GitHub's limit on a comment's body, 65,536 characters: the
//! API refuses a longer one ("Body is too long (maximum is 65536 characters)",
//! <https://docs.github.com/en/rest/issues/comments#create-an-issue-comment>, as reported in
//! <https://github.com/danger/danger/issues/424>; counted in characters, not bytes:
//! <https://github.com/dead-claudia/github-limits/pull/13>). The table and every environment's
//! heading are always kept; the plans share what is left, a short one whole, a long one cut at
//! a line with a note that says so. Must not change what a plan says: `markdown` renders it.

use std::fmt::Write;

use super::all::{EnvOutcome, EnvReport, Totals, counts, first_line};

/// The most characters a GitHub comment may hold.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The comment, at most [`GITHUB_COMMENT_LIMIT`] characters.
pub fn render(reports: &[EnvReport]) -> String {
    render_within(reports, GITHUB_COMMENT_LIMIT)
}

/// The comment in at most `limit` characters (given enough for the table and the headings).
pub fn render_within(reports: &[EnvReport], limit: usize) -> String {
    let head = head(reports);
    let sections: Vec<(String, String)> =
        reports.iter().map(|r| (summary_line(r), body(r))).collect();
    let wrappers: usize = sections
        .iter()
        .map(|(summary, _)| chars(&open(summary)) + chars(CLOSE))
        .sum();
    let budget = limit.saturating_sub(chars(&head) + wrappers);
    let lengths: Vec<usize> = sections.iter().map(|(_, body)| chars(body)).collect();
    let allowances = share(&lengths, budget);
    let mut out = head;
    for ((r, (summary, body)), allowance) in reports.iter().zip(&sections).zip(allowances) {
        out.push_str(&open(summary));
        if chars(body) <= allowance {
            out.push_str(body);
        } else {
            out.push_str(&truncate(body, allowance, &r.env));
        }
        out.push_str(CLOSE);
    }
    out
}

/// The title, the table and the total.
fn head(reports: &[EnvReport]) -> String {
    let app = reports
        .iter()
        .find_map(|r| r.saved())
        .map(|s| &s.plan.target.app);
    let mut out = match app {
        Some(app) => format!("### ecsctl plan: `{app}`, every environment\n\n"),
        None => "### ecsctl plan: every environment\n\n".to_string(),
    };
    out.push_str("| Environment | Add | Change | Destroy | Protected | Error |\n");
    out.push_str("|---|---:|---:|---:|---|---|\n");
    for r in reports {
        let env = cell(&r.env);
        let _ = match &r.outcome {
            EnvOutcome::Planned(saved) => {
                let s = saved.plan.summary();
                let protected = if saved.desired.protected { "yes" } else { "no" };
                writeln!(
                    out,
                    "| `{env}` | {} | {} | {} | {protected} | |",
                    s.add, s.change, s.destroy
                )
            }
            EnvOutcome::Failed(e) => {
                writeln!(out, "| `{env}` | | | | | :x: {} |", cell(first_line(e)))
            }
        };
    }
    let _ = writeln!(out, "\n**{}**\n", Totals::of(reports).line());
    out
}

/// What the collapsed section of an environment says when closed.
fn summary_line(r: &EnvReport) -> String {
    let status = match &r.outcome {
        EnvOutcome::Planned(saved) => counts(&saved.plan.summary()),
        EnvOutcome::Failed(_) => "failed".to_string(),
    };
    format!("<code>{}</code>: {status}", html(&r.env))
}

fn open(summary: &str) -> String {
    format!("<details><summary>{summary}</summary>\n\n")
}

const CLOSE: &str = "\n</details>\n\n";

/// The environment's markdown plan, or its whole error in a fenced block.
fn body(r: &EnvReport) -> String {
    match &r.outcome {
        EnvOutcome::Planned(saved) => super::markdown::render(&saved.plan),
        EnvOutcome::Failed(e) => format!("```text\n{e}\n```\n"),
    }
}

/// How many characters each body may use: the bodies that fit an equal share of `budget` keep
/// everything; what they leave goes to the others, equally (so one huge plan cannot push the
/// small ones out of the comment).
fn share(lengths: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut allowances = vec![0; lengths.len()];
    let mut left = budget;
    for (done, &i) in order.iter().enumerate() {
        let fair = left / (order.len() - done);
        allowances[i] = lengths[i].min(fair);
        left -= allowances[i];
    }
    allowances
}

/// `body` cut at a line so that, with the fences and `<details>` it leaves open closed and the
/// note, it takes at most `allowance` characters (the note alone when even that is too much).
fn truncate(body: &str, allowance: usize, env: &str) -> String {
    let total = body.lines().count();
    // The longest the closers and the note can be: all digits of `total` for both counts.
    let note_room = chars(&note(total, total, env)) + chars(FENCE_CLOSE) + chars(DETAILS_CLOSE);
    let room = allowance.saturating_sub(note_room);
    let mut kept = String::new();
    let mut shown = 0;
    for line in body.split_inclusive('\n') {
        if chars(&kept) + chars(line) > room {
            break;
        }
        kept.push_str(line);
        shown += 1;
    }
    if kept.lines().filter(|l| l.starts_with("```")).count() % 2 == 1 {
        kept.push_str(FENCE_CLOSE);
    }
    let open_details = kept
        .matches("<details>")
        .count()
        .saturating_sub(kept.matches("</details>").count());
    for _ in 0..open_details {
        kept.push_str(DETAILS_CLOSE);
    }
    kept.push_str(&note(shown, total, env));
    kept
}

const FENCE_CLOSE: &str = "```\n";
const DETAILS_CLOSE: &str = "\n</details>\n";

fn note(shown: usize, total: usize, env: &str) -> String {
    format!(
        "\n> :scissors: Cut to fit GitHub's 65,536-character comment: the first {shown} of {total} lines. \
`ecsctl plan -e {env} --output markdown` prints the whole plan.\n"
    )
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Table cells hold one line without a raw `|`.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Text inside HTML (`<summary>`).
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::all::tests::{failed, planned};

    #[test]
    fn one_comment_with_a_table_then_each_plan_collapsed() {
        let reports = [
            planned("dev", false, false),
            planned("prod", true, true),
            failed("staging"),
        ];
        let md = render(&reports);
        let prod = crate::render::markdown::render(&reports[1].saved().unwrap().plan);
        let dev = crate::render::markdown::render(&reports[0].saved().unwrap().plan);
        let want = format!(
            "### ecsctl plan: `ohi`, every environment\n\n\
| Environment | Add | Change | Destroy | Protected | Error |\n|---|---:|---:|---:|---|---|\n\
| `dev` | 0 | 0 | 0 | no | |\n\
| `prod` | 2 | 2 | 2 | yes | |\n\
| `staging` | | | | | :x: the spec pins account `111111111111` but the credentials are for account `222222222222`; nothing was read |\n\n\
**Total: 2 to add, 2 to change, 2 to destroy in 2 of 3 environments (1 failed).**\n\n\
<details><summary><code>dev</code>: no changes</summary>\n\n{dev}\n</details>\n\n\
<details><summary><code>prod</code>: 2 to add, 2 to change, 2 to destroy</summary>\n\n{prod}\n</details>\n\n\
<details><summary><code>staging</code>: failed</summary>\n\n```text\n{}\n```\n\n</details>\n\n",
            failed("staging").error().unwrap()
        );
        assert_eq!(md, want);
    }

    /// A plan of many changes in each of several environments, each longer than a comment.
    fn huge(env: &str) -> EnvReport {
        let mut r = planned(env, true, false);
        let EnvOutcome::Planned(saved) = &mut r.outcome else {
            unreachable!()
        };
        let one = saved.plan.changes.clone();
        let mut changes = Vec::new();
        for i in 0..400 {
            for c in &one {
                let mut c = c.clone();
                c.address =
                    crate::plan::Address::new(c.address.kind, format!("{}-{i}", c.address.name));
                changes.push(c);
            }
        }
        saved.plan = crate::plan::Plan::new(saved.plan.target.clone(), changes);
        r
    }

    #[test]
    fn a_comment_over_githubs_limit_is_cut_per_environment_with_a_note() {
        let reports = [huge("dev"), planned("qa", true, false), huge("prod")];
        let whole: usize = reports
            .iter()
            .map(|r| crate::render::markdown::render(&r.saved().unwrap().plan).len())
            .sum();
        assert!(
            whole > 2 * GITHUB_COMMENT_LIMIT,
            "the test needs a huge plan: {whole}"
        );
        let md = render(&reports);
        let len = md.chars().count();
        assert!(len <= GITHUB_COMMENT_LIMIT, "{len} characters");
        assert!(
            len > GITHUB_COMMENT_LIMIT - 2_000,
            "the budget is used: {len}"
        );
        // the small plan is whole, the two huge ones are cut, each with its own note
        let qa = crate::render::markdown::render(&reports[1].saved().unwrap().plan);
        assert!(md.contains(&qa));
        for env in ["dev", "prod"] {
            let note = format!(
                " lines. `ecsctl plan -e {env} --output markdown` prints the whole plan.\n"
            );
            assert_eq!(md.matches(&note).count(), 1, "{env}");
        }
        // every block cut open is closed again
        assert_eq!(md.lines().filter(|l| l.starts_with("```")).count() % 2, 0);
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        assert!(md.ends_with("prints the whole plan.\n\n</details>\n\n"));
    }

    #[test]
    fn a_comment_under_the_limit_is_never_cut() {
        let reports = [planned("dev", true, false), planned("prod", true, false)];
        let md = render(&reports);
        assert!(!md.contains(":scissors:"));
        // and the same reports cut to a small limit keep the table and both headings
        let small = render_within(&reports, 2_000);
        assert!(small.chars().count() <= 2_000, "{}", small.chars().count());
        assert!(small.contains("| `prod` | 2 | 2 | 2 | no | |"));
        assert_eq!(small.matches(":scissors:").count(), 2);
    }

    #[test]
    fn short_bodies_keep_everything_and_long_ones_share_the_rest() {
        assert_eq!(share(&[10, 1_000, 50], 300), [10, 240, 50]);
        assert_eq!(share(&[10, 1_000, 800], 300), [10, 145, 145]);
        assert_eq!(share(&[10, 20], 300), [10, 20]);
        assert_eq!(share(&[500, 500], 300), [150, 150]);
    }
}
