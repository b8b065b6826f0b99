//! The AWS settings of the environment and the shared config files, checked before any client
//! is built, so a wrong value is an error that names it instead of a panic inside the SDK.
//!
//! Owns `ConfigError` and the rules that decide, the way the AWS CLI (botocore) does, which
//! values count: an empty `AWS_ENDPOINT_URL*`, `AWS_REGION` or `AWS_DEFAULT_REGION` is unset
//! (botocore's endpoint lookup takes the first *truthy* value; an empty region falls through to
//! the next source), while an unparsable config file, a missing `AWS_PROFILE`, a `max_attempts`
//! that is not a positive integer or an unknown retry mode are errors, as the CLI's
//! `ConfigParseError`, `ProfileNotFound`, `ValueError` and `InvalidRetryModeError` are.
//! Must not build clients or make calls: `config.rs` does, with what this returns.
//!
//! Why check at all: aws-config 1.13 panics on a bad `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE`
//! (`retry_config.rs`: "we'll panic if any config values are invalid"), the clients panic on an
//! empty endpoint ("URL was unset"), and an unparsable config file or a missing profile only
//! logs a warning and then fails later with a credentials error that hides the cause.
//! References: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html,
//! https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html,
//! https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

/// `AWS_ENDPOINT_URL` and the service-specific variables of the services ecsctl calls (the
/// AWS CLI's names, https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html).
pub const ENDPOINT_VARS: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ECS",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SERVICEDISCOVERY",
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING",
    "AWS_ENDPOINT_URL_SCHEDULER",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL_KMS",
    "AWS_ENDPOINT_URL_EFS",
    "AWS_ENDPOINT_URL_ECR",
];

/// A setting that cannot work, named with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read the AWS config files: {cause}\n  hint: fix the file, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at another one"
    )]
    Files { cause: String },

    #[error(
        "the AWS profile `{name}` (AWS_PROFILE) is in neither the config nor the credentials file\n  hint: `aws configure list-profiles` lists the profiles; set AWS_PROFILE to one of them, or unset it"
    )]
    MissingProfile { name: String },

    #[error(
        "{origin} is `{value}`, which is not an http:// or https:// URL\n  hint: e.g. `http://localhost:5000`; unset it to use AWS's own endpoints"
    )]
    Endpoint { origin: String, value: String },

    #[error(
        "{origin} is `{value}`, which is not a region name\n  hint: e.g. `eu-west-1`; unset it to use the spec's `region:`"
    )]
    Region { origin: String, value: String },

    #[error(
        "{origin} is `{value}`, which is not a number of attempts (1 or more)\n  hint: e.g. `10`; unset it for ecsctl's default of {}",
        super::config::DEFAULT_MAX_ATTEMPTS
    )]
    MaxAttempts { origin: String, value: String },

    #[error(
        "{origin} is `{value}`; the AWS SDK for Rust knows the retry modes `standard` and `adaptive`\n  hint: set it to `standard`, or unset it"
    )]
    RetryMode { origin: String, value: String },

    #[error(
        "`ECSCTL_RATE_LIMIT` is `{value}`; ecsctl knows `aws` (the default: stay under AWS's throttles) and `off`\n  hint: unset it; set `off` only when AWS has raised your account's API quotas"
    )]
    RateLimit { value: String },
}

/// What the check resolved, for building the clients.
#[derive(Debug)]
pub struct Checked {
    /// The region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile (empty values skipped).
    pub region: Option<String>,
    /// The parsed config files, for the endpoint lookup (`config::NonEmptyEndpoints`).
    pub profiles: aws_config::profile::ProfileSet,
}

/// Checks the process environment and the shared config files.
pub async fn check_process() -> Result<Checked, ConfigError> {
    check(&Env::real(), &Fs::real()).await
}

/// Checks the AWS settings in `env` and the config files `fs` holds (see the module comment).
pub async fn check(env: &Env, fs: &Fs) -> Result<Checked, ConfigError> {
    let files = EnvConfigFiles::default();
    let profiles = aws_config::profile::load(fs, env, &files, None)
        .await
        .map_err(|e| ConfigError::Files {
            cause: super::error::chain(&e),
        })?;
    let var = |name: &str| env.get(name).ok();
    if let Some(name) = var("AWS_PROFILE")
        && profiles.get_profile(&name).is_none()
    {
        return Err(ConfigError::MissingProfile { name });
    }
    let in_profile = |key: &str| {
        (
            format!("`{key}` in profile `{}`", profiles.selected_profile()),
            profiles.get(key).map(str::to_string),
        )
    };
    let region = first_non_empty(&[
        ("`AWS_REGION`".to_string(), var("AWS_REGION")),
        (
            "`AWS_DEFAULT_REGION`".to_string(),
            var("AWS_DEFAULT_REGION"),
        ),
        in_profile("region"),
    ]);
    if let Some((origin, value)) = &region
        && !is_region(value)
    {
        return Err(ConfigError::Region {
            origin: origin.clone(),
            value: value.clone(),
        });
    }
    let ignore_endpoints = var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| in_profile("ignore_configured_endpoint_urls").1)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !ignore_endpoints {
        let mut endpoints: Vec<_> = ENDPOINT_VARS
            .iter()
            .map(|v| (format!("`{v}`"), var(v)))
            .collect();
        endpoints.push(in_profile("endpoint_url"));
        for (origin, value) in endpoints {
            match value {
                Some(v) if !v.trim().is_empty() && !is_endpoint(&v) => {
                    return Err(ConfigError::Endpoint { origin, value: v });
                }
                _ => {}
            }
        }
    }
    // Unlike the endpoint and the region, a set but empty value is an error here, as in the CLI.
    let (origin, value) = set_first(
        var("AWS_MAX_ATTEMPTS"),
        in_profile("max_attempts"),
        "AWS_MAX_ATTEMPTS",
    );
    if let Some(value) = value
        && !matches!(value.parse::<u32>(), Ok(n) if n >= 1)
    {
        return Err(ConfigError::MaxAttempts { origin, value });
    }
    let (origin, value) = set_first(
        var("AWS_RETRY_MODE"),
        in_profile("retry_mode"),
        "AWS_RETRY_MODE",
    );
    if let Some(value) = value {
        let mode = value.trim().to_ascii_lowercase();
        if mode != "standard" && mode != "adaptive" {
            return Err(ConfigError::RetryMode { origin, value });
        }
    }
    Ok(Checked {
        region: region.map(|(_, v)| v),
        profiles,
    })
}

/// The first source with a non-blank value, with where it came from.
fn first_non_empty(sources: &[(String, Option<String>)]) -> Option<(String, String)> {
    sources.iter().find_map(|(origin, value)| {
        let v = value.as_deref()?.trim();
        (!v.is_empty()).then(|| (origin.clone(), v.to_string()))
    })
}

/// The variable when it is set (even empty), else the profile's value.
fn set_first(
    env: Option<String>,
    profile: (String, Option<String>),
    name: &str,
) -> (String, Option<String>) {
    match env {
        Some(v) => (format!("`{name}`"), Some(v)),
        None => profile,
    }
}

/// A region name as the SDK's endpoint rules accept it: one DNS label (`eu-west-1`).
fn is_region(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && !value.starts_with('-')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// An absolute http(s) URL with a host: what the SDK can send a request to. aws-config itself
/// checks with `url::Url::parse` and only logs a warning (`default_provider/endpoint_url.rs`).
pub fn is_endpoint(value: &str) -> bool {
    match url::Url::parse(value.trim()) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(vars: &[(&str, &str)], config: &str) -> Result<Checked, ConfigError> {
        let mut all = vec![("HOME", "/home/u")];
        all.extend_from_slice(vars);
        let fs = Fs::from_slice(&[("/home/u/.aws/config", config)]);
        check(&Env::from_slice(&all), &fs).await
    }

    #[tokio::test]
    async fn empty_endpoint_and_region_variables_count_as_unset() {
        let ok = run(
            &[
                ("AWS_ENDPOINT_URL", ""),
                ("AWS_ENDPOINT_URL_ECS", ""),
                ("AWS_REGION", ""),
                ("AWS_DEFAULT_REGION", "eu-central-1"),
            ],
            "",
        )
        .await
        .unwrap();
        assert_eq!(ok.region.as_deref(), Some("eu-central-1"));
        let ok = run(&[("AWS_REGION", " ")], "[default]\nregion = us-east-2\n")
            .await
            .unwrap();
        assert_eq!(ok.region.as_deref(), Some("us-east-2"));
        assert_eq!(run(&[], "").await.unwrap().region, None);
    }

    #[tokio::test]
    async fn each_bad_value_is_named_with_its_origin() {
        /// Variables, config file, the error's first line.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (
                &[("AWS_ENDPOINT_URL", "garbage")],
                "",
                "`AWS_ENDPOINT_URL` is `garbage`, which is not an http:// or https:// URL",
            ),
            (
                &[("AWS_ENDPOINT_URL_ECS", "http://[::1")],
                "",
                "`AWS_ENDPOINT_URL_ECS` is `http://[::1`, which is not an http:// or https:// URL",
            ),
            (
                &[],
                "[default]\nendpoint_url = ftp://x\n",
                "`endpoint_url` in profile `default` is `ftp://x`, which is not an http:// or https:// URL",
            ),
            (
                &[("AWS_REGION", "eu west 1")],
                "",
                "`AWS_REGION` is `eu west 1`, which is not a region name",
            ),
            (
                &[("AWS_MAX_ATTEMPTS", "abc")],
                "",
                "`AWS_MAX_ATTEMPTS` is `abc`, which is not a number of attempts (1 or more)",
            ),
            (
                &[("AWS_MAX_ATTEMPTS", "")],
                "",
                "`AWS_MAX_ATTEMPTS` is ``, which is not a number of attempts (1 or more)",
            ),
            (
                &[("AWS_MAX_ATTEMPTS", "0")],
                "",
                "`AWS_MAX_ATTEMPTS` is `0`, which is not a number of attempts (1 or more)",
            ),
            (
                &[],
                "[default]\nmax_attempts = 99999999999\n",
                "`max_attempts` in profile `default` is `99999999999`, which is not a number of attempts (1 or more)",
            ),
            (
                &[("AWS_RETRY_MODE", "legacy")],
                "",
                "`AWS_RETRY_MODE` is `legacy`; the AWS SDK for Rust knows the retry modes `standard` and `adaptive`",
            ),
            (
                &[("AWS_PROFILE", "nope")],
                "[default]\n",
                "the AWS profile `nope` (AWS_PROFILE) is in neither the config nor the credentials file",
            ),
        ];
        for (vars, config, want) in cases {
            let err = run(vars, config).await.unwrap_err().to_string();
            assert_eq!(err.lines().next().unwrap(), *want, "{vars:?} {config:?}");
            assert!(err.lines().nth(1).unwrap().starts_with("  hint: "), "{err}");
        }
    }

    #[tokio::test]
    async fn an_unparsable_config_file_is_an_error() {
        let err = run(&[], "[default\nregion = eu-west-1\n")
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string().lines().next().unwrap(),
            "cannot read the AWS config files: could not parse profile file: error parsing /home/u/.aws/config on line 1:\n  Profile definition must end with ']'"
                .lines()
                .next()
                .unwrap()
        );
    }

    #[tokio::test]
    async fn ignored_endpoints_are_not_checked_and_good_values_pass() {
        let vars = [
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_ENDPOINT_URL", "garbage"),
        ];
        assert!(run(&vars, "").await.is_ok());
        let good = [
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_IAM", "https://iam.example.com/"),
            ("AWS_MAX_ATTEMPTS", "3"),
            ("AWS_RETRY_MODE", "Adaptive"),
            ("AWS_PROFILE", "ci"),
        ];
        let ok = run(&good, "[profile ci]\nregion = ap-south-1\n")
            .await
            .unwrap();
        assert_eq!(ok.region.as_deref(), Some("ap-south-1"));
    }
}
