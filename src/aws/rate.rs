//! ecsctl's client-side request rate: every AWS request of the process waits for a token from
//! the bucket of its API category, so ecsctl stays under AWS's control-plane throttles instead
//! of being throttled and retrying.
//!
//! Owns the table of AWS's buckets (`TABLE`, the same figures as the emulator's
//! `scripts/moto/throttle.py`; sources in docs/emulator.md, "Latency and rate limits"), the
//! token-bucket arithmetic (`Bucket`, pure, clock injected), the process-wide `Limiter`, and its
//! hook into the SDK: an interceptor (`TagRequest`) that labels each signed request with its
//! (access key, region, signing service, operation), and a wrapper of the SDK's HTTP client
//! (`PacedHttpClient`) that awaits the label's token before sending. No call site changes, and
//! every attempt (retries and pages too) takes a token. Must not decide anything else about a
//! request, and must not make calls.
//!
//! AWS throttles per account and Region (ECS API reference, "Request throttling for the Amazon
//! ECS API": https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html);
//! ecsctl cannot see the account at this layer, so a bucket is per access key, which is one
//! account. Other clients of the same account (a console, Terraform, a second ecsctl) share
//! AWS's bucket but not ours: then AWS may still throttle, and the SDK's retries (config.rs)
//! take over. `ECSCTL_RATE_LIMIT=off` turns the pacing off, for accounts whose quotas AWS
//! Support has raised (docs/aws.md, "Request rate").

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::config_bag::ConfigBag;

use super::env_check::ConfigError;

/// The variable that turns the pacing off (`off`) or on (`aws`, the default).
pub const SETTING: &str = "ECSCTL_RATE_LIMIT";

/// Every other read (`Describe*`, `List*`, `Get*`, `BatchGet*`) of the service shares one bucket.
pub const READS: &str = "*read";
/// Every other write of the service shares one bucket.
pub const WRITES: &str = "*write";
/// Every other operation has a bucket of its own of this size (quotas published per API).
pub const EACH: &str = "*each";

/// One of AWS's buckets: `burst` tokens at most, refilled at `rate` a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The SigV4 signing name (`ecs`, `logs`, `iam`, …).
    pub service: &'static str,
    pub bucket: &'static str,
    pub burst: u32,
    pub rate: u32,
    /// Operation names, or one of `READS`, `WRITES`, `EACH`.
    pub operations: &'static [&'static str],
}

const fn row(
    service: &'static str,
    bucket: &'static str,
    burst: u32,
    rate: u32,
    operations: &'static [&'static str],
) -> Row {
    Row {
        service,
        bucket,
        burst,
        rate,
        operations,
    }
}

/// AWS's buckets, as docs/emulator.md lists them with their sources ("assumed" where AWS
/// publishes no figure). `tests/emulator/rate.rs` pins that the emulator serves the same table.
pub const TABLE: &[Row] = &[
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
    row(
        "ecs",
        "cluster-modify",
        20,
        1,
        &[
            "CreateCluster",
            "DeleteCluster",
            "PutClusterCapacityProviders",
            "UpdateCluster",
            "UpdateClusterSettings",
        ],
    ),
    row(
        "ecs",
        "cluster-read",
        50,
        20,
        &["DescribeClusters", "ListClusters"],
    ),
    row(
        "ecs",
        "task-definition-modify",
        20,
        1,
        &["DeregisterTaskDefinition", "RegisterTaskDefinition"],
    ),
    row(
        "ecs",
        "task-definition-read",
        50,
        20,
        &[
            "DescribeTaskDefinition",
            "ListTaskDefinitions",
            "ListTaskDefinitionFamilies",
        ],
    ),
    row(
        "ecs",
        "task-definition-delete",
        5,
        1,
        &["DeleteTaskDefinitions"],
    ),
    row(
        "ecs",
        "capacity-provider-read",
        50,
        20,
        &["DescribeCapacityProviders"],
    ),
    row(
        "ecs",
        "tag-modify",
        20,
        10,
        &["TagResource", "UntagResource"],
    ),
    row("ecs", "tag-read", 50, 20, &["ListTagsForResource"]),
    row(
        "ecs",
        "cluster-resource-modify",
        100,
        40,
        &["ExecuteCommand", "RunTask", "StartTask", "StopTask"],
    ),
    row(
        "ecs",
        "cluster-resource-read",
        100,
        20,
        &[
            "DescribeContainerInstances",
            "DescribeTasks",
            "ListAttributes",
            "ListContainerInstances",
            "ListTasks",
        ],
    ),
    row(
        "ecs",
        "service-modify",
        50,
        5,
        &["CreateService", "DeleteService", "UpdateService"],
    ),
    row(
        "ecs",
        "service-read",
        100,
        20,
        &["DescribeServices", "ListServices"],
    ),
    row(
        "ecs",
        "service-deployment",
        50,
        20,
        &["DescribeServiceDeployments", "ListServiceDeployments"],
    ),
    row(
        "ecs",
        "service-revision",
        50,
        20,
        &["DescribeServiceRevisions"],
    ),
    row(
        "ecs",
        "cluster-service-resource-read",
        10,
        1,
        &["ListServicesByNamespace"],
    ),
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
    // (TPS per API, so the burst is one second's worth; the other operations are assumed).
    row("logs", "CreateLogGroup", 5, 5, &["CreateLogGroup"]),
    row("logs", "DeleteLogGroup", 5, 5, &["DeleteLogGroup"]),
    row("logs", "DescribeLogGroups", 5, 5, &["DescribeLogGroups"]),
    // StartLiveTail has its own quota on the same page (sessions are also limited in number);
    // its rate is assumed at the Logs default of 5 (docs/emulator.md, "Latency and rate limits").
    row("logs", "StartLiveTail", 5, 5, &["StartLiveTail"]),
    row("logs", "other", 5, 5, &[EACH]),
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
    // (DescribeAlarms 9 TPS; PutMetricAlarm and DeleteAlarms 3 TPS; the rest taken as 3). Keyed
    // by the signing name, `monitoring`, as every row here.
    row("monitoring", "DescribeAlarms", 9, 9, &["DescribeAlarms"]),
    row("monitoring", "PutMetricAlarm", 3, 3, &["PutMetricAlarm"]),
    row("monitoring", "DeleteAlarms", 3, 3, &["DeleteAlarms"]),
    row("monitoring", "other", 3, 3, &[EACH]),
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
    row("scheduler", "CreateSchedule", 50, 50, &["CreateSchedule"]),
    row("scheduler", "DeleteSchedule", 50, 50, &["DeleteSchedule"]),
    row("scheduler", "GetSchedule", 50, 50, &["GetSchedule"]),
    row("scheduler", "ListSchedules", 50, 50, &["ListSchedules"]),
    row("scheduler", "UpdateSchedule", 50, 50, &["UpdateSchedule"]),
    row("scheduler", "other", 10, 10, &[EACH]),
    // https://docs.aws.amazon.com/general/latest/gr/ssm.html (Parameter Store standard
    // throughput); writes assumed.
    row(
        "ssm",
        "parameter-read",
        40,
        40,
        &["GetParameter", "GetParameters", "GetParametersByPath"],
    ),
    row("ssm", "other", 3, 3, &[EACH]),
    // Assumed: AWS publishes no figures (docs/emulator.md says why each).
    row("iam", "read", 20, 10, &[READS]),
    row("iam", "write", 10, 5, &[WRITES]),
    row("sts", "other", 20, 10, &[EACH]),
    row("servicediscovery", "read", 50, 20, &[READS]),
    row("servicediscovery", "write", 50, 5, &[WRITES]),
    row("application-autoscaling", "read", 50, 20, &[READS]),
    row("application-autoscaling", "write", 50, 5, &[WRITES]),
    row("tagging", "GetResources", 10, 5, &["GetResources"]),
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
    // (ELB API version 2, non-mutating `Describe*`: bucket 40, refill 10 a second).
    row("elasticloadbalancing", "describe", 40, 10, &[READS]),
    // The pre-flight's reads. EC2: non-mutating actions, bucket 100, refill 20 a second
    // (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). Secrets
    // Manager: DescribeSecret 40,000 a second (AWS What's New, 2025-03-04). KMS, EFS and ECR
    // reads: assumed (docs/emulator.md says why).
    row("ec2", "describe", 100, 20, &[READS]),
    row(
        "secretsmanager",
        "DescribeSecret",
        40000,
        40000,
        &["DescribeSecret"],
    ),
    row("kms", "read", 50, 20, &[READS]),
    row("elasticfilesystem", "read", 50, 20, &[READS]),
    row("ecr", "read", 50, 20, &[READS]),
];

/// IAM is a global service: one set of buckets per account, whatever the region.
const GLOBAL_SERVICES: &[&str] = &["iam"];

/// How much earlier than its neighbours a request may reach AWS (network jitter, a busy
/// machine) without finding AWS's bucket empty: ecsctl's own bucket keeps this many seconds of
/// refill in reserve below AWS's burst.
const JITTER: f64 = 0.25;

/// The bucket `service:operation` draws from: (name, burst, rate), or `None` when AWS
/// publishes no throttle for it and ecsctl assumes none (EC2, for instance).
pub fn bucket_of(service: &str, operation: &str) -> Option<(String, u32, u32)> {
    let rows = TABLE.iter().filter(|r| r.service == service);
    if let Some(r) = rows.clone().find(|r| r.operations.contains(&operation)) {
        return Some((r.bucket.to_string(), r.burst, r.rate));
    }
    let read = ["Describe", "List", "Get", "BatchGet"]
        .iter()
        .any(|p| operation.starts_with(p));
    rows.filter_map(|r| {
        let ops = r.operations;
        if (ops.contains(&READS) && read) || (ops.contains(&WRITES) && !read) {
            Some((r.bucket.to_string(), r.burst, r.rate))
        } else if ops.contains(&EACH) {
            Some((format!("{}:{operation}", r.bucket), r.burst, r.rate))
        } else {
            None
        }
    })
    .next()
}

/// A token bucket that hands out reservations: a request that finds it empty still takes a
/// token (the count goes negative) and learns how long to wait, so waiters are served in the
/// order they came and never race each other for a refill.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    burst: f64,
    rate: f64,
    tokens: f64,
    /// Seconds since the limiter's origin when `tokens` was last brought up to date.
    at: f64,
}

impl Bucket {
    /// ecsctl's bucket for AWS's (`burst`, `rate`): full when created, `JITTER` seconds of
    /// refill below AWS's burst (at least one token).
    pub fn for_aws(burst: u32, rate: u32, now: f64) -> Bucket {
        let burst = (f64::from(burst) - (f64::from(rate) * JITTER).ceil()).max(1.0);
        Bucket {
            burst,
            rate: f64::from(rate),
            tokens: burst,
            at: now,
        }
    }

    /// Takes a token at `now` (seconds) and returns how long to wait before sending.
    pub fn reserve(&mut self, now: f64) -> Duration {
        if now > self.at {
            self.tokens = (self.tokens + (now - self.at) * self.rate).min(self.burst);
            self.at = now;
        }
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.rate)
        }
    }
}

/// What `TagRequest` learns about a request for `PacedConnector`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequestKey {
    pub access_key: String,
    /// The signing region, or `global` for IAM.
    pub region: String,
    pub service: String,
    pub operation: String,
}

impl RequestKey {
    /// From the SigV4 `Authorization` header (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`)
    /// and the operation's name; `None` for an unsigned request.
    pub fn from_authorization(authorization: &str, operation: &str) -> Option<RequestKey> {
        let scope = authorization.split("Credential=").nth(1)?;
        let scope = scope.split([',', ' ']).next()?;
        let parts: Vec<&str> = scope.split('/').collect();
        let [access_key, _date, region, service, "aws4_request"] = parts[..] else {
            return None;
        };
        let region = if GLOBAL_SERVICES.contains(&service) {
            "global"
        } else {
            region
        };
        Some(RequestKey {
            access_key: access_key.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            operation: operation.to_string(),
        })
    }
}

/// Every bucket of the process, keyed by (access key, region, service, bucket name).
#[derive(Debug)]
pub struct Limiter {
    origin: Instant,
    buckets: Mutex<HashMap<(String, String, String, String), Bucket>>,
}

impl Limiter {
    pub fn new() -> Limiter {
        Limiter {
            origin: Instant::now(),
            buckets: Mutex::default(),
        }
    }

    /// The process's limiter, shared by every client `AwsClients` builds.
    pub fn process() -> &'static Limiter {
        static LIMITER: OnceLock<Limiter> = OnceLock::new();
        LIMITER.get_or_init(Limiter::new)
    }

    /// How long the request `key` must wait; `Duration::ZERO` when it is not limited.
    pub fn reserve(&self, key: &RequestKey) -> Duration {
        let Some((name, burst, rate)) = bucket_of(&key.service, &key.operation) else {
            return Duration::ZERO;
        };
        let now = self.origin.elapsed().as_secs_f64();
        let id = (
            key.access_key.clone(),
            key.region.clone(),
            key.service.clone(),
            name,
        );
        let Ok(mut buckets) = self.buckets.lock() else {
            return Duration::ZERO;
        };
        buckets
            .entry(id)
            .or_insert_with(|| Bucket::for_aws(burst, rate, now))
            .reserve(now)
    }

    /// Waits for `key`'s token.
    pub async fn acquire(&self, key: &RequestKey) {
        let wait = self.reserve(key);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new()
    }
}

/// Reads `ECSCTL_RATE_LIMIT`: `true` (pace) for `aws` or unset/empty, `false` for `off`.
pub fn enabled(value: Option<&str>) -> Result<bool, ConfigError> {
    match value.map(str::trim) {
        None | Some("") | Some("aws") => Ok(true),
        Some("off") => Ok(false),
        Some(other) => Err(ConfigError::RateLimit {
            value: other.to_string(),
        }),
    }
}

/// Labels each signed request with its `RequestKey` (the signature is made by the time
/// `modify_before_transmit` runs, once per attempt).
#[derive(Debug, Default)]
pub struct TagRequest;

impl Intercept for TagRequest {
    fn name(&self) -> &'static str {
        "ecsctl-rate-tag"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else {
            return Ok(());
        };
        let request = context.request_mut();
        let key = request
            .headers()
            .get("authorization")
            .and_then(|auth| RequestKey::from_authorization(auth, &operation));
        if let Some(key) = key {
            request.add_extension(key);
        }
        Ok(())
    }
}

/// The SDK's HTTP client, pacing each request by a `Limiter`. The wait for a token must not
/// count against the SDK's attempt timeout (which covers the whole connector call), or a long
/// queue would time attempts out and their retries would take more tokens: so the client is
/// used with no SDK attempt timeout, and applies `attempt_timeout` itself to the round trip
/// after the token (config.rs).
#[derive(Debug)]
pub struct PacedHttpClient {
    inner: SharedHttpClient,
    limiter: &'static Limiter,
    attempt_timeout: Duration,
}

impl PacedHttpClient {
    /// Wraps `inner`, or the SDK's own default HTTPS client when there is none (aws-config
    /// leaves `SdkConfig::http_client` unset unless code sets one, and each client then builds
    /// the default through this same runtime plugin).
    pub fn wrap(
        inner: Option<SharedHttpClient>,
        limiter: &'static Limiter,
        attempt_timeout: Duration,
    ) -> Option<SharedHttpClient> {
        let inner = inner.or_else(|| {
            aws_smithy_runtime::client::defaults::default_http_client_plugin_v2(
                BehaviorVersion::latest(),
            )?
            .runtime_components(&RuntimeComponentsBuilder::new("ecsctl-rate"))
            .http_client()
        })?;
        Some(SharedHttpClient::new(PacedHttpClient {
            inner,
            limiter,
            attempt_timeout,
        }))
    }
}

impl HttpClient for PacedHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            limiter: self.limiter,
            attempt_timeout: self.attempt_timeout,
        })
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    limiter: &'static Limiter,
    attempt_timeout: Duration,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let key = request.extension::<RequestKey>().cloned();
        let (inner, limiter, timeout) = (self.inner.clone(), self.limiter, self.attempt_timeout);
        HttpConnectorFuture::new(async move {
            if let Some(key) = key {
                limiter.acquire(&key).await;
            }
            match tokio::time::timeout(timeout, inner.call(request)).await {
                Ok(answer) => answer,
                // A timeout like the SDK's own attempt timeout: retryable, and named as one.
                Err(_) => Err(ConnectorError::timeout(
                    format!("no response within {} s", timeout.as_secs()).into(),
                )),
            }
        })
    }
}

#[cfg(test)]
#[path = "rate_tests.rs"]
mod tests;
