//! The command-line interface: arguments, settings, commands and the exit-code policy.
//!
//! Data flows one way here too: `args` (clap types) → `settings` (resolved once) → a command in
//! `commands` (a plain function of its settings, writing through `output`) → `run` (prints the
//! error, picks the exit code). Must not contain spec, model or AWS logic: commands call into
//! those modules.

pub mod args;
pub mod commands;
pub mod confirm;
pub mod duration;
pub mod error;
pub mod lock;
pub mod log_window;
pub mod output;
pub mod preflight;
pub mod project;
pub mod run;
pub mod settings;
pub mod stats;
pub mod target;
