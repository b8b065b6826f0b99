//! `ecsctl apply`: plan, lock, confirm, execute the steps, wait until stable, check the result.
//!
//! Owns the order of an apply run. From the spec (`-e ENV`): build the desired state (with
//! `--image` overrides, the same pure function plan uses). From a saved plan (`apply PLANFILE`):
//! take the desired values from the file (verified by its digest), never `--image`, and read
//! the spec only for the values it marks sensitive (kept in the file as digests, each checked).
//! Then: read live and diff; with nothing to change stop there (no lock); otherwise take the
//! environment lock, read and diff again under it (another run may have written in between; a
//! saved plan with changes takes the lock first and reads once), refuse a saved plan that no
//! longer matches, show the plan on
//! stdout, ask for `yes` (refuse without a terminal unless `--yes`), execute through
//! `apply::execute`, re-read to check the result (`apply::verify`), release the lock, and turn
//! the outcome into an exit status (130 after Ctrl-C / SIGTERM). Must not make AWS calls itself
//! (`apply`, `live` and `cli::lock` do) or format the plan (`render` does).

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};

use crate::apply::{ApplyCtx, ApplyOptions, ApplyOutcome, WaitOutcome};
use crate::aws::AwsClients;
use crate::cli::confirm::{confirm_or_interrupt, refuse_without_terminal};
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, abandoned, aws_error, outcome_error};
use crate::cli::lock;
use crate::cli::output::{Label, Output};
use crate::cli::settings::{ApplySettings, Globals};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec, connect_saved};
use crate::diff::ownership::Adopt;
use crate::diff::prune::PruneOptions;
use crate::interrupt::Interrupt;
use crate::live::Live;
use crate::model::Desired;
use crate::model::sensitive;
use crate::plan::saved::{SavedPlan, check};
use crate::plan::{Action, Plan, Target};
use crate::render;

pub fn run(
    globals: &Globals,
    settings: &ApplySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let timeout = settings.timeout;
    let runtime = super::runtime()?;
    let result = match &settings.plan_file {
        Some(path) => {
            refuse_spec_inputs(settings, path)?;
            let saved = read_saved(path)?;
            runtime.block_on(apply_saved(globals, settings, saved, timeout, out))
        }
        None => {
            let images = settings.images.clone().map_err(|e| anyhow!(e))?;
            let Some(env) = &settings.env else {
                return Err(anyhow!(
                    "apply needs `-e ENV` or a saved PLANFILE\n  hint: `ecsctl apply -e staging`"
                )
                .into());
            };
            runtime.block_on(async {
                let started = Instant::now();
                let Connected {
                    desired,
                    clients,
                    caller,
                    sources,
                } = Spec::load(globals, env, &images, out)?
                    .restrict(&settings.services)?
                    .connect(LIVE_READ_FAILED, out)
                    .await?;
                let prune = PruneOptions {
                    destroy: false,
                    delete_logs: settings.delete_logs,
                };
                let run = Run {
                    settings,
                    clients: &clients,
                    desired: &desired,
                    sources: &sources,
                    caller: &caller,
                    prune,
                    adopt: Adopt::flags(settings.adopt, &settings.released_stacks),
                    timeout,
                    started,
                };
                run.converge(None, out).await
            })
        }
    };
    // A `yes` prompt cancelled by Ctrl-C leaves its blocking stdin read behind: do not wait
    // for it (dropping the runtime would).
    runtime.shutdown_background();
    result
}

/// A saved plan carries its environment, images and options: giving them again could only
/// disagree with what was reviewed.
fn refuse_spec_inputs(settings: &ApplySettings, path: &std::path::Path) -> Result<(), CliError> {
    let mut given = Vec::new();
    if settings.env.is_some() {
        given.push("`-e`");
    }
    if settings.images.as_ref().map_or(true, |i| !i.is_empty()) {
        given.push("`--image`");
    }
    if settings.delete_logs {
        given.push("`--delete-logs`");
    }
    // A saved plan adopts exactly what it shows adopted.
    if settings.adopt {
        given.push("`--adopt`");
    }
    // A partial plan names its own services (`target` in the file).
    if !settings.services.is_empty() {
        given.push("`-s`");
    }
    if given.is_empty() {
        return Ok(());
    }
    Err(anyhow!(
        "{} cannot be combined with a saved plan: `{}` applies exactly the environment, images and options it was made with; nothing was changed\n  \
hint: run `ecsctl apply {}` alone, or make a new plan with those options (`ecsctl plan -e ENV ... --out FILE`)",
        given.join(", "),
        path.display(),
        path.display()
    )
    .into())
}

fn read_saved(path: &std::path::Path) -> Result<SavedPlan, CliError> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the saved plan `{}`", path.display()))?;
    render::json::JsonPlan::parse_saved(&text).map_err(|e| {
        anyhow!(
            "cannot apply `{}`: {e}; nothing was changed\n  hint: make a new plan with `ecsctl plan -e ENV --out {}`",
            path.display(),
            path.display()
        )
        .into()
    })
}

async fn apply_saved(
    globals: &Globals,
    settings: &ApplySettings,
    mut saved: SavedPlan,
    timeout: Duration,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let started = Instant::now();
    let target = &saved.plan.target;
    let (clients, caller) = connect_saved(
        &target.region,
        target.account_id.as_deref(),
        LIVE_READ_FAILED,
    )
    .await?;
    if let Err(e) = restore_sensitive(globals, &mut saved, &caller, out) {
        print_aws_calls(settings.stats, &clients, out)?;
        return Err(e);
    }
    let no_sources = crate::spec::span::SourceMap::default();
    let run = Run {
        settings,
        clients: &clients,
        desired: &saved.desired,
        sources: &no_sources,
        caller: &caller,
        prune: PruneOptions {
            destroy: false,
            delete_logs: saved.delete_logs,
        },
        adopt: Adopt::Only(&saved.plan.target.adopted),
        timeout,
        started,
    };
    run.converge(Some(&saved.plan), out).await
}

/// A saved plan keeps sensitive env values as digests: the only thing apply reads from the spec
/// (and the environment variables it names) is those values, each checked against its digest.
fn restore_sensitive(
    globals: &Globals,
    saved: &mut SavedPlan,
    caller: &str,
    out: &mut Output,
) -> Result<(), CliError> {
    if sensitive::places(&saved.desired).is_empty() {
        return Ok(());
    }
    let env = saved.plan.target.env.clone();
    let fresh = Spec::load(globals, &env, &[], out)?.for_account(caller, out)?;
    sensitive::restore(&mut saved.desired, &fresh).map_err(|wrong| {
        let names: Vec<String> = wrong.iter().map(ToString::to_string).collect();
        anyhow!(
            "the sensitive value {} is not the one reviewed (its digest differs, or the spec no longer marks it sensitive); nothing was changed\n  \
hint: apply with the spec and environment variables the plan was made with, or make a new plan",
            names.join(", ")
        )
        .into()
    })
}

/// One apply of one desired state, from the spec or from a saved plan.
struct Run<'a> {
    settings: &'a ApplySettings,
    clients: &'a AwsClients,
    desired: &'a Desired,
    /// The spec's files, to point the pre-flight's findings at (empty for a saved plan).
    sources: &'a crate::spec::span::SourceMap,
    caller: &'a str,
    prune: PruneOptions,
    /// What this apply may adopt: `--adopt`'s untagged resources, or a saved plan's.
    adopt: Adopt<'a>,
    timeout: Duration,
    started: Instant,
}

impl Run<'_> {
    async fn converge(&self, saved: Option<&Plan>, out: &mut Output) -> Result<Outcome, CliError> {
        let result = self.converge_inner(saved, out).await;
        // Last, whichever path ended the run (refusals included: tests prove "nothing was
        // written" with it), so the count includes the lock's release.
        print_aws_calls(self.settings.stats, self.clients, out)?;
        result
    }

    async fn converge_inner(
        &self,
        saved: Option<&Plan>,
        out: &mut Output,
    ) -> Result<Outcome, CliError> {
        let interrupt = Interrupt::listen();
        // A saved plan with changes needs the lock anyway: take it first and read once, under
        // it (a stale plan is then refused after 3 lock calls instead of costing every saved
        // apply a second read).
        if let Some(saved) = saved.filter(|s| s.has_changes()) {
            self.preflight(saved, out).await?;
            self.refuse_before_lock(saved, out)?;
            return self.under_lock(Some(saved), &interrupt, out).await;
        }
        // Without a lock: an apply with nothing to change takes none.
        let (plan, _) = self.read_plan(&interrupt).await?;
        if let Some(saved) = saved {
            refuse_stale(saved, &plan)?;
        }
        if !plan.has_changes() {
            out.product(&render::human::render(&plan, out.stdout_color))?;
            return Ok(Outcome::Success);
        }
        self.preflight(&plan, out).await?;
        self.refuse_before_lock(&plan, out)?;
        self.under_lock(saved, &interrupt, out).await
    }

    /// Every reference of the desired state (not only what this plan writes: a service kept as
    /// it is still needs its subnets when the next deployment starts tasks) is read before the
    /// lock and the first write; a problem stops the run with nothing written.
    async fn preflight(&self, plan: &Plan, out: &mut Output) -> Result<(), CliError> {
        let checked = crate::cli::preflight::check(
            self.clients,
            self.desired,
            self.sources,
            None,
            !self.settings.skip_image_check,
            crate::cli::preflight::Mode::Refuse,
            out,
        )
        .await;
        if checked.is_err() {
            out.product(&render::human::render(plan, out.stdout_color))?;
        }
        checked.map(|_| ())
    }

    /// The refusals that need no lock come before it (checked again on the plan under it),
    /// showing the plan they refuse.
    fn refuse_before_lock(&self, plan: &Plan, out: &mut Output) -> Result<(), CliError> {
        let refused = self
            .refuse_protected(plan)
            .and_then(|()| refuse_without_terminal(self.settings.yes, "apply"));
        if refused.is_err() {
            out.product(&render::human::render(plan, out.stdout_color))?;
        }
        refused
    }

    async fn under_lock(
        &self,
        saved: Option<&Plan>,
        interrupt: &Interrupt,
        out: &mut Output,
    ) -> Result<Outcome, CliError> {
        let desired = self.desired;
        let wait = self.settings.lock_timeout;
        let held = lock::take(
            self.clients,
            &desired.app,
            &desired.env,
            "apply",
            wait,
            interrupt,
            out,
        )
        .await?;
        let id = held.id().to_string();
        let body = async {
            tokio::select! {
                r = self.locked(saved, interrupt, out) => r,
                () = interrupt.after(2) => Err(abandoned(
                    "run the same apply again: it continues from what exists",
                )),
            }
        };
        let (body, released) = crate::lock::with_lock(self.clients, held, body).await;
        lock::finish(body, released, &desired.env, &id, out)
    }

    async fn locked(
        &self,
        saved: Option<&Plan>,
        interrupt: &Interrupt,
        out: &mut Output,
    ) -> Result<Outcome, CliError> {
        // Read again under the lock: a run that held it may have written since the first read.
        let (plan, live) = self.read_plan(interrupt).await?;
        if let Some(saved) = saved {
            refuse_stale(saved, &plan)?;
        }
        out.product(&render::human::render(&plan, out.stdout_color))?;
        if !plan.has_changes() {
            // Another run made these changes while this one waited for the lock.
            return Ok(Outcome::Success);
        }
        let desired = self.desired;
        let env = &desired.env;
        self.refuse_protected(&plan)?;
        let question = format!(
            "Apply these changes to `{env}` ({}) in {}?",
            desired.app, desired.region
        );
        confirm_or_interrupt(self.settings.yes, "apply", &question, out, interrupt).await?;
        if interrupt.requested() {
            return Err(CliError::Interrupted {
                message: "apply interrupted before any change; nothing was changed".to_string(),
            });
        }
        out.flush()?;
        let reporter = crate::apply::reporter::for_stderr(out.stderr_color);
        let ctx = ApplyCtx {
            clients: self.clients,
            desired,
            live: &live,
            changes: &plan.changes,
            account_id: self.caller,
            region: &desired.region,
            resolved: Default::default(),
            reporter: reporter.as_ref(),
        };
        let opts = ApplyOptions {
            wait: self.settings.wait,
            timeout: self.timeout,
            interrupt: interrupt.clone(),
            before_deploy: plan.target.before_deploy.clone(),
            ..ApplyOptions::default()
        };
        let outcome = crate::apply::execute(&ctx, &plan.steps, &opts).await;
        if !outcome.is_success() {
            out.report(&outcome.report())?;
            return Err(outcome_error(&outcome));
        }
        crate::apply::verify::verify(self.clients, desired, &plan, &self.prune, reporter.as_ref())
            .await
            .map_err(|e| anyhow!("apply made its changes, but {e}"))?;
        self.finish(&plan, &outcome, out)
    }

    /// A protected environment replaces or deletes nothing without `--allow-destroy`, except
    /// retention's deregistration of old revisions (`revisions.keep`): the spec asks for it,
    /// and it is what every deploy does there.
    fn refuse_protected(&self, plan: &Plan) -> Result<(), CliError> {
        let destructive = plan.steps.iter().any(|s| {
            matches!(s.action, Action::Replace | Action::Delete) && s.address.revision().is_none()
        });
        if destructive && self.desired.protected && !self.settings.allow_destroy {
            return Err(anyhow!(
                "environment `{}` is protected and the plan replaces or deletes resources; nothing was changed\n  hint: review the plan, then pass `--allow-destroy`",
                self.desired.env
            )
            .into());
        }
        Ok(())
    }

    /// Reads live state and diffs (the executor acts on that same read); a first Ctrl-C here
    /// stops before anything is written.
    async fn read_plan(&self, interrupt: &Interrupt) -> Result<(Plan, Live), CliError> {
        let read = async {
            let holds = |account: &str, td: &crate::live::LiveTaskDefinition| {
                crate::diff::holds_desired(self.desired, account, td)
            };
            let live = crate::live::owned::fetch_for_diff(self.clients, self.desired, &holds)
                .await
                .map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
            let conflicts = crate::diff::ownership::conflicts(self.desired, &live);
            let adopted =
                crate::diff::ownership::resolve(&self.desired.env, &conflicts, self.adopt)
                    .map_err(|refusal| anyhow!(refusal))?;
            let mut changes = crate::diff::changes(self.desired, &live, &self.prune);
            crate::diff::ownership::mark_adopted(&mut changes, &adopted, self.desired);
            let mut target = self.target();
            target.before_deploy = Plan::before_deploy(&self.desired.before_deploy, &changes);
            target.adopted = adopted;
            target.cost = crate::cost::change::for_plan(
                self.desired,
                &live,
                super::plan::region_prices(&self.desired.region),
            );
            Ok((Plan::new(target, changes), live))
        };
        tokio::select! {
            r = read => r,
            () = interrupt.after(1) => Err(CliError::Interrupted {
                message: "apply interrupted while reading the live state; nothing was changed".to_string(),
            }),
        }
    }

    fn target(&self) -> Target {
        Target {
            app: self.desired.app.clone(),
            env: self.desired.env.clone(),
            region: self.desired.region.clone(),
            account_id: Some(self.caller.to_string()),
            services: self.desired.target.clone(),
            images: self.desired.image_notes.clone(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        }
    }

    fn finish(
        &self,
        plan: &Plan,
        outcome: &ApplyOutcome,
        out: &mut Output,
    ) -> Result<Outcome, CliError> {
        let s = plan.summary();
        let waited = match &outcome.wait {
            WaitOutcome::Stable { services, .. } => format!("; {services} service(s) stable"),
            _ if !self.settings.wait => "; not waiting (--no-wait)".to_string(),
            _ => String::new(),
        };
        out.line(
            Label::Ok,
            &format!(
                "applied `{}`: {} added, {} changed, {} destroyed in {:.1} s{waited}; checked",
                plan.target.env,
                s.add,
                s.change,
                s.destroy,
                self.started.elapsed().as_secs_f64()
            ),
        )?;
        Ok(Outcome::Success)
    }
}

/// A saved plan applies only to the state it was made from, with exactly its changes.
fn refuse_stale(saved: &Plan, now: &Plan) -> Result<(), CliError> {
    check(saved, now).map_err(|stale| {
        anyhow!(
            "the live state changed since the plan was made ({} moved); nothing was changed\n  hint: `ecsctl plan -e {} --out FILE` makes a fresh plan",
            stale.names(5),
            now.target.env
        )
        .into()
    })
}
