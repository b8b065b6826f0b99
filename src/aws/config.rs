//! Building the AWS SDK clients once, following the AWS CLI's configuration conventions.
//!
//! Owns `AwsClients` (one client per service ecsctl talks to, sharing one `SdkConfig`) and the
//! call counter. Must not make calls itself, and is only ever reached by commands that need AWS
//! (validate, render and schema never load AWS config).
//!
//! Resolution, the AWS CLI's order (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html):
//! - credentials: the default chain (env keys, `AWS_PROFILE` / shared files incl. SSO and
//!   `credential_process`, web identity, ECS container and EC2 instance roles);
//! - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, and then the spec's
//!   region. The CLI would fail where we fall back to the spec; we never ask EC2 IMDS for a
//!   region, because the spec already names one and the IMDS probe costs a second off EC2;
//! - endpoints: `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` with the CLI's names
//!   (https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html): `_ECS`, `_IAM`,
//!   `_STS`, `_SERVICEDISCOVERY`, `_CLOUDWATCH_LOGS`, `_APPLICATION_AUTO_SCALING`, `_SCHEDULER`, `_SSM`; also the
//!   profile's `endpoint_url` / `services` section; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` turns
//!   them off. aws-config 1.13 resolves these (`EnvServiceConfig`, `endpoint_url_provider`); each
//!   client picks its own in `Builder::from(&SdkConfig)` (see the test below);
//! - retries: `AWS_RETRY_MODE` and `AWS_MAX_ATTEMPTS`, or the profile's `retry_mode` and
//!   `max_attempts`, exactly as the CLI reads them. When neither names a number of attempts,
//!   ecsctl allows 10 instead of the SDK's 3: control-plane APIs (IAM above all) throttle at
//!   low rates, and 3 attempts let 30 % throttling defeat most plans in our fault test
//!   (terraform-provider-aws allows 25). aws-config ignores both variables once a retry config
//!   is set in code, so we set one only when neither the environment nor the profile has;
//!   the mode they name is kept;
//! - timeouts: the CLI has flags but no variables for them, so they are fixed here;
//! - request rate: every request waits for a token of its API's bucket (`rate`, docs/aws.md
//!   "Request rate"), unless `ECSCTL_RATE_LIMIT=off`;
//! - every value above is checked first (`env_check`): an empty endpoint or region variable
//!   counts as unset, as in botocore, and a value that cannot work is a `ConfigError`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::SdkConfig;
use aws_types::os_shim_internal::Env;
use aws_types::region::Region;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};

use super::env_check::{Checked, ConfigError};

/// Connecting should be near-instant; a hung connection means a wrong endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt (one HTTP round trip).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// One operation, retries included: 10 attempts with the standard mode's backoff (capped at
/// 20 s a wait) need about two minutes when every one of them is throttled.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(180);
/// Attempts per call when neither `AWS_MAX_ATTEMPTS` nor the profile's `max_attempts` is set.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;

/// Settings that code (not the environment) may impose. Empty for the CLI: everything then
/// comes from the environment like the AWS CLI. Tests use it to point at their emulator account
/// without touching the process environment, which parallel tests share.
#[derive(Clone, Debug, Default)]
pub struct AwsSettings {
    /// Overrides the environment's region, like the AWS CLI's `--region`.
    pub region: Option<String>,
    /// Used only when neither the environment nor the profile names a region.
    pub fallback_region: Option<String>,
    /// Overrides `AWS_ENDPOINT_URL*` for every service.
    pub endpoint_url: Option<String>,
    /// Overrides the default credential chain.
    pub credentials: Option<StaticCredentials>,
    /// Overrides `AWS_MAX_ATTEMPTS` (standard retry mode).
    pub max_attempts: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// One client per AWS service, built once from the same configuration. Cheap to clone.
#[derive(Clone, Debug)]
// The read-only clients of the pre-flight (ec2 .. ecr) are wired before their callers land.
#[allow(dead_code)]
pub struct AwsClients {
    pub(crate) ecs: aws_sdk_ecs::Client,
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) discovery: aws_sdk_servicediscovery::Client,
    pub(crate) autoscaling: aws_sdk_applicationautoscaling::Client,
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) scheduler: aws_sdk_scheduler::Client,
    /// The alarms of step scaling rules (`aws::alarms`, `aws::write_alarms`).
    pub(crate) cloudwatch: aws_sdk_cloudwatch::Client,
    /// Parameter Store, for the environment lock only (`aws::ssm`, `crate::lock`).
    pub(crate) ssm: aws_sdk_ssm::Client,
    /// The Resource Groups Tagging API: one paged read of the tags of the environment's log
    /// groups and Cloud Map resources (`aws::tagging`).
    pub(crate) tagging: aws_sdk_resourcegroupstagging::Client,
    /// Read only, for the references a spec makes (subnets, security groups): `verify` and the
    /// pre-flight before apply writes.
    pub(crate) ec2: aws_sdk_ec2::Client,
    /// Read only: target groups (the pre-flight) and their target health (`status`).
    pub(crate) elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// Read only: the secrets a spec references (the pre-flight).
    pub(crate) secrets: aws_sdk_secretsmanager::Client,
    /// Read only: the KMS keys a spec references (the pre-flight).
    pub(crate) kms: aws_sdk_kms::Client,
    /// Read only: EFS file systems and access points a spec mounts (the pre-flight).
    pub(crate) efs: aws_sdk_efs::Client,
    /// Read only: that the ECR images being deployed exist (the pre-flight).
    pub(crate) ecr: aws_sdk_ecr::Client,
    /// The Price List Query API, in one of the regions that serve it (`pricing`).
    pub(crate) pricing: aws_sdk_pricing::Client,
    region: String,
    calls: CallCounter,
    /// Who the caller is, asked once: `plan` needs the account before building the desired
    /// state, `live::fetch` needs it again, and the environment lock records the ARN.
    pub(crate) caller: Arc<tokio::sync::OnceCell<crate::aws::sts::Caller>>,
    max_attempts: u32,
}

impl AwsClients {
    /// Loads the AWS configuration (see the module comment) and builds every client; a value
    /// that cannot work (`env_check`) is an error instead of a panic inside the SDK.
    pub async fn load(settings: &AwsSettings) -> Result<AwsClients, ConfigError> {
        let checked = super::env_check::check_process().await?;
        // `env_check` resolved the region from the environment and the profile, skipping empty
        // values as botocore does (aws-config's own providers would take `AWS_REGION=""`).
        let region = settings
            .region
            .clone()
            .or(checked.region.clone())
            .or(settings.fallback_region.clone())
            .map(Region::new);
        let pace = super::rate::enabled(std::env::var(super::rate::SETTING).ok().as_deref())?;
        let mut timeouts = TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT);
        if !pace {
            // Paced, the attempt timeout is the paced client's (it must not count the wait for
            // a token; see `rate::PacedHttpClient`).
            timeouts.set_operation_attempt_timeout(Some(ATTEMPT_TIMEOUT));
        }
        let timeouts = timeouts.build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(region)
            .timeout_config(timeouts);
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(c) = &settings.credentials {
            loader = loader.credentials_provider(aws_sdk_sts::config::Credentials::new(
                &c.access_key_id,
                &c.secret_access_key,
                c.session_token.clone(),
                None,
                "ecsctl-settings",
            ));
        }
        if let Some(n) = settings.max_attempts {
            loader = loader
                .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(n));
        } else if !max_attempts_configured(&checked) {
            // The mode still comes from AWS_RETRY_MODE / the profile, as the CLI's would
            // (`env_check` has made sure it parses, so this does not panic).
            let resolved = aws_config::default_provider::retry_config::default_provider()
                .retry_config()
                .await;
            loader = loader.retry_config(resolved.with_max_attempts(DEFAULT_MAX_ATTEMPTS));
        }
        let config = loader.load().await;
        let paced = pace
            .then(|| {
                super::rate::PacedHttpClient::wrap(
                    config.http_client(),
                    super::rate::Limiter::process(),
                    ATTEMPT_TIMEOUT,
                )
            })
            .flatten();
        let config = match paced {
            Some(client) => config.to_builder().http_client(client).build(),
            None => config,
        };
        let config = match config.service_config() {
            Some(_) => {
                let endpoints = NonEmptyEndpoints {
                    inner: config.clone(),
                    profiles: checked.profiles,
                    vars: super::env_check::ENDPOINT_VARS
                        .iter()
                        .filter_map(|v| Some((v.to_string(), std::env::var(v).ok()?)))
                        .collect(),
                };
                config.to_builder().service_config(endpoints).build()
            }
            None => config,
        };
        Ok(AwsClients::from_sdk_config(&config))
    }

    /// The number of attempts each call may make (for tests and `--stats`).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn from_sdk_config(config: &SdkConfig) -> AwsClients {
        let calls = CallCounter::default();
        // Each service reads its own `AWS_ENDPOINT_URL_<SERVICE>` in `Builder::from(&SdkConfig)`.
        macro_rules! client {
            ($krate:ident, $prefix:literal) => {
                $krate::Client::from_conf(
                    $krate::config::Builder::from(config)
                        .interceptor(calls.for_service($prefix))
                        .interceptor(super::rate::TagRequest)
                        .build(),
                )
            };
        }
        AwsClients {
            ecs: client!(aws_sdk_ecs, "ecs"),
            iam: client!(aws_sdk_iam, "iam"),
            logs: client!(aws_sdk_cloudwatchlogs, "logs"),
            discovery: client!(aws_sdk_servicediscovery, "servicediscovery"),
            autoscaling: client!(aws_sdk_applicationautoscaling, "application-autoscaling"),
            sts: client!(aws_sdk_sts, "sts"),
            scheduler: client!(aws_sdk_scheduler, "scheduler"),
            cloudwatch: client!(aws_sdk_cloudwatch, "cloudwatch"),
            ssm: client!(aws_sdk_ssm, "ssm"),
            tagging: client!(aws_sdk_resourcegroupstagging, "tag"),
            ec2: client!(aws_sdk_ec2, "ec2"),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, "elasticloadbalancing"),
            secrets: client!(aws_sdk_secretsmanager, "secretsmanager"),
            kms: client!(aws_sdk_kms, "kms"),
            efs: client!(aws_sdk_efs, "elasticfilesystem"),
            ecr: client!(aws_sdk_ecr, "ecr"),
            pricing: aws_sdk_pricing::Client::from_conf(
                aws_sdk_pricing::config::Builder::from(config)
                    .region(aws_types::region::Region::new(
                        super::pricing::endpoint_region(config.region().map_or("", |r| r.as_ref())),
                    ))
                    .interceptor(calls.for_service("pricing"))
                    .interceptor(super::rate::TagRequest)
                    .build(),
            ),
            region: config.region().map(|r| r.to_string()).unwrap_or_default(),
            calls,
            caller: Arc::default(),
            max_attempts: config
                .retry_config()
                .map_or(DEFAULT_MAX_ATTEMPTS, |r| r.max_attempts()),
        }
    }

    /// The caller's account, once `sts::identity` has asked (None before).
    pub fn caller_account(&self) -> Option<String> {
        self.caller.get().map(|c| c.account.clone())
    }

    /// The region the clients talk to ("" if none could be resolved).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// HTTP requests sent so far, per `service:Operation` (retries and pages each count).
    pub fn calls(&self) -> BTreeMap<String, u32> {
        self.calls.snapshot()
    }
}

/// Whether `AWS_MAX_ATTEMPTS` or the selected profile's `max_attempts` names a number of
/// attempts (then aws-config applies it and ecsctl keeps out of the way).
fn max_attempts_configured(checked: &Checked) -> bool {
    std::env::var_os("AWS_MAX_ATTEMPTS").is_some() || checked.profiles.get("max_attempts").is_some()
}

/// The endpoint lookup as botocore does it: the first *non-empty* of `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_ENDPOINT_URL`, the profile's `services` section and its `endpoint_url`
/// (botocore `configprovider.py`, `EndpointConfigProvider.provide`: `if endpoint_url: return`).
/// aws-config takes the first *set* one, and an empty URL then panics in the client ("URL was
/// unset"), so an empty value is looked past here. Other keys go to aws-config unchanged.
#[derive(Debug)]
struct NonEmptyEndpoints {
    /// aws-config's own lookup (`EnvServiceConfig`), which also applies
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
    inner: SdkConfig,
    profiles: aws_config::profile::ProfileSet,
    /// The `AWS_ENDPOINT_URL*` variables of the process.
    vars: std::collections::HashMap<String, String>,
}

impl LoadServiceConfig for NonEmptyEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let found = self.inner.service_config()?.load_config(key.clone())?;
        if !found.trim().is_empty() || key.env() != "AWS_ENDPOINT_URL" {
            return Some(found);
        }
        // An empty variable shadowed the rest: look again without the empty variables.
        let set: std::collections::HashMap<String, String> = self
            .vars
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let env = Env::from(set);
        let (value, _) = aws_runtime::env_config::EnvConfigValue::new()
            .env(key.env())
            .profile(key.profile())
            .service_id(key.service_id())
            .load(&env, Some(&self.profiles))?;
        let value = value.trim().to_string();
        (!value.is_empty()).then_some(value)
    }
}

/// Counts every HTTP request by operation, so the plan benchmark can report calls per operation.
#[derive(Clone, Debug, Default)]
struct CallCounter(Arc<Mutex<BTreeMap<String, u32>>>);

impl CallCounter {
    fn snapshot(&self) -> BTreeMap<String, u32> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn for_service(&self, prefix: &'static str) -> ServiceCallCounter {
        ServiceCallCounter {
            prefix,
            counts: self.clone(),
        }
    }
}

/// The counter as one client's interceptor. The IAM-style prefix (`logs`, not the SDK's
/// "CloudWatch Logs") keeps keys the way permissions and CloudTrail spell them.
#[derive(Clone, Debug)]
struct ServiceCallCounter {
    prefix: &'static str,
    counts: CallCounter,
}

impl Intercept for ServiceCallCounter {
    fn name(&self) -> &'static str {
        "ecsctl-call-counter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        super::failure::record_endpoint(self.prefix, context.request().uri());
        if let Some(meta) = cfg.load::<Metadata>() {
            let key = format!("{}:{}", self.prefix, meta.name());
            if let Ok(mut m) = self.counts.0.lock() {
                *m.entry(key).or_default() += 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Stands in for aws-config's `EnvServiceConfig`, with its lookup rule (`key.env()` suffixed
    /// by the upper-cased service id, then `key.env()` alone), over a fixed set of variables.
    #[derive(Debug)]
    struct FakeEnv(Vec<(String, String)>);

    impl FakeEnv {
        fn get(&self, k: &str) -> Option<String> {
            self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }
    }

    impl LoadServiceConfig for FakeEnv {
        fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
            let id = key.service_id().to_uppercase().replace(' ', "_");
            self.get(&format!("{}_{id}", key.env()))
                .or_else(|| self.get(key.env()))
        }
    }

    fn clients(vars: Vec<(String, String)>) -> AwsClients {
        clients_with(
            vars,
            SharedCredentialsProvider::new(Credentials::for_tests()),
        )
    }

    fn clients_with(vars: Vec<(String, String)>, creds: SharedCredentialsProvider) -> AwsClients {
        let env = FakeEnv(vars);
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(creds)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
            .service_config(env)
            .build();
        AwsClients::from_sdk_config(&config)
    }

    /// A listener that answers every request with a bare 500 and reports the SigV4 signing
    /// service of each request it received (`.../eu-west-1/<service>/aws4_request`).
    async fn listener() -> (String, tokio::task::JoinHandle<Vec<String>>) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let mut seen = Vec::new();
            while let Ok(Ok((mut sock, _))) =
                tokio::time::timeout(Duration::from_millis(1500), l.accept()).await
            {
                let mut buf = vec![0u8; 16384];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
                if let Some(scope) = head.split("/eu-west-1/").nth(1) {
                    seen.push(scope.split('/').next().unwrap_or_default().to_string());
                }
                let _ = sock.write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
            }
            seen.sort();
            seen
        });
        (url, task)
    }

    /// Each client sends one request; which listener got which service shows the endpoint
    /// each one resolved, end to end through the SDK's endpoint resolution. Pins that the
    /// crates look up the AWS CLI's variable names (`CLOUDWATCH_LOGS`, not `CLOUDWATCHLOGS`).
    #[tokio::test]
    async fn service_specific_endpoints_follow_the_cli_names() {
        let (global, global_seen) = listener().await;
        let (ecs, ecs_seen) = listener().await;
        let (logs, logs_seen) = listener().await;
        let (aas, aas_seen) = listener().await;
        let (sched, sched_seen) = listener().await;
        let (ssm, ssm_seen) = listener().await;
        let (tag, tag_seen) = listener().await;
        let (ec2, ec2_seen) = listener().await;
        let (elb, elb_seen) = listener().await;
        let (sm, sm_seen) = listener().await;
        let (efs, efs_seen) = listener().await;
        let c = clients(vec![
            ("AWS_ENDPOINT_URL_EC2".into(), ec2),
            ("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2".into(), elb),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER".into(), sm),
            ("AWS_ENDPOINT_URL_EFS".into(), efs),
            ("AWS_ENDPOINT_URL".into(), global),
            ("AWS_ENDPOINT_URL_ECS".into(), ecs),
            ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS".into(), logs),
            ("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING".into(), aas),
            ("AWS_ENDPOINT_URL_SCHEDULER".into(), sched),
            ("AWS_ENDPOINT_URL_SSM".into(), ssm),
            ("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API".into(), tag),
        ]);
        let _ = c.ecs.list_clusters().send().await;
        let _ = c.logs.describe_log_groups().send().await;
        let _ = c
            .autoscaling
            .describe_scalable_targets()
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .send()
            .await;
        let _ = c.iam.list_roles().send().await;
        let _ = c.sts.get_caller_identity().send().await;
        let _ = c.discovery.list_namespaces().send().await;
        let _ = c.scheduler.list_schedule_groups().send().await;
        let _ = c.ssm.get_parameter().name("/ecsctl/locks/a/b").send().await;
        let _ = c.tagging.get_resources().send().await;
        let _ = c.ec2.describe_subnets().send().await;
        let _ = c.elbv2.describe_target_groups().send().await;
        let _ = c.secrets.describe_secret().secret_id("s").send().await;
        let _ = c.efs.describe_file_systems().send().await;
        // KMS and ECR use the global variable here: their own names are the service ids.
        let _ = c.kms.describe_key().key_id("alias/k").send().await;
        let _ = c.ecr.describe_repositories().send().await;
        assert_eq!(ec2_seen.await.unwrap(), ["ec2"]);
        assert_eq!(elb_seen.await.unwrap(), ["elasticloadbalancing"]);
        assert_eq!(sm_seen.await.unwrap(), ["secretsmanager"]);
        assert_eq!(efs_seen.await.unwrap(), ["elasticfilesystem"]);
        assert_eq!(ecs_seen.await.unwrap(), ["ecs"]);
        assert_eq!(logs_seen.await.unwrap(), ["logs"]);
        assert_eq!(aas_seen.await.unwrap(), ["application-autoscaling"]);
        assert_eq!(
            global_seen.await.unwrap(),
            ["ecr", "iam", "kms", "servicediscovery", "sts"]
        );
        assert_eq!(sched_seen.await.unwrap(), ["scheduler"]);
        assert_eq!(ssm_seen.await.unwrap(), ["ssm"]);
        assert_eq!(tag_seen.await.unwrap(), ["tagging"]);
        let calls = c.calls();
        assert_eq!(calls.get("ecs:ListClusters"), Some(&1));
        assert_eq!(calls.get("logs:DescribeLogGroups"), Some(&1));
        assert_eq!(calls.get("scheduler:ListScheduleGroups"), Some(&1));
        assert_eq!(calls.get("ssm:GetParameter"), Some(&1));
        assert_eq!(calls.get("tag:GetResources"), Some(&1));
        assert_eq!(
            calls.get("elasticloadbalancing:DescribeTargetGroups"),
            Some(&1)
        );
        assert_eq!(calls.len(), 15);
    }

    /// The default chain with nothing to find (no env, no files, no HTTP for IMDS/ECS): the
    /// error has no AWS code, and the hint points at the CLI's ways to get credentials.
    #[tokio::test]
    async fn missing_credentials_error_and_hint() {
        let chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
            .configure(aws_config::provider_config::ProviderConfig::empty())
            .build()
            .await;
        let c = clients_with(
            vec![("AWS_ENDPOINT_URL".into(), "http://127.0.0.1:9".into())],
            SharedCredentialsProvider::new(chain),
        );
        let err = c.sts.get_caller_identity().send().await.unwrap_err();
        let err = crate::aws::AwsError::from_sdk("sts", "GetCallerIdentity", None, err);
        assert_eq!((err.code.as_deref(), err.status), (None, None));
        assert!(err.message.contains("credentials"), "{}", err.message);
        assert!(
            err.hint().unwrap().contains("AWS_PROFILE"),
            "{:?}",
            err.hint()
        );
    }

    /// `AWS_ENDPOINT_URL_ECS=""` used to shadow `AWS_ENDPOINT_URL` and panic in the client
    /// ("URL was unset"); botocore skips an empty value, and so does ecsctl now.
    #[tokio::test]
    async fn an_empty_endpoint_variable_is_skipped_not_a_panic() {
        let (global, global_seen) = listener().await;
        let vars = vec![
            ("AWS_ENDPOINT_URL".to_string(), global),
            ("AWS_ENDPOINT_URL_ECS".to_string(), String::new()),
        ];
        let inner = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
            .service_config(FakeEnv(vars.clone()))
            .build();
        let endpoints = NonEmptyEndpoints {
            inner: inner.clone(),
            profiles: Default::default(),
            vars: vars.into_iter().collect(),
        };
        let c = AwsClients::from_sdk_config(&inner.to_builder().service_config(endpoints).build());
        let _ = c.ecs.list_clusters().send().await;
        assert_eq!(global_seen.await.unwrap(), ["ecs"]);
    }

    /// What an emulator gap looks like: HTTP 500 without an AWS error body.
    #[tokio::test]
    async fn http_500_without_a_code_hints_at_the_emulator() {
        let (url, _seen) = listener().await;
        let c = clients(vec![("AWS_ENDPOINT_URL".into(), url)]);
        let err = c.ecs.list_clusters().send().await.unwrap_err();
        let err = crate::aws::AwsError::from_sdk("ecs", "ListClusters", None, err);
        assert_eq!((err.code.as_deref(), err.status), (None, Some(500)));
        assert!(
            err.hint()
                .unwrap()
                .contains("does not implement `ecs:ListClusters`")
        );
    }
}
