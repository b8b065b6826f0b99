//! Test support: SDK calls answered by canned HTTP bodies, one per request in order, so a
//! response captured from AWS goes through the SDK's own deserializer exactly as a live one
//! would, and a listing can be made to span several pages.
//!
//! Owns the canned HTTP client and the record of what was sent. Must not be used outside
//! tests, and never talks to a network.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use aws_sdk_ecs::types::{Service, Tag, TaskDefinition};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::SharedCredentialsProvider;
use serde_json::{Value, json};

use super::AwsClients;

/// The JSON request bodies sent, in order.
#[derive(Clone, Debug, Default)]
pub struct Sent(Arc<Mutex<Vec<Value>>>);

impl Sent {
    pub fn bodies(&self) -> Vec<Value> {
        self.0.lock().expect("not poisoned").clone()
    }
}

/// Answers each request with HTTP 200 and the next body; a request past the last one panics.
#[derive(Debug)]
struct Pages {
    bodies: Mutex<VecDeque<String>>,
    sent: Sent,
}

impl HttpConnector for Pages {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let sent = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        self.sent.0.lock().expect("not poisoned").push(sent);
        let body = self
            .bodies
            .lock()
            .expect("not poisoned")
            .pop_front()
            .expect("a canned response for every request");
        let status = StatusCode::try_from(200).expect("200 is a status");
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(body))))
    }
}

/// Every client of `AwsClients` (with its call counter), answered by `pages` in order.
pub fn clients(pages: &[Value]) -> (AwsClients, Sent) {
    let bodies: Vec<String> = pages.iter().map(Value::to_string).collect();
    clients_raw(&bodies.iter().map(String::as_str).collect::<Vec<_>>())
}

/// `clients` with bodies sent as they are: the XML of the query protocol (IAM, STS).
pub fn clients_raw(pages: &[&str]) -> (AwsClients, Sent) {
    let sent = Sent::default();
    let connector = SharedHttpConnector::new(Pages {
        bodies: Mutex::new(pages.iter().map(|p| p.to_string()).collect()),
        sent: sent.clone(),
    });
    let config = SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(
            aws_sdk_ecs::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "replay"),
        ))
        .http_client(http_client_fn(move |_, _| connector.clone()))
        .build();
    (AwsClients::from_sdk_config(&config), sent)
}

pub fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// `services` (wire JSON) as DescribeServices returns them, parsed by the SDK.
pub fn describe_services(services: &[Value]) -> Vec<Service> {
    let (clients, _) = clients(&[json!({"services": services, "failures": []})]);
    run(clients.ecs.describe_services().services("any").send())
        .expect("the SDK parses the fixture")
        .services()
        .to_vec()
}

/// A DescribeTaskDefinition response (wire JSON), parsed by the SDK.
pub fn describe_task_definition(response: &Value) -> (TaskDefinition, Vec<Tag>) {
    let (clients, _) = clients(std::slice::from_ref(response));
    let out = run(clients
        .ecs
        .describe_task_definition()
        .task_definition("any")
        .send())
    .expect("the SDK parses the fixture");
    let td = out.task_definition().expect("a task definition").clone();
    (td, out.tags().to_vec())
}
