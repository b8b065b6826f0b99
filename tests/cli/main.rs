//! Integration tests of the `ecsctl` command line: the real binary, exact output and status.

#[path = "../pty/mod.rs"]
mod pty;
mod support;

mod action;
mod completions;
mod cost;
mod errors;
mod examples;
mod init;
mod install;
mod offline;
mod package;
mod partial;
mod partitions;
mod permissions;
mod plan_all;
mod prices;
mod release;
mod render;
mod schema;
mod scripts;
mod status_logs;
mod terminal;
mod usage;
mod validate;
