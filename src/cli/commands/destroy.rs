//! `ecsctl destroy -e ENV`: remove everything the environment owns.
//!
//! Owns the order of a destroy run: build the desired state (for the environment's names,
//! scope and `protected`), read live including everything in the environment's scope, plan
//! the deletions (`diff::prune` in destroy mode: only resources with this app's and
//! environment's ownership tags; log groups kept unless `--delete-logs` or `retain: false`),
//! print the plan, refuse in a protected environment without `--allow-destroy`, confirm like
//! apply (terminal: ask; otherwise `--yes`), take the environment lock, read live again and
//! re-plan under it (refusing if the deletions moved since the plan shown), execute, release the
//! lock on every path. Nothing to destroy, a dry run and every refusal take no lock. Must not
//! make AWS calls itself or format the plan.

use std::time::Instant;

use anyhow::anyhow;

use crate::apply::{ApplyCtx, ApplyOptions};
use crate::aws::AwsClients;
use crate::cli::args::PlanFormat;
use crate::cli::confirm::confirm;
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, abandoned, aws_error, outcome_error};
use crate::cli::lock;
use crate::cli::output::{Label, Output};
use crate::cli::settings::{DestroySettings, Globals};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::diff::prune::{PruneOptions, prune};
use crate::interrupt::Interrupt;
use crate::live::Live;
use crate::model::Desired;
use crate::plan::{Plan, Target};
use crate::render;

pub fn run(
    globals: &Globals,
    settings: &DestroySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    refuse_services(settings)?;
    let runtime = super::runtime()?;
    runtime.block_on(destroy_env(globals, settings, out))
}

/// `destroy -s`: destroy removes a whole environment; removing one service is a spec change.
fn refuse_services(settings: &DestroySettings) -> Result<(), CliError> {
    if settings.services.is_empty() {
        return Ok(());
    }
    Err(anyhow::anyhow!(
        "`destroy` does not take `-s`: it removes the whole environment `{}`; nothing was changed\n  \
hint: to remove one service, delete it from the spec and run `ecsctl apply -e {}` (a full apply prunes it)",
        settings.env,
        settings.env
    )
    .into())
}

async fn destroy_env(
    globals: &Globals,
    settings: &DestroySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let started = Instant::now();
    let env = settings.env.as_str();
    let Connected {
        desired,
        clients,
        caller,
        ..
    } = Spec::load(globals, env, &[], out)?
        .connect(LIVE_READ_FAILED, out)
        .await?;
    let (_, plan) = read_and_plan(&clients, &desired, &caller, settings).await?;
    let text = match settings.format {
        PlanFormat::Human => render::human::render(&plan, out.stdout_color),
        PlanFormat::Json => render::json::render(&plan),
        PlanFormat::Markdown => render::markdown::render(&plan),
    };
    out.product(&text)?;
    let destroy = plan.summary().destroy;
    if destroy == 0 {
        out.line(
            Label::Ok,
            &format!("nothing to destroy in `{env}`; nothing was changed"),
        )?;
        print_aws_calls(settings.stats, &clients, out)?;
        return Ok(Outcome::Success);
    }
    // The refusals print `--stats` too: the line is how tests see that nothing was written.
    if desired.protected && !settings.allow_destroy {
        print_aws_calls(settings.stats, &clients, out)?;
        return Err(anyhow!(
            "environment `{env}` is protected and destroy deletes {destroy} resource(s); nothing was changed\n  hint: review the plan, then pass `--allow-destroy`"
        )
        .into());
    }
    if settings.dry_run {
        out.line(
            Label::Note,
            &format!("dry run: {destroy} resource(s) would be destroyed; nothing was changed"),
        )?;
        print_aws_calls(settings.stats, &clients, out)?;
        return Ok(changes_outcome(settings.detailed_exitcode));
    }
    let question = format!(
        "Destroy {destroy} resource(s) of `{}` ({}) in {}?",
        desired.env, desired.app, desired.region
    );
    if let Err(refused) = confirm(settings.yes, "destroy", &question, out) {
        print_aws_calls(settings.stats, &clients, out)?;
        return Err(refused);
    }
    out.flush()?;

    let wait = settings.lock_timeout;
    // From here on Ctrl-C / SIGTERM stop the run cleanly (exit 130) and release the lock.
    let interrupt = Interrupt::listen();
    let taken = lock::take(
        &clients,
        &desired.app,
        env,
        "destroy",
        wait,
        &interrupt,
        out,
    )
    .await;
    let held = match taken {
        Ok(held) => held,
        Err(e) => {
            print_aws_calls(settings.stats, &clients, out)?;
            return Err(e);
        }
    };
    let id = held.id().to_string();
    let body = async {
        let locked = destroy_locked(
            &clients, &desired, &caller, &plan, settings, &interrupt, out,
        );
        tokio::select! {
            r = locked => r,
            () = interrupt.after(2) => Err(abandoned(
                "run the same destroy again: it continues from what is left",
            )),
        }
    };
    let (body, released) = crate::lock::with_lock(&clients, held, body).await;
    let result = lock::finish(body, released, env, &id, out);
    print_aws_calls(settings.stats, &clients, out)?;
    let destroyed = result?;
    if destroyed == 0 {
        return Ok(Outcome::Success);
    }
    let kept = render::kept(&plan).len();
    let kept = match kept {
        0 => String::new(),
        n => format!("; {n} kept (see the plan)"),
    };
    out.line(
        Label::Ok,
        &format!(
            "destroyed `{env}`: {destroyed} destroyed in {:.1} s{kept}",
            started.elapsed().as_secs_f64()
        ),
    )?;
    Ok(changes_outcome(settings.detailed_exitcode))
}

/// Reads live (everything in the environment's scope) and plans its deletions.
async fn read_and_plan(
    clients: &AwsClients,
    desired: &Desired,
    caller: &str,
    settings: &DestroySettings,
) -> Result<(Live, Plan), CliError> {
    let live = crate::live::owned::fetch_direct(clients, desired, true)
        .await
        .map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
    let opts = PruneOptions {
        destroy: true,
        delete_logs: settings.delete_logs,
    };
    let plan = Plan::new(
        Target {
            app: desired.app.clone(),
            env: desired.env.clone(),
            region: desired.region.clone(),
            account_id: Some(caller.to_string()),
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        },
        prune(desired, &live, &opts),
    );
    Ok((live, plan))
}

/// Under the lock: read live again and re-plan, so the deletions are what the last lock holder
/// left, not what was read before the lock; refuse if they moved since the plan shown (the
/// user confirmed that one); else execute. Returns how many resources were destroyed (0 when
/// another run removed everything meanwhile).
async fn destroy_locked(
    clients: &AwsClients,
    desired: &Desired,
    caller: &str,
    shown: &Plan,
    settings: &DestroySettings,
    interrupt: &Interrupt,
    out: &mut Output,
) -> Result<usize, CliError> {
    let env = desired.env.as_str();
    let (live, plan) = read_and_plan(clients, desired, caller, settings).await?;
    if plan.summary().destroy == 0 {
        out.line(
            Label::Ok,
            &format!("nothing to destroy in `{env}` any more (removed while this run waited for the lock); nothing was changed"),
        )?;
        return Ok(0);
    }
    if !same_deletions(shown, &plan) {
        return Err(anyhow!(
            "the live state of `{env}` changed between the plan shown and taking the lock; nothing was changed\n  hint: run `ecsctl destroy -e {env}` again to see the new plan"
        )
        .into());
    }
    let reporter = crate::apply::reporter::for_stderr(out.stderr_color);
    let ctx = ApplyCtx {
        clients,
        desired,
        live: &live,
        changes: &plan.changes,
        account_id: caller,
        region: &desired.region,
        resolved: Default::default(),
        reporter: reporter.as_ref(),
    };
    let opts = ApplyOptions {
        interrupt: interrupt.clone(),
        ..ApplyOptions::default()
    };
    let outcome = crate::apply::execute(&ctx, &plan.steps, &opts).await;
    if !outcome.is_success() {
        out.report(&outcome.report())?;
        return Err(outcome_error(&outcome));
    }
    Ok(plan.summary().destroy)
}

/// The plan read under the lock is the one the user saw: the same live state (fingerprint) and
/// the same actions on the same addresses.
fn same_deletions(shown: &Plan, now: &Plan) -> bool {
    let key = |p: &Plan| -> Vec<(String, &'static str)> {
        p.actionable()
            .map(|c| (c.address.to_string(), c.action.as_str()))
            .collect()
    };
    shown.fingerprint == now.fingerprint && key(shown) == key(now)
}

/// Like `plan --detailed-exitcode`: 2 when there was something to destroy.
fn changes_outcome(detailed_exitcode: bool) -> Outcome {
    if detailed_exitcode {
        Outcome::Changes
    } else {
        Outcome::Success
    }
}
