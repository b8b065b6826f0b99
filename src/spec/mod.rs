//! The spec: the YAML files a team writes, read into a raw serde mirror with locations.
//!
//! Owns finding and reading `ecsctl.yaml` and `environments/<env>.yaml`, YAML syntax errors,
//! structural checks against the JSON Schema (unknown keys, wrong types), and the overlay merge.
//! Must not apply defaults or check values: that is the model's job.

pub mod extensions;
pub mod interpolate;
pub mod load;
pub mod merge;
pub mod node;
pub mod raw;
pub mod raw_values;
pub mod span;
pub mod spmap;
pub mod strict;
pub mod structure;
pub mod suggest;
