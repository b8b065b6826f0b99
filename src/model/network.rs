//! Task networking (awsvpc): subnets, security groups and public IPs.
//!
//! Owns the ID shape checks and the rule that every task needs at least one subnet and one
//! security group. Must not merge layers: the resolved `RawNetwork` arrives already overlaid
//! (task over `defaults` over the environment); errors name the layer that wrote the value.

use super::resources::Network;
use super::scope::Scope;
use super::validate::{ids, written_at};
use crate::spec::raw::{RawNetwork, RawProject, SpList};
use crate::spec::span::Loc;

/// Whose network this is: the YAML path of the task, its key, and `service`/`scheduled task`.
pub struct Owner<'a> {
    pub at: &'a str,
    pub key: Loc,
    pub what: &'a str,
}

pub fn network(
    cx: &Scope,
    project: &RawProject,
    raw: Option<&RawNetwork>,
    owner: &Owner,
) -> Network {
    let subnets = list(cx, project, raw, Kind::Subnets, owner);
    let security_groups = list(cx, project, raw, Kind::SecurityGroups, owner);
    let assign_public_ip = raw
        .and_then(|n| n.assign_public_ip.as_ref())
        .is_some_and(|a| a.value);
    Network {
        subnets,
        security_groups,
        assign_public_ip,
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Subnets,
    SecurityGroups,
}

impl Kind {
    fn of(self, n: &RawNetwork) -> Option<&SpList<String>> {
        match self {
            Kind::Subnets => n.subnets.as_ref(),
            Kind::SecurityGroups => n.security_groups.as_ref(),
        }
    }

    /// (key, ID prefix, example)
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Subnets => ("subnets", "subnet", "subnets: [subnet-0a1b2c3d]"),
            Kind::SecurityGroups => ("securityGroups", "sg", "securityGroups: [sg-0a1b2c3d]"),
        }
    }
}

fn list(
    cx: &Scope,
    project: &RawProject,
    raw: Option<&RawNetwork>,
    kind: Kind,
    o: &Owner,
) -> Vec<String> {
    let (label, prefix, example) = kind.words();
    let field = format!("network.{label}");
    let layer = |n: Option<&RawNetwork>| n.and_then(|n| kind.of(n)).map(|l| l.loc);
    let defaults = project.defaults.as_ref().and_then(|d| d.network.as_ref());
    match raw.and_then(|n| kind.of(n)) {
        Some(l) if !l.value.is_empty() => {
            let path = written_at(
                l.loc,
                layer(project.network.as_ref()),
                layer(defaults),
                &field,
                o.at,
            );
            ids(cx, l, prefix, &path)
        }
        Some(l) => {
            let path = written_at(
                l.loc,
                layer(project.network.as_ref()),
                layer(defaults),
                &field,
                o.at,
            );
            cx.error(
                l.loc,
                path,
                format!("`{label}` is empty; {} needs at least one", o.what),
            );
            Vec::new()
        }
        None => {
            let hint = format!(
                "set `network:` with `{example}` in the environment file (or for this {})",
                o.what
            );
            cx.error_hint(
                o.key,
                format!("{}.{field}", o.at),
                format!("{} has no `{field}`", o.what),
                hint,
            );
            Vec::new()
        }
    }
}
