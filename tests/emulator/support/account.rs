//! Per-test AWS accounts on the shared emulator, and the ways a test acts in one: the real
//! `ecsctl` binary (`ecsctl()` / `env()`), boto3 out of band (`call`, `batch`, `oob`), EC2
//! fixtures (`network`) and a read-only state snapshot (`snapshot`).
//!
//! Accounts come from `sts:AssumeRole` into `arn:aws:iam::<random 12 digits>:role/ecsctl-test`:
//! moto maps the returned `ASIA…` key to that account for every later call (the role need not
//! exist). Plain different access keys would all land in the default account 123456789012.

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use super::{Emulator, REGION, emulator, http, oob};

/// A fresh account on the emulator, with assumed-role credentials and an isolated HOME.
pub struct TestAccount {
    /// 12 digits.
    pub id: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Empty directory used as HOME (no ~/.aws/config or credentials leak in).
    pub home: tempfile::TempDir,
    /// The server the account lives on (the shared one, or a test's private one).
    pub endpoint: String,
    /// Attempts per out-of-band boto3 call: 1 (an emulator gap fails fast), more on a server
    /// that injects faults.
    pub oob_attempts: u32,
}

/// VPC, two subnets (two AZs) and a security group created in the account's moto EC2.
#[derive(Debug, Clone)]
pub struct Network {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_id: String,
}

/// An AWS error returned to boto3: the error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub code: String,
    pub message: String,
}

/// Variables that would redirect credentials, region or endpoints away from the test account.
const ENV_REMOVE: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// A fresh, empty account on the shared emulator.
pub fn account() -> TestAccount {
    emulator().account()
}

/// A fresh, empty account on `emulator`.
pub(super) fn account_on(emulator: &Emulator) -> TestAccount {
    let id = random_account_id();
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName=ecsctl-test",
        http::form_encode(&format!("arn:aws:iam::{id}:role/ecsctl-test"))
    );
    // moto routes on the SigV4 credential scope and never checks the signature.
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAECSCTLTEST000000/20260101/{REGION}/sts/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let response = http::request(
        &emulator.endpoint,
        "POST",
        "/",
        &[
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Authorization", &auth),
        ],
        &body,
    )
    .unwrap_or_else(|e| panic!("sts:AssumeRole to {}: {e}", emulator.endpoint));
    let field = |tag: &str| {
        http::xml_text(&response.body, tag)
            .unwrap_or_else(|| panic!("AssumeRole response lacks <{tag}>: {}", response.body))
            .to_string()
    };
    assert_eq!(response.status, 200, "AssumeRole: {}", response.body);
    TestAccount {
        access_key_id: field("AccessKeyId"),
        secret_access_key: field("SecretAccessKey"),
        session_token: field("SessionToken"),
        id,
        home: tempfile::tempdir().expect("temp HOME"),
        endpoint: emulator.endpoint.clone(),
        oob_attempts: emulator.oob_attempts,
    }
}

fn random_account_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    // 2xxxxxxxxxxx..9xxxxxxxxxxx: never moto's default 123456789012.
    format!("{}", 200_000_000_000 + hasher.finish() % 800_000_000_000)
}

impl TestAccount {
    /// Environment for a process acting in this account (AWS CLI conventions).
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.home.path();
        [
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.clone()),
            ("AWS_SESSION_TOKEN", self.session_token.clone()),
            ("AWS_REGION", REGION.to_string()),
            ("HOME", home.display().to_string()),
            (
                "AWS_CONFIG_FILE",
                home.join(".aws/config").display().to_string(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join(".aws/credentials").display().to_string(),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            // Read by scripts/aws-oob.py only (ecsctl ignores it).
            ("ECSCTL_OOB_MAX_ATTEMPTS", self.oob_attempts.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Applies `env()` to `cmd`, removing inherited variables that would override it
    /// (profiles, web identity, container credentials, per-service `AWS_ENDPOINT_URL_*`).
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        for name in ENV_REMOVE {
            cmd.env_remove(name);
        }
        for (name, _) in std::env::vars() {
            if name.starts_with("AWS_ENDPOINT_URL_") {
                cmd.env_remove(name);
            }
        }
        cmd.envs(self.env())
    }

    /// The real `ecsctl` binary, set up to act in this account.
    pub fn ecsctl(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsctl"));
        self.apply(&mut cmd);
        // The plan's cost line uses the embedded prices, whatever price cache the machine
        // running the tests has (`ecsctl prices update`): a directory nothing creates.
        cmd.env(
            "ECSCTL_CACHE_DIR",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-price-cache"),
        );
        cmd
    }

    /// Runs `scripts/aws-oob.py ARGS` (boto3) in this account; stdout parsed as JSON.
    /// Exit 3 (an AWS error) is `Err`; any other failure panics with the error text.
    /// (Served by one long-lived aws-oob.py process per test run: see support/oob.rs.)
    pub fn oob(&self, args: &[&str]) -> Result<Value, AwsError> {
        self.oob_with_stdin(args, None)
    }

    fn oob_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Result<Value, AwsError> {
        let reply = oob::run(&self.env(), args, stdin.unwrap_or_default());
        let parsed: Option<Value> = serde_json::from_str(&reply.stdout).ok();
        match (reply.code, parsed) {
            (0, Some(v)) => Ok(v),
            (3, Some(v)) => Err(aws_error(&v["Error"])),
            (code, _) => panic!(
                "aws-oob.py {args:?} failed (exit {code}):\n{}\n{}",
                reply.stdout, reply.stderr
            ),
        }
    }

    /// One AWS call through boto3: `call("ecs", "DescribeServices", json!({...}))`.
    /// The operation is the API name (`DescribeServices`) or boto3's (`describe_services`).
    pub fn call(&self, service: &str, operation: &str, params: Value) -> Result<Value, AwsError> {
        self.oob(&["call", service, operation, &params.to_string()])
    }

    /// Repeats an out-of-band read until `done` holds and returns that answer: AWS's reads are
    /// eventually consistent, so a change made out of band (drift) shows after a moment, and a
    /// test acts on it only once a reader can see it. Panics after 10 s.
    pub fn call_until(
        &self,
        service: &str,
        operation: &str,
        params: Value,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let last = self.call(service, operation, params.clone());
            if let Ok(v) = &last
                && done(v)
            {
                return v.clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{service}:{operation} never showed what the test waits for; last: {last:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Many calls in one request. `calls` are `(service, operation, params)`; results keep
    /// their order, and later calls still run after an AWS error.
    pub fn batch(&self, calls: &[(&str, &str, Value)]) -> Vec<Result<Value, AwsError>> {
        self.batch_with(&["batch"], calls)
    }

    /// `batch` for fixtures: each call is sent again while AWS answers "not yet" (ECS's
    /// service-linked role in a fresh account, a role or service still propagating, a draining
    /// name; see aws-oob.py NOT_YET), as a script run against AWS would have to.
    pub fn batch_settled(&self, calls: &[(&str, &str, Value)]) -> Vec<Result<Value, AwsError>> {
        self.batch_with(&["batch", "--settle"], calls)
    }

    fn batch_with(
        &self,
        argv: &[&str],
        calls: &[(&str, &str, Value)],
    ) -> Vec<Result<Value, AwsError>> {
        let input: Vec<Value> = calls
            .iter()
            .map(|(s, o, p)| json!({"service": s, "operation": o, "params": p}))
            .collect();
        let out = self
            .oob_with_stdin(argv, Some(&Value::Array(input).to_string()))
            .unwrap_or_else(|e| panic!("aws-oob batch: {e:?}"));
        out.as_array()
            .expect("batch returns a list")
            .iter()
            .map(|r| match r.get("ok") {
                Some(ok) => Ok(ok.clone()),
                None => Err(aws_error(&r["error"])),
            })
            .collect()
    }

    /// A VPC, two subnets and a security group in this account's EC2 (ECS validates the IDs
    /// in awsvpcConfiguration, so services need real ones).
    pub fn network(&self) -> Network {
        let v = self.oob(&["network"]).expect("create network fixture");
        let s = |k: &str| v[k].as_str().expect(k).to_string();
        Network {
            vpc_id: s("VpcId"),
            subnet_ids: v["SubnetIds"]
                .as_array()
                .expect("SubnetIds")
                .iter()
                .map(|x| x.as_str().expect("subnet id").to_string())
                .collect(),
            security_group_id: s("SecurityGroupId"),
        }
    }

    /// The emulator's stored state for this account, in the shape of moto's
    /// `/moto-api/data.json` (`{service: {Model: [records]}}`), for "this command wrote
    /// nothing" tests: compare two snapshots. moto's own data.json is global across accounts
    /// and takes seconds; the emulator's `/ecsctl-emulator/snapshot` route keeps only records
    /// that mention this account id, in the services ecsctl touches, without moto's built-in
    /// catalogues (AMIs, AWS managed policies).
    ///
    /// Waits until nothing in the account changes by time alone any more (rollouts, drains,
    /// Cloud Map deregistrations, RunTask lifecycles of the realistic mode: the server's
    /// `X-Ecsctl-Pending` is 0), so a snapshot taken before a command differs from one taken
    /// after only by what the command did. Panics after 30 s.
    pub fn snapshot(&self) -> Value {
        let path = format!("/ecsctl-emulator/snapshot?account={}", self.id);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let response =
                http::request(&self.endpoint, "GET", &path, &[], "").expect("GET snapshot");
            assert_eq!(response.status, 200, "snapshot: {}", response.body);
            let pending = response.header("X-Ecsctl-Pending").unwrap_or("0");
            if pending == "0" {
                return serde_json::from_str(&response.body).expect("snapshot is JSON");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the account still has {pending} timed changes after 30 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// This account's HOME, e.g. to write an `~/.aws/config` for profile tests.
    pub fn home_path(&self) -> PathBuf {
        self.home.path().to_path_buf()
    }
}

fn aws_error(v: &Value) -> AwsError {
    AwsError {
        code: v["Code"].as_str().unwrap_or_default().to_string(),
        message: v["Message"].as_str().unwrap_or_default().to_string(),
    }
}
