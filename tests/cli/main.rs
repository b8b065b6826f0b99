//! Integration tests of the `ecsctl` command line: the real binary, exact output and status.

mod support;

mod completions;
mod errors;
mod examples;
mod init;
mod offline;
mod render;
mod schema;
mod scripts;
mod usage;
mod validate;
