//! Names that must be unique after templating: services, families, roles, discovery services
//! and log groups.
//!
//! Owns the collision rule: a name template without `{service}` gives every service the same
//! name, reported once per extra owner at the template. Log groups may be shared on purpose
//! (one group, one stream prefix per service) and are merged when their settings agree. Must
//! not rename anything.

use std::collections::HashMap;

use super::resources::LogGroup;
use super::scope::Scope;
use crate::spec::span::Loc;

/// One claimed name: what kind, who owns it, and where its template was written.
pub struct Claim<'a> {
    pub what: &'static str,
    /// The `names.*` field (or other path) that produced the name.
    pub path: &'a str,
    pub name: &'a str,
    pub owner: &'a str,
    pub loc: Loc,
}

/// Every claim after the first of its kind and name is reported against that first owner.
/// One hash lookup per claim: 20,000 services make about 80,000 claims, and comparing each
/// with all before it was the quadratic step of `validate` at scale (bench/README.md).
pub fn check(cx: &Scope, claims: &[Claim]) {
    let mut first_of: HashMap<(&str, &str), &Claim> = HashMap::with_capacity(claims.len());
    for c in claims {
        if c.name.is_empty() {
            continue;
        }
        let first = *first_of.entry((c.what, c.name)).or_insert(c);
        if std::ptr::eq(first, c) {
            continue;
        }
        let message = format!(
            "{} `{}` is used by both `{}` and `{}`",
            c.what, c.name, first.owner, c.owner
        );
        let hint = format!(
            "names must differ per service: include `{{service}}` in `{}`",
            c.path
        );
        cx.error_hint(c.loc, c.path, message, hint);
    }
}

/// Log groups by name: identical duplicates merge, different settings under one name are an
/// error (pointing at the second group's name).
pub fn log_groups(cx: &Scope, groups: Vec<(LogGroup, Loc, String)>) -> Vec<LogGroup> {
    let mut out: Vec<LogGroup> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::with_capacity(groups.len());
    for (group, loc, path) in groups {
        match index.get(&group.name).map(|&i| &out[i]) {
            None => {
                index.insert(group.name.clone(), out.len());
                out.push(group);
            }
            Some(g)
                if g.retention_days == group.retention_days && g.kms_key_id == group.kms_key_id => {
            }
            Some(_) => {
                let message = format!(
                    "log group `{}` is shared with different retention or KMS key",
                    group.name
                );
                cx.error_hint(
                    loc,
                    path,
                    message,
                    "give each task its own group or the same settings",
                );
            }
        }
    }
    out
}
