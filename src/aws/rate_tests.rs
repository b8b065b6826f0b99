//! Tests of `rate`: the bucket arithmetic on an injected clock, the table's lookup, the request
//! key from a real SigV4 header, and the wait a paced client adds, end to end through the SDK.

use super::*;

fn drain(bucket: &mut Bucket, now: f64, n: usize) -> Vec<Duration> {
    (0..n).map(|_| bucket.reserve(now)).collect()
}

/// ecsctl keeps `JITTER` seconds of refill below AWS's burst: service read actions are 100
/// tokens at 20 a second on AWS, so 95 here.
#[test]
fn a_full_bucket_serves_the_burst_minus_the_jitter_reserve_at_once() {
    let mut b = Bucket::for_aws(100, 20, 0.0);
    assert!(drain(&mut b, 0.0, 95).iter().all(Duration::is_zero));
    assert_eq!(b.reserve(0.0), Duration::from_millis(50));
}

/// Once empty, requests are spaced at exactly the sustained rate, in the order they came.
#[test]
fn an_empty_bucket_spaces_requests_at_the_sustained_rate() {
    let mut b = Bucket::for_aws(20, 1, 0.0); // RegisterTaskDefinition: 20, then 1 a second
    drain(&mut b, 0.0, 19);
    let waits = drain(&mut b, 0.0, 3);
    assert_eq!(
        waits,
        [1, 2, 3].map(Duration::from_secs),
        "the first waiter one second, the next two, ..."
    );
    // Three seconds on, the three reserved tokens have refilled and been spent: the next waits 1 s.
    assert_eq!(b.reserve(3.0), Duration::from_secs(1));
}

#[test]
fn an_idle_bucket_refills_to_its_burst_and_no_further() {
    let mut b = Bucket::for_aws(5, 5, 0.0); // DescribeLogGroups: 5 a second -> 3 here
    drain(&mut b, 0.0, 3);
    assert!(!b.reserve(0.0).is_zero());
    // An hour idle: the bucket holds 3 again, not 18,000.
    assert!(drain(&mut b, 3600.0, 3).iter().all(Duration::is_zero));
    assert!(!b.reserve(3600.0).is_zero());
}

#[test]
fn a_small_bucket_keeps_at_least_one_token() {
    let mut b = Bucket::for_aws(3, 3, 0.0); // ssm writes: 3 a second, 0.75 s reserve -> 2
    assert_eq!(drain(&mut b, 0.0, 2), [Duration::ZERO; 2]);
    let mut b = Bucket::for_aws(1, 10, 0.0);
    assert_eq!(b.reserve(0.0), Duration::ZERO);
}

#[test]
fn operations_find_their_aws_category() {
    let of = bucket_of;
    assert_eq!(
        of("ecs", "ListServices"),
        Some(("service-read".into(), 100, 20))
    );
    assert_eq!(
        of("ecs", "RegisterTaskDefinition"),
        Some(("task-definition-modify".into(), 20, 1))
    );
    assert_eq!(of("iam", "GetRolePolicy"), Some(("read".into(), 20, 10)));
    assert_eq!(of("iam", "PutRolePolicy"), Some(("write".into(), 10, 5)));
    assert_eq!(
        of("logs", "ListTagsForResource"),
        Some(("other:ListTagsForResource".into(), 5, 5))
    );
    assert_eq!(
        of("logs", "DescribeLogGroups"),
        Some(("DescribeLogGroups".into(), 5, 5))
    );
    assert_eq!(
        of("scheduler", "GetScheduleGroup"),
        Some(("other:GetScheduleGroup".into(), 10, 10))
    );
    assert_eq!(
        of("ec2", "DescribeSubnets"),
        Some(("describe".into(), 100, 20))
    );
    assert_eq!(of("ec2", "CreateVpc"), None);
    assert_eq!(of("ecs", "DescribeServicesSomeday"), None);
}

#[test]
fn the_key_comes_from_the_sigv4_credential_scope() {
    let auth = "AWS4-HMAC-SHA256 Credential=ASIAXYZ/20261128/eu-west-1/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
    assert_eq!(
        RequestKey::from_authorization(auth, "DescribeLogGroups"),
        Some(RequestKey {
            access_key: "ASIAXYZ".into(),
            region: "eu-west-1".into(),
            service: "logs".into(),
            operation: "DescribeLogGroups".into(),
        })
    );
    let iam = "AWS4-HMAC-SHA256 Credential=AKIA1/20261128/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x";
    assert_eq!(
        RequestKey::from_authorization(iam, "GetRole").map(|k| k.region),
        Some("global".to_string())
    );
    assert_eq!(RequestKey::from_authorization("", "GetRole"), None);
    assert_eq!(
        RequestKey::from_authorization("Credential=a/b/c", "GetRole"),
        None
    );
}

#[test]
fn the_setting_accepts_aws_and_off_only() {
    assert!(enabled(None).unwrap());
    assert!(enabled(Some("")).unwrap());
    assert!(enabled(Some("aws")).unwrap());
    assert!(!enabled(Some("off")).unwrap());
    assert_eq!(
        enabled(Some("fast")).unwrap_err().to_string(),
        "`ECSCTL_RATE_LIMIT` is `fast`; ecsctl knows `aws` (the default: stay under AWS's throttles) and `off`\n  hint: unset it; set `off` only when AWS has raised your account's API quotas"
    );
}

/// Through the SDK: a paced client labels each request and waits for its token. Six
/// DescribeLogGroups with a fresh limiter: three at once (5 a second minus the reserve), then
/// one every 200 ms, so the sixth leaves no earlier than 600 ms after the first.
#[tokio::test]
async fn a_paced_client_waits_for_tokens_before_sending() {
    use aws_config::BehaviorVersion;
    use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
    use aws_types::SdkConfig;
    use aws_types::region::Region;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut arrivals = Vec::new();
        while arrivals.len() < 6 {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 16384];
            let _ = sock.read(&mut buf).await;
            arrivals.push(Instant::now());
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await;
        }
        arrivals
    });
    let limiter: &'static Limiter = Box::leak(Box::new(Limiter::new()));
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
        .endpoint_url(url)
        .http_client(PacedHttpClient::wrap(None, limiter, Duration::from_secs(10)).unwrap())
        .build();
    let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(&config)
            .interceptor(TagRequest)
            .build(),
    );
    let calls = (0..6).map(|_| logs.describe_log_groups().send());
    for answer in futures::future::join_all(calls).await {
        answer.unwrap();
    }
    let mut arrivals = server.await.unwrap();
    arrivals.sort();
    let spread = arrivals[5] - arrivals[0];
    assert!(spread >= Duration::from_millis(550), "{spread:?}");
    assert!(spread < Duration::from_secs(3), "{spread:?}");
}
