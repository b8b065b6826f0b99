//! Live Tail decoding on recorded frames: an in-test HTTP server answers StartLiveTail with
//! application/vnd.amazon.eventstream frames shaped as the API reference shows them
//! (sessionStart, sessionUpdate with sessionResults, then an exception frame), and the real SDK
//! client (its own HTTP client, with a resolver for the `stream-` host it adds) decodes them.
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html>

use std::net::{IpAddr, Ipv4Addr};

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::SharedCredentialsProvider;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::cli::log_window::Seen;

const GROUP: &str = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/shop-prod/web";

/// Every name resolves to the loopback address: the SDK sends StartLiveTail to
/// `stream-127.0.0.1`, which no real resolver knows.
#[derive(Clone, Debug)]
struct Loopback;

impl ResolveDns for Loopback {
    fn resolve_dns<'a>(&'a self, _name: &'a str) -> DnsFuture<'a> {
        DnsFuture::ready(Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]))
    }
}

fn header(name: &'static str, value: &'static str) -> Header {
    Header::new(name, HeaderValue::String(value.into()))
}

fn event(kind: &'static str, payload: &Value) -> Vec<u8> {
    let m = Message::new(payload.to_string().into_bytes())
        .add_header(header(":message-type", "event"))
        .add_header(header(":event-type", kind))
        .add_header(header(":content-type", "application/json"));
    let mut out = Vec::new();
    write_message_to(&m, &mut out).expect("a frame");
    out
}

fn exception(kind: &'static str, message: &str) -> Vec<u8> {
    let m = Message::new(json!({ "message": message }).to_string().into_bytes())
        .add_header(header(":message-type", "exception"))
        .add_header(header(":exception-type", kind))
        .add_header(header(":content-type", "application/json"));
    let mut out = Vec::new();
    write_message_to(&m, &mut out).expect("a frame");
    out
}

fn result(stream: &str, message: &str, timestamp: i64) -> Value {
    json!({
        "logStreamName": stream,
        "logGroupIdentifier": GROUP,
        "message": message,
        "timestamp": timestamp,
        "ingestionTime": timestamp + 300
    })
}

/// The frames of one session, in the order AWS sends them.
fn recorded_frames() -> Vec<u8> {
    let start = json!({
        "requestId": "e8b7b8e5-0c2a-4a2e-9f3b-6f1c1f7d9a11",
        "sessionId": "b7a4f1f2-9d1e-4c55-8a3e-2f7c1c0e5b22",
        "logGroupIdentifiers": [GROUP],
        "logStreamNamePrefixes": ["ecs/web/"],
        "logEventFilterPattern": "error"
    });
    let first = json!({
        "sessionMetadata": {"sampled": false},
        "sessionResults": [
            result("ecs/web/bbbb2222bbbb2222", "error: second task", 1_764_313_200_500),
            result("ecs/web/aaaa1111aaaa1111", "error: in the backlog too", 1_764_313_200_000),
        ]
    });
    let empty = json!({"sessionMetadata": {"sampled": false}, "sessionResults": []});
    let later = json!({
        "sessionMetadata": {"sampled": false},
        "sessionResults": [result("ecs/web/aaaa1111aaaa1111", "error: later", 1_764_313_201_000)]
    });
    [
        event("sessionStart", &start),
        event("sessionUpdate", &first),
        event("sessionUpdate", &empty),
        event("sessionUpdate", &later),
        exception("SessionTimeoutException", "Session timed out after 3 hours"),
    ]
    .concat()
}

/// Answers one request with `body` as an event stream; returns the request's Host header and
/// JSON body.
async fn serve_once(listener: tokio::net::TcpListener, body: Vec<u8>) -> (String, Value) {
    let (mut sock, _) = listener.accept().await.expect("a connection");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.expect("read");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let field = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let length: usize = field("content-length").parse().unwrap_or(0);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await.expect("read");
        buf.extend_from_slice(&chunk[..n]);
    }
    let request: Value = serde_json::from_slice(&buf[head_end..head_end + length]).expect("json");
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\
         x-amzn-requestid: e8b7b8e5-0c2a-4a2e-9f3b-6f1c1f7d9a11\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    sock.write_all(response.as_bytes()).await.expect("write");
    sock.write_all(&body).await.expect("write");
    sock.shutdown().await.ok();
    (field("host"), request)
}

fn clients_at(endpoint: &str) -> AwsClients {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_with_resolver(Loopback);
    let config = SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(
            aws_sdk_cloudwatchlogs::config::Credentials::new("AKID", "secret", None, None, "t"),
        ))
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .http_client(http)
        .build();
    AwsClients::from_sdk_config(&config)
}

#[test]
fn recorded_frames_decode_to_prefixed_lines_in_order_without_the_backlogs_events() {
    let lines = super::super::replay::run(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(serve_once(listener, recorded_frames()));
        let clients = clients_at(&format!("http://127.0.0.1:{port}"));
        let arns = vec![GROUP.to_string()];
        let prefixes = vec!["ecs/web/".to_string()];
        let q = TailQuery {
            group_arns: &arns,
            stream_prefixes: &prefixes,
            pattern: Some("error"),
        };
        let mut session = start(&clients, &q).await.expect("the session opens");
        let (host, request) = server.await.unwrap();
        assert_eq!(
            host,
            format!("stream-127.0.0.1:{port}"),
            "the SDK's host prefix"
        );
        assert_eq!(
            request,
            json!({"logGroupIdentifiers": [GROUP], "logStreamNamePrefixes": ["ecs/web/"],
                   "logEventFilterPattern": "error"})
        );
        // The backlog FilterLogEvents returned before the session's first update.
        let mut seen = Seen::default();
        let backlog = vec![LogEvent {
            timestamp: 1_764_313_200_000,
            stream: "ecs/web/aaaa1111aaaa1111".into(),
            message: "error: in the backlog too".into(),
            event_id: "3720".into(),
        }];
        let mut lines: Vec<String> = seen
            .fresh(backlog)
            .iter()
            .map(|e| crate::render::logs::human(e, false))
            .collect();
        let mut frames = 0;
        let end = loop {
            match session.next().await {
                Ok(Some(events)) => {
                    frames += 1;
                    let fresh = seen.fresh(events);
                    lines.extend(fresh.iter().map(|e| crate::render::logs::human(e, false)));
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        assert_eq!(frames, 4, "sessionStart and three updates");
        let end = end.expect("the exception frame ends the stream");
        assert!(end.is_code(SESSION_TIMEOUT), "{end:?}");
        assert_eq!(end.message, "Session timed out after 3 hours");
        assert!(!unavailable(&end));
        lines
    });
    assert_eq!(
        lines.concat(),
        "aaaa1111 web | error: in the backlog too\n\
         bbbb2222 web | error: second task\n\
         aaaa1111 web | error: later\n"
    );
}

#[test]
fn an_unreachable_stream_host_means_unavailable() {
    // What the emulator answers too: its endpoint's `stream-` host does not resolve.
    let e = super::super::replay::run(async {
        let config = SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(SharedCredentialsProvider::new(
                aws_sdk_cloudwatchlogs::config::Credentials::new("AKID", "s", None, None, "t"),
            ))
            .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
            .build();
        let clients = AwsClients::from_sdk_config(&config);
        let arns = vec![GROUP.to_string()];
        let q = TailQuery {
            group_arns: &arns,
            stream_prefixes: &[],
            pattern: None,
        };
        start(&clients, &q).await.expect_err("no such host")
    });
    assert!(unavailable(&e), "{e:?}");
    let denied = AwsError::new(
        "logs",
        "StartLiveTail",
        None,
        Some("AccessDeniedException"),
        "not authorized to perform: logs:StartLiveTail",
    );
    assert!(unavailable(&denied));
    let throttled = AwsError::new(
        "logs",
        "StartLiveTail",
        None,
        Some("ThrottlingException"),
        "x",
    );
    assert!(!unavailable(&throttled));
}

#[test]
fn a_streaming_exception_ends_the_stream_with_its_code() {
    let frames = [
        event("sessionStart", &json!({"requestId": "r", "sessionId": "s"})),
        exception("SessionStreamingException", "Internal error"),
    ]
    .concat();
    let end = super::super::replay::run(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(serve_once(listener, frames));
        let clients = clients_at(&format!("http://127.0.0.1:{port}"));
        let arns = vec![GROUP.to_string()];
        let q = TailQuery {
            group_arns: &arns,
            stream_prefixes: &[],
            pattern: None,
        };
        let mut session = start(&clients, &q).await.expect("the session opens");
        let (_, request) = server.await.unwrap();
        assert_eq!(
            request,
            json!({"logGroupIdentifiers": [GROUP]}),
            "no prefixes, no pattern"
        );
        assert_eq!(session.next().await.expect("sessionStart"), Some(vec![]));
        session.next().await.expect_err("the exception frame")
    });
    assert!(end.is_code("SessionStreamingException"), "{end:?}");
    assert_eq!(end.message, "Internal error");
}
