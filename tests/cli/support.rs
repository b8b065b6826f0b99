//! One small builder that runs the real `ecsctl` binary and asserts exactly what it printed.
//!
//! Every run starts from an empty environment (only PATH is kept, HOME is a fresh temporary
//! directory) so a developer's NO_COLOR, RUST_LOG or AWS settings cannot change the result.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of a fixture project under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn ecsctl() -> Ecsctl {
    Ecsctl {
        program: PathBuf::from(env!("CARGO_BIN_EXE_ecsctl")),
        args: Vec::new(),
        cwd: None,
        env: Vec::new(),
        wrapper: Vec::new(),
    }
}

pub struct Ecsctl {
    program: PathBuf,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    /// A program that runs ecsctl (e.g. `strace -f ...`), with its own arguments.
    wrapper: Vec<OsString>,
}

impl Ecsctl {
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs ecsctl under `program args... ecsctl ...`.
    pub fn wrapped_in<I, S>(mut self, program_and_args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.wrapper = program_and_args.into_iter().map(Into::into).collect();
        self
    }

    pub fn run(self) -> Run {
        let home = tempfile::tempdir().expect("a temporary HOME");
        let mut command = match self.wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(&self.program);
                c
            }
            None => Command::new(&self.program),
        };
        command
            .args(&self.args)
            .env_clear()
            .env("HOME", home.path());
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        for (k, v) in &self.env {
            command.env(k, v);
        }
        if let Some(cwd) = &self.cwd {
            command.current_dir(cwd);
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.program));
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// What one run printed, and how it exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exact exit status, stdout and stderr, showing all three on failure.
    #[track_caller]
    pub fn assert(&self, code: i32, stdout: &str, stderr: &str) -> &Self {
        if self.code != Some(code) || self.stdout != stdout || self.stderr != stderr {
            panic!(
                "unexpected result\n--- exit status: want {code}, got {:?}\n--- stdout (want):\n{stdout}\n--- stdout (got):\n{}\n--- stderr (want):\n{stderr}\n--- stderr (got):\n{}\n---",
                self.code, self.stdout, self.stderr
            );
        }
        self
    }
}

// The local HTTP server and GitHub's comments API, shared with the emulator tests
// (tests/emulator/action.rs).
#[path = "../common/http_server.rs"]
pub mod http_server;
pub use http_server::http_server;
#[path = "../common/github.rs"]
pub mod github;
