//! Parsed arguments resolved once into the settings commands receive.
//!
//! Owns every decision that depends on the command line and the process environment (the
//! project directory, colour, which environments to act on), so commands are plain functions of
//! their settings. Must not read spec files or talk to AWS. See `args.rs` for how to add a
//! command.

use std::path::PathBuf;

use super::args::{Cli, ColorWhen, Command, PlanFormat, RenderFormat};
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
    Completions(CompletionsSettings),
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
            }),
            Command::Completions(a) => {
                CommandSettings::Completions(CompletionsSettings { shell: a.shell })
            }
        };
        Settings { globals, command }
    }
}
