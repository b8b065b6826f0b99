//! `beforeDeploy: [JOB...]`: the jobs apply runs after registering the new task definitions
//! and before updating or creating any service (a database migration before the code that
//! needs it).
//!
//! Owns the key's rules: each name is a job of `scheduledTasks` in this environment, named once;
//! an empty list (an environment's override) means none. Must not decide when the jobs run
//! (`crate::plan` shows them when a plan deploys something; `crate::apply::before_deploy` runs
//! them).

use std::collections::BTreeSet;

use super::resources::ScheduledTask;
use super::scope::Scope;
use crate::spec::raw::RawProject;

/// The job keys, in the order written (apply runs them one after the other).
pub fn before_deploy(cx: &Scope, raw: &RawProject, jobs: &[ScheduledTask]) -> Vec<String> {
    let Some(list) = &raw.before_deploy else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, name) in list.value.iter().enumerate() {
        let path = format!("beforeDeploy[{i}]");
        if !jobs.iter().any(|j| j.key == name.value) {
            let known: Vec<String> = jobs.iter().map(|j| format!("`{}`", j.key)).collect();
            let hint = match known.is_empty() {
                true => "define the job under `scheduledTasks:` (without `schedule:` it runs only on demand)".to_string(),
                false => format!("jobs: {}", known.join(", ")),
            };
            cx.error_hint(
                name.loc,
                path,
                format!(
                    "`beforeDeploy` names `{}`, which is not a job of `scheduledTasks`",
                    name.value
                ),
                hint,
            );
        } else if !seen.insert(name.value.clone()) {
            cx.error(
                name.loc,
                path,
                format!("`beforeDeploy` names `{}` twice", name.value),
            );
        } else {
            out.push(name.value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::model::testkit::{diagnostics, ok};

    const JOBS: &str = "services:\n  api:\n    image: nginx\nscheduledTasks:\n  migrate:\n    service: api\n    command: [migrate]\n  seed:\n    service: api\n    command: [seed]\n";

    #[test]
    fn the_jobs_are_kept_in_the_order_written() {
        let (d, _) = ok(&format!("{JOBS}beforeDeploy: [seed, migrate]\n"));
        assert_eq!(d.before_deploy, ["seed", "migrate"]);
        let (none, _) = ok(JOBS);
        assert!(none.before_deploy.is_empty());
    }

    #[test]
    fn an_unknown_or_repeated_job_is_a_located_error() {
        let got: Vec<(String, String)> =
            diagnostics(&format!("{JOBS}beforeDeploy: [migrate, migrat, migrate]\n"))
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| (d.path, d.message))
                .collect();
        assert_eq!(
            got,
            [
                (
                    "beforeDeploy[1]".to_string(),
                    "`beforeDeploy` names `migrat`, which is not a job of `scheduledTasks`"
                        .to_string()
                ),
                (
                    "beforeDeploy[2]".to_string(),
                    "`beforeDeploy` names `migrate` twice".to_string()
                ),
            ]
        );
    }
}
