//! Task networking (awsvpc): subnets, security groups and public IPs.
//!
//! Owns the ID shape checks and the rule that every task needs at least one subnet and one
//! security group. Must not merge layers: the resolved `RawNetwork` arrives already overlaid
//! (task over `defaults` over the environment).

use super::resources::Network;
use super::scope::Scope;
use super::validate::ids;
use crate::spec::raw::RawNetwork;
use crate::spec::span::Loc;

pub fn network(cx: &Scope, raw: Option<&RawNetwork>, at: &str, key: Loc, what: &str) -> Network {
    let subnets = list(
        cx,
        raw,
        |n| n.subnets.as_ref(),
        "subnet",
        &format!("{at}.network.subnets"),
        key,
        what,
    );
    let security_groups = list(
        cx,
        raw,
        |n| n.security_groups.as_ref(),
        "sg",
        &format!("{at}.network.securityGroups"),
        key,
        what,
    );
    let assign_public_ip = raw
        .and_then(|n| n.assign_public_ip.as_ref())
        .is_some_and(|a| a.value);
    Network {
        subnets,
        security_groups,
        assign_public_ip,
    }
}

type Field = fn(&RawNetwork) -> Option<&crate::spec::raw::SpList<String>>;

fn list(
    cx: &Scope,
    raw: Option<&RawNetwork>,
    field: Field,
    prefix: &str,
    path: &str,
    key: Loc,
    what: &str,
) -> Vec<String> {
    let (label, example) = if prefix == "subnet" {
        ("subnets", "subnets: [subnet-0a1b2c3d]")
    } else {
        ("securityGroups", "securityGroups: [sg-0a1b2c3d]")
    };
    match raw.and_then(field) {
        Some(l) if !l.value.is_empty() => ids(cx, l, prefix, path),
        Some(l) => {
            cx.error(
                l.loc,
                path,
                format!("`{label}` is empty; {what} needs at least one"),
            );
            Vec::new()
        }
        None => {
            let hint = format!(
                "set `network:` with `{example}` in the environment file (or for this {what})"
            );
            cx.error_hint(key, path, format!("{what} has no `network.{label}`"), hint);
            Vec::new()
        }
    }
}
