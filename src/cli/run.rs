//! The one place that prints errors and picks the exit code.
//!
//! Owns the life of a process: parse the command line, resolve settings, set up logging,
//! dispatch to the command, then turn its result into an exit status (0 success or no
//! changes, 1 error, 2 changes present). Must not do a command's work. See `args.rs` for how to
//! add a command: here it is one arm in `dispatch`.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use super::args::{Cli, ColorWhen};
use super::commands;
use super::error::{CliError, Outcome};
use super::output::Output;
use super::settings::{CommandSettings, Settings};

/// Runs ecsctl with the process's arguments; `main` returns this.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap words its own errors and help; we only decide the status. Usage errors exit
            // 1, not clap's default 2, because 2 means "changes present" to CI scripts.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let settings = Settings::resolve(cli);
    let mut out = Output::from_process(settings.globals.color);
    init_logging(settings.globals.verbose, out.stderr_color);
    tracing::debug!(?settings, "resolved settings");

    let result = dispatch(&settings, &mut out);
    let _ = out.flush();
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Changes) => ExitCode::from(2),
        Ok(Outcome::Exit(code)) => ExitCode::from(code),
        // A closed pipe (`ecsctl schema | head`) is the reader's choice, not a failure.
        Err(CliError::Write { source }) if source.kind() == ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            print_error(&mut out, &err);
            match err {
                CliError::Interrupted { .. } => ExitCode::from(crate::interrupt::EXIT_STATUS),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn dispatch(settings: &Settings, out: &mut Output) -> Result<Outcome, CliError> {
    let globals = &settings.globals;
    match &settings.command {
        CommandSettings::Validate(s) => commands::validate::run(globals, s, out),
        CommandSettings::Render(s) => commands::render::run(globals, s, out),
        CommandSettings::Schema => commands::schema::run(out),
        CommandSettings::Plan(s) => commands::plan::run(globals, s, out),
        CommandSettings::Apply(s) => commands::apply::run(globals, s, out),
        CommandSettings::Destroy(s) => commands::destroy::run(globals, s, out),
        CommandSettings::Run(s) => commands::run::run(globals, s, out),
        CommandSettings::Redeploy(s) => commands::redeploy::run(globals, s, out),
        CommandSettings::Exec(s) => commands::exec::run(globals, s, out),
        CommandSettings::Rollback(s) => commands::rollback::run(globals, s, out),
        CommandSettings::Unlock(s) => commands::unlock::run(globals, s, out),
        CommandSettings::Permissions(s) => commands::permissions::run(globals, s, out),
        CommandSettings::Completions(s) => commands::completions::run(s, out),
        CommandSettings::Init(s) => commands::init::run(globals, s, out),
        CommandSettings::Import(s) => commands::import::run(globals, s, out),
        CommandSettings::Cost(s) => commands::cost::run(globals, s, out),
        CommandSettings::Prices(s) => commands::prices::run(globals, s, out),
        CommandSettings::Man(s) => commands::man::run(s, out),
        CommandSettings::Status(s) => commands::status::run(globals, s, out),
        CommandSettings::Logs(s) => commands::logs::run(globals, s, out),
        CommandSettings::Verify(s) => commands::verify::run(globals, s, out),
        CommandSettings::Output(s) => commands::output::run(globals, s, out),
    }
}

fn print_error(out: &mut Output, err: &CliError) {
    let _ = out.error(err);
    let _ = out.flush();
}

/// Parses with clap's own output coloured as `--color` asks: clap reads NO_COLOR itself, but
/// cannot see our flag before it has parsed it.
fn parse(args: &[OsString]) -> Result<Cli, clap::Error> {
    let choice = match color_flag(args) {
        Some(ColorWhen::Always) => clap::ColorChoice::Always,
        Some(ColorWhen::Never) => clap::ColorChoice::Never,
        Some(ColorWhen::Auto) | None => clap::ColorChoice::Auto,
    };
    let mut command = Cli::command().color(choice);
    let matches = command.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

/// The last `--color WHEN` / `--color=WHEN` before a `--`, if it is valid.
fn color_flag(args: &[OsString]) -> Option<ColorWhen> {
    let mut found = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        let value = match arg.as_ref() {
            "--" => break,
            "--color" => iter.next().map(|v| v.into_owned()),
            other => other.strip_prefix("--color=").map(str::to_string),
        };
        found = match value.as_deref() {
            Some("auto") => Some(ColorWhen::Auto),
            Some("always") => Some(ColorWhen::Always),
            Some("never") => Some(ColorWhen::Never),
            _ => found,
        };
    }
    found
}

/// Logs go to stderr. RUST_LOG, when set, is the filter; otherwise `-v` shows ecsctl's debug
/// events and the SDK's warnings, `-vv` traces everything, and without either only ecsctl's
/// warnings and other crates' errors appear: the SDK's warnings repeat, with its debug
/// structures, what `aws::env_check` and `AwsError` already say in words.
fn init_logging(verbose: u8, color: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::new(spec),
        _ => EnvFilter::new(match verbose {
            0 => "error,ecsctl=warn",
            1 => "warn,ecsctl=debug",
            _ => "trace",
        }),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .without_time()
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn color_flag_reads_both_spellings_and_stops_at_double_dash() {
        assert_eq!(
            color_flag(&args(&["ecsctl", "--color", "never", "schema"])),
            Some(ColorWhen::Never)
        );
        assert_eq!(
            color_flag(&args(&["ecsctl", "schema", "--color=always"])),
            Some(ColorWhen::Always)
        );
        assert_eq!(color_flag(&args(&["ecsctl", "--", "--color=always"])), None);
        assert_eq!(color_flag(&args(&["ecsctl", "--color", "bogus"])), None);
    }
}
