//! The long-lived `scripts/aws-oob.py serve` process behind `TestAccount::oob` and friends:
//! boto3 is imported once per test run instead of once per call (~0.3–0.5 s each on these
//! machines). Requests are serialised through a mutex; each carries its account's env.
//! The process exits when this one does (its stdin closes).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};

use super::{python, repo_root};

struct Server {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Exit code and stdout of one aws-oob.py invocation.
pub struct Reply {
    pub code: i64,
    pub stdout: String,
    pub stderr: String,
}

fn server() -> &'static Mutex<Server> {
    static SERVER: OnceLock<Mutex<Server>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let log = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("aws-oob-{}.log", std::process::id()));
        let mut child = Command::new(python())
            .arg(repo_root().join("scripts/aws-oob.py"))
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("create aws-oob log"))
            .spawn()
            .expect("spawn aws-oob.py serve");
        let stdin = child.stdin.take().expect("aws-oob stdin");
        let stdout = BufReader::new(child.stdout.take().expect("aws-oob stdout"));
        Mutex::new(Server {
            _child: child,
            stdin,
            stdout,
        })
    })
}

/// Runs `aws-oob.py ARGV` (with `stdin` as its input) in the environment `env`.
pub fn run(env: &[(String, String)], argv: &[&str], stdin: &str) -> Reply {
    let env: serde_json::Map<String, Value> = env
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let request = json!({"env": env, "argv": argv, "stdin": stdin}).to_string();
    // A test that panicked while holding the lock leaves the process in a clean state
    // (a whole request/reply pair is exchanged under the lock), so poisoning is ignored.
    let mut server = server().lock().unwrap_or_else(|p| p.into_inner());
    writeln!(server.stdin, "{request}").expect("write to aws-oob.py serve");
    server.stdin.flush().expect("flush aws-oob.py serve");
    let mut line = String::new();
    server
        .stdout
        .read_line(&mut line)
        .expect("read from aws-oob.py serve");
    let reply: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("aws-oob.py serve replied `{line}`: {e}"));
    Reply {
        code: reply["code"].as_i64().unwrap_or(-1),
        stdout: reply["stdout"].as_str().unwrap_or_default().to_string(),
        stderr: reply["stderr"].as_str().unwrap_or_default().to_string(),
    }
}
