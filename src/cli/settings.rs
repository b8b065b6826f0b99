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
    pub env: String,
    pub format: PlanFormat,
    pub detailed_exitcode: bool,
    pub out: Option<PathBuf>,
    pub delete_logs: bool,
    pub stats: bool,
    /// `--image` overrides; a malformed one is reported by the command like any other error.
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
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
    Unlock(UnlockSettings),
    Permissions(PermissionsSettings),
    Completions(CompletionsSettings),
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

/// `ecsctl run`, resolved. `--timeout` and `--command` are kept as results so the command
/// reports them like any other error.
#[derive(Clone, Debug)]
pub struct RunSettings {
    pub env: String,
    pub job: String,
    pub wait: bool,
    pub timeout: Result<std::time::Duration, String>,
    pub command: Option<Result<Vec<String>, String>>,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: Result<std::time::Duration, String>,
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
    pub lock_timeout: Result<std::time::Duration, String>,
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
                env: a.env,
                format: a.output,
                detailed_exitcode: a.detailed_exitcode,
                out: a.out,
                delete_logs: a.delete_logs,
                stats: a.stats,
                images: parse_images(&a.images),
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
                lock_timeout: parse_duration_flag("--lock-timeout", &a.lock_timeout),
            }),
            Command::Run(a) => CommandSettings::Run(RunSettings {
                env: a.env,
                job: a.job,
                wait: a.wait,
                timeout: parse_duration(&a.timeout),
                command: a
                    .command
                    .as_deref()
                    .map(super::commands::run::split_command),
                stats: a.stats,
                lock_timeout: parse_duration_flag("--lock-timeout", &a.lock_timeout),
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
                },
            }),
            Command::Completions(a) => {
                CommandSettings::Completions(CompletionsSettings { shell: a.shell })
            }
        };
        Settings { globals, command }
    }
}

/// `ecsctl apply`, resolved. The flags that can be wrong (`--image`, `--timeout`) are kept as
/// results so the command reports them like any other error.
#[derive(Clone, Debug)]
pub struct ApplySettings {
    pub env: Option<String>,
    pub plan_file: Option<PathBuf>,
    pub yes: bool,
    pub images: Result<Vec<crate::model::r#override::ImageOverride>, String>,
    pub timeout: Result<std::time::Duration, String>,
    pub wait: bool,
    pub allow_destroy: bool,
    pub delete_logs: bool,
    pub stats: bool,
    /// `--lock-timeout`: how long to wait for another run's environment lock.
    pub lock_timeout: Result<std::time::Duration, String>,
}

impl ApplySettings {
    fn from_args(a: super::args::ApplyArgs) -> Self {
        let images = parse_images(&a.images);
        ApplySettings {
            env: a.env,
            plan_file: a.plan_file,
            yes: a.yes,
            images,
            timeout: parse_duration(&a.timeout),
            wait: !a.no_wait,
            allow_destroy: a.allow_destroy,
            delete_logs: a.delete_logs,
            stats: a.stats,
            lock_timeout: parse_duration_flag("--lock-timeout", &a.lock_timeout),
        }
    }
}

/// `--timeout`: `90s`, `15m`, `1h`, `1m30s`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    parse_duration_flag("--timeout", text)
}

/// A duration flag's value, as `parse_duration`; `flag` names it in the error.
pub fn parse_duration_flag(flag: &str, text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("`{flag} {text}` is not a duration\n  hint: e.g. `90s`, `15m`, `1h30m`");
    let t = text.trim();
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    let (mut total, mut num) = (0u64, String::new());
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total += n * unit;
        num.clear();
    }
    if !num.is_empty() || t.is_empty() {
        return Err(bad());
    }
    Ok(std::time::Duration::from_secs(total))
}

/// `--image NAME=IMAGE` flags, shared by plan and apply so both read them the same way.
fn parse_images(texts: &[String]) -> Result<Vec<crate::model::r#override::ImageOverride>, String> {
    texts
        .iter()
        .map(|t| crate::model::r#override::ImageOverride::parse(t).map_err(|e| e.to_string()))
        .collect()
}

#[cfg(test)]
mod apply_settings_tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(
            super::parse_duration_flag("--lock-timeout", "5x").unwrap_err(),
            "`--lock-timeout 5x` is not a duration\n  hint: e.g. `90s`, `15m`, `1h30m`"
        );
    }
}
