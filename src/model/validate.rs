//! Small shared checks that report straight into the scope: final names against AWS rules,
//! IDs against their shapes, and ranges.
//!
//! Owns the wording of those common diagnostics, so every rule says them the same way. Must not
//! hold the rules themselves (names.rs, arn.rs).

use super::arn;
use super::names::{self, NameKind};
use super::scope::{Scope, for_check};
use crate::spec::raw::SpList;
use crate::spec::span::{Loc, Sp};

/// Checks a final (templated) name; an offline `{account_id}` counts as 12 digits.
pub fn check_name(cx: &Scope, kind: NameKind, name: &str, loc: Loc, path: &str) {
    if let Some((message, hint)) = names::check(kind, &for_check(name)) {
        let message = message.replace("000000000000", "{account_id}");
        cx.error_hint(loc, path, message, hint);
    }
}

/// A list of IDs such as `subnet-0a1b`; returns the interpolated values.
pub fn ids(cx: &Scope, list: &SpList<String>, prefix: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, item) in list.value.iter().enumerate() {
        if let Some(id) = id(cx, item, prefix, &format!("{path}[{i}]")) {
            out.push(id);
        }
    }
    out
}

pub fn id(cx: &Scope, item: &Sp<String>, prefix: &str, path: &str) -> Option<String> {
    let text = cx.text(item, path)?;
    if !arn::is_id(prefix, &text) {
        cx.error_hint(
            item.loc,
            path,
            format!("`{text}` is not a {prefix} ID"),
            format!("{prefix} IDs look like `{prefix}-0123456789abcdef0`"),
        );
    }
    Some(text)
}

/// A number that must lie in `range`; the message names `what`.
pub fn in_range(
    cx: &Scope,
    value: &Sp<u32>,
    range: std::ops::RangeInclusive<u32>,
    what: &str,
    path: &str,
) -> u32 {
    if !range.contains(&value.value) {
        cx.error(
            value.loc,
            path,
            format!(
                "{what} `{}` is out of range {}-{}",
                value.value,
                range.start(),
                range.end()
            ),
        );
    }
    value.value
}

/// The YAML path a resolved value was written at. Settings are inherited from the environment's
/// top level and from `defaults:`; an error about an inherited value names where it was
/// written (`logs.retentionDays`), not the service that inherited it. Locations tell the layers
/// apart exactly, since every layer's value keeps its own.
pub fn written_at(
    loc: Loc,
    env: Option<Loc>,
    defaults: Option<Loc>,
    field: &str,
    at: &str,
) -> String {
    if env == Some(loc) {
        return field.to_string();
    }
    if defaults == Some(loc) {
        return format!("defaults.{field}");
    }
    format!("{at}.{field}")
}
