//! The one error type of the AWS layer: which call failed, on what, and AWS's own error code.
//!
//! Owns `AwsError`, its wording and its hints, and the sorting of the SDK's failures without an
//! AWS error code (no connection, timeout, no credentials) into a `Failure` a person can act on.
//! Must not decide exit codes or print: commands do. The SDK's own error structure is only
//! logged at debug level (`-v`): it is for bug reports, not for the person at the terminal.

use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// A failed AWS call. `service` and `operation` use IAM's spelling (`ecs`, `DescribeServices`)
/// so the hint for AccessDenied is the permission to grant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    pub service: &'static str,
    pub operation: &'static str,
    /// The resource the call was about (a name or ARN), when there is one.
    pub resource: Option<String>,
    /// AWS's error code (`AccessDeniedException`, `NoSuchEntity`); None when the call never got
    /// an AWS error back (no credentials, timeout, an HTML 500 from the emulator).
    pub code: Option<String>,
    pub message: String,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Why no AWS answer came back, when that is the case (boxed: `AwsError` is the error of
    /// most functions in the AWS layer, and stays small).
    pub failure: Option<Box<Failure>>,
}

/// A call that got no answer from AWS, sorted by what the person can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No connection: refused, DNS, TLS, timed out while connecting. `endpoint` is the URL the
    /// request went to (the scheme and authority), `reason` a short lowercase cause.
    Unreachable {
        endpoint: Option<String>,
        reason: String,
    },
    /// Connected, but no answer within the attempt / operation timeout.
    TimedOut { endpoint: Option<String> },
    /// The credential chain found nothing (env keys, profile, SSO, web identity, container,
    /// instance role).
    NoCredentials { profile: Option<String> },
    /// The profile uses IAM Identity Center and its cached token is missing or expired.
    SsoLogin { profile: Option<String> },
    /// A credential provider failed in another way (its own words in `AwsError::message`).
    Credentials { profile: Option<String> },
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Some(r) = &self.resource {
            write!(f, " on `{r}`")?;
        }
        match &self.code {
            Some(code) => write!(f, ": {code}: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

impl AwsError {
    pub fn new(
        service: &'static str,
        operation: &'static str,
        resource: Option<&str>,
        code: Option<&str>,
        message: impl Into<String>,
    ) -> AwsError {
        AwsError {
            service,
            operation,
            resource: resource.map(str::to_string),
            code: code.map(str::to_string),
            message: message.into(),
            status: None,
            failure: None,
        }
    }

    /// Keeps AWS's code and message; without them, a short description of what failed (no
    /// connection, a timeout, no credentials) and its `Failure`, so the hint can be specific.
    pub fn from_sdk<E>(
        service: &'static str,
        operation: &'static str,
        resource: Option<&str>,
        err: SdkError<E, HttpResponse>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        // The whole structure, for `-v` and bug reports; the message below is for people.
        tracing::debug!(error = ?err, "{service}:{operation} failed");
        let status = err.raw_response().map(|r| r.status().as_u16());
        let code = err.code().map(str::to_string);
        let (message, failure) = match (err.message(), &code) {
            (Some(m), _) if !m.is_empty() => (m.to_string(), None),
            (_, Some(_)) => ("(no message)".to_string(), None),
            (_, None) => super::failure::describe(service, &err),
        };
        AwsError {
            service,
            operation,
            resource: resource.map(str::to_string),
            code,
            message,
            status,
            failure: failure.map(Box::new),
        }
    }

    /// Whether the call never reached AWS or was never signed: then the message alone (no
    /// operation, no resource) is what the person needs.
    pub fn is_connection_failure(&self) -> bool {
        self.failure.is_some()
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// Whether AWS refused the call for want of a permission: `AccessDenied` (query protocol:
    /// IAM, STS) or `AccessDeniedException` (JSON protocols).
    pub fn is_access_denied(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.starts_with("AccessDenied"))
    }

    /// What the user can do about it, for the errors people actually hit.
    pub fn hint(&self) -> Option<String> {
        if let Some(f) = &self.failure {
            return Some(super::failure::hint(self.service, f));
        }
        let code = self.code.as_deref().unwrap_or("");
        let msg = self.message.to_lowercase();
        let credentials = [
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
        ];
        if credentials.contains(&code) {
            return Some(super::failure::refused_credentials_hint(
                std::env::var("AWS_PROFILE").ok().as_deref(),
            ));
        }
        if self.code.is_none() && (msg.contains("credential") || msg.contains("token")) {
            return Some(
                "set AWS_PROFILE or run `aws sso login` (the AWS CLI's credential chain applies)"
                    .to_string(),
            );
        }
        if self.is_access_denied() || code == "UnauthorizedOperation" {
            return Some(format!(
                "the caller needs `{}:{}` on this resource",
                self.service, self.operation
            ));
        }
        if code.contains("Throttl") || code == "TooManyRequestsException" {
            return Some("AWS throttled the calls; retry, or raise AWS_MAX_ATTEMPTS".to_string());
        }
        if self.code.is_none() && self.status == Some(500) {
            return Some(format!(
                "an HTTP 500 without an AWS error code: against the local emulator this means it \
                 does not implement `{}:{}`",
                self.service, self.operation
            ));
        }
        if self.code.is_none() && msg.contains("region") {
            return Some("set AWS_REGION or the spec's `region:`".to_string());
        }
        None
    }
}

/// An error and its sources, each once, joined by `: ` (what `DisplayErrorContext` prints
/// without the `Debug` dump it appends).
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        // Wrappers often repeat their source's words; keep each once.
        if !parts.iter().any(|p| p.contains(text.as_str())) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: Option<&str>, status: Option<u16>, message: &str) -> AwsError {
        let mut e = AwsError::new(
            "ecs",
            "DescribeServices",
            Some("ohi-prod-api"),
            code,
            message,
        );
        e.status = status;
        e
    }

    #[test]
    fn display_names_call_resource_and_code() {
        let e = err(
            Some("AccessDeniedException"),
            Some(400),
            "User: x is not authorized",
        );
        assert_eq!(
            e.to_string(),
            "ecs:DescribeServices on `ohi-prod-api`: AccessDeniedException: User: x is not authorized"
        );
        let e = AwsError::new("sts", "GetCallerIdentity", None, None, "dispatch failure");
        assert_eq!(e.to_string(), "sts:GetCallerIdentity: dispatch failure");
    }

    #[test]
    fn hints_for_common_failures() {
        let denied = err(Some("AccessDeniedException"), Some(400), "no");
        assert_eq!(
            denied.hint().unwrap(),
            "the caller needs `ecs:DescribeServices` on this resource"
        );
        let expired = err(Some("ExpiredTokenException"), Some(400), "expired");
        assert!(expired.hint().unwrap().contains("aws sso login"));
        let no_creds = err(
            None,
            None,
            "failed to construct request: no credentials in the chain",
        );
        assert!(no_creds.hint().unwrap().contains("AWS_PROFILE"));
        let emulator = err(None, Some(500), "malformed JSON error body");
        assert!(
            emulator
                .hint()
                .unwrap()
                .contains("does not implement `ecs:DescribeServices`")
        );
        assert_eq!(err(Some("ClientException"), Some(400), "bad").hint(), None);
    }
}
