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
pub mod fixtures;
// GitHub's comments API on a local server, shared with the CLI tests (tests/emulator/action.rs).
#[path = "../../common/github.rs"]
pub mod github;
pub mod http;
#[path = "../../common/http_server.rs"]
pub mod http_server;
mod oob;
mod run;

pub use account::{AwsError, Network, TestAccount, account};

use account::account_on;
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
    /// Attempts per out-of-band boto3 call in accounts on this server.
    pub oob_attempts: u32,
    // Kept so the pipe stays open; the watchdog in server.py ends the process.
    _process: Option<Mutex<(Child, ChildStdout)>>,
}

/// The repository root (where scripts/ and .venv/ live).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The realistic mode's windows for the suite (docs/emulator.md, "Realistic mode"): every
/// behaviour shows (a role unusable, a service MISSING, a rollout with two deployments, a drain,
/// Cloud Map instances, a DELETING group, lists of two items a page), scaled to fractions of a
/// second so the suite stays fast. ecsctl's own waits are the ones it uses against AWS.
pub const TEST_WINDOWS: &[(&str, &str)] = &[
    ("ECSCTL_EMULATOR_MODE", "realistic"),
    ("ECSCTL_EMULATOR_IAM_PROPAGATION_MS", "400"),
    ("ECSCTL_EMULATOR_SLR_PROPAGATION_MS", "400"),
    ("ECSCTL_EMULATOR_MISSING_MS", "400"),
    ("ECSCTL_EMULATOR_STALE_MS", "400"),
    ("ECSCTL_EMULATOR_ROLLOUT_MS", "800"),
    ("ECSCTL_EMULATOR_DRAIN_MS", "600"),
    ("ECSCTL_EMULATOR_AAS_LAG_MS", "400"),
    ("ECSCTL_EMULATOR_DEREGISTER_MS", "500"),
    ("ECSCTL_EMULATOR_GROUP_DELETE_MS", "400"),
    ("ECSCTL_EMULATOR_TASK_RUN_MS", "1000"),
    ("ECSCTL_EMULATOR_TAG_INDEX_MS", "400"),
    ("ECSCTL_EMULATOR_PAGE_SIZE", "2"),
    ("ECSCTL_EMULATOR_FAULT_RATE", "0"),
    ("ECSCTL_EMULATOR_DROP_RATE", "0"),
    // On by default in realistic mode; tests/emulator/rate.rs turns it on for its own server.
    ("ECSCTL_EMULATOR_RATE_LIMITS", "off"),
];

/// A window of `TEST_WINDOWS` (the shared server's), for a test that must wait it out.
pub fn window(name: &str) -> std::time::Duration {
    let ms = TEST_WINDOWS
        .iter()
        .find(|(k, _)| *k == name)
        .unwrap_or_else(|| panic!("`{name}` is not in TEST_WINDOWS"))
        .1;
    std::time::Duration::from_millis(ms.parse().expect("a number of milliseconds"))
}

/// The shared emulator (realistic mode, `TEST_WINDOWS`), started on first use.
pub fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| match std::env::var("ECSCTL_TEST_EMULATOR") {
        Ok(endpoint) if !endpoint.is_empty() => Emulator {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            log: None,
            oob_attempts: 1,
            _process: None,
        },
        _ => Emulator::start("shared", &[], 1),
    })
}

impl Emulator {
    /// A private server with `TEST_WINDOWS` overridden by `settings` (e.g. fault injection),
    /// for tests whose server-wide settings would disturb the others. It exits with this
    /// process, like the shared one.
    pub fn start(name: &str, settings: &[(&str, &str)], oob_attempts: u32) -> Emulator {
        start(name, settings, oob_attempts)
    }

    /// A fresh, empty account on this server.
    pub fn account(&self) -> TestAccount {
        account_on(self)
    }
}

fn start(name: &str, settings: &[(&str, &str)], oob_attempts: u32) -> Emulator {
    let log = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("emulator-{name}-{}.log", std::process::id()));
    let log_file = File::create(&log).expect("create emulator log");
    let mut cmd = Command::new(repo_root().join("scripts/emulator"));
    for (k, _) in std::env::vars() {
        if k.starts_with("ECSCTL_EMULATOR_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(TEST_WINDOWS.iter().copied())
        .envs(settings.iter().copied());
    let mut child = cmd
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
        oob_attempts,
        _process: Some(Mutex::new((child, reader.into_inner()))),
    }
}

/// The project venv's python (installed by scripts/emulator-install).
pub fn python() -> PathBuf {
    repo_root().join(".venv/bin/python")
}

/// RegisterTaskDefinition's input for a copy of a DescribeTaskDefinition answer's
/// `taskDefinition` (the fields RegisterTaskDefinition accepts): tests register revisions out
/// of band from what ecsctl registered, then change one thing.
pub fn reregister_input(described: &serde_json::Value) -> serde_json::Value {
    let mut input = serde_json::json!({});
    for key in [
        "family",
        "containerDefinitions",
        "cpu",
        "memory",
        "networkMode",
        "requiresCompatibilities",
        "executionRoleArn",
        "taskRoleArn",
        "runtimePlatform",
        "volumes",
        "ephemeralStorage",
    ] {
        if !described[key].is_null() {
            input[key] = described[key].clone();
        }
    }
    input
}
