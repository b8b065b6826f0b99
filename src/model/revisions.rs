//! `revisions.keep`: how many task definition revisions ecsctl registered stay ACTIVE per
//! family, so `ecsctl rollback` has somewhere to go back to and a family does not grow one
//! ACTIVE revision per deploy forever (Terraform deregisters the revision it replaces).
//!
//! Owns the default and the rule on the value. Must not decide which revisions go
//! (`diff::retain` does, from what live read).

use super::scope::Scope;
use crate::spec::raw::RawRevisions;

/// Revisions kept per family when the spec does not say: a fortnight of daily deploys, and as
/// many as ecspresso's `deregister --keep-revs` examples keep.
pub const DEFAULT_KEEP: u32 = 10;

/// The number of revisions to keep. 0 is an error (apply would deregister the revision it has
/// just registered); 1 is allowed, with a warning, for families nobody rolls back.
pub fn keep(cx: &Scope, raw: Option<&RawRevisions>) -> u32 {
    let Some(keep) = raw.and_then(|r| r.keep.as_ref()) else {
        return DEFAULT_KEEP;
    };
    match keep.value {
        0 => {
            cx.error_hint(
                keep.loc,
                "revisions.keep",
                "`revisions.keep` must be at least 1: apply keeps the revision it registers",
                format!("omit it to keep {DEFAULT_KEEP}; keep 2 or more to be able to roll back"),
            );
            DEFAULT_KEEP
        }
        1 => {
            cx.warn(
                keep.loc,
                "revisions.keep",
                "with `revisions.keep: 1` no earlier revision stays ACTIVE: `ecsctl rollback` has nothing to go back to",
            );
            1
        }
        n => n,
    }
}

#[cfg(test)]
mod tests {
    use super::DEFAULT_KEEP;
    use crate::diagnostic::Severity;
    use crate::model::testkit::{Want, assert_errors, assert_one, merged, ok};

    #[test]
    fn keep_defaults_to_ten_and_takes_the_environments_value() {
        assert_eq!(ok("").0.keep_revisions, DEFAULT_KEEP);
        assert_eq!(ok("revisions:\n  keep: 3\n").0.keep_revisions, 3);
        let raw = merged(
            &crate::model::testkit::with_base("revisions:\n  keep: 5\n"),
            "revisions:\n  keep: 2\n",
        );
        let (d, _) = crate::model::testkit::build_raw(&raw).expect("builds");
        assert_eq!(d.keep_revisions, 2, "the environment file overrides");
    }

    #[test]
    fn keep_zero_is_an_error_and_one_a_warning() {
        assert_errors(&[(
            "zero",
            "revisions:\n  keep: 0\n",
            Want {
                path: "revisions.keep",
                message: "`revisions.keep` must be at least 1: apply keeps the revision it registers",
                line: 2,
            },
        )]);
        assert_one(
            "one",
            "revisions:\n  keep: 1\n",
            Severity::Warning,
            &Want {
                path: "revisions.keep",
                message: "with `revisions.keep: 1` no earlier revision stays ACTIVE: `ecsctl rollback` has nothing to go back to",
                line: 2,
            },
        );
        assert_eq!(ok("revisions:\n  keep: 1\n").0.keep_revisions, 1);
    }
}
