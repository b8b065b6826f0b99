//! Integration tests of the `ecsctl` command line: the real binary, exact output and status.

mod support;

mod completions;
mod examples;
mod offline;
mod partitions;
mod permissions;
mod render;
mod schema;
mod scripts;
mod usage;
mod validate;
