//! The tag index: this environment's log groups and Cloud Map resources with their tags, as the
//! Resource Groups Tagging API lists them (one paged read for the whole environment), and the
//! one rule for when a read may use an entry instead of asking the resource itself.
//!
//! The index lags behind the services (GetResources API reference; docs/emulator.md, "Tagging
//! API"): a resource tagged a moment ago can be missing or show its previous tags, a deleted one
//! can still be listed. So an entry is used only when it already equals the tags the spec wants
//! there; anything else (missing, other tags, no index at all) is read from the resource itself
//! (ListTagsForResource), which is what a plan would have done without the index. A converged
//! environment thus reads no tags one by one; a plan right after an apply that changed tags
//! reads those few directly and shows no spurious change. What it cannot see: tags someone else
//! changed *away* from the spec within the lag still read as the spec's until the index catches
//! up. Prune candidates (resources the spec no longer names) are always confirmed directly
//! before `diff::prune` sees them (`live::owned`).
//!
//! Owns the rule and the one read per process. Must not decide ownership (`ownership`) or
//! normalise tags.

use std::collections::BTreeMap;

use tokio::sync::OnceCell;

use super::types::LiveTags;
use crate::aws::{AwsClients, AwsError, tagging};
use crate::model::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY};

/// The resource types whose tags the index serves (the Tagging API's type names).
pub const TYPES: [&str; 3] = [
    "logs:log-group",
    "servicediscovery:namespace",
    "servicediscovery:service",
];

/// One environment's tag index, read at most once, on first use.
#[derive(Debug, Default)]
pub struct TagIndex {
    /// None: never read (every tag is read from its resource).
    owner: Option<(String, String)>,
    entries: OnceCell<Option<BTreeMap<String, LiveTags>>>,
}

impl TagIndex {
    /// The index of the resources carrying `app`'s and `env`'s ownership tags.
    pub fn of(app: &str, env: &str) -> TagIndex {
        TagIndex {
            owner: Some((app.to_string(), env.to_string())),
            entries: OnceCell::new(),
        }
    }

    /// No index: every resource's tags are read from the resource (apply's check after apply,
    /// which must see its own writes at once).
    pub fn direct() -> TagIndex {
        TagIndex::default()
    }

    /// The entries (ARN without a log group's `:*` → tags); None without an index or when the
    /// caller may not read it (`aws::tagging`). The first call reads, later ones wait for it.
    pub async fn entries(
        &self,
        clients: &AwsClients,
    ) -> Result<Option<&BTreeMap<String, LiveTags>>, AwsError> {
        let Some((app, env)) = &self.owner else {
            return Ok(None);
        };
        let entries = self
            .entries
            .get_or_try_init(|| async {
                let filters = [
                    (TAG_MANAGED_BY, MANAGED_BY_VALUE),
                    (TAG_APP, app.as_str()),
                    (TAG_ENV, env.as_str()),
                ];
                let found = tagging::tagged(clients, &filters, &TYPES).await?;
                Ok::<_, AwsError>(found.map(|m| {
                    m.into_iter()
                        .map(|(arn, tags)| (plain_arn(&arn).to_string(), tags))
                        .collect()
                }))
            })
            .await?;
        Ok(entries.as_ref())
    }

    /// The tags to use for `arn` without reading them from the resource: the index's entry,
    /// only when it equals `expected` (what the spec wants there). None: read the resource.
    pub async fn settled(
        &self,
        clients: &AwsClients,
        arn: &str,
        expected: Option<&LiveTags>,
    ) -> Result<Option<LiveTags>, AwsError> {
        let Some(expected) = expected else {
            return Ok(None);
        };
        let Some(entries) = self.entries(clients).await? else {
            return Ok(None);
        };
        Ok(settled_entry(entries, arn, expected))
    }
}

/// The pure rule of `TagIndex::settled`.
fn settled_entry(
    entries: &BTreeMap<String, LiveTags>,
    arn: &str,
    expected: &LiveTags,
) -> Option<LiveTags> {
    entries
        .get(plain_arn(arn))
        .filter(|tags| *tags == expected)
        .cloned()
}

/// A log group ARN without the `:*` DescribeLogGroups' `arn` carries; other ARNs as they are.
fn plain_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> LiveTags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn an_entry_is_used_only_when_it_equals_what_the_spec_wants() {
        let arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/ohi-prod/api";
        let want = tags(&[("ecsctl:app", "ohi"), ("team", "core")]);
        let entries: BTreeMap<String, LiveTags> = [(arn.to_string(), want.clone())].into();
        assert_eq!(settled_entry(&entries, arn, &want), Some(want.clone()));
        assert_eq!(
            settled_entry(&entries, &format!("{arn}:*"), &want),
            Some(want.clone()),
            "DescribeLogGroups' `arn` form finds the same entry"
        );
        // The index may be behind: tags that differ from the spec are read from the resource,
        // which may already hold the spec's (an apply a moment ago) or not (drift).
        let newer = tags(&[("ecsctl:app", "ohi"), ("team", "platform")]);
        assert_eq!(settled_entry(&entries, arn, &newer), None);
        // Missing (created a moment ago, or not ours): read from the resource.
        assert_eq!(
            settled_entry(
                &entries,
                "arn:aws:logs:eu-west-1:111122223333:log-group:/x",
                &want
            ),
            None
        );
    }
}
