//! What one read of a referenced resource found: the pre-flight's vocabulary for "exists",
//! "does not exist" and "could not be read", and the regional client a reference in another
//! region needs.
//!
//! Owns the rule that only AWS's not-found answer means missing, and that a refusal (access
//! denied, another account's resource policy) means the reference was not checked, never that it
//! is missing. Must not judge a reference (crate::preflight does).

use super::AwsError;

/// The answer for one referenced resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<T> {
    Found(T),
    /// AWS answered that it does not exist.
    Missing,
    /// AWS refused to say (the reason, e.g. `AccessDeniedException: ...`).
    Unchecked(String),
}

impl<T> Lookup<T> {
    /// The answer of a failed read: `Missing` for one of `not_found` codes, `Unchecked` for a
    /// refusal, the error itself otherwise (throttling past the retries, no connection).
    pub fn from_error(err: AwsError, not_found: &[&str]) -> Result<Lookup<T>, AwsError> {
        if not_found.iter().any(|c| err.is_code(c)) {
            Ok(Lookup::Missing)
        } else if err.is_access_denied() {
            Ok(Lookup::Unchecked(format!(
                "{}: {}",
                err.code.as_deref().unwrap_or("AccessDenied"),
                err.message
            )))
        } else {
            Err(err)
        }
    }
}

/// `client`'s configuration, talking to `region` instead (a secret, key or image in another
/// region than the environment's). Keeps the call counter and the pacing.
macro_rules! in_region {
    ($krate:ident, $client:expr, $region:expr) => {
        $krate::Client::from_conf(
            $client
                .config()
                .to_builder()
                .region(aws_types::region::Region::new($region.to_string()))
                .build(),
        )
    };
}
pub(crate) use in_region;

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str) -> AwsError {
        AwsError::new("kms", "DescribeKey", Some("k"), Some(code), "m")
    }

    #[test]
    fn only_not_found_is_missing_and_a_refusal_is_unchecked() {
        let nf = ["NotFoundException"];
        assert_eq!(
            Lookup::<()>::from_error(err("NotFoundException"), &nf),
            Ok(Lookup::Missing)
        );
        assert_eq!(
            Lookup::<()>::from_error(err("AccessDeniedException"), &nf),
            Ok(Lookup::Unchecked("AccessDeniedException: m".into()))
        );
        assert!(Lookup::<()>::from_error(err("ThrottlingException"), &nf).is_err());
    }
}
