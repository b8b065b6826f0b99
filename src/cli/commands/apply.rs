//! `ecsctl apply`: plan, confirm, execute the steps, wait until stable.
//!
//! Owns the order of an apply run: build the desired state (with `--image` overrides, the same
//! pure function plan uses), read live, diff, check a saved plan still matches, show the plan
//! on stdout, ask for `yes` on a terminal (refuse without one unless `--yes`), execute through
//! `apply::execute`, and turn the outcome into an exit status. Must not make AWS calls itself
//! (`apply` and `live` do) or format the plan (`render` does).

use std::time::Instant;

use anyhow::{Context, anyhow};

use crate::apply::{ApplyCtx, ApplyOptions, ApplyOutcome, WaitOutcome};
use crate::aws::AwsClients;
use crate::cli::confirm::confirm;
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{ApplySettings, Globals};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};

use crate::model::r#override::ImageOverride;
use crate::plan::{Action, Plan, Target};
use crate::render;

pub fn run(
    globals: &Globals,
    settings: &ApplySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let timeout = settings.timeout.clone().map_err(|e| anyhow!(e))?;
    let saved = match &settings.plan_file {
        Some(path) => Some(read_saved(path)?),
        None => None,
    };
    let env = match (&settings.env, &saved) {
        (Some(e), Some(p)) if e != &p.target.env => {
            return Err(anyhow!(
                "the saved plan is for environment `{}`, not `{e}`; nothing was changed",
                p.target.env
            )
            .into());
        }
        (Some(e), _) => e.clone(),
        (None, Some(p)) => p.target.env.clone(),
        (None, None) => {
            return Err(anyhow!(
                "apply needs `-e ENV` or a saved PLANFILE\n  hint: `ecsctl apply -e staging`"
            )
            .into());
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(apply_env(
        globals, settings, &env, &images, timeout, saved, out,
    ))
}

fn read_saved(path: &std::path::Path) -> Result<Plan, CliError> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the saved plan `{}`", path.display()))?;
    render::json::JsonPlan::parse(&text)
        .with_context(|| {
            format!(
                "`{}` is not a plan saved by `ecsctl plan --out`",
                path.display()
            )
        })
        .map_err(CliError::from)
}

async fn apply_env(
    globals: &Globals,
    settings: &ApplySettings,
    env: &str,
    images: &[ImageOverride],
    timeout: std::time::Duration,
    saved: Option<Plan>,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let started = Instant::now();
    let Connected {
        desired,
        clients,
        caller,
    } = Spec::load(globals, env, images, out)?
        .connect(LIVE_READ_FAILED, out)
        .await?;
    let live = crate::live::owned::fetch_with_owned(&clients, &desired, false)
        .await
        .map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
    let conflicts = crate::diff::ownership::conflicts(&desired, &live);
    if !conflicts.is_empty() {
        return Err(anyhow!(crate::diff::ownership::message(&desired.env, &conflicts)).into());
    }
    let prune = crate::diff::prune::PruneOptions {
        destroy: false,
        delete_logs: settings.delete_logs,
    };
    let mut changes = crate::diff::diff(&desired, &live);
    changes.extend(crate::diff::prune::prune(&desired, &live, &prune));
    let plan = Plan::new(
        Target {
            app: desired.app.clone(),
            env: desired.env.clone(),
            region: desired.region.clone(),
            account_id: Some(caller.clone()),
        },
        changes,
    );
    if let Some(saved) = &saved {
        check_saved(saved, &plan)?;
    }
    out.product(&render::human::render(&plan, out.stdout_color))?;
    if !plan.has_changes() {
        print_aws_calls(settings.stats, &clients, out)?;
        return Ok(Outcome::Success);
    }
    let destructive = plan
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::Replace | Action::Delete));
    if destructive && desired.protected && !settings.allow_destroy {
        return Err(anyhow!(
            "environment `{env}` is protected and the plan replaces or deletes resources; nothing was changed\n  hint: review the plan, then pass `--allow-destroy`"
        )
        .into());
    }
    let question = format!(
        "Apply these changes to `{}` ({}) in {}?",
        desired.env, desired.app, desired.region
    );
    confirm(settings.yes, "apply", &question, out)?;
    out.flush()?;

    let reporter = crate::apply::reporter::for_stderr(out.stderr_color);
    let ctx = ApplyCtx {
        clients: &clients,
        desired: &desired,
        live: &live,
        changes: &plan.changes,
        account_id: &caller,
        region: &desired.region,
        resolved: Default::default(),
        reporter: reporter.as_ref(),
    };
    let opts = ApplyOptions {
        wait: settings.wait,
        timeout,
        ..ApplyOptions::default()
    };
    let outcome = crate::apply::execute(&ctx, &plan.steps, &opts).await;
    finish(&plan, &outcome, started, settings, &clients, out)
}

fn finish(
    plan: &Plan,
    outcome: &ApplyOutcome,
    started: Instant,
    settings: &ApplySettings,
    clients: &AwsClients,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    print_aws_calls(settings.stats, clients, out)?;
    if !outcome.is_success() {
        out.report(&outcome.report())?;
        return Err(anyhow!(outcome.error_summary()).into());
    }
    let s = plan.summary();
    let waited = match &outcome.wait {
        WaitOutcome::Stable { services, .. } => format!("; {services} service(s) stable"),
        _ if !settings.wait => "; not waiting (--no-wait)".to_string(),
        _ => String::new(),
    };
    out.line(
        Label::Ok,
        &format!(
            "applied `{}`: {} added, {} changed, {} destroyed in {:.1} s{waited}",
            plan.target.env,
            s.add,
            s.change,
            s.destroy,
            started.elapsed().as_secs_f64()
        ),
    )?;
    Ok(Outcome::Success)
}

/// A saved plan applies only to the state it was made from, with exactly its changes.
fn check_saved(saved: &Plan, now: &Plan) -> Result<(), CliError> {
    let key = |p: &Plan| -> Vec<(String, &'static str, Vec<String>)> {
        p.actionable()
            .map(|c| {
                (
                    c.address.to_string(),
                    c.action.as_str(),
                    c.fields.iter().map(|f| f.path.clone()).collect(),
                )
            })
            .collect()
    };
    let same_target = saved.target.app == now.target.app
        && saved.target.region == now.target.region
        && saved.target.account_id == now.target.account_id;
    if !same_target || saved.fingerprint != now.fingerprint || key(saved) != key(now) {
        return Err(anyhow!(
            "the live state changed since the plan was made; run plan again\n  hint: nothing was changed; `ecsctl plan -e {} --out FILE` makes a fresh plan",
            now.target.env
        )
        .into());
    }
    Ok(())
}
