//! GitHub's REST API for a pull request's comments, as far as the GitHub Action's comment step
//! (scripts/action/comment.sh) uses it: list (100 a page), create, update. Stateful, so a second
//! run finds what the first posted; and the outputs a step writes. Included by the CLI and emulator test crates (`#[path]`);
//! needs the `http_server` module beside it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::http_server::http_server;

pub struct GitHub {
    pub port: u16,
    /// (method, path, body) of every request, in order.
    pub requests: Arc<Mutex<Vec<(String, String, String)>>>,
    /// The pull request's comments now.
    pub comments: Arc<Mutex<Vec<Value>>>,
}

/// A server holding `existing` comments (`{"id", "body"}`); every request answered with
/// `status` and GitHub's message when `status` is not 200.
pub fn github(existing: Vec<Value>, status: u16) -> GitHub {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let comments = Arc::new(Mutex::new(existing));
    let (log, state) = (requests.clone(), comments.clone());
    let port = http_server(move |method, path, body| {
        log.lock().unwrap().push((
            method.to_string(),
            path.to_string(),
            String::from_utf8_lossy(body).into_owned(),
        ));
        if status != 200 {
            let msg = json!({"message": "Resource not accessible by integration"});
            return (status, "application/json", msg.to_string().into_bytes());
        }
        let mut comments = state.lock().unwrap();
        let sent = || -> String {
            let v: Value = serde_json::from_slice(body).expect("a JSON body");
            v["body"].as_str().expect("a `body`").to_string()
        };
        let url = |id: &Value| format!("https://github.com/o/r/pull/7#issuecomment-{id}");
        let (code, answer) = match method {
            "GET" => {
                let page: usize = path
                    .split("page=")
                    .last()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                let slice: Vec<_> = comments.iter().skip((page - 1) * 100).take(100).collect();
                (200, json!(slice))
            }
            "POST" => {
                let id = comments
                    .iter()
                    .filter_map(|c| c["id"].as_u64())
                    .max()
                    .unwrap_or(0)
                    + 1;
                comments.push(json!({"id": id, "body": sent()}));
                (201, json!({"id": id, "html_url": url(&json!(id))}))
            }
            "PATCH" => {
                let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
                let body = sent();
                let c = comments
                    .iter_mut()
                    .find(|c| c["id"] == json!(id))
                    .expect("PATCH of an existing comment");
                c["body"] = json!(body);
                (200, json!({"id": id, "html_url": url(&json!(id))}))
            }
            _ => (405, json!({"message": "Method Not Allowed"})),
        };
        (code, "application/json", answer.to_string().into_bytes())
    });
    GitHub {
        port,
        requests,
        comments,
    }
}

/// The `name=value` lines a step wrote to its GITHUB_OUTPUT file (none when it wrote none).
pub fn step_outputs(file: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
