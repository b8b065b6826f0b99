//! Sensitive env values: the names a container's `sensitive` lists, and the three forms their
//! values take outside the process that read them.
//!
//! Owns the marker shown instead of a value (plans, `render`), the digest a saved plan keeps
//! instead of a value, and putting the values back into a saved plan's desired state from a
//! fresh build of the spec, refusing any whose digest differs from the reviewed one. Must not
//! read files or the environment (the CLI builds the spec) nor know about plan JSON.

use sha2::{Digest, Sha256};

use super::resources::Desired;

/// What plans and `render` show instead of a sensitive value (Terraform's wording).
pub const SHOWN: &str = "(sensitive value)";

/// One sensitive value: where it is and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub family: String,
    pub container: String,
    pub name: String,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` of container `{}` in `{}`",
            self.name, self.container, self.family
        )
    }
}

/// Every sensitive value of the desired state, in order.
pub fn places(d: &Desired) -> Vec<Place> {
    let mut out = Vec::new();
    for td in &d.task_definitions {
        for c in &td.containers {
            for name in &c.sensitive {
                out.push(Place {
                    family: td.family.clone(),
                    container: c.name.clone(),
                    name: name.clone(),
                });
            }
        }
    }
    out
}

/// The desired state with every sensitive value replaced by `SHOWN`.
pub fn redacted(d: &Desired) -> Desired {
    replaced(d, |_, _| SHOWN.to_string())
}

/// The desired state a saved plan keeps: every sensitive value replaced by its digest.
pub fn digested(d: &Desired) -> Desired {
    replaced(d, digest)
}

/// `sha256:<hex>` of the value, salted with where it is (so equal values elsewhere, or a table
/// of common values, do not match at a glance). It does not hide a guessable value from
/// someone who can read the plan file: real secrets belong under `secrets`.
pub fn digest(place: &Place, value: &str) -> String {
    let mut h = Sha256::new();
    for part in [&place.family, &place.container, &place.name, value] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Puts the sensitive values of `source` (the spec built now) into `saved` (a saved plan's
/// desired state holding digests). Every place must exist in `source` with a value of the same
/// digest; the places that do not are returned.
pub fn restore(saved: &mut Desired, source: &Desired) -> Result<(), Vec<Place>> {
    let mut wrong = Vec::new();
    for place in places(saved) {
        let fresh = source
            .task_definitions
            .iter()
            .find(|t| t.family == place.family)
            .and_then(|t| t.containers.iter().find(|c| c.name == place.container))
            .filter(|c| c.sensitive.contains(&place.name))
            .and_then(|c| c.environment.get(&place.name));
        let slot = saved
            .task_definitions
            .iter_mut()
            .find(|t| t.family == place.family)
            .and_then(|t| t.containers.iter_mut().find(|c| c.name == place.container))
            .and_then(|c| c.environment.get_mut(&place.name));
        match (fresh, slot) {
            (Some(value), Some(slot)) if digest(&place, value) == *slot => {
                *slot = value.clone();
            }
            _ => wrong.push(place),
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong) }
}

fn replaced(d: &Desired, value: impl Fn(&Place, &str) -> String) -> Desired {
    let mut out = d.clone();
    for td in &mut out.task_definitions {
        for c in &mut td.containers {
            for name in &c.sensitive {
                if let Some(v) = c.environment.get_mut(name) {
                    let place = Place {
                        family: td.family.clone(),
                        container: c.name.clone(),
                        name: name.clone(),
                    };
                    *v = value(&place, v);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_secret(value: &str) -> Desired {
        let mut d = crate::diff::fixtures::desired();
        let c = &mut d.task_definitions[0].containers[0];
        c.environment.insert("DB_URL".into(), value.into());
        c.sensitive.insert("DB_URL".into());
        d
    }

    #[test]
    fn a_saved_plan_keeps_a_digest_and_gets_the_value_back_from_the_same_source() {
        let d = with_secret("postgres://u:hunter2@db/x");
        let saved = digested(&d);
        let kept = &saved.task_definitions[0].containers[0].environment["DB_URL"];
        assert!(
            kept.starts_with("sha256:") && !kept.contains("hunter2"),
            "{kept}"
        );
        assert_eq!(
            redacted(&d).task_definitions[0].containers[0].environment["DB_URL"],
            SHOWN
        );
        let mut back = saved.clone();
        assert_eq!(restore(&mut back, &d), Ok(()));
        assert_eq!(back, d);
    }

    #[test]
    fn another_value_at_apply_is_refused_naming_it() {
        let mut saved = digested(&with_secret("reviewed"));
        let err = restore(&mut saved, &with_secret("changed")).unwrap_err();
        assert_eq!(err.len(), 1);
        let family = &saved.task_definitions[0].family;
        assert_eq!(
            err[0].to_string(),
            format!("`DB_URL` of container `api` in `{family}`")
        );
        // Gone from the spec, or no longer marked sensitive: refused too.
        let mut plain = with_secret("reviewed");
        plain.task_definitions[0].containers[0].sensitive.clear();
        assert!(restore(&mut digested(&with_secret("reviewed")), &plain).is_err());
    }

    #[test]
    fn the_digest_depends_on_the_place() {
        let a = Place {
            family: "f".into(),
            container: "c".into(),
            name: "A".into(),
        };
        let b = Place {
            name: "B".into(),
            ..a.clone()
        };
        assert_ne!(digest(&a, "same"), digest(&b, "same"));
        assert_eq!(digest(&a, "same"), digest(&a, "same"));
    }
}
