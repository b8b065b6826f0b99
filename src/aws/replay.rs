//! Test support: one SDK call answered by a canned HTTP body, so a response captured from AWS
//! goes through the SDK's own deserializer, exactly as a live one would.
//!
//! Owns the canned HTTP client. Must not be used outside tests, and never talks to a network.

use aws_sdk_ecs::types::{Service, Tag, TaskDefinition};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use serde_json::{Value, json};

/// Answers every request with HTTP 200 and `body`.
#[derive(Debug)]
struct Canned(String);

impl HttpConnector for Canned {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let status = StatusCode::try_from(200).expect("200 is a status");
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(self.0.clone()))))
    }
}

fn ecs(body: &Value) -> aws_sdk_ecs::Client {
    let body = body.to_string();
    let conf = aws_sdk_ecs::Config::builder()
        .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
        .region(aws_sdk_ecs::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ecs::config::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "replay",
        ))
        .http_client(http_client_fn(move |_, _| {
            SharedHttpConnector::new(Canned(body.clone()))
        }))
        .build();
    aws_sdk_ecs::Client::from_conf(conf)
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// `services` (wire JSON) as DescribeServices returns them, parsed by the SDK.
pub fn describe_services(services: &[Value]) -> Vec<Service> {
    let client = ecs(&json!({"services": services, "failures": []}));
    run(client.describe_services().services("any").send())
        .expect("the SDK parses the fixture")
        .services()
        .to_vec()
}

/// A DescribeTaskDefinition response (wire JSON), parsed by the SDK.
pub fn describe_task_definition(response: &Value) -> (TaskDefinition, Vec<Tag>) {
    let client = ecs(response);
    let out = run(client
        .describe_task_definition()
        .task_definition("any")
        .send())
    .expect("the SDK parses the fixture");
    let td = out.task_definition().expect("a task definition").clone();
    (td, out.tags().to_vec())
}
