//! Parsed arguments resolved once into the settings commands receive.
//!
//! Owns every decision that depends on the command line and the process environment (the
//! project directory, colour, which environments to act on), so commands are plain functions of
//! their settings. Must not read spec files or talk to AWS. See `args.rs` for how to add a
//! command.

use std::path::PathBuf;

use super::args::{Cli, ColorWhen, Command, PermissionsCommand, PlanFormat, RenderFormat};
use clap_complete::Shell;

/// Settings every command shares.
#[derive(Clone, Debug)]
pub struct Globals {
    /// The project directory, holding `ecsctl.yaml` and `environments/`.
    pub dir: PathBuf,
    pub color: ColorWhen,
    pub verbose: u8,
}

/// Which environments a command acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvSelection {
    /// Every `environments/<env>.yaml` in the project.
    All,
    One(String),
}

#[derive(Clone, Debug)]
pub struct ValidateSettings {
    pub envs: EnvSelection,
}

#[derive(Clone, Debug)]
pub struct RenderSettings {
    pub env: String,
    pub format: RenderFormat,
}

#[derive(Clone, Debug)]
pub struct PlanSettings {
    /// `-e ENV`, or every environment with `--all` (clap requires exactly one of them).
    pub envs: EnvSelection,
    pub format: PlanFormat,
    pub detailed_exitcode: bool,
    pub out: Option<PathBuf>,
    pub delete_logs: bool,
    /// `--adopt`: same-named untagged resources become this environment's.
    pub adopt: bool,
    /// `--released-stack`: CloudFormation stacks whose resources `--adopt` may take.
    pub released_stacks: Vec<String>,
    pub stats: bool,
    /// `--image` overrides; a malformed one is reported by the command like any other error.
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
    /// `-s NAME`: plan only these services (empty: all).
    pub services: Vec<String>,
    /// `--skip-image-check`: the pre-flight does not ask ECR.
    pub skip_image_check: bool,
}

#[derive(Clone, Debug)]
pub struct CompletionsSettings {
    pub shell: Shell,
}

#[derive(Clone, Debug)]
pub enum CommandSettings {
    Validate(ValidateSettings),
    Render(RenderSettings),
    Schema,
    Plan(PlanSettings),
    Apply(ApplySettings),
    Destroy(DestroySettings),
    Run(RunSettings),
    Redeploy(RedeploySettings),
    Exec(ExecSettings),
    Rollback(RollbackSettings),
    Unlock(UnlockSettings),
    Permissions(PermissionsSettings),
    Completions(CompletionsSettings),
    Init(InitSettings),
    Import(ImportSettings),
    Cost(CostSettings),
    Prices(PricesSettings),
    Man(ManSettings),
    Status(StatusSettings),
    Logs(LogsSettings),
    Verify(VerifySettings),
    Output(OutputSettings),
}

/// `ecsctl output`, resolved.
#[derive(Clone, Debug)]
pub struct OutputSettings {
    pub env: String,
    pub json: bool,
    pub stats: bool,
}

/// `ecsctl verify`, resolved.
#[derive(Clone, Debug)]
pub struct VerifySettings {
    pub env: String,
    pub services: Vec<String>,
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
    pub skip_image_check: bool,
    pub json: bool,
    pub stats: bool,
}

/// `ecsctl man`, resolved.
#[derive(Clone, Debug)]
pub struct ManSettings {
    pub out: PathBuf,
}

/// `ecsctl prices update`, resolved.
#[derive(Clone, Debug)]
pub struct PricesSettings {
    pub regions: Vec<String>,
    pub stats: bool,
}

/// `ecsctl cost`, resolved.
#[derive(Clone, Debug)]
pub struct CostSettings {
    pub env: String,
    pub format: super::args::PlanFormat,
    pub spot_discount: Option<u32>,
    pub job_minutes: Option<u32>,
}

/// `ecsctl import`, resolved.
#[derive(Clone, Debug)]
pub struct ImportSettings {
    pub env: Option<String>,
    pub source: ImportSource,
    pub app: Option<String>,
}

/// Where `ecsctl import` reads from.
#[derive(Clone, Debug)]
pub enum ImportSource {
    Cluster {
        name: String,
        services: Vec<String>,
        stats: bool,
    },
    Copilot {
        dir: PathBuf,
        region: Option<String>,
    },
    Ecspresso {
        config: PathBuf,
    },
}

/// `ecsctl init`, resolved.
#[derive(Clone, Debug)]
pub struct InitSettings {
    pub app: Option<String>,
    pub region: Option<String>,
}

/// `ecsctl permissions`, resolved.
#[derive(Clone, Debug)]
pub struct PermissionsSettings {
    pub env: String,
    pub command: crate::permissions::Command,
}

/// `ecsctl unlock`, resolved.
#[derive(Clone, Debug)]
pub struct UnlockSettings {
    pub env: String,
    pub lock_id: String,
}

/// `ecsctl run`, resolved. `--command` is kept as a result so the command reports it like any
/// other error.
#[derive(Clone, Debug)]
pub struct RunSettings {
    pub env: String,
    pub job: String,
    pub wait: bool,
    pub timeout: std::time::Duration,
    pub command: Option<Result<Vec<String>, String>>,
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: std::time::Duration,
}

/// `ecsctl exec`, resolved.
#[derive(Clone, Debug)]
pub struct ExecSettings {
    pub env: String,
    pub service: String,
    pub task: Option<String>,
    pub container: Option<String>,
    pub command: Vec<String>,
    pub stats: bool,
}

/// `ecsctl rollback`, resolved.
#[derive(Clone, Debug)]
pub struct RollbackSettings {
    pub env: String,
    pub service: String,
    pub to: Option<u32>,
    pub yes: bool,
    pub wait: bool,
    pub timeout: std::time::Duration,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: std::time::Duration,
}

/// `ecsctl redeploy`, resolved.
#[derive(Clone, Debug)]
pub struct RedeploySettings {
    pub env: String,
    pub services: Vec<String>,
    pub yes: bool,
    pub wait: bool,
    pub timeout: std::time::Duration,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: std::time::Duration,
}

/// `ecsctl destroy`, resolved.
#[derive(Clone, Debug)]
pub struct DestroySettings {
    pub env: String,
    pub yes: bool,
    pub allow_destroy: bool,
    pub delete_logs: bool,
    pub dry_run: bool,
    pub format: PlanFormat,
    pub detailed_exitcode: bool,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: std::time::Duration,
    /// `-s NAME`, which destroy refuses (it removes the whole environment).
    pub services: Vec<String>,
}

/// Everything a run needs, resolved from the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    pub globals: Globals,
    pub command: CommandSettings,
}

impl Settings {
    pub fn resolve(cli: Cli) -> Settings {
        let globals = Globals {
            // A relative `-C` stays relative: diagnostics then name files the way the user
            // typed the directory.
            dir: cli.directory.unwrap_or_else(|| PathBuf::from(".")),
            color: cli.color,
            verbose: cli.verbose,
        };
        let command = match cli.command {
            Command::Validate(a) => CommandSettings::Validate(ValidateSettings {
                envs: match a.env {
                    Some(env) => EnvSelection::One(env),
                    // `--all` and no flag mean the same; `--all` exists so scripts can say so.
                    None => EnvSelection::All,
                },
            }),
            Command::Render(a) => CommandSettings::Render(RenderSettings {
                env: a.env,
                format: a.output,
            }),
            Command::Schema(_) => CommandSettings::Schema,
            Command::Plan(a) => CommandSettings::Plan(PlanSettings {
                envs: match a.env {
                    Some(env) => EnvSelection::One(env),
                    None => EnvSelection::All,
                },
                format: a.output,
                detailed_exitcode: a.detailed_exitcode,
                out: a.out,
                delete_logs: a.delete_logs,
                adopt: a.adopt,
                released_stacks: a.released_stacks,
                stats: a.stats,
                images: parse_images(&a.images),
                services: a.services,
                skip_image_check: a.skip_image_check,
            }),
            Command::Apply(a) => CommandSettings::Apply(ApplySettings::from_args(a)),
            Command::Destroy(a) => CommandSettings::Destroy(DestroySettings {
                env: a.env,
                yes: a.yes,
                allow_destroy: a.allow_destroy,
                delete_logs: a.delete_logs,
                dry_run: a.dry_run,
                format: a.output,
                detailed_exitcode: a.detailed_exitcode,
                stats: a.stats,
                lock_timeout: a.lock_timeout,
                services: a.services,
            }),
            Command::Run(a) => CommandSettings::Run(RunSettings {
                env: a.env,
                job: a.job,
                wait: a.wait,
                timeout: a.timeout,
                command: a
                    .command
                    .as_deref()
                    .map(super::commands::run::split_command),
                images: parse_images(&a.images),
                stats: a.stats,
                lock_timeout: a.lock_timeout,
            }),
            Command::Exec(a) => CommandSettings::Exec(ExecSettings {
                env: a.env,
                service: a.service,
                task: a.task,
                container: a.container,
                command: a.command,
                stats: a.stats,
            }),
            Command::Rollback(a) => CommandSettings::Rollback(RollbackSettings {
                env: a.env,
                service: a.service,
                to: a.to,
                yes: a.yes,
                wait: !a.no_wait,
                timeout: a.timeout,
                stats: a.stats,
                lock_timeout: a.lock_timeout,
            }),
            Command::Redeploy(a) => CommandSettings::Redeploy(RedeploySettings {
                env: a.env,
                services: a.services,
                yes: a.yes,
                wait: !a.no_wait,
                timeout: a.timeout,
                stats: a.stats,
                lock_timeout: a.lock_timeout,
            }),
            Command::Unlock(a) => CommandSettings::Unlock(UnlockSettings {
                env: a.env,
                lock_id: a.lock_id,
            }),
            Command::Permissions(a) => CommandSettings::Permissions(PermissionsSettings {
                env: a.env,
                command: match a.command {
                    PermissionsCommand::Plan => crate::permissions::Command::Plan,
                    PermissionsCommand::Apply => crate::permissions::Command::Apply,
                    PermissionsCommand::Destroy => crate::permissions::Command::Destroy,
                    PermissionsCommand::Run => crate::permissions::Command::Run,
                    PermissionsCommand::Status => crate::permissions::Command::Status,
                    PermissionsCommand::Verify => crate::permissions::Command::Verify,
                    PermissionsCommand::Logs => crate::permissions::Command::Logs,
                    PermissionsCommand::Exec => crate::permissions::Command::Exec,
                    PermissionsCommand::Redeploy => crate::permissions::Command::Redeploy,
                    PermissionsCommand::Rollback => crate::permissions::Command::Rollback,
                    PermissionsCommand::Prices => crate::permissions::Command::Prices,
                },
            }),
            Command::Completions(a) => {
                CommandSettings::Completions(CompletionsSettings { shell: a.shell })
            }
            Command::Init(a) => CommandSettings::Init(InitSettings {
                app: a.app,
                region: a.region,
            }),
            Command::Man(a) => CommandSettings::Man(ManSettings { out: a.out }),
            Command::Prices(super::args::PricesCommand::Update(a)) => {
                CommandSettings::Prices(PricesSettings {
                    regions: a.regions,
                    stats: a.stats,
                })
            }
            Command::Cost(a) => CommandSettings::Cost(CostSettings {
                env: a.env,
                format: a.output,
                spot_discount: a.spot_discount,
                job_minutes: a.job_minutes,
            }),
            Command::Import(a) => CommandSettings::Import(ImportSettings {
                env: a.env,
                app: a.app,
                source: match (a.cluster, a.from_copilot, a.from_ecspresso) {
                    (Some(name), _, _) => ImportSource::Cluster {
                        name,
                        services: a.services,
                        stats: a.stats,
                    },
                    (None, Some(dir), _) => ImportSource::Copilot {
                        dir,
                        region: a.region,
                    },
                    (None, None, Some(config)) => ImportSource::Ecspresso { config },
                    (None, None, None) => unreachable!("clap requires one source"),
                },
            }),
            Command::Verify(a) => CommandSettings::Verify(VerifySettings {
                env: a.env,
                services: a.services,
                images: parse_images(&a.images),
                skip_image_check: a.skip_image_check,
                json: a.output == super::args::StatusFormat::Json,
                stats: a.stats,
            }),
            Command::Output(a) => CommandSettings::Output(OutputSettings {
                env: a.env,
                json: a.output == super::args::StatusFormat::Json,
                stats: a.stats,
            }),
            Command::Status(a) => CommandSettings::Status(StatusSettings {
                env: a.env,
                services: a.services,
                json: a.output == super::args::StatusFormat::Json,
                watch: a.watch.then_some(a.interval),
                stats: a.stats,
            }),
            Command::Logs(a) => CommandSettings::Logs(LogsSettings {
                env: a.env,
                target: a.target,
                follow: a.follow,
                since: a.since,
                filter: a.filter,
                container: a.container,
                json: a.output == super::args::StatusFormat::Json,
                stats: a.stats,
            }),
        };
        Settings { globals, command }
    }
}

/// `ecsctl apply`, resolved. `--image`, which can be wrong, is kept as a result so the command
/// reports it like any other error (durations are checked by clap, `args::duration`).
#[derive(Clone, Debug)]
pub struct ApplySettings {
    pub env: Option<String>,
    pub plan_file: Option<PathBuf>,
    pub yes: bool,
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
    pub timeout: std::time::Duration,
    pub wait: bool,
    pub allow_destroy: bool,
    pub delete_logs: bool,
    /// `--adopt`: same-named untagged resources become this environment's.
    pub adopt: bool,
    /// `--released-stack`: CloudFormation stacks whose resources `--adopt` may take.
    pub released_stacks: Vec<String>,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: std::time::Duration,
    /// `-s NAME`: apply only these services (empty: all).
    pub services: Vec<String>,
    /// `--skip-image-check`: the pre-flight does not ask ECR.
    pub skip_image_check: bool,
}

impl ApplySettings {
    fn from_args(a: super::args::ApplyArgs) -> Self {
        let images = parse_images(&a.images);
        ApplySettings {
            env: a.env,
            plan_file: a.plan_file,
            yes: a.yes,
            images,
            timeout: a.timeout,
            wait: !a.no_wait,
            allow_destroy: a.allow_destroy,
            delete_logs: a.delete_logs,
            adopt: a.adopt,
            released_stacks: a.released_stacks,
            stats: a.stats,
            lock_timeout: a.lock_timeout,
            services: a.services,
            skip_image_check: a.skip_image_check,
        }
    }
}

/// `--image NAME=IMAGE` flags, shared by plan and apply so both read them the same way.
fn parse_images(texts: &[String]) -> Result<Vec<crate::model::r#override::ImageOverride>, String> {
    texts
        .iter()
        .map(|t| crate::model::r#override::ImageOverride::parse(t).map_err(|e| e.to_string()))
        .collect()
}

/// `ecsctl status`, resolved.
#[derive(Clone, Debug)]
pub struct StatusSettings {
    pub env: String,
    /// The spec's service names to show; empty: all, and the jobs.
    pub services: Vec<String>,
    pub json: bool,
    /// `--watch` with its `--interval`.
    pub watch: Option<std::time::Duration>,
    pub stats: bool,
}

/// `ecsctl logs`, resolved. `--since` stays text: the command resolves it against the clock.
#[derive(Clone, Debug)]
pub struct LogsSettings {
    pub env: String,
    pub target: String,
    pub follow: bool,
    pub since: String,
    pub filter: Option<String>,
    pub container: Option<String>,
    pub json: bool,
    pub stats: bool,
}
