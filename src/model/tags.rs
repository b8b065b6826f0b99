//! Resource tags: ecsctl's ownership tags, then the spec's tags, then a service's own.
//!
//! Owns the reserved keys (`ecsctl:` is ecsctl's, `aws:` is AWS's) and AWS's length limits
//! (keys 128, values 256). Must not decide which resources are tagged.

use super::resources::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY, Tags};
use super::scope::Scope;
use crate::spec::raw_values::Scalar;
use crate::spec::span::Sp;
use crate::spec::spmap::SpMap;

pub fn ownership(app: &str, env: &str) -> Tags {
    let mut tags = Tags::new();
    tags.insert(TAG_MANAGED_BY.to_string(), MANAGED_BY_VALUE.to_string());
    tags.insert(TAG_APP.to_string(), app.to_string());
    tags.insert(TAG_ENV.to_string(), env.to_string());
    tags
}

/// `base` plus the written tags, each checked.
pub fn with(cx: &Scope, base: &Tags, extra: Option<&SpMap<Sp<Scalar>>>, path: &str) -> Tags {
    let mut tags = base.clone();
    for (key, value) in extra.iter().flat_map(|m| m.iter()) {
        let at = format!("{path}.{}", key.value);
        let lower = key.value.to_ascii_lowercase();
        if lower.starts_with("ecsctl:") || lower.starts_with("aws:") {
            let hint = "`ecsctl:` tags mark what ecsctl owns and `aws:` tags belong to AWS";
            cx.error_hint(
                key.loc,
                at.clone(),
                format!("tag key `{}` is reserved", key.value),
                hint,
            );
        } else if key.value.is_empty() || key.value.chars().count() > 128 {
            cx.error(
                key.loc,
                at.clone(),
                format!("tag key `{}` must be 1 to 128 characters", key.value),
            );
        }
        let text = cx
            .text(&Sp::new(value.value.0.clone(), value.loc), &at)
            .unwrap_or_default();
        if text.chars().count() > 256 {
            cx.error(
                value.loc,
                at,
                format!("tag `{}` has a value over 256 characters", key.value),
            );
        }
        if !lower.starts_with("ecsctl:") {
            tags.insert(key.value.clone(), text);
        }
    }
    tags
}
