//! `--stats`: the AWS calls a command made, per operation, as one line on stderr.
//!
//! Owns that line's format (`note: aws calls: N: svc:Op=n ...`), which bench/emulator.rs and the
//! emulator tests parse, so plan, apply and destroy print it through here. Must not count calls
//! (the AWS layer does).

use std::collections::BTreeMap;

use super::error::CliError;
use super::output::{Label, Output};
use crate::aws::AwsClients;

pub fn print_aws_calls(
    enabled: bool,
    clients: &AwsClients,
    out: &mut Output,
) -> Result<(), CliError> {
    print_calls(enabled, &clients.calls(), out)
}

/// The line for calls counted elsewhere: `plan --all` adds up its environments' clients.
pub fn print_calls(
    enabled: bool,
    calls: &BTreeMap<String, u32>,
    out: &mut Output,
) -> Result<(), CliError> {
    if !enabled {
        return Ok(());
    }
    let total: u32 = calls.values().sum();
    let list: Vec<String> = calls.iter().map(|(k, v)| format!("{k}={v}")).collect();
    out.line(
        Label::Note,
        &format!("aws calls: {total}: {}", list.join(" ")),
    )?;
    Ok(())
}
