//! Calls that got no answer from AWS, in words: which service could not be reached at which
//! URL and why, or why there were no credentials to sign with, and what to do about it.
//!
//! Owns the sorting of the SDK's dispatch, timeout and credential-provider failures into
//! `Failure`, their one-line wording and their hints, and the record of the endpoint each
//! service's last request went to. Must not print; the SDK's own structure is logged by
//! `AwsError::from_sdk` at debug level only.
//!
//! The SDK reports a refused connection, a DNS failure and missing credentials all as
//! `DispatchFailure` (https://docs.rs/aws-smithy-runtime-api/latest/aws_smithy_runtime_api/client/result/struct.DispatchFailure.html);
//! the credential chain's `CredentialsError` sits in its sources
//! (https://docs.rs/aws-credential-types/latest/aws_credential_types/provider/error/enum.CredentialsError.html).

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::{Mutex, OnceLock};

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;

use super::error::{Failure, chain};

/// The name people know a service by (`logs` is CloudWatch Logs).
pub fn service_name(service: &str) -> &str {
    match service {
        "ecs" => "ECS",
        "iam" => "IAM",
        "sts" => "STS",
        "logs" => "CloudWatch Logs",
        "servicediscovery" => "Cloud Map",
        "application-autoscaling" => "Application Auto Scaling",
        "scheduler" => "EventBridge Scheduler",
        "ssm" => "SSM Parameter Store",
        "ec2" => "EC2",
        "elasticloadbalancing" => "Elastic Load Balancing",
        "secretsmanager" => "Secrets Manager",
        "kms" => "KMS",
        "elasticfilesystem" => "EFS",
        "ecr" => "ECR",
        other => other,
    }
}

/// The service's own endpoint variable (the AWS CLI's name, as in `env_check::ENDPOINT_VARS`).
fn endpoint_var(service: &str) -> String {
    let suffix = match service {
        "logs" => "CLOUDWATCH_LOGS".to_string(),
        "application-autoscaling" => "APPLICATION_AUTO_SCALING".to_string(),
        "tag" | "tagging" => "RESOURCE_GROUPS_TAGGING_API".to_string(),
        "elasticloadbalancing" => "ELASTIC_LOAD_BALANCING_V2".to_string(),
        "secretsmanager" => "SECRETS_MANAGER".to_string(),
        "elasticfilesystem" => "EFS".to_string(),
        other => other.to_ascii_uppercase(),
    };
    format!("AWS_ENDPOINT_URL_{suffix}")
}

/// The URL (scheme and authority) each service's last request went to. Process-wide because
/// the SDK's dispatch error does not carry the request, and the CLI builds one set of clients
/// per process; written by the call counter's interceptor in `config.rs`.
fn endpoints() -> &'static Mutex<BTreeMap<&'static str, String>> {
    static ENDPOINTS: OnceLock<Mutex<BTreeMap<&'static str, String>>> = OnceLock::new();
    ENDPOINTS.get_or_init(Mutex::default)
}

/// Notes where `service`'s request is about to go.
pub(crate) fn record_endpoint(service: &'static str, uri: &str) {
    let base = match uri.find("://") {
        Some(i) => match uri[i + 3..].find('/') {
            Some(j) => &uri[..i + 3 + j],
            None => uri,
        },
        None => uri,
    };
    if let Ok(mut m) = endpoints().lock() {
        m.insert(service, base.to_string());
    }
}

pub(crate) fn last_endpoint(service: &str) -> Option<String> {
    endpoints().lock().ok()?.get(service).cloned()
}

/// A failure without an AWS error code, in one line, and its kind when it is one people can
/// act on (otherwise the error chain's own words, and `None`).
pub(crate) fn describe<E, R>(service: &str, err: &SdkError<E, R>) -> (String, Option<Failure>)
where
    E: Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    if let Some(c) = find::<CredentialsError>(err) {
        return credentials(c, profile);
    }
    let name = service_name(service);
    let endpoint = last_endpoint(service);
    let at = endpoint
        .as_deref()
        .map(|e| format!(" at `{e}`"))
        .unwrap_or_default();
    match err {
        SdkError::TimeoutError(_) => (
            format!("no answer from {name}{at} in time"),
            Some(Failure::TimedOut { endpoint }),
        ),
        SdkError::DispatchFailure(d) if d.is_timeout() || d.is_io() => {
            let reason = if d.is_timeout() {
                "connection timed out".to_string()
            } else {
                io_reason(err)
            };
            (
                format!("cannot reach {name}{at} ({reason})"),
                Some(Failure::Unreachable { endpoint, reason }),
            )
        }
        _ => (chain(err), None),
    }
}

/// The credential chain's failure, sorted.
fn credentials(c: &CredentialsError, profile: Option<String>) -> (String, Option<Failure>) {
    let text = chain(c);
    // aws-config's SSO errors are private types; their words are stable enough: "the SSO token
    // has expired", "failed to load the cached SSO token", and for legacy `sso_start_url`
    // profiles "failed to read `~/.aws/sso/cache/<sha1>.json`".
    let lower = text.to_ascii_lowercase();
    if lower.contains("sso token") || lower.contains("/sso/cache/") {
        let who = profile
            .as_deref()
            .map(|p| format!(" of profile `{p}`"))
            .unwrap_or_default();
        return (
            format!("the AWS SSO login{who} is missing or has expired"),
            Some(Failure::SsoLogin { profile }),
        );
    }
    match c {
        CredentialsError::CredentialsNotLoaded(_) => {
            let from = match &profile {
                Some(p) => format!("profile `{p}`"),
                None => "the default profile".to_string(),
            };
            (
                format!(
                    "no AWS credentials found (tried environment variables, {from}, web identity, container and instance roles)"
                ),
                Some(Failure::NoCredentials { profile }),
            )
        }
        _ => (
            format!("cannot load AWS credentials: {text}"),
            Some(Failure::Credentials { profile }),
        ),
    }
}

/// Why the connection failed, in a few lowercase words.
fn io_reason(err: &(dyn Error + 'static)) -> String {
    let text = chain(err);
    if text.contains("dns error") {
        return "host not found".to_string();
    }
    if let Some(io) = find::<std::io::Error>(err) {
        use std::io::ErrorKind::*;
        return match io.kind() {
            ConnectionRefused => "connection refused".to_string(),
            ConnectionReset | ConnectionAborted => "connection reset".to_string(),
            TimedOut => "connection timed out".to_string(),
            _ => io.to_string(),
        };
    }
    // TLS and other failures: the innermost cause says most.
    let mut last: &(dyn Error + 'static) = err;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

/// The first error of type `T` among `err` and its sources.
fn find<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        next = e.source();
    }
    None
}

/// What to do about a failure.
pub(crate) fn hint(service: &str, f: &Failure) -> String {
    let login = |p: &Option<String>| match p {
        Some(p) => format!("`aws sso login --profile {p}`"),
        None => "`aws sso login`".to_string(),
    };
    match f {
        Failure::Unreachable { .. } | Failure::TimedOut { .. } => format!(
            "check the network and the endpoint (AWS_ENDPOINT_URL, {}, the profile's `endpoint_url`) and the region (AWS_REGION, the profile, the spec)",
            endpoint_var(service)
        ),
        Failure::NoCredentials { profile: None } => {
            "set AWS_PROFILE to a profile with credentials, run `aws configure` or `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_string()
        }
        Failure::NoCredentials { profile: p } => format!(
            "the profile has no credentials: run {} if it uses SSO, or pick another with AWS_PROFILE",
            login(p)
        ),
        Failure::SsoLogin { profile } => format!("run {}, then try again", login(profile)),
        Failure::Credentials { profile } => format!(
            "check the profile in the AWS config files (AWS_PROFILE), or run {}",
            login(profile)
        ),
    }
}

/// AWS refused the signature or the token (`ExpiredToken`, `InvalidClientTokenId`…).
pub(crate) fn refused_credentials_hint(profile: Option<&str>) -> String {
    match profile.filter(|p| !p.is_empty()) {
        Some(p) => format!(
            "AWS refused the credentials of profile `{p}`: run `aws sso login --profile {p}` if it uses SSO, or renew its keys"
        ),
        None => "AWS refused the credentials: renew them (`aws sso login` for SSO), or pick others with AWS_PROFILE".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_scheme_and_authority_only() {
        record_endpoint("scheduler", "http://127.0.0.1:5000/schedule-groups?x=1");
        assert_eq!(
            last_endpoint("scheduler").as_deref(),
            Some("http://127.0.0.1:5000")
        );
        record_endpoint("scheduler", "https://scheduler.eu-west-1.amazonaws.com");
        assert_eq!(
            last_endpoint("scheduler").as_deref(),
            Some("https://scheduler.eu-west-1.amazonaws.com")
        );
    }

    #[test]
    fn hints_name_the_service_variable_and_the_profile() {
        let unreachable = Failure::Unreachable {
            endpoint: None,
            reason: "connection refused".into(),
        };
        assert!(hint("logs", &unreachable).contains("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"));
        assert_eq!(
            hint(
                "sts",
                &Failure::SsoLogin {
                    profile: Some("prod-admin".into())
                }
            ),
            "run `aws sso login --profile prod-admin`, then try again"
        );
        assert_eq!(
            refused_credentials_hint(Some("ci")),
            "AWS refused the credentials of profile `ci`: run `aws sso login --profile ci` if it uses SSO, or renew its keys"
        );
    }
}
