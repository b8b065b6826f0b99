//! What a lock records about its holder (the parameter's JSON value), and how it reads to people.
//!
//! Owns `LockRecord` (id, command, who, where, when), its JSON, the detection of "who" and
//! "where" from the process environment (given as a lookup function, so tests pass their own),
//! the fresh lock id, and the wording of a holder with its age. Must not call AWS or sleep.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::clock::{format_rfc3339, parse_rfc3339};

/// The value of the lock parameter. Field names are part of the interface: other tools and
/// people read them (`aws ssm get-parameter`), and older ecsctl versions must parse newer ones,
/// so fields are only ever added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRecord {
    /// A fresh random-looking id per acquisition; `ecsctl unlock` names it.
    pub id: String,
    /// The ecsctl command holding it: `apply`, `destroy`, `run migrate`.
    pub command: String,
    /// The caller's STS ARN, plus ` (user NAME)` when `$USER` is set.
    pub who: String,
    /// The host name, plus ` (CI job URL)` when a CI system says which job this is.
    #[serde(rename = "where")]
    pub where_: String,
    /// RFC 3339 UTC, whole seconds.
    pub when: String,
}

impl LockRecord {
    /// The record for a new acquisition by this process, now.
    pub fn new(command: &str, caller_arn: &str, env: &dyn Fn(&str) -> Option<String>) -> Self {
        let now = SystemTime::now();
        let host = hostname(env);
        LockRecord {
            id: fresh_id(&host, now),
            command: command.to_string(),
            who: who(caller_arn, env),
            where_: where_(&host, env),
            when: format_rfc3339(now),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record in a parameter's value, or None when the value is not an ecsctl lock (then
    /// the holder is unknown, and the lock is never silently overwritten).
    pub fn parse(value: &str) -> Option<LockRecord> {
        serde_json::from_str(value)
            .ok()
            .filter(|r: &LockRecord| !r.id.is_empty())
    }

    /// How long it has been held at `now`, when `when` parses.
    pub fn age(&self, now: SystemTime) -> Option<Duration> {
        let since = parse_rfc3339(&self.when)?;
        Some(now.duration_since(since).unwrap_or_default())
    }

    /// `` `ARN` (user ci) running `apply` on `runner-12 (URL)` since WHEN (3 min ago) ``.
    pub fn describe(&self, now: SystemTime) -> String {
        let who = match self.who.split_once(" (user ") {
            Some((arn, user)) => format!("`{arn}` (user {}", user),
            None => format!("`{}`", self.who),
        };
        let age = match self.age(now) {
            Some(a) => format!(" ({})", ago(a)),
            None => String::new(),
        };
        format!(
            "{who} running `{}` on `{}` since {}{age}",
            self.command, self.where_, self.when
        )
    }
}

/// `12 s ago`, `3 min ago`, `2 h 5 min ago`, `3 days ago`.
pub fn ago(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 if (s % 3600) / 60 == 0 => format!("{} h ago", s / 3600),
        3600..86_400 => format!("{} h {} min ago", s / 3600, (s % 3600) / 60),
        86_400..172_800 => "1 day ago".to_string(),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// The caller's ARN, with the local user name when the environment has one.
pub fn who(caller_arn: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let arn = if caller_arn.is_empty() {
        "unknown caller"
    } else {
        caller_arn
    };
    match env("USER").filter(|u| !u.is_empty()) {
        Some(user) => format!("{arn} (user {user})"),
        None => arn.to_string(),
    }
}

/// The host, with the CI job's URL when GitHub Actions, GitLab CI or Jenkins says which job
/// this is (their documented variables), so a stale lock leads to the run that left it.
pub fn where_(host: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    match ci_job_url(env) {
        Some(url) => format!("{host} ({url})"),
        None => host.to_string(),
    }
}

fn ci_job_url(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    // https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables
    if let (Some(server), Some(repo), Some(run)) = (
        get("GITHUB_SERVER_URL"),
        get("GITHUB_REPOSITORY"),
        get("GITHUB_RUN_ID"),
    ) {
        return Some(format!("{server}/{repo}/actions/runs/{run}"));
    }
    // https://docs.gitlab.com/ci/variables/predefined_variables/ (CI_JOB_URL);
    // https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables (BUILD_URL)
    get("CI_JOB_URL").or_else(|| get("BUILD_URL"))
}

/// `$HOSTNAME` when the shell exported it, else the kernel's host name (Linux), else a fixed
/// word: "where" is for people, so an unknown host must not fail the lock.
fn hostname(env: &dyn Fn(&str) -> Option<String>) -> String {
    env("HOSTNAME")
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .or_else(|_| std::fs::read_to_string("/etc/hostname"))
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "unknown host".to_string())
}

/// 20 hex digits of sha256(pid, time, host, a process counter): unique enough to tell two
/// acquisitions apart, without a crate for randomness.
fn fresh_id(host: &str, now: SystemTime) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let mut h = Sha256::new();
    h.update(std::process::id().to_le_bytes());
    h.update(nanos.to_le_bytes());
    h.update(host.as_bytes());
    h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    h.finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let list: Vec<(String, String)> = list
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| list.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn record() -> LockRecord {
        LockRecord {
            id: "1f2e3d4c5b6a79880011".into(),
            command: "apply".into(),
            who: "arn:aws:sts::123456789012:assumed-role/ci/gha-7 (user ci)".into(),
            where_: "runner-12 (https://github.com/acme/shop/actions/runs/42)".into(),
            when: "2026-11-28T07:01:02Z".into(),
        }
    }

    #[test]
    fn the_record_round_trips_through_its_json() {
        let r = record();
        let json = r.to_json();
        assert_eq!(
            json,
            r#"{"id":"1f2e3d4c5b6a79880011","command":"apply","who":"arn:aws:sts::123456789012:assumed-role/ci/gha-7 (user ci)","where":"runner-12 (https://github.com/acme/shop/actions/runs/42)","when":"2026-11-28T07:01:02Z"}"#
        );
        assert_eq!(LockRecord::parse(&json), Some(r));
        // Fields a later version adds are ignored; what is not an ecsctl lock is None.
        assert!(
            LockRecord::parse(&json.replace("\"id\"", "\"extra\":1,\"id\"")).is_some(),
            "unknown fields"
        );
        assert_eq!(LockRecord::parse("locked by bob"), None);
        assert_eq!(LockRecord::parse(r#"{"id":""}"#), None);
    }

    #[test]
    fn the_holder_reads_with_its_age() {
        let now = parse_rfc3339("2026-11-28T07:04:10Z").unwrap();
        assert_eq!(
            record().describe(now),
            "`arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on `runner-12 (https://github.com/acme/shop/actions/runs/42)` since 2026-11-28T07:01:02Z (3 min ago)"
        );
        let mut odd = record();
        odd.who = "arn:aws:iam::1:user/bob".into();
        odd.when = "yesterday".into();
        assert_eq!(
            odd.describe(now),
            "`arn:aws:iam::1:user/bob` running `apply` on `runner-12 (https://github.com/acme/shop/actions/runs/42)` since yesterday"
        );
    }

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        let s = Duration::from_secs;
        assert_eq!(ago(s(12)), "12 s ago");
        assert_eq!(ago(s(3 * 60 + 8)), "3 min ago");
        assert_eq!(ago(s(7200)), "2 h ago");
        assert_eq!(ago(s(2 * 3600 + 5 * 60)), "2 h 5 min ago");
        assert_eq!(ago(s(86_400 + 5)), "1 day ago");
        assert_eq!(ago(s(3 * 86_400)), "3 days ago");
    }

    #[test]
    fn where_names_the_ci_job_when_the_ci_says_which() {
        let gha = vars(&[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_RUN_ID", "42"),
            ("CI_JOB_URL", "https://gitlab.example/acme/shop/-/jobs/7"),
        ]);
        assert_eq!(
            where_("runner-12", &gha),
            "runner-12 (https://github.com/acme/shop/actions/runs/42)"
        );
        let gitlab = vars(&[("CI_JOB_URL", "https://gitlab.example/acme/shop/-/jobs/7")]);
        assert_eq!(
            where_("r", &gitlab),
            "r (https://gitlab.example/acme/shop/-/jobs/7)"
        );
        let jenkins = vars(&[("BUILD_URL", "https://ci.example/job/shop/9/")]);
        assert_eq!(where_("r", &jenkins), "r (https://ci.example/job/shop/9/)");
        // A partial GitHub set is not a URL.
        let partial = vars(&[("GITHUB_RUN_ID", "42"), ("BUILD_URL", "")]);
        assert_eq!(where_("laptop", &partial), "laptop");
    }

    #[test]
    fn who_is_the_arn_and_the_local_user() {
        let arn = "arn:aws:sts::1:assumed-role/dev/alice";
        assert_eq!(
            who(arn, &vars(&[("USER", "alice")])),
            format!("{arn} (user alice)")
        );
        assert_eq!(who(arn, &vars(&[])), arn);
        assert_eq!(who("", &vars(&[])), "unknown caller");
    }

    #[test]
    fn ids_are_fresh_and_hex() {
        let now = SystemTime::now();
        let a = fresh_id("h", now);
        let b = fresh_id("h", now);
        assert_ne!(a, b);
        assert_eq!(a.len(), 20);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
