//! The result of one `ecsctl` run in an emulator test, and what tests read from it.

use std::process::Output;

/// The writes of the environment lock (docs/apply.md, "Lock"): ecsctl uses SSM for nothing
/// else (only `src/aws/ssm.rs` calls it, on `/ecsctl/locks/APP/ENV`), so these names are the
/// lock's writes and "nothing changed" may leave them out.
pub const LOCK_WRITES: [&str; 2] = ["ssm:PutParameter", "ssm:DeleteParameter"];

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Both streams, for assertion messages.
    pub fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }

    /// The `--stats` line's operations that change something, except the environment lock's
    /// own writes (`LOCK_WRITES`, by name: `lock_writes` lists those); panics without a stats
    /// line.
    pub fn mutating_calls(&self) -> Vec<String> {
        self.writes()
            .into_iter()
            .filter(|op| !LOCK_WRITES.contains(&op.as_str()))
            .collect()
    }

    /// The environment lock's own writes in the `--stats` line (taking and releasing it).
    pub fn lock_writes(&self) -> Vec<String> {
        self.writes()
            .into_iter()
            .filter(|op| LOCK_WRITES.contains(&op.as_str()))
            .collect()
    }

    /// Every write in the `--stats` line.
    fn writes(&self) -> Vec<String> {
        let line = self
            .stderr
            .lines()
            .find(|l| l.contains("aws calls:"))
            .unwrap_or_else(|| panic!("no --stats line:\n{}", self.stderr));
        // FilterLogEvents (`ecsctl logs`) reads too.
        let reads = ["Describe", "List", "Get", "Filter"];
        line.split_whitespace()
            .filter_map(|w| w.split_once('='))
            .map(|(op, _)| op.to_string())
            .filter(|op| {
                let name = op.rsplit(':').next().unwrap_or_default();
                op.contains(':') && !reads.iter().any(|r| name.starts_with(r))
            })
            .collect()
    }

    /// Asserts the `--stats` line holds no write. A snapshot comparison alone cannot see tag
    /// writes on Logs, Cloud Map or Scheduler (moto keeps those tags outside its models), so
    /// every "read-only" or "nothing changed" test checks this too.
    pub fn assert_no_writes(&self, what: &str) {
        let writes = self.mutating_calls();
        assert!(
            writes.is_empty(),
            "{what} wrote {writes:?}:\n{}",
            self.all()
        );
    }
}
