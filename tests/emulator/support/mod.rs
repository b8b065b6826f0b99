//! Harness for the emulator test binary (tests/emulator/main.rs): one patched moto server per
//! test-binary run, shared by all tests, each test in its own fresh AWS account.
//!
//! ```ignore
//! let acct = support::account();             // fresh 12-digit account on the shared server
//! let net = acct.network();                  // VPC, 2 subnets, SG in moto EC2 (ECS checks them)
//! let out = acct.ecsctl().args(["plan", "-e", "dev"]).output().unwrap();
//! let live = acct.call("ecs", "DescribeServices", json!({...})).unwrap();  // boto3, out of band
//! ```
//!
//! The server is started lazily by the first test that needs it (`scripts/emulator --port 0
//! --watch-parent`, which installs the venv if needed), and exits by itself when this process
//! exits: the test binary's statics are never dropped, so the python server polls its parent pid
//! instead (no orphans, even after a panic or SIGKILL). Set `ECSCTL_TEST_EMULATOR=http://…` to
//! use an already running server (`scripts/emulator --background`) while iterating.
//!
//! Never call `/moto-api/reset` from a test: the server and its state are shared by every test
//! running in parallel; isolation comes from accounts (see `account()`), not from resets.
//! Must not: mock AWS responses or reach anything but 127.0.0.1.
#![allow(dead_code)] // the harness API is shared by modules other engineers add

mod account;
pub mod http;
mod oob;
mod run;

pub use account::{AwsError, Network, TestAccount, account};
pub use run::Run;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The region every test account uses.
pub const REGION: &str = "eu-west-1";

/// The running emulator.
pub struct Emulator {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    /// Server log (stderr of scripts/emulator), for failure messages.
    pub log: Option<PathBuf>,
    // Kept so the pipe stays open; the watchdog in server.py ends the process.
    _process: Option<Mutex<(Child, ChildStdout)>>,
}

/// The repository root (where scripts/ and .venv/ live).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shared emulator, started on first use.
pub fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| match std::env::var("ECSCTL_TEST_EMULATOR") {
        Ok(endpoint) if !endpoint.is_empty() => Emulator {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            log: None,
            _process: None,
        },
        _ => start(),
    })
}

fn start() -> Emulator {
    let log =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("emulator-{}.log", std::process::id()));
    let log_file = File::create(&log).expect("create emulator log");
    let mut child = Command::new(repo_root().join("scripts/emulator"))
        .args(["--port", "0", "--quiet", "--watch-parent"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .expect("spawn scripts/emulator");
    let stdout = child.stdout.take().expect("emulator stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("read emulator endpoint");
    let endpoint = line.trim().to_string();
    if !endpoint.starts_with("http://127.0.0.1:") {
        let _ = child.kill();
        panic!(
            "scripts/emulator did not print its endpoint (got `{endpoint}`); log {}:\n{}",
            log.display(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    Emulator {
        endpoint,
        log: Some(log),
        _process: Some(Mutex::new((child, reader.into_inner()))),
    }
}

/// The project venv's python (installed by scripts/emulator-install).
pub fn python() -> PathBuf {
    repo_root().join(".venv/bin/python")
}
