//! Whether a resource's tags say it is this app's and environment's: all three ownership tags
//! with our values.
//!
//! Owns the one predicate every ownership decision uses (`fetch` picking the newest revision of
//! ours, `diff::prune`, apply's re-checks), kept below `fetch` and `owned` so neither imports
//! the other for it. Pure.

use super::types::LiveTags;
use crate::model::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY};

/// Whether tags mark a resource as this app's and environment's: all three ownership tags.
pub fn is_ours(tags: &LiveTags, app: &str, env: &str) -> bool {
    tags.get(TAG_MANAGED_BY).map(String::as_str) == Some(MANAGED_BY_VALUE)
        && tags.get(TAG_APP).map(String::as_str) == Some(app)
        && tags.get(TAG_ENV).map(String::as_str) == Some(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_needs_all_three_tags_with_our_values() {
        let t = |pairs: &[(&str, &str)]| -> LiveTags {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let ours = [
            (TAG_MANAGED_BY, "ecsctl"),
            (TAG_APP, "ohi"),
            (TAG_ENV, "prod"),
        ];
        assert!(is_ours(&t(&ours), "ohi", "prod"));
        assert!(!is_ours(&t(&ours), "ohi", "dev"), "another environment");
        assert!(!is_ours(&t(&ours), "shop", "prod"), "another app");
        assert!(
            !is_ours(&t(&ours[1..]), "ohi", "prod"),
            "not managed by ecsctl"
        );
        assert!(!is_ours(&t(&[]), "ohi", "prod"), "untagged");
        let mut other_tool = t(&ours);
        other_tool.insert(TAG_MANAGED_BY.into(), "terraform".into());
        assert!(!is_ours(&other_tool, "ohi", "prod"));
    }
}
