//! `ecsctl plan --all`: plan every environment of the project, a few at a time, into one report.
//!
//! Owns what only several environments need: the list (every file in `environments/`, as
//! `validate` finds them), how many are read at once, keeping each environment's stderr
//! together (buffered, written in name order as they finish), the refusal of `--out`, the
//! total of `--stats`, and the outcome (1 if any environment failed, else 2 with
//! `--detailed-exitcode` if any has changes, else 0). Each environment is planned by
//! `plan::plan_env`, the code path of `plan -e`, with its own clients: environments may live in
//! different regions or pin another account, and one that fails is reported as its own error
//! while the others are still planned. Must not format a plan (`render::all` does) or write
//! to AWS.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::time::Instant;

use anyhow::anyhow;
use futures::StreamExt;

use super::plan::{PlanOptions, plan_env, protected_note};
use super::runtime;
use crate::cli::args::PlanFormat;
use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Buffer, Label, Output};
use crate::cli::settings::{Globals, PlanSettings};
use crate::render::all::{EnvOutcome, EnvReport, Totals};
use crate::spec::load::{ENVIRONMENTS_DIR, environments, shown_path};

/// How many environments are read at once. Each read already runs its calls concurrently (tens
/// at once for a large environment), and AWS throttles per account and region, across every
/// caller: ECS with a token bucket per action category
/// (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html>), IAM
/// per account for all regions. Environments of one project usually share an account, so
/// reading every one at once multiplies the burst one read makes; a few at once keeps most of
/// the speed-up for the usual 2–4 environments while a project of twenty is not a burst of
/// twenty reads.
pub const ENVIRONMENTS_AT_ONCE: usize = 4;

pub fn run(
    globals: &Globals,
    settings: &PlanSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    if let Some(path) = &settings.out {
        return Err(out_refused(path));
    }
    crate::cli::project::require_project(&globals.dir)?;
    let envs = environments(&globals.dir).map_err(anyhow::Error::from)?;
    if envs.is_empty() {
        return Err(CliError::NoEnvironments {
            dir: shown_path(&globals.dir.join(ENVIRONMENTS_DIR)),
        });
    }
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let options = PlanOptions::new(settings, &images);
    let started = Instant::now();
    let (reports, calls) = runtime()?.block_on(plan_each(globals, &envs, &options, out))?;
    let text = match settings.format {
        PlanFormat::Human => crate::render::all::human(&reports, out.stdout_color),
        PlanFormat::Json => crate::render::json::all::render(&reports),
        PlanFormat::Markdown => crate::render::all_markdown::render(&reports),
    };
    out.product(&text)?;
    crate::cli::stats::print_calls(settings.stats, &calls, out)?;
    let elapsed = started.elapsed().as_secs_f64();
    out.line(
        Label::Note,
        &format!(
            "planned {} in {elapsed:.2} s",
            environments_word(envs.len())
        ),
    )?;
    outcome(&reports, settings.detailed_exitcode)
}

fn environments_word(n: usize) -> String {
    match n {
        1 => "1 environment".to_string(),
        n => format!("{n} environments"),
    }
}

/// `--out` saves one environment's plan, the contract `apply PLANFILE` checks and applies.
/// Refused rather than one file per environment: files written for the environments that
/// planned, beside none for the ones that failed, look like a complete set to a pipeline that
/// applies whatever the directory holds, and the per-environment command already exists.
fn out_refused(path: &Path) -> CliError {
    anyhow!(
        "`--out {}` saves one environment's plan, and `--all` plans every environment; nothing was read\n  \
hint: save each environment's plan with `ecsctl plan -e ENV --out FILE`, then `ecsctl apply FILE` applies it",
        path.display()
    )
    .into()
}

/// Plans every environment, at most [`ENVIRONMENTS_AT_ONCE`] at a time.
async fn plan_each(
    globals: &Globals,
    envs: &[String],
    options: &PlanOptions<'_>,
    out: &mut Output,
) -> Result<(Vec<EnvReport>, Calls), CliError> {
    in_name_order(envs, ENVIRONMENTS_AT_ONCE, out, |env, env_out| {
        plan_one(globals, env, options, env_out)
    })
    .await
}

/// The AWS calls made, per operation (`--stats`).
type Calls = BTreeMap<String, u32>;

/// One environment, as `plan -e` plans it, its notes and error written to `env_out`.
async fn plan_one(
    globals: &Globals,
    env: &str,
    options: &PlanOptions<'_>,
    mut env_out: Output,
) -> Result<(EnvReport, Calls), CliError> {
    let mut calls = BTreeMap::new();
    let outcome = match plan_env(globals, env, options, &mut calls, &mut env_out).await {
        Ok(saved) => {
            protected_note(&saved, &mut env_out)?;
            EnvOutcome::Planned(Box::new(saved))
        }
        Err(e) => {
            env_out.error(&e)?;
            EnvOutcome::Failed(e.to_string())
        }
    };
    let report = EnvReport {
        env: env.to_string(),
        outcome,
    };
    Ok((report, calls))
}

/// Runs `plan` for every environment, `at_once` at a time, each with its own buffered output
/// (its lines naming it); writes each one's stderr as a block, in name order, as soon as it
/// and the ones before it are done. Returns the reports in that order and the calls added up.
async fn in_name_order<'e, F, Fut>(
    envs: &'e [String],
    at_once: usize,
    out: &mut Output,
    plan: F,
) -> Result<(Vec<EnvReport>, Calls), CliError>
where
    F: Fn(&'e str, Output) -> Fut,
    Fut: Future<Output = Result<(EnvReport, Calls), CliError>>,
{
    let buffered: Vec<(&String, Output, Buffer)> = envs
        .iter()
        .map(|env| {
            let (env_out, buffer) = out.buffered(&format!("`{env}`"));
            (env, env_out, buffer)
        })
        .collect();
    let plan = &plan;
    let mut planned = futures::stream::iter(buffered)
        .map(|(env, env_out, buffer)| async move {
            let (report, calls) = plan(env, env_out).await?;
            Ok::<_, CliError>((report, calls, buffer))
        })
        .buffered(at_once);
    let mut reports = Vec::with_capacity(envs.len());
    let mut total = Calls::new();
    while let Some(done) = planned.next().await {
        let (report, calls, buffer) = done?;
        out.report(&buffer.take())?;
        for (op, n) in calls {
            *total.entry(op).or_default() += n;
        }
        reports.push(report);
    }
    Ok((reports, total))
}

/// 1 (an error naming the failed environments) if any failed; else 2 with `--detailed-exitcode`
/// when any has changes; else 0.
fn outcome(reports: &[EnvReport], detailed_exitcode: bool) -> Result<Outcome, CliError> {
    let totals = Totals::of(reports);
    if totals.failed > 0 {
        let failed: Vec<String> = reports
            .iter()
            .filter(|r| r.error().is_some())
            .map(|r| format!("`{}`", r.env))
            .collect();
        return Err(anyhow!(
            "{} of {} environments could not be planned: {}\n  \
hint: each one's error is above; `ecsctl plan -e ENV` plans one alone",
            totals.failed,
            totals.environments,
            failed.join(", ")
        )
        .into());
    }
    if detailed_exitcode && totals.has_changes() {
        Ok(Outcome::Changes)
    } else {
        Ok(Outcome::Success)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;
    use crate::cli::args::ColorWhen;
    use crate::render::all::tests::{failed, planned};

    /// Ten environments, the later ones quicker: never more than `at_once` run together, each
    /// one's lines stay together and come out in name order, and the calls add up.
    #[test]
    fn environments_run_a_few_at_a_time_and_report_in_name_order() {
        let envs: Vec<String> = (0..10).map(|i| format!("env{i}")).collect();
        let (running, most) = (Cell::new(0), Cell::new(0));
        let parent = Output::from_process(ColorWhen::Never);
        let (mut out, written) = parent.buffered("all");
        let runtime = runtime().unwrap();
        let (reports, calls) = runtime
            .block_on(in_name_order(&envs, 4, &mut out, |env, mut env_out| {
                let (running, most) = (&running, &most);
                async move {
                    running.set(running.get() + 1);
                    most.set(most.get().max(running.get()));
                    env_out.line(Label::Note, "started").unwrap();
                    let n: u64 = env[3..].parse().unwrap();
                    tokio::time::sleep(Duration::from_millis(5 * (10 - n))).await;
                    env_out.line(Label::Note, "done").unwrap();
                    running.set(running.get() - 1);
                    let calls = Calls::from([("ecs:ListServices".to_string(), 2)]);
                    Ok((planned(env, false, false), calls))
                }
            }))
            .unwrap();
        assert_eq!(most.get(), 4);
        let names: Vec<&str> = reports.iter().map(|r| r.env.as_str()).collect();
        assert_eq!(names, envs);
        assert_eq!(calls, Calls::from([("ecs:ListServices".to_string(), 20)]));
        let want: String = envs
            .iter()
            .map(|e| format!("note: `{e}`: started\nnote: `{e}`: done\n"))
            .collect();
        assert_eq!(written.take(), want);
    }

    #[test]
    fn any_failed_environment_exits_1_else_changes_exit_2_when_asked() {
        let quiet = [planned("dev", false, false), planned("prod", false, false)];
        let changed = [planned("dev", false, false), planned("prod", true, false)];
        assert_eq!(outcome(&quiet, true).unwrap(), Outcome::Success);
        assert_eq!(outcome(&changed, true).unwrap(), Outcome::Changes);
        assert_eq!(outcome(&changed, false).unwrap(), Outcome::Success);
        let broken = [planned("dev", true, false), failed("other"), failed("prod")];
        for detailed in [true, false] {
            assert_eq!(
                outcome(&broken, detailed).unwrap_err().to_string(),
                "2 of 3 environments could not be planned: `other`, `prod`\n  \
hint: each one's error is above; `ecsctl plan -e ENV` plans one alone"
            );
        }
    }
}
